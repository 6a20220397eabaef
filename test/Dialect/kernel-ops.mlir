// RUN: iron-opt %s | iron-opt | FileCheck %s
// RUN: iron-opt %s -mlir-print-op-generic | iron-opt | FileCheck %s
//
// Iron's own kernels (IronOps.td, lib/Dialect/KernelOps.cpp): valid ops
// verify, print, and parse back unchanged.

// Grouped, strided, padded, with bias, residual and Relu.
// CHECK-LABEL: func.func @fused_conv_group
// CHECK: "iron.FusedConv"(%arg0, %arg1, %arg2, %arg3) <{activation = "Relu", group = 2 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 1>, pads = [1, 1, 1, 1], strides = [2, 2]}> : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>, tensor<1x6x4x4xf32>) -> tensor<1x6x4x4xf32>
func.func @fused_conv_group(%x: tensor<1x4x8x8xf32>, %w: tensor<6x2x3x3xf32>, %b: tensor<6xf32>, %z: tensor<1x6x4x4xf32>) -> tensor<1x6x4x4xf32> {
  %0 = "iron.FusedConv"(%x, %w, %b, %z) <{activation = "Relu", group = 2 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 1>, pads = [1, 1, 1, 1], strides = [2, 2]}> : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>, tensor<1x6x4x4xf32>) -> tensor<1x6x4x4xf32>
  return %0 : tensor<1x6x4x4xf32>
}

