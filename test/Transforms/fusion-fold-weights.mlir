// RUN: iron-opt %s -split-input-file --iron-fold-weights --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s

// A Transpose of a weight and a Mul of it by a constant become one new
// constant, named after the last op folded; the ops disappear.
// CHECK-LABEL: func.func @transpose_mul
// CHECK: %[[W:.*]] = "iron.Constant"() <{value = dense<{{\[}}[2.000000e+00, 6.000000e+00], [4.000000e+00, 8.000000e+00]]> : tensor<2x2xf32>}> : () -> tensor<2x2xf32> loc("scale_w")
// CHECK-NEXT: "iron.MatMul"(%arg0, %[[W]])
// CHECK-NOT: "iron.Transpose"
// CHECK-NOT: "iron.Mul"
func.func @transpose_mul(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %w = "iron.Constant"() <{value = dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>}> : () -> tensor<2x2xf32> loc("w")
  %two = "iron.Constant"() <{value = dense<2.0> : tensor<f32>}> : () -> tensor<f32> loc("two")
  %t = "iron.Transpose"(%w) <{perm = [1, 0]}> : (tensor<2x2xf32>) -> tensor<2x2xf32> loc("transpose_w")
  %s = "iron.Mul"(%t, %two) : (tensor<2x2xf32>, tensor<f32>) -> tensor<2x2xf32> loc("scale_w")
  %y = "iron.MatMul"(%x, %s) : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32> loc("mm")
  return %y : tensor<3x2xf32>
}

// -----

