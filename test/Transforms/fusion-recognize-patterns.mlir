// RUN: iron-opt %s -split-input-file --iron-recognize-patterns --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s

// LayerNormalization as opset-13 exporters write it (bert_encoder.opset13):
// the epsilon comes from the constant, gamma and beta become Scale and B.
// CHECK-LABEL: func.func @layernorm
// CHECK: %[[Y:.*]] = "iron.LayerNormalization"(%arg0, %[[G:.*]], %[[B:.*]]) <{axis = -1 : i64, epsilon = 9.99999996E-13 : f32, resultSegmentSizes = array<i32: 1, 0, 0>{{.*}}}>
// CHECK-SAME: loc(fused["mean", "sub", "pow", "var", "add_eps", "sqrt", "div", "gamma", "beta"])
// CHECK-NEXT: return %[[Y]]
func.func @layernorm(%x: tensor<1x4x8xf32>) -> tensor<1x4x8xf32> {
  %two = "iron.Constant"() <{value = dense<2.0> : tensor<f32>}> : () -> tensor<f32>
  %eps = "iron.Constant"() <{value = dense<1.0e-12> : tensor<f32>}> : () -> tensor<f32>
  %g = "iron.Constant"() <{value = dense<1.5> : tensor<8xf32>}> : () -> tensor<8xf32>
  %b = "iron.Constant"() <{value = dense<0.5> : tensor<8xf32>}> : () -> tensor<8xf32>
  %0 = "iron.ReduceMean"(%x) <{axes = [-1], keepdims = 1 : i64}> : (tensor<1x4x8xf32>) -> tensor<1x4x1xf32> loc("mean")
  %1 = "iron.Sub"(%x, %0) : (tensor<1x4x8xf32>, tensor<1x4x1xf32>) -> tensor<1x4x8xf32> loc("sub")
  %2 = "iron.Pow"(%1, %two) : (tensor<1x4x8xf32>, tensor<f32>) -> tensor<1x4x8xf32> loc("pow")
  %3 = "iron.ReduceMean"(%2) <{axes = [-1], keepdims = 1 : i64}> : (tensor<1x4x8xf32>) -> tensor<1x4x1xf32> loc("var")
  %4 = "iron.Add"(%3, %eps) : (tensor<1x4x1xf32>, tensor<f32>) -> tensor<1x4x1xf32> loc("add_eps")
  %5 = "iron.Sqrt"(%4) : (tensor<1x4x1xf32>) -> tensor<1x4x1xf32> loc("sqrt")
  %6 = "iron.Div"(%1, %5) : (tensor<1x4x8xf32>, tensor<1x4x1xf32>) -> tensor<1x4x8xf32> loc("div")
  %7 = "iron.Mul"(%6, %g) : (tensor<1x4x8xf32>, tensor<8xf32>) -> tensor<1x4x8xf32> loc("gamma")
  %8 = "iron.Add"(%7, %b) : (tensor<1x4x8xf32>, tensor<8xf32>) -> tensor<1x4x8xf32> loc("beta")
  return %8 : tensor<1x4x8xf32>
}

// -----

// Negative: the same chain over axis 1 (not the last) is left alone.
// CHECK-LABEL: func.func @layernorm_wrong_axis
// CHECK-NOT: "iron.LayerNormalization"
// CHECK: "iron.ReduceMean"
// CHECK: "iron.Sqrt"
func.func @layernorm_wrong_axis(%x: tensor<1x4x8xf32>) -> tensor<1x4x8xf32> {
  %two = "iron.Constant"() <{value = dense<2.0> : tensor<f32>}> : () -> tensor<f32>
  %eps = "iron.Constant"() <{value = dense<1.0e-12> : tensor<f32>}> : () -> tensor<f32>
  %g = "iron.Constant"() <{value = dense<1.5> : tensor<8xf32>}> : () -> tensor<8xf32>
  %b = "iron.Constant"() <{value = dense<0.5> : tensor<8xf32>}> : () -> tensor<8xf32>
  %0 = "iron.ReduceMean"(%x) <{axes = [1], keepdims = 1 : i64}> : (tensor<1x4x8xf32>) -> tensor<1x1x8xf32>
  %1 = "iron.Sub"(%x, %0) : (tensor<1x4x8xf32>, tensor<1x1x8xf32>) -> tensor<1x4x8xf32>
  %2 = "iron.Pow"(%1, %two) : (tensor<1x4x8xf32>, tensor<f32>) -> tensor<1x4x8xf32>
  %3 = "iron.ReduceMean"(%2) <{axes = [1], keepdims = 1 : i64}> : (tensor<1x4x8xf32>) -> tensor<1x1x8xf32>
  %4 = "iron.Add"(%3, %eps) : (tensor<1x1x8xf32>, tensor<f32>) -> tensor<1x1x8xf32>
  %5 = "iron.Sqrt"(%4) : (tensor<1x1x8xf32>) -> tensor<1x1x8xf32>
  %6 = "iron.Div"(%1, %5) : (tensor<1x4x8xf32>, tensor<1x1x8xf32>) -> tensor<1x4x8xf32>
  %7 = "iron.Mul"(%6, %g) : (tensor<1x4x8xf32>, tensor<8xf32>) -> tensor<1x4x8xf32>
  %8 = "iron.Add"(%7, %b) : (tensor<1x4x8xf32>, tensor<8xf32>) -> tensor<1x4x8xf32>
  return %8 : tensor<1x4x8xf32>
}

