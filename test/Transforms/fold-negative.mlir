// RUN: iron-opt %s --canonicalize -split-input-file | FileCheck %s
//
// What must NOT fold: shapes that are not static, operands that are not
// constant, weights (resource blobs, large tensors), results whose type is not
// static.

// CHECK-LABEL: func.func @shape_of_dynamic
// CHECK: %[[S:.*]] = "iron.Shape"(%arg0) <{start = 0 : i64}> : (tensor<?x3xf32>) -> tensor<2xi64>
// CHECK: %[[N:.*]] = "iron.Size"(%arg0) : (tensor<?x3xf32>) -> tensor<i64>
// CHECK: "iron.Shape"(%arg1) <{start = 0 : i64}> : (tensor<*xf32>) -> tensor<?xi64>
// CHECK: return %[[S]], %[[N]]
func.func @shape_of_dynamic(%x: tensor<?x3xf32>, %u: tensor<*xf32>) -> (tensor<2xi64>, tensor<i64>, tensor<?xi64>) {
  %0 = "iron.Shape"(%x) : (tensor<?x3xf32>) -> tensor<2xi64>
  %1 = "iron.Size"(%x) : (tensor<?x3xf32>) -> tensor<i64>
  %2 = "iron.Shape"(%u) : (tensor<*xf32>) -> tensor<?xi64>
  return %0, %1, %2 : tensor<2xi64>, tensor<i64>, tensor<?xi64>
}

// -----