// DequantizeLinear of int8 weights per output channel (axis 0), a Cast of
// fp16 weights and a Reshape of the result.
// CHECK-LABEL: func.func @dequantize_cast
// CHECK-DAG: "iron.Constant"() <{value = dense<{{\[}}[-2.000000e+00, 2.000000e+00], [2.500000e+00, 5.000000e+00]]> : tensor<2x2xf32>}> {{.*}} loc("dq")
// CHECK-DAG: "iron.Constant"() <{value = dense<[1.500000e+00, -2.000000e+00, 3.000000e+00, 2.500000e-01]> : tensor<4xf32>}> {{.*}} loc("reshape_h")
// CHECK-NOT: "iron.DequantizeLinear"
// CHECK-NOT: "iron.Cast"
// CHECK-NOT: "iron.Reshape"
func.func @dequantize_cast() -> (tensor<2x2xf32>, tensor<4xf32>) {
  %q = "iron.Constant"() <{value = dense<[[-1, 1], [2, 4]]> : tensor<2x2xi8>}> : () -> tensor<2x2xi8> loc("q")
  %s = "iron.Constant"() <{value = dense<[2.0, 1.25]> : tensor<2xf32>}> : () -> tensor<2xf32> loc("s")
  %z = "iron.Constant"() <{value = dense<[0, 0]> : tensor<2xi8>}> : () -> tensor<2xi8> loc("z")
  %dq = "iron.DequantizeLinear"(%q, %s, %z) <{axis = 0 : i64}> : (tensor<2x2xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<2x2xf32> loc("dq")
  %h = "iron.Constant"() <{value = dense<[[1.5, -2.0], [3.0, 0.25]]> : tensor<2x2xf16>}> : () -> tensor<2x2xf16> loc("h")
  %c = "iron.Cast"(%h) <{to = 1 : i64}> : (tensor<2x2xf16>) -> tensor<2x2xf32> loc("cast_h")
  %shape = "iron.Constant"() <{value = dense<[4]> : tensor<1xi64>}> : () -> tensor<1xi64> loc("shape")
  %r = "iron.Reshape"(%c, %shape) : (tensor<2x2xf32>, tensor<1xi64>) -> tensor<4xf32> loc("reshape_h")
  return %dq, %r : tensor<2x2xf32>, tensor<4xf32>
}

// -----

// A Gather of an embedding table by constant positions (what BERT and GPT-2
// exports do with position ids) folds; a Gather by the model's input stays.
// CHECK-LABEL: func.func @gather
// CHECK-DAG: "iron.Constant"() <{value = dense<{{\[}}[5.000000e+00, 6.000000e+00], [1.000000e+00, 2.000000e+00]]> : tensor<2x2xf32>}> {{.*}} loc("positions")
// CHECK-DAG: "iron.Gather"(%{{.*}}, %arg0)
// CHECK: return
func.func @gather(%ids: tensor<2xi64>) -> (tensor<2x2xf32>, tensor<2x2xf32>) {
  %table = "iron.Constant"() <{value = dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>}> : () -> tensor<3x2xf32> loc("table")
  %pos = "iron.Constant"() <{value = dense<[2, 0]> : tensor<2xi64>}> : () -> tensor<2xi64> loc("pos")
  %a = "iron.Gather"(%table, %pos) <{axis = 0 : i64}> : (tensor<3x2xf32>, tensor<2xi64>) -> tensor<2x2xf32> loc("positions")
  %b = "iron.Gather"(%table, %ids) <{axis = 0 : i64}> : (tensor<3x2xf32>, tensor<2xi64>) -> tensor<2x2xf32> loc("tokens")
  return %a, %b : tensor<2x2xf32>, tensor<2x2xf32>
}

// -----

// A causal mask computed from constants (comparison, Not, Where) folds.
// CHECK-LABEL: func.func @mask
// CHECK: "iron.Constant"() <{value = dense<{{\[}}[0.000000e+00, -1.000000e+04], [0.000000e+00, 0.000000e+00]]> : tensor<2x2xf32>}> {{.*}} loc("where")
// CHECK-NOT: "iron.GreaterOrEqual"
// CHECK-NOT: "iron.Where"
func.func @mask() -> tensor<2x2xf32> {
  %r = "iron.Constant"() <{value = dense<[[0], [1]]> : tensor<2x1xi64>}> : () -> tensor<2x1xi64> loc("rows")
  %c = "iron.Constant"() <{value = dense<[[0, 1]]> : tensor<1x2xi64>}> : () -> tensor<1x2xi64> loc("cols")
  %ge = "iron.GreaterOrEqual"(%r, %c) : (tensor<2x1xi64>, tensor<1x2xi64>) -> tensor<2x2xi1> loc("ge")
  %n = "iron.Not"(%ge) : (tensor<2x2xi1>) -> tensor<2x2xi1> loc("not")
  %big = "iron.Constant"() <{value = dense<-1.0e+04> : tensor<f32>}> : () -> tensor<f32> loc("big")
  %zero = "iron.Constant"() <{value = dense<0.0> : tensor<f32>}> : () -> tensor<f32> loc("zero")
  %w = "iron.Where"(%n, %big, %zero) : (tensor<2x2xi1>, tensor<f32>, tensor<f32>) -> tensor<2x2xf32> loc("where")
  return %w : tensor<2x2xf32>
}

// -----

// Negative: ops reading an activation stay, and an Expand that would turn
// a scalar into a large weight is not materialized.
// CHECK-LABEL: func.func @kept
// CHECK: "iron.Transpose"(%arg0)
// CHECK: "iron.Expand"
func.func @kept(%x: tensor<2x3xf32>) -> (tensor<3x2xf32>, tensor<512x1024xf32>) {
  %t = "iron.Transpose"(%x) <{perm = [1, 0]}> : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %one = "iron.Constant"() <{value = dense<1.0> : tensor<f32>}> : () -> tensor<f32>
  %shape = "iron.Constant"() <{value = dense<[512, 1024]> : tensor<2xi64>}> : () -> tensor<2xi64>
  %e = "iron.Expand"(%one, %shape) : (tensor<f32>, tensor<2xi64>) -> tensor<512x1024xf32>
  return %t, %e : tensor<3x2xf32>, tensor<512x1024xf32>
}