// -----

// GELU, erf form: x / sqrt(2) (BERT's order, 0.5 last), x * (1/sqrt 2)
// with 0.5 first, and the tanh form GPT-2 writes (x * x * x) and the one
// with Pow(x, 3).
// CHECK-LABEL: func.func @gelu
// CHECK: %[[A:.*]] = "iron.Gelu"(%arg0) <{approximate = "none"}> {{.*}} loc(fused["a_div", "a_erf", "a_add", "a_mul", "a_half"])
// CHECK: %[[B:.*]] = "iron.Gelu"(%arg0) <{approximate = "none"}> {{.*}} loc(fused["b_half", "b_scale", "b_erf", "b_add", "b_mul"])
// CHECK: %[[C:.*]] = "iron.Gelu"(%arg0) <{approximate = "tanh"}> {{.*}} loc(fused["c_sq", "c_cube", "c_k", "c_inner", "c_s", "c_tanh", "c_add", "c_mul", "c_half"])
// CHECK: %[[D:.*]] = "iron.Gelu"(%arg0) <{approximate = "tanh"}> {{.*}} loc(fused["d_pow", "d_k", "d_inner", "d_s", "d_tanh", "d_add", "d_half", "d_mul"])
// CHECK: return %[[A]], %[[B]], %[[C]], %[[D]]
func.func @gelu(%x: tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>) {
  %sqrt2 = "iron.Constant"() <{value = dense<1.41421354> : tensor<f32>}> : () -> tensor<f32>
  %isqrt2 = "iron.Constant"() <{value = dense<0.707106769> : tensor<f32>}> : () -> tensor<f32>
  %one = "iron.Constant"() <{value = dense<1.0> : tensor<f32>}> : () -> tensor<f32>
  %half = "iron.Constant"() <{value = dense<0.5> : tensor<f32>}> : () -> tensor<f32>
  %k = "iron.Constant"() <{value = dense<0.044715> : tensor<f32>}> : () -> tensor<f32>
  %s = "iron.Constant"() <{value = dense<0.797884583> : tensor<f32>}> : () -> tensor<f32>
  %three = "iron.Constant"() <{value = dense<3.0> : tensor<f32>}> : () -> tensor<f32>
  %a0 = "iron.Div"(%x, %sqrt2) : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32> loc("a_div")
  %a1 = "iron.Erf"(%a0) : (tensor<2x8xf32>) -> tensor<2x8xf32> loc("a_erf")
  %a2 = "iron.Add"(%a1, %one) : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32> loc("a_add")
  %a3 = "iron.Mul"(%x, %a2) : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32> loc("a_mul")
  %a4 = "iron.Mul"(%a3, %half) : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32> loc("a_half")
  %b0 = "iron.Mul"(%half, %x) : (tensor<f32>, tensor<2x8xf32>) -> tensor<2x8xf32> loc("b_half")
  %b1 = "iron.Mul"(%x, %isqrt2) : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32> loc("b_scale")
  %b2 = "iron.Erf"(%b1) : (tensor<2x8xf32>) -> tensor<2x8xf32> loc("b_erf")
  %b3 = "iron.Add"(%one, %b2) : (tensor<f32>, tensor<2x8xf32>) -> tensor<2x8xf32> loc("b_add")
  %b4 = "iron.Mul"(%b0, %b3) : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32> loc("b_mul")
  %c0 = "iron.Mul"(%x, %x) : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32> loc("c_sq")
  %c1 = "iron.Mul"(%x, %c0) : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32> loc("c_cube")
  %c2 = "iron.Mul"(%k, %c1) : (tensor<f32>, tensor<2x8xf32>) -> tensor<2x8xf32> loc("c_k")
  %c3 = "iron.Add"(%x, %c2) : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32> loc("c_inner")
  %c4 = "iron.Mul"(%s, %c3) : (tensor<f32>, tensor<2x8xf32>) -> tensor<2x8xf32> loc("c_s")
  %c5 = "iron.Tanh"(%c4) : (tensor<2x8xf32>) -> tensor<2x8xf32> loc("c_tanh")
  %c6 = "iron.Add"(%one, %c5) : (tensor<f32>, tensor<2x8xf32>) -> tensor<2x8xf32> loc("c_add")
  %c7 = "iron.Mul"(%x, %c6) : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32> loc("c_mul")
  %c8 = "iron.Mul"(%half, %c7) : (tensor<f32>, tensor<2x8xf32>) -> tensor<2x8xf32> loc("c_half")
  %d0 = "iron.Pow"(%x, %three) : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32> loc("d_pow")
  %d1 = "iron.Mul"(%d0, %k) : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32> loc("d_k")
  %d2 = "iron.Add"(%d1, %x) : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32> loc("d_inner")
  %d3 = "iron.Mul"(%d2, %s) : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32> loc("d_s")
  %d4 = "iron.Tanh"(%d3) : (tensor<2x8xf32>) -> tensor<2x8xf32> loc("d_tanh")
  %d5 = "iron.Add"(%d4, %one) : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32> loc("d_add")
  %d6 = "iron.Mul"(%x, %half) : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32> loc("d_half")
  %d7 = "iron.Mul"(%d6, %d5) : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32> loc("d_mul")
  return %a4, %b4, %c8, %d7 : tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>
}

