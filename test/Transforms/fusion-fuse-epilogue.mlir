// RUN: iron-opt %s -split-input-file --iron-fuse-epilogue --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s

// Conv, a per-channel bias Add (added to the Conv's own bias), a residual
// Add and a Relu: one FusedConv with explicit window attributes, located
// at all four nodes, the Conv first.
// CHECK-LABEL: func.func @conv_bias_residual_relu
// CHECK: %[[B:.*]] = "iron.Constant"() <{value = dense<[1.500000e+00, 2.500000e+00]> : tensor<2xf32>}>
// CHECK: %[[Y:.*]] = "iron.FusedConv"(%arg0, %{{.*}}, %[[B]], %arg1) <{activation = "Relu", dilations = [1, 1], group = 1 : i64, kernel_shape = [3, 3], operandSegmentSizes = array<i32: 1, 1, 1, 1>, pads = [1, 1, 1, 1], strides = [1, 1]}>
// CHECK-SAME: loc(fused["conv", "bias", "residual", "relu"])
// CHECK-NEXT: return %[[Y]]
func.func @conv_bias_residual_relu(%x: tensor<1x3x8x8xf32>, %z: tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32> {
  %w = "iron.Constant"() <{value = dense<0.1> : tensor<2x3x3x3xf32>}> : () -> tensor<2x3x3x3xf32> loc("w")
  %b = "iron.Constant"() <{value = dense<[1.0, 2.0]> : tensor<2xf32>}> : () -> tensor<2xf32> loc("b")
  %b2 = "iron.Constant"() <{value = dense<[[[0.5]], [[0.5]]]> : tensor<2x1x1xf32>}> : () -> tensor<2x1x1xf32> loc("b2")
  %c = "iron.Conv"(%x, %w, %b) <{pads = [1, 1, 1, 1]}> : (tensor<1x3x8x8xf32>, tensor<2x3x3x3xf32>, tensor<2xf32>) -> tensor<1x2x8x8xf32> loc("conv")
  %a = "iron.Add"(%c, %b2) : (tensor<1x2x8x8xf32>, tensor<2x1x1xf32>) -> tensor<1x2x8x8xf32> loc("bias")
  %r = "iron.Add"(%z, %a) : (tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32> loc("residual")
  %y = "iron.Relu"(%r) : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32> loc("relu")
  return %y : tensor<1x2x8x8xf32>
}

// -----

// Activations: Clip with constant bounds (Relu6; a Clip with only min = 0
// is a Relu), LeakyRelu, HardSigmoid, HardSwish, Sigmoid, Tanh, x *
// Sigmoid(x) (SiLU) and x * HardSigmoid(x; 1/6, 1/2) (HardSwish). SAME
// padding is made explicit.
// CHECK-LABEL: func.func @activations
// CHECK: "iron.FusedConv"{{.*}}activation = "Clip", activation_params = [0.000000e+00 : f32, 6.000000e+00 : f32]{{.*}}pads = [0, 0, 0, 1]{{.*}}loc(fused["c1", "relu6"])
// CHECK: "iron.FusedConv"{{.*}}activation = "Relu"{{.*}}loc(fused["c2", "clip0"])
// CHECK: "iron.FusedConv"{{.*}}activation = "LeakyRelu", activation_params = [1.000000e-01 : f32]{{.*}}loc(fused["c3", "leaky"])
// CHECK: "iron.FusedConv"{{.*}}activation = "HardSigmoid", activation_params = [2.000000e-01 : f32, 5.000000e-01 : f32]{{.*}}loc(fused["c4", "hsig"])
// CHECK: "iron.FusedConv"{{.*}}activation = "HardSwish"{{.*}}loc(fused["c5", "hswish"])
// CHECK: "iron.FusedConv"{{.*}}activation = "Sigmoid"{{.*}}loc(fused["c6", "sigmoid"])
// CHECK: "iron.FusedConv"{{.*}}activation = "Tanh"{{.*}}loc(fused["c7", "tanh"])
// CHECK: "iron.FusedConv"{{.*}}activation = "SiLU"{{.*}}loc(fused["c8", "silu_gate", "silu"])
// CHECK: "iron.FusedConv"{{.*}}activation = "HardSwish"{{.*}}loc(fused["c9", "hs_gate", "hs"])
// CHECK-NOT: "iron.Conv"
func.func @activations(%x: tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w = "iron.Constant"() <{value = dense<0.1> : tensor<2x2x1x1xf32>}> : () -> tensor<2x2x1x1xf32>
  %w2 = "iron.Constant"() <{value = dense<0.1> : tensor<2x2x1x2xf32>}> : () -> tensor<2x2x1x2xf32>
  %zero = "iron.Constant"() <{value = dense<0.0> : tensor<f32>}> : () -> tensor<f32>
  %six = "iron.Constant"() <{value = dense<6.0> : tensor<f32>}> : () -> tensor<f32>
  %c1 = "iron.Conv"(%x, %w2) <{auto_pad = "SAME_UPPER"}> : (tensor<1x2x4x4xf32>, tensor<2x2x1x2xf32>) -> tensor<1x2x4x4xf32> loc("c1")
  %a1 = "iron.Clip"(%c1, %zero, %six) <{operandSegmentSizes = array<i32: 1, 1, 1>}> : (tensor<1x2x4x4xf32>, tensor<f32>, tensor<f32>) -> tensor<1x2x4x4xf32> loc("relu6")
  %c2 = "iron.Conv"(%x, %w) : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32> loc("c2")
  %a2 = "iron.Clip"(%c2, %zero) <{operandSegmentSizes = array<i32: 1, 1, 0>}> : (tensor<1x2x4x4xf32>, tensor<f32>) -> tensor<1x2x4x4xf32> loc("clip0")
  %c3 = "iron.Conv"(%x, %w) : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32> loc("c3")
  %a3 = "iron.LeakyRelu"(%c3) <{alpha = 0.1 : f32}> : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("leaky")
  %c4 = "iron.Conv"(%x, %w) : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32> loc("c4")
  %a4 = "iron.HardSigmoid"(%c4) : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("hsig")
  %c5 = "iron.Conv"(%x, %w) : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32> loc("c5")
  %a5 = "iron.HardSwish"(%c5) : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("hswish")
  %c6 = "iron.Conv"(%x, %w) : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32> loc("c6")
  %a6 = "iron.Sigmoid"(%c6) : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("sigmoid")
  %c7 = "iron.Conv"(%x, %w) : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32> loc("c7")
  %a7 = "iron.Tanh"(%c7) : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("tanh")
  %c8 = "iron.Conv"(%x, %w) : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32> loc("c8")
  %g8 = "iron.Sigmoid"(%c8) : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("silu_gate")
  %a8 = "iron.Mul"(%c8, %g8) : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("silu")
  %c9 = "iron.Conv"(%x, %w) : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32> loc("c9")
  %g9 = "iron.HardSigmoid"(%c9) <{alpha = 0.16666667 : f32, beta = 0.5 : f32}> : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("hs_gate")
  %a9 = "iron.Mul"(%g9, %c9) : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("hs")
  return %a1, %a2, %a3, %a4, %a5, %a6, %a7, %a8, %a9 : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// GELU as iron.Gelu (tanh form) and spelled out in its erf form.
// CHECK-LABEL: func.func @gelu
// CHECK: "iron.FusedConv"{{.*}}activation = "GeluTanh"{{.*}}loc(fused["c1", "gelu"])
// CHECK: "iron.FusedConv"{{.*}}activation = "Gelu"{{.*}}loc(fused["c2", "div", "erf", "add1", "mul", "half"])
// CHECK-NOT: "iron.Erf"
func.func @gelu(%x: tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w = "iron.Constant"() <{value = dense<0.1> : tensor<2x2x1x1xf32>}> : () -> tensor<2x2x1x1xf32>
  %c1 = "iron.Conv"(%x, %w) : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32> loc("c1")
  %g1 = "iron.Gelu"(%c1) <{approximate = "tanh"}> : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("gelu")
  %sqrt2 = "iron.Constant"() <{value = dense<1.41421354> : tensor<f32>}> : () -> tensor<f32>
  %one = "iron.Constant"() <{value = dense<1.0> : tensor<f32>}> : () -> tensor<f32>
  %half = "iron.Constant"() <{value = dense<0.5> : tensor<f32>}> : () -> tensor<f32>
  %c2 = "iron.Conv"(%x, %w) : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32> loc("c2")
  %d = "iron.Div"(%c2, %sqrt2) : (tensor<1x2x4x4xf32>, tensor<f32>) -> tensor<1x2x4x4xf32> loc("div")
  %e = "iron.Erf"(%d) : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("erf")
  %a = "iron.Add"(%e, %one) : (tensor<1x2x4x4xf32>, tensor<f32>) -> tensor<1x2x4x4xf32> loc("add1")
  %m = "iron.Mul"(%c2, %a) : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("mul")
  %y = "iron.Mul"(%m, %half) : (tensor<1x2x4x4xf32>, tensor<f32>) -> tensor<1x2x4x4xf32> loc("half")
  return %g1, %y : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// MatMul + bias [N] (either operand order) + residual + Relu.
// CHECK-LABEL: func.func @matmul
// CHECK: %[[Y:.*]] = "iron.FusedMatMul"(%arg0, %[[W:.*]], %[[B:.*]], %arg1) <{activation = "Relu", operandSegmentSizes = array<i32: 1, 1, 1, 1>}> {{.*}} loc(fused["mm", "bias", "residual", "relu"])
// CHECK-NEXT: return %[[Y]]
func.func @matmul(%x: tensor<2x8x4xf32>, %z: tensor<2x8x3xf32>) -> tensor<2x8x3xf32> {
  %w = "iron.Constant"() <{value = dense<0.5> : tensor<4x3xf32>}> : () -> tensor<4x3xf32>
  %b = "iron.Constant"() <{value = dense<[1.0, 2.0, 3.0]> : tensor<3xf32>}> : () -> tensor<3xf32>
  %m = "iron.MatMul"(%x, %w) : (tensor<2x8x4xf32>, tensor<4x3xf32>) -> tensor<2x8x3xf32> loc("mm")
  %a = "iron.Add"(%b, %m) : (tensor<3xf32>, tensor<2x8x3xf32>) -> tensor<2x8x3xf32> loc("bias")
  %r = "iron.Add"(%a, %z) : (tensor<2x8x3xf32>, tensor<2x8x3xf32>) -> tensor<2x8x3xf32> loc("residual")
  %y = "iron.Relu"(%r) : (tensor<2x8x3xf32>) -> tensor<2x8x3xf32> loc("relu")
  return %y : tensor<2x8x3xf32>
}

// -----

// Gemm with transB = 1 and a constant B: B is transposed into a new
// constant (named after B), C becomes the bias.
// CHECK-LABEL: func.func @gemm
// CHECK: %[[W:.*]] = "iron.Constant"() <{value = dense<{{\[}}[1.000000e+00, 3.000000e+00], [2.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>}> {{.*}} loc("fc.weight")
// CHECK: "iron.FusedMatMul"(%arg0, %[[W]], %[[C:.*]]) <{activation = "Sigmoid"{{.*}}loc(fused["fc", "sig"])
func.func @gemm(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %w = "iron.Constant"() <{value = dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>}> : () -> tensor<2x2xf32> loc("fc.weight")
  %c = "iron.Constant"() <{value = dense<[1.0, 1.0]> : tensor<2xf32>}> : () -> tensor<2xf32> loc("fc.bias")
  %g = "iron.Gemm"(%x, %w, %c) <{transB = 1 : i64}> : (tensor<3x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<3x2xf32> loc("fc")
  %y = "iron.Sigmoid"(%g) : (tensor<3x2xf32>) -> tensor<3x2xf32> loc("sig")
  return %y : tensor<3x2xf32>
}

// -----

// Negative: a Conv whose output has a second user does not absorb the
// activation.
// CHECK-LABEL: func.func @second_user
// CHECK: %[[C:.*]] = "iron.Conv"
// CHECK: %[[R:.*]] = "iron.Relu"(%[[C]])
// CHECK: return %[[R]], %[[C]]
func.func @second_user(%x: tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w = "iron.Constant"() <{value = dense<0.1> : tensor<2x2x1x1xf32>}> : () -> tensor<2x2x1x1xf32>
  %c = "iron.Conv"(%x, %w) : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %r = "iron.Relu"(%c) : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %r, %c : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// Negative: an Add that broadcasts the Conv's output to a larger shape is
// neither a bias nor a residual (and the Relu after it stays apart).
// CHECK-LABEL: func.func @broadcast_changes_shape
// CHECK: "iron.Conv"
// CHECK: "iron.Add"
// CHECK: "iron.Relu"
// CHECK-NOT: "iron.FusedConv"
func.func @broadcast_changes_shape(%x: tensor<1x2x4x4xf32>, %z: tensor<3x2x4x4xf32>) -> tensor<3x2x4x4xf32> {
  %w = "iron.Constant"() <{value = dense<0.1> : tensor<2x2x1x1xf32>}> : () -> tensor<2x2x1x1xf32>
  %c = "iron.Conv"(%x, %w) : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %a = "iron.Add"(%c, %z) : (tensor<1x2x4x4xf32>, tensor<3x2x4x4xf32>) -> tensor<3x2x4x4xf32>
  %r = "iron.Relu"(%a) : (tensor<3x2x4x4xf32>) -> tensor<3x2x4x4xf32>
  return %r : tensor<3x2x4x4xf32>
}

// -----

// Negative: a MatMul + Add of a per-row [M, 1] tensor (not a [N] bias, not
// of the output's shape); a Gemm with alpha != 1; a Gemm with transB = 1
// and a B that is not a constant.
// CHECK-LABEL: func.func @matmul_kept
// CHECK: "iron.MatMul"
// CHECK: "iron.Add"
// CHECK: "iron.Gemm"
// CHECK: "iron.Relu"
// CHECK: "iron.Gemm"
// CHECK: "iron.Relu"
// CHECK-NOT: "iron.FusedMatMul"
func.func @matmul_kept(%x: tensor<3x2xf32>, %rows: tensor<3x1xf32>, %wb: tensor<2x2xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>) {
  %w = "iron.Constant"() <{value = dense<0.5> : tensor<2x2xf32>}> : () -> tensor<2x2xf32>
  %m = "iron.MatMul"(%x, %w) : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %a = "iron.Add"(%m, %rows) : (tensor<3x2xf32>, tensor<3x1xf32>) -> tensor<3x2xf32>
  %g = "iron.Gemm"(%x, %w) <{alpha = 2.0 : f32}> : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %r = "iron.Relu"(%g) : (tensor<3x2xf32>) -> tensor<3x2xf32>
  %g2 = "iron.Gemm"(%x, %wb) <{transB = 1 : i64}> : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %r2 = "iron.Relu"(%g2) : (tensor<3x2xf32>) -> tensor<3x2xf32>
  return %a, %r, %r2 : tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>
}
