// RUN: iron-opt %s | iron-opt | FileCheck %s
// RUN: iron-opt %s -mlir-print-op-generic | iron-opt | FileCheck %s
//
// Valid iron ops verify, print in generic form, and parse back unchanged.

// CHECK-LABEL: func.func @conv_group
// CHECK: "iron.Conv"(%arg0, %arg1, %arg2) <{auto_pad = "NOTSET", dilations = [1, 1], group = 2 : i64, kernel_shape = [3, 3], pads = [1, 1, 1, 1], strides = [2, 2]}> : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<1x6x4x4xf32>
func.func @conv_group(%x: tensor<1x4x8x8xf32>, %w: tensor<6x2x3x3xf32>, %b: tensor<6xf32>) -> tensor<1x6x4x4xf32> {
  %0 = "iron.Conv"(%x, %w, %b) <{auto_pad = "NOTSET", group = 2 : i64, pads = [1, 1, 1, 1], strides = [2, 2], kernel_shape = [3, 3], dilations = [1, 1]}> : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<1x6x4x4xf32>
  return %0 : tensor<1x6x4x4xf32>
}

// Depthwise: group == channels, W's dim 1 == 1.
// CHECK-LABEL: func.func @conv_depthwise
// CHECK: "iron.Conv"(%arg0, %arg1) <{auto_pad = "SAME_UPPER", group = 8 : i64}> : (tensor<1x8x5x5xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x5x5xf32>
func.func @conv_depthwise(%x: tensor<1x8x5x5xf32>, %w: tensor<8x1x3x3xf32>) -> tensor<1x8x5x5xf32> {
  %0 = "iron.Conv"(%x, %w) <{auto_pad = "SAME_UPPER", group = 8 : i64}> : (tensor<1x8x5x5xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x5x5xf32>
  return %0 : tensor<1x8x5x5xf32>
}

// Iron's rules skip what is not known: dynamic channels, unranked operands.
// CHECK-LABEL: func.func @conv_dynamic
// CHECK: "iron.Conv"(%arg0, %arg1) <{auto_pad = "NOTSET", group = 1 : i64}> : (tensor<?x?x8x8xf32>, tensor<4x?x3x3xf32>) -> tensor<?x4x6x6xf32>
// CHECK: "iron.Conv"(%arg2, %arg1) <{auto_pad = "NOTSET", group = 1 : i64}> : (tensor<*xf32>, tensor<4x?x3x3xf32>) -> tensor<*xf32>
func.func @conv_dynamic(%x: tensor<?x?x8x8xf32>, %w: tensor<4x?x3x3xf32>, %u: tensor<*xf32>) -> (tensor<?x4x6x6xf32>, tensor<*xf32>) {
  %0 = "iron.Conv"(%x, %w) <{auto_pad = "NOTSET", group = 1 : i64}> : (tensor<?x?x8x8xf32>, tensor<4x?x3x3xf32>) -> tensor<?x4x6x6xf32>
  %1 = "iron.Conv"(%u, %w) <{auto_pad = "NOTSET", group = 1 : i64}> : (tensor<*xf32>, tensor<4x?x3x3xf32>) -> tensor<*xf32>
  return %0, %1 : tensor<?x4x6x6xf32>, tensor<*xf32>
}

// CHECK-LABEL: func.func @conv_transpose
// CHECK: "iron.ConvTranspose"(%arg0, %arg1, %arg2) <{auto_pad = "NOTSET", group = 1 : i64, strides = [2, 2]}> : (tensor<1x3x8x8xf32>, tensor<3x4x3x3xf32>, tensor<4xf32>) -> tensor<1x4x17x17xf32>
func.func @conv_transpose(%x: tensor<1x3x8x8xf32>, %w: tensor<3x4x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x17x17xf32> {
  %0 = "iron.ConvTranspose"(%x, %w, %b) <{auto_pad = "NOTSET", group = 1 : i64, strides = [2, 2]}> : (tensor<1x3x8x8xf32>, tensor<3x4x3x3xf32>, tensor<4xf32>) -> tensor<1x4x17x17xf32>
  return %0 : tensor<1x4x17x17xf32>
}

// CHECK-LABEL: func.func @gemm_transB
// CHECK: "iron.Gemm"(%arg0, %arg1, %arg2) <{alpha = 5.000000e-01 : f32, beta = 1.000000e+00 : f32, transA = 0 : i64, transB = 1 : i64}> : (tensor<2x3xf32>, tensor<4x3xf32>, tensor<4xf32>) -> tensor<2x4xf32>
func.func @gemm_transB(%a: tensor<2x3xf32>, %b: tensor<4x3xf32>, %c: tensor<4xf32>) -> tensor<2x4xf32> {
  %0 = "iron.Gemm"(%a, %b, %c) <{alpha = 0.5 : f32, beta = 1.0 : f32, transA = 0 : i64, transB = 1 : i64}> : (tensor<2x3xf32>, tensor<4x3xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// CHECK-LABEL: func.func @gemm_transA
// Attributes left out take ONNX's defaults, which the printer then shows.
// CHECK: "iron.Gemm"(%arg0, %arg1) <{alpha = 1.000000e+00 : f32, beta = 1.000000e+00 : f32, transA = 1 : i64, transB = 0 : i64}> : (tensor<3x2xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
func.func @gemm_transA(%a: tensor<3x2xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %0 = "iron.Gemm"(%a, %b) <{transA = 1 : i64}> : (tensor<3x2xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// CHECK-LABEL: func.func @matmul_broadcast
// CHECK: "iron.MatMul"(%arg0, %arg1) : (tensor<5x1x2x3xf32>, tensor<4x3x6xf32>) -> tensor<5x4x2x6xf32>
// CHECK: "iron.MatMul"(%arg2, %arg1) : (tensor<3xf32>, tensor<4x3x6xf32>) -> tensor<4x6xf32>
func.func @matmul_broadcast(%a: tensor<5x1x2x3xf32>, %b: tensor<4x3x6xf32>, %v: tensor<3xf32>) -> (tensor<5x4x2x6xf32>, tensor<4x6xf32>) {
  %0 = "iron.MatMul"(%a, %b) : (tensor<5x1x2x3xf32>, tensor<4x3x6xf32>) -> tensor<5x4x2x6xf32>
  %1 = "iron.MatMul"(%v, %b) : (tensor<3xf32>, tensor<4x3x6xf32>) -> tensor<4x6xf32>
  return %0, %1 : tensor<5x4x2x6xf32>, tensor<4x6xf32>
}

// CHECK-LABEL: func.func @concat_negative_axis
// CHECK: "iron.Concat"(%arg0, %arg1) <{axis = -1 : i64}> : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
func.func @concat_negative_axis(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>) -> tensor<2x8xf32> {
  %0 = "iron.Concat"(%a, %b) <{axis = -1 : i64}> : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// Only max given: the segments say which optional operand is present.
// CHECK-LABEL: func.func @clip_max_only
// CHECK: "iron.Clip"(%arg0, %arg1) <{operandSegmentSizes = array<i32: 1, 0, 1>}> : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
// CHECK: "iron.Clip"(%arg0) <{operandSegmentSizes = array<i32: 1, 0, 0>}> : (tensor<2x3xf32>) -> tensor<2x3xf32>
func.func @clip_max_only(%x: tensor<2x3xf32>, %hi: tensor<f32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %0 = "iron.Clip"(%x, %hi) <{operandSegmentSizes = array<i32: 1, 0, 1>}> : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  %1 = "iron.Clip"(%x) <{operandSegmentSizes = array<i32: 1, 0, 0>}> : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xf32>
}

// Split: variadic results, with and without the 'split' operand.
// CHECK-LABEL: func.func @split
// CHECK: %[[S:.*]] = "iron.Constant"() <{value = dense<[2, 4]> : tensor<2xi64>}> : () -> tensor<2xi64>
// CHECK: "iron.Split"(%arg0, %[[S]]) <{axis = 0 : i64}> : (tensor<6x4xf32>, tensor<2xi64>) -> (tensor<2x4xf32>, tensor<4x4xf32>)
// CHECK: "iron.Split"(%arg0) <{axis = 1 : i64}> : (tensor<6x4xf32>) -> (tensor<6x1xf32>, tensor<6x1xf32>, tensor<6x1xf32>, tensor<6x1xf32>)
func.func @split(%x: tensor<6x4xf32>) -> (tensor<2x4xf32>, tensor<4x4xf32>, tensor<6x1xf32>) {
  %s = "iron.Constant"() <{value = dense<[2, 4]> : tensor<2xi64>}> : () -> tensor<2xi64>
  %0:2 = "iron.Split"(%x, %s) <{axis = 0 : i64}> : (tensor<6x4xf32>, tensor<2xi64>) -> (tensor<2x4xf32>, tensor<4x4xf32>)
  %1:4 = "iron.Split"(%x) <{axis = 1 : i64}> : (tensor<6x4xf32>) -> (tensor<6x1xf32>, tensor<6x1xf32>, tensor<6x1xf32>, tensor<6x1xf32>)
  return %0#0, %0#1, %1#3 : tensor<2x4xf32>, tensor<4x4xf32>, tensor<6x1xf32>
}

// CHECK-LABEL: func.func @dropout
// CHECK: "iron.Dropout"(%arg0, %arg1, %arg2) <{operandSegmentSizes = array<i32: 1, 1, 1>, seed = 7 : i64}> : (tensor<2x3xf32>, tensor<f32>, tensor<i1>) -> (tensor<2x3xf32>, tensor<2x3xi1>)
func.func @dropout(%x: tensor<2x3xf32>, %r: tensor<f32>, %t: tensor<i1>) -> (tensor<2x3xf32>, tensor<2x3xi1>) {
  %0:2 = "iron.Dropout"(%x, %r, %t) <{operandSegmentSizes = array<i32: 1, 1, 1>, seed = 7 : i64}> : (tensor<2x3xf32>, tensor<f32>, tensor<i1>) -> (tensor<2x3xf32>, tensor<2x3xi1>)
  return %0#0, %0#1 : tensor<2x3xf32>, tensor<2x3xi1>
}

// Resize with the roi operand left out (ONNX's "" in the middle).
// CHECK-LABEL: func.func @resize_scales
// CHECK: "iron.Resize"(%arg0, %{{.*}}) <{
// CHECK-SAME: mode = "nearest"
// CHECK-SAME: operandSegmentSizes = array<i32: 1, 0, 1, 0>
// CHECK-SAME: (tensor<1x1x2x2xf32>, tensor<4xf32>) -> tensor<1x1x4x4xf32>
func.func @resize_scales(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  %s = "iron.Constant"() <{value = dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32>}> : () -> tensor<4xf32>
  %0 = "iron.Resize"(%x, %s) <{operandSegmentSizes = array<i32: 1, 0, 1, 0>, mode = "nearest"}> : (tensor<1x1x2x2xf32>, tensor<4xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// CHECK-LABEL: func.func @slice_all_operands
// CHECK: "iron.Slice"(%arg0, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) <{operandSegmentSizes = array<i32: 1, 1, 1, 1, 1>}> : (tensor<4x6xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<4x2xf32>
func.func @slice_all_operands(%x: tensor<4x6xf32>) -> tensor<4x2xf32> {
  %st = "iron.Constant"() <{value = dense<[1]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %en = "iron.Constant"() <{value = dense<[5]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %ax = "iron.Constant"() <{value = dense<[1]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %sp = "iron.Constant"() <{value = dense<[2]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %0 = "iron.Slice"(%x, %st, %en, %ax, %sp) <{operandSegmentSizes = array<i32: 1, 1, 1, 1, 1>}> : (tensor<4x6xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// Element types: unsigned (ui8) and signless (i8 = ONNX int8) stay distinct.
// CHECK-LABEL: func.func @qdq
// CHECK: "iron.QuantizeLinear"(%arg0, %arg1, %arg2) <{axis = 1 : i64}> : (tensor<1x4xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x4xui8>
// CHECK: "iron.DequantizeLinear"(%{{.*}}, %arg1, %arg2) <{axis = 1 : i64}> : (tensor<1x4xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x4xf32>
// CHECK: "iron.QuantizeLinear"(%arg0, %arg1, %arg3) <{axis = 1 : i64}> : (tensor<1x4xf32>, tensor<f32>, tensor<i8>) -> tensor<1x4xi8>
func.func @qdq(%x: tensor<1x4xf32>, %s: tensor<f32>, %zu: tensor<ui8>, %zs: tensor<i8>) -> (tensor<1x4xf32>, tensor<1x4xi8>) {
  %q = "iron.QuantizeLinear"(%x, %s, %zu) <{axis = 1 : i64}> : (tensor<1x4xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x4xui8>
  %d = "iron.DequantizeLinear"(%q, %s, %zu) <{axis = 1 : i64}> : (tensor<1x4xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x4xf32>
  %q8 = "iron.QuantizeLinear"(%x, %s, %zs) <{axis = 1 : i64}> : (tensor<1x4xf32>, tensor<f32>, tensor<i8>) -> tensor<1x4xi8>
  return %d, %q8 : tensor<1x4xf32>, tensor<1x4xi8>
}

// CHECK-LABEL: func.func @cast_and_compare
// CHECK: "iron.Cast"(%arg0) <{to = 10 : i64}> : (tensor<3xf32>) -> tensor<3xf16>
// CHECK: "iron.Cast"(%arg0) <{to = 9 : i64}> : (tensor<3xf32>) -> tensor<3xi1>
// CHECK: "iron.Cast"(%arg0) <{to = 16 : i64}> : (tensor<3xf32>) -> tensor<3xbf16>
// CHECK: "iron.Less"(%arg0, %arg0) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xi1>
// CHECK: "iron.Where"(%{{.*}}, %arg0, %arg0) : (tensor<3xi1>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
func.func @cast_and_compare(%x: tensor<3xf32>) -> (tensor<3xf16>, tensor<3xi1>, tensor<3xbf16>, tensor<3xf32>) {
  %0 = "iron.Cast"(%x) <{to = 10 : i64}> : (tensor<3xf32>) -> tensor<3xf16>
  %1 = "iron.Cast"(%x) <{to = 9 : i64}> : (tensor<3xf32>) -> tensor<3xi1>
  %2 = "iron.Cast"(%x) <{to = 16 : i64}> : (tensor<3xf32>) -> tensor<3xbf16>
  %3 = "iron.Less"(%x, %x) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xi1>
  %4 = "iron.Where"(%3, %x, %x) : (tensor<3xi1>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0, %1, %2, %4 : tensor<3xf16>, tensor<3xi1>, tensor<3xbf16>, tensor<3xf32>
}

// A declared type less precise than ONNX's inference is fine.
// CHECK-LABEL: func.func @less_precise_results
// CHECK: "iron.Add"(%arg0, %arg1) : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<?x3xf32>
// CHECK: "iron.Relu"(%arg0) : (tensor<4x1xf32>) -> tensor<*xf32>
func.func @less_precise_results(%a: tensor<4x1xf32>, %b: tensor<3xf32>) -> (tensor<?x3xf32>, tensor<*xf32>) {
  %0 = "iron.Add"(%a, %b) : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  %1 = "iron.Relu"(%a) : (tensor<4x1xf32>) -> tensor<*xf32>
  return %0, %1 : tensor<?x3xf32>, tensor<*xf32>
}

// Weights as resources round-trip with their blob.
// CHECK-LABEL: func.func @resource_constant
// CHECK: "iron.Constant"() <{value = dense_resource<w0> : tensor<4xf32>}> : () -> tensor<4xf32>
// CHECK: w0: "0x040000000000803F000000400000404000008040"
func.func @resource_constant() -> tensor<4xf32> {
  %0 = "iron.Constant"() <{value = dense_resource<w0> : tensor<4xf32>}> : () -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

{-#
  dialect_resources: {
    builtin: {
      w0: "0x040000000000803F000000400000404000008040"
    }
  }
#-}