// -----

// Negative: a look-alike with the wrong constant (0.6 instead of 0.5) and
// one whose Erf result is also used elsewhere stay.
// CHECK-LABEL: func.func @gelu_kept
// CHECK-NOT: "iron.Gelu"
// CHECK-COUNT-2: "iron.Erf"
func.func @gelu_kept(%x: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) {
  %sqrt2 = "iron.Constant"() <{value = dense<1.41421354> : tensor<f32>}> : () -> tensor<f32>
  %one = "iron.Constant"() <{value = dense<1.0> : tensor<f32>}> : () -> tensor<f32>
  %bad = "iron.Constant"() <{value = dense<0.6> : tensor<f32>}> : () -> tensor<f32>
  %half = "iron.Constant"() <{value = dense<0.5> : tensor<f32>}> : () -> tensor<f32>
  %a0 = "iron.Div"(%x, %sqrt2) : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %a1 = "iron.Erf"(%a0) : (tensor<8xf32>) -> tensor<8xf32>
  %a2 = "iron.Add"(%a1, %one) : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %a3 = "iron.Mul"(%x, %a2) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %a4 = "iron.Mul"(%a3, %bad) : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %b0 = "iron.Div"(%x, %sqrt2) : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %b1 = "iron.Erf"(%b0) : (tensor<8xf32>) -> tensor<8xf32>
  %b2 = "iron.Add"(%b1, %one) : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %b3 = "iron.Mul"(%x, %b2) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %b4 = "iron.Mul"(%b3, %half) : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  return %a4, %b4, %b1 : tensor<8xf32>, tensor<8xf32>, tensor<8xf32>
}

// -----