// Depthwise with Clip (ReLU6), no bias or residual; dilated.
// CHECK-LABEL: func.func @fused_conv_depthwise_clip
// CHECK: "iron.FusedConv"(%arg0, %arg1) <{activation = "Clip", activation_params = [0.000000e+00 : f32, 6.000000e+00 : f32], dilations = [2, 2], group = 8 : i64, kernel_shape = [3, 3], operandSegmentSizes = array<i32: 1, 1, 0, 0>, pads = [2, 2, 2, 2]}> : (tensor<1x8x5x5xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x5x5xf32>
func.func @fused_conv_depthwise_clip(%x: tensor<1x8x5x5xf32>, %w: tensor<8x1x3x3xf32>) -> tensor<1x8x5x5xf32> {
  %0 = "iron.FusedConv"(%x, %w) <{activation = "Clip", activation_params = [0.0 : f32, 6.0 : f32], dilations = [2, 2], group = 8 : i64, kernel_shape = [3, 3], operandSegmentSizes = array<i32: 1, 1, 0, 0>, pads = [2, 2, 2, 2]}> : (tensor<1x8x5x5xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x5x5xf32>
  return %0 : tensor<1x8x5x5xf32>
}

// 1-D, residual without bias, no activation (the defaults print); a dynamic
// batch is not checked.
// CHECK-LABEL: func.func @fused_conv_1d_dynamic
// CHECK: "iron.FusedConv"(%arg0, %arg1, %arg2) <{activation = "", group = 1 : i64, operandSegmentSizes = array<i32: 1, 1, 0, 1>}> : (tensor<?x3x10xf32>, tensor<5x3x4xf32>, tensor<?x5x7xf32>) -> tensor<?x5x7xf32>
func.func @fused_conv_1d_dynamic(%x: tensor<?x3x10xf32>, %w: tensor<5x3x4xf32>, %z: tensor<?x5x7xf32>) -> tensor<?x5x7xf32> {
  %0 = "iron.FusedConv"(%x, %w, %z) <{operandSegmentSizes = array<i32: 1, 1, 0, 1>}> : (tensor<?x3x10xf32>, tensor<5x3x4xf32>, tensor<?x5x7xf32>) -> tensor<?x5x7xf32>
  return %0 : tensor<?x5x7xf32>
}

// CHECK-LABEL: func.func @fused_matmul_bias_residual
// CHECK: "iron.FusedMatMul"(%arg0, %arg1, %arg2, %arg3) <{activation = "GeluTanh", operandSegmentSizes = array<i32: 1, 1, 1, 1>}> : (tensor<2x5x3x4xf32>, tensor<4x6xf32>, tensor<6xf32>, tensor<2x5x3x6xf32>) -> tensor<2x5x3x6xf32>
func.func @fused_matmul_bias_residual(%a: tensor<2x5x3x4xf32>, %b: tensor<4x6xf32>, %bias: tensor<6xf32>, %z: tensor<2x5x3x6xf32>) -> tensor<2x5x3x6xf32> {
  %0 = "iron.FusedMatMul"(%a, %b, %bias, %z) <{activation = "GeluTanh", operandSegmentSizes = array<i32: 1, 1, 1, 1>}> : (tensor<2x5x3x4xf32>, tensor<4x6xf32>, tensor<6xf32>, tensor<2x5x3x6xf32>) -> tensor<2x5x3x6xf32>
  return %0 : tensor<2x5x3x6xf32>
}

// Broadcast batch dims, LeakyRelu; and a vector B (no column dim).
// CHECK-LABEL: func.func @fused_matmul_broadcast
// CHECK: "iron.FusedMatMul"(%arg0, %arg1) <{activation = "LeakyRelu", activation_params = [1.000000e-01 : f32], operandSegmentSizes = array<i32: 1, 1, 0, 0>}> : (tensor<3x1x2x4xf32>, tensor<5x4x3xf32>) -> tensor<3x5x2x3xf32>
// CHECK: "iron.FusedMatMul"(%arg2, %arg3, %arg4) <{activation = "Sigmoid", operandSegmentSizes = array<i32: 1, 1, 1, 0>}> : (tensor<7x4xf32>, tensor<4xf32>, tensor<1xf32>) -> tensor<7xf32>
func.func @fused_matmul_broadcast(%a: tensor<3x1x2x4xf32>, %b: tensor<5x4x3xf32>, %m: tensor<7x4xf32>, %v: tensor<4xf32>, %c: tensor<1xf32>) -> (tensor<3x5x2x3xf32>, tensor<7xf32>) {
  %0 = "iron.FusedMatMul"(%a, %b) <{activation = "LeakyRelu", activation_params = [0.1 : f32], operandSegmentSizes = array<i32: 1, 1, 0, 0>}> : (tensor<3x1x2x4xf32>, tensor<5x4x3xf32>) -> tensor<3x5x2x3xf32>
  %1 = "iron.FusedMatMul"(%m, %v, %c) <{activation = "Sigmoid", operandSegmentSizes = array<i32: 1, 1, 1, 0>}> : (tensor<7x4xf32>, tensor<4xf32>, tensor<1xf32>) -> tensor<7xf32>
  return %0, %1 : tensor<3x5x2x3xf32>, tensor<7xf32>
}

// SiLU; a per-channel affine with broadcast inputs; immediates; a
// temporary written twice.
// CHECK-LABEL: func.func @elementwise
// CHECK: "iron.Elementwise"(%arg0) <{program = ["Sigmoid t0 i0", "Mul t1 i0 t0"]}> : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: "iron.Elementwise"(%arg1, %arg2, %arg3) <{program = ["Mul t0 i0 i1", "Add t0 t0 i2", "Clip t1 t0 0 6", "LeakyRelu t2 t1 0.01"]}> : (tensor<1x4x5x5xf32>, tensor<4x1x1xf32>, tensor<1xf32>) -> tensor<1x4x5x5xf32>
func.func @elementwise(%x: tensor<2x3xf32>, %y: tensor<1x4x5x5xf32>, %s: tensor<4x1x1xf32>, %b: tensor<1xf32>) -> (tensor<2x3xf32>, tensor<1x4x5x5xf32>) {
  %0 = "iron.Elementwise"(%x) <{program = ["Sigmoid t0 i0", "Mul t1 i0 t0"]}> : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = "iron.Elementwise"(%y, %s, %b) <{program = ["Mul t0 i0 i1", "Add t0 t0 i2", "Clip t1 t0 0 6", "LeakyRelu t2 t1 0.01"]}> : (tensor<1x4x5x5xf32>, tensor<4x1x1xf32>, tensor<1xf32>) -> tensor<1x4x5x5xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<1x4x5x5xf32>
}

// The default approximation prints.
// CHECK-LABEL: func.func @gelu
// CHECK: "iron.Gelu"(%arg0) <{approximate = "none"}> : (tensor<2x8xf32>) -> tensor<2x8xf32>
// CHECK: "iron.Gelu"(%arg0) <{approximate = "tanh"}> : (tensor<2x8xf32>) -> tensor<2x8xf32>
func.func @gelu(%x: tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>) {
  %0 = "iron.Gelu"(%x) : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %1 = "iron.Gelu"(%x) <{approximate = "tanh"}> : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return %0, %1 : tensor<2x8xf32>, tensor<2x8xf32>
}

// Multi-head with a padding mask [B, 1, 1, T]; one head without a mask.
// CHECK-LABEL: func.func @attention
// CHECK: "iron.Attention"(%arg0, %arg1, %arg2, %arg3) <{scale = 1.250000e-01 : f32}> : (tensor<2x4x5x8xf32>, tensor<2x4x8x6xf32>, tensor<2x4x6x3xf32>, tensor<2x1x1x6xf32>) -> tensor<2x4x5x3xf32>
// CHECK: "iron.Attention"(%arg4, %arg5, %arg6) <{scale = 1.000000e+00 : f32}> : (tensor<5x8xf32>, tensor<8x6xf32>, tensor<6x3xf32>) -> tensor<5x3xf32>
func.func @attention(%q: tensor<2x4x5x8xf32>, %kt: tensor<2x4x8x6xf32>, %v: tensor<2x4x6x3xf32>, %mask: tensor<2x1x1x6xf32>, %q1: tensor<5x8xf32>, %kt1: tensor<8x6xf32>, %v1: tensor<6x3xf32>) -> (tensor<2x4x5x3xf32>, tensor<5x3xf32>) {
  %0 = "iron.Attention"(%q, %kt, %v, %mask) <{scale = 0.125 : f32}> : (tensor<2x4x5x8xf32>, tensor<2x4x8x6xf32>, tensor<2x4x6x3xf32>, tensor<2x1x1x6xf32>) -> tensor<2x4x5x3xf32>
  %1 = "iron.Attention"(%q1, %kt1, %v1) : (tensor<5x8xf32>, tensor<8x6xf32>, tensor<6x3xf32>) -> tensor<5x3xf32>
  return %0, %1 : tensor<2x4x5x3xf32>, tensor<5x3xf32>
}
