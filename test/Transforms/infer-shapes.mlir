// RUN: iron-opt %s --pass-pipeline='builtin.module(func.func(iron-infer-shapes))' | FileCheck %s
// RUN: iron-opt %s --iron-infer-shapes | FileCheck %s
//
// iron-infer-shapes refines result types with ONNX's inference, in order, and
// the function's signature follows what it returns.

// CHECK-LABEL: func.func @refine_dims
// CHECK-SAME: -> tensor<2x4xf32>
// CHECK: "iron.MatMul"(%arg0, %arg1) : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
// CHECK: "iron.Relu"(%{{.*}}) : (tensor<2x4xf32>) -> tensor<2x4xf32>
// CHECK: "iron.Sigmoid"(%{{.*}}) : (tensor<2x4xf32>) -> tensor<2x4xf32>
func.func @refine_dims(%x: tensor<2x3xf32>, %w: tensor<3x4xf32>) -> tensor<?x?xf32> {
  %0 = "iron.MatMul"(%x, %w) : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<?x4xf32>
  %1 = "iron.Relu"(%0) : (tensor<?x4xf32>) -> tensor<?x?xf32>
  %2 = "iron.Sigmoid"(%1) : (tensor<?x?xf32>) -> tensor<?x?xf32>
  return %2 : tensor<?x?xf32>
}

// Unranked results get a rank; a constant target shape (with -1) is used.
// CHECK-LABEL: func.func @refine_unranked
// CHECK-SAME: -> tensor<4x36xf32>
// CHECK: "iron.Conv"(%arg0, %arg1) <{auto_pad = "NOTSET", group = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
// CHECK: "iron.Flatten"(%{{.*}}) <{axis = 1 : i64}> : (tensor<1x4x6x6xf32>) -> tensor<1x144xf32>
// CHECK: "iron.Reshape"(%{{.*}}, %{{.*}}) <{allowzero = 0 : i64}> : (tensor<1x144xf32>, tensor<2xi64>) -> tensor<4x36xf32>
// CHECK: "iron.Relu"(%{{.*}}) : (tensor<4x36xf32>) -> tensor<4x36xf32>
func.func @refine_unranked(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<*xf32> {
  %0 = "iron.Conv"(%x, %w) <{auto_pad = "NOTSET", group = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<*xf32>
  %1 = "iron.Flatten"(%0) <{axis = 1 : i64}> : (tensor<*xf32>) -> tensor<*xf32>
  %s = "iron.Constant"() <{value = dense<[-1, 36]> : tensor<2xi64>}> : () -> tensor<2xi64>
  %2 = "iron.Reshape"(%1, %s) : (tensor<*xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  %3 = "iron.Relu"(%2) : (tensor<?x?xf32>) -> tensor<*xf32>
  return %3 : tensor<*xf32>
}

// Several results, several returned values.
// CHECK-LABEL: func.func @refine_split
// CHECK-SAME: -> (tensor<2x4xf32>, tensor<4x4xf32>)
// CHECK: "iron.Split"(%arg0, %{{.*}}) <{axis = 0 : i64}> : (tensor<6x4xf32>, tensor<2xi64>) -> (tensor<2x4xf32>, tensor<4x4xf32>)
func.func @refine_split(%x: tensor<6x4xf32>) -> (tensor<?x4xf32>, tensor<*xf32>) {
  %s = "iron.Constant"() <{value = dense<[2, 4]> : tensor<2xi64>}> : () -> tensor<2xi64>
  %0:2 = "iron.Split"(%x, %s) <{axis = 0 : i64}> : (tensor<6x4xf32>, tensor<2xi64>) -> (tensor<?x4xf32>, tensor<*xf32>)
  return %0#0, %0#1 : tensor<?x4xf32>, tensor<*xf32>
}

// Dims ONNX cannot know stay dynamic; static dims already there stay.
// CHECK-LABEL: func.func @keep_dynamic
// CHECK-SAME: (%arg0: tensor<?x3xf32>) -> tensor<?x3xf32>
// CHECK: "iron.Relu"(%arg0) : (tensor<?x3xf32>) -> tensor<?x3xf32>
func.func @keep_dynamic(%x: tensor<?x3xf32>) -> tensor<*xf32> {
  %0 = "iron.Relu"(%x) : (tensor<?x3xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// The arguments are never changed.
// CHECK-LABEL: func.func @arguments_unchanged
// CHECK-SAME: (%arg0: tensor<*xf32>, %arg1: tensor<2x2xf32>) -> tensor<2x2xf32>
// CHECK: "iron.Add"(%arg0, %arg1) : (tensor<*xf32>, tensor<2x2xf32>) -> tensor<*xf32>
// CHECK: "iron.Relu"(%arg1) : (tensor<2x2xf32>) -> tensor<2x2xf32>
func.func @arguments_unchanged(%u: tensor<*xf32>, %x: tensor<2x2xf32>) -> tensor<*xf32> {
  %0 = "iron.Add"(%u, %x) : (tensor<*xf32>, tensor<2x2xf32>) -> tensor<*xf32>
  %1 = "iron.Relu"(%x) : (tensor<2x2xf32>) -> tensor<*xf32>
  return %1 : tensor<*xf32>
}