// Scaled dot-product attention: MatMul(Q, Kt), Div by sqrt(d), an additive
// mask, Softmax over the last axis, MatMul with V.
// CHECK-LABEL: func.func @attention
// CHECK: %[[Y:.*]] = "iron.Attention"(%arg0, %arg1, %arg2, %arg3) <{scale = 1.250000e-01 : f32}> : (tensor<1x2x4x8xf32>, tensor<1x2x8x4xf32>, tensor<1x2x4x8xf32>, tensor<1x1x1x4xf32>) -> tensor<1x2x4x8xf32>
// CHECK-SAME: loc(fused["qk", "scale", "mask", "softmax", "pv"])
// CHECK-NEXT: return %[[Y]]
func.func @attention(%q: tensor<1x2x4x8xf32>, %kt: tensor<1x2x8x4xf32>, %v: tensor<1x2x4x8xf32>, %mask: tensor<1x1x1x4xf32>) -> tensor<1x2x4x8xf32> {
  %d = "iron.Constant"() <{value = dense<8.0> : tensor<f32>}> : () -> tensor<f32>
  %0 = "iron.MatMul"(%q, %kt) : (tensor<1x2x4x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x4x4xf32> loc("qk")
  %1 = "iron.Div"(%0, %d) : (tensor<1x2x4x4xf32>, tensor<f32>) -> tensor<1x2x4x4xf32> loc("scale")
  %2 = "iron.Add"(%1, %mask) : (tensor<1x2x4x4xf32>, tensor<1x1x1x4xf32>) -> tensor<1x2x4x4xf32> loc("mask")
  %3 = "iron.Softmax"(%2) <{axis = 3 : i64}> : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("softmax")
  %4 = "iron.MatMul"(%3, %v) : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> loc("pv")
  return %4 : tensor<1x2x4x8xf32>
}

// -----

// A causal mask written as Where(constant condition, large negative, x)
// (gpt2_decoder) becomes an additive mask constant; the scale is a Mul.
// CHECK-LABEL: func.func @attention_where
// CHECK: %[[M:.*]] = "iron.Constant"() <{value = dense<{{\[}}[0.000000e+00, -1.000000e+09], [0.000000e+00, 0.000000e+00]]> : tensor<2x2xf32>}>
// CHECK: "iron.Attention"(%arg0, %arg1, %arg2, %[[M]]) <{scale = 5.000000e-01 : f32}>
func.func @attention_where(%q: tensor<1x2x4xf32>, %kt: tensor<1x4x2xf32>, %v: tensor<1x2x4xf32>) -> tensor<1x2x4xf32> {
  %c = "iron.Constant"() <{value = dense<[[false, true], [false, false]]> : tensor<2x2xi1>}> : () -> tensor<2x2xi1>
  %fill = "iron.Constant"() <{value = dense<-1.0e+09> : tensor<f32>}> : () -> tensor<f32>
  %s = "iron.Constant"() <{value = dense<0.5> : tensor<f32>}> : () -> tensor<f32>
  %0 = "iron.MatMul"(%q, %kt) : (tensor<1x2x4xf32>, tensor<1x4x2xf32>) -> tensor<1x2x2xf32>
  %1 = "iron.Mul"(%s, %0) : (tensor<f32>, tensor<1x2x2xf32>) -> tensor<1x2x2xf32>
  %2 = "iron.Where"(%c, %fill, %1) : (tensor<2x2xi1>, tensor<f32>, tensor<1x2x2xf32>) -> tensor<1x2x2xf32>
  %3 = "iron.Softmax"(%2) : (tensor<1x2x2xf32>) -> tensor<1x2x2xf32>
  %4 = "iron.MatMul"(%3, %v) : (tensor<1x2x2xf32>, tensor<1x2x4xf32>) -> tensor<1x2x4xf32>
  return %4 : tensor<1x2x4xf32>
}

// -----

// Negative: a Softmax over another axis, and scores that are also returned.
// CHECK-LABEL: func.func @attention_kept
// CHECK-NOT: "iron.Attention"
// CHECK-COUNT-2: "iron.Softmax"
func.func @attention_kept(%q: tensor<1x4x8xf32>, %kt: tensor<1x8x4xf32>, %v: tensor<1x4x8xf32>) -> (tensor<1x4x8xf32>, tensor<1x4x8xf32>, tensor<1x4x4xf32>) {
  %d = "iron.Constant"() <{value = dense<8.0> : tensor<f32>}> : () -> tensor<f32>
  %0 = "iron.MatMul"(%q, %kt) : (tensor<1x4x8xf32>, tensor<1x8x4xf32>) -> tensor<1x4x4xf32>
  %1 = "iron.Div"(%0, %d) : (tensor<1x4x4xf32>, tensor<f32>) -> tensor<1x4x4xf32>
  %2 = "iron.Softmax"(%1) <{axis = 1 : i64}> : (tensor<1x4x4xf32>) -> tensor<1x4x4xf32>
  %3 = "iron.MatMul"(%2, %v) : (tensor<1x4x4xf32>, tensor<1x4x8xf32>) -> tensor<1x4x8xf32>
  %4 = "iron.MatMul"(%q, %kt) : (tensor<1x4x8xf32>, tensor<1x8x4xf32>) -> tensor<1x4x4xf32>
  %5 = "iron.Softmax"(%4) : (tensor<1x4x4xf32>) -> tensor<1x4x4xf32>
  %6 = "iron.MatMul"(%5, %v) : (tensor<1x4x4xf32>, tensor<1x4x8xf32>) -> tensor<1x4x8xf32>
  return %3, %6, %4 : tensor<1x4x8xf32>, tensor<1x4x8xf32>, tensor<1x4x4xf32>
}