// The shape chain of a dynamic batch stays as it is.
// CHECK-LABEL: func.func @shape_chain_dynamic
// CHECK: "iron.Shape"
// CHECK: "iron.Gather"
// CHECK: "iron.Unsqueeze"
// CHECK: "iron.Concat"
// CHECK: "iron.Reshape"
func.func @shape_chain_dynamic(%x: tensor<?x3x4x5xf32>) -> tensor<?x60xf32> {
  %s = "iron.Shape"(%x) : (tensor<?x3x4x5xf32>) -> tensor<4xi64>
  %i0 = "iron.Constant"() <{value = dense<0> : tensor<i64>}> : () -> tensor<i64>
  %d0 = "iron.Gather"(%s, %i0) <{axis = 0 : i64}> : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %ax = "iron.Constant"() <{value = dense<[0]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %u0 = "iron.Unsqueeze"(%d0, %ax) : (tensor<i64>, tensor<1xi64>) -> tensor<1xi64>
  %m1 = "iron.Constant"() <{value = dense<[-1]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %ns = "iron.Concat"(%u0, %m1) <{axis = 0 : i64}> : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %y = "iron.Reshape"(%x, %ns) : (tensor<?x3x4x5xf32>, tensor<2xi64>) -> tensor<?x60xf32>
  return %y : tensor<?x60xf32>
}

// -----

// One operand is a function argument: nothing to evaluate.
// CHECK-LABEL: func.func @non_constant_operand
// CHECK: "iron.Add"(%arg0, %{{.*}}) : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
// CHECK: "iron.Gather"(%arg0, %{{.*}}) <{axis = 0 : i64}>
// CHECK: "iron.Concat"(%arg0, %{{.*}}) <{axis = 0 : i64}>
// CHECK: "iron.Cast"(%arg0) <{to = 1 : i64}>
// CHECK: "iron.Unsqueeze"(%arg0, %{{.*}})
func.func @non_constant_operand(%a: tensor<2xi64>) -> (tensor<2xi64>, tensor<1xi64>, tensor<4xi64>, tensor<2xf32>, tensor<1x2xi64>) {
  %c = "iron.Constant"() <{value = dense<[1, 2]> : tensor<2xi64>}> : () -> tensor<2xi64>
  %i = "iron.Constant"() <{value = dense<[1]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %z = "iron.Constant"() <{value = dense<[0]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %0 = "iron.Add"(%a, %c) : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  %1 = "iron.Gather"(%a, %i) <{axis = 0 : i64}> : (tensor<2xi64>, tensor<1xi64>) -> tensor<1xi64>
  %2 = "iron.Concat"(%a, %c) <{axis = 0 : i64}> : (tensor<2xi64>, tensor<2xi64>) -> tensor<4xi64>
  %3 = "iron.Cast"(%a) <{to = 1 : i64}> : (tensor<2xi64>) -> tensor<2xf32>
  %4 = "iron.Unsqueeze"(%a, %z) : (tensor<2xi64>, tensor<1xi64>) -> tensor<1x2xi64>
  return %0, %1, %2, %3, %4 : tensor<2xi64>, tensor<1xi64>, tensor<4xi64>, tensor<2xf32>, tensor<1x2xi64>
}

// -----

// Weights held as resource blobs are never evaluated, even when small.
// CHECK-LABEL: func.func @resource_operands
// CHECK-DAG: %[[W:.*]] = "iron.Constant"() <{value = dense_resource<w> : tensor<4xf32>}>
// CHECK-DAG: %[[ONE:.*]] = "iron.Constant"() <{value = dense<1.000000e+00> : tensor<4xf32>}>
// CHECK: "iron.Add"(%[[W]], %[[ONE]])
// CHECK: "iron.Neg"(%[[W]])
// CHECK: "iron.Transpose"(%[[W]])
// CHECK: "iron.Identity"(%[[W]]) : (tensor<4xf32>) -> tensor<?xf32>
func.func @resource_operands() -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<?xf32>) {
  %w = "iron.Constant"() <{value = dense_resource<w> : tensor<4xf32>}> : () -> tensor<4xf32>
  %one = "iron.Constant"() <{value = dense<1.0> : tensor<4xf32>}> : () -> tensor<4xf32>
  %0 = "iron.Add"(%w, %one) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = "iron.Neg"(%w) : (tensor<4xf32>) -> tensor<4xf32>
  %2 = "iron.Transpose"(%w) : (tensor<4xf32>) -> tensor<4xf32>
  %3 = "iron.Identity"(%w) : (tensor<4xf32>) -> tensor<?xf32>
  return %0, %1, %2, %3 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<?xf32>
}

{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F000000400000404000008040"
    }
  }
#-}

// -----

// Dense tensors beyond 65536 elements are not evaluated either (a splat
// counts its full size).
// CHECK-LABEL: func.func @large_dense
// CHECK: "iron.Neg"
// CHECK: "iron.Add"
// CHECK: "iron.Cast"
func.func @large_dense() -> (tensor<65537xf32>, tensor<65537xf32>, tensor<65537xf16>) {
  %c = "iron.Constant"() <{value = dense<1.0> : tensor<65537xf32>}> : () -> tensor<65537xf32>
  %0 = "iron.Neg"(%c) : (tensor<65537xf32>) -> tensor<65537xf32>
  %1 = "iron.Add"(%c, %c) : (tensor<65537xf32>, tensor<65537xf32>) -> tensor<65537xf32>
  %2 = "iron.Cast"(%c) <{to = 10 : i64}> : (tensor<65537xf32>) -> tensor<65537xf16>
  return %0, %1, %2 : tensor<65537xf32>, tensor<65537xf32>, tensor<65537xf16>
}

// -----

// The folded value takes the op's declared result type, which must be static:
// a Reshape still typed tensor<?x?xi64> waits for shape inference.
// CHECK-LABEL: func.func @dynamic_result_type
// CHECK: "iron.Reshape"(%{{.*}}, %{{.*}}) <{allowzero = 0 : i64}> : (tensor<2x3xi64>, tensor<2xi64>) -> tensor<?x?xi64>
// CHECK: "iron.Add"(%{{.*}}, %{{.*}}) : (tensor<2xi64>, tensor<2xi64>) -> tensor<?xi64>
func.func @dynamic_result_type() -> (tensor<?x?xi64>, tensor<?xi64>) {
  %d = "iron.Constant"() <{value = dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi64>}> : () -> tensor<2x3xi64>
  %s = "iron.Constant"() <{value = dense<[3, 2]> : tensor<2xi64>}> : () -> tensor<2xi64>
  %0 = "iron.Reshape"(%d, %s) : (tensor<2x3xi64>, tensor<2xi64>) -> tensor<?x?xi64>
  %1 = "iron.Add"(%s, %s) : (tensor<2xi64>, tensor<2xi64>) -> tensor<?xi64>
  return %0, %1 : tensor<?x?xi64>, tensor<?xi64>
}

// -----

// Ops that have no folder stay, even on constants.
// CHECK-LABEL: func.func @no_folder
// CHECK: "iron.Relu"
// CHECK: "iron.Exp"
func.func @no_folder() -> (tensor<2xf32>, tensor<2xf32>) {
  %c = "iron.Constant"() <{value = dense<[-1.0, 2.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %0 = "iron.Relu"(%c) : (tensor<2xf32>) -> tensor<2xf32>
  %1 = "iron.Exp"(%c) : (tensor<2xf32>) -> tensor<2xf32>
  return %0, %1 : tensor<2xf32>, tensor<2xf32>
}

// -----

// Pure ops without uses are erased, folding or not; constants that are left
// without uses go too.
// CHECK-LABEL: func.func @dead_ops
// CHECK-NEXT: return %arg0
func.func @dead_ops(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %c = "iron.Constant"() <{value = dense<1.0> : tensor<2x3xf32>}> : () -> tensor<2x3xf32>
  %0 = "iron.Relu"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = "iron.Add"(%0, %c) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %w = "iron.Constant"() <{value = dense<2.0> : tensor<3x4xf32>}> : () -> tensor<3x4xf32>
  %2 = "iron.MatMul"(%1, %w) : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return %x : tensor<2x3xf32>
}
