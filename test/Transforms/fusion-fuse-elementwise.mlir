// RUN: iron-opt %s -split-input-file --iron-fuse-elementwise --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s

// A chain of unary and broadcast-binary ops becomes one Elementwise whose
// program follows the chain; a [C,1,1] constant broadcasts without changing
// the shape; the same input read twice is one register. Clip's bounds and
// LeakyRelu's alpha become immediates.
// CHECK-LABEL: func.func @chain
// CHECK: %[[E:.*]] = "iron.Elementwise"(%arg0, %[[S:.*]], %[[T:.*]]) <{program = ["Mul t0 i0 i1", "Add t1 t0 i2", "Clip t2 t1 0 6", "Mul t3 t2 i0", "LeakyRelu t4 t3 0.100000001"]}>
// CHECK-SAME: loc(fused["scale", "shift", "clip", "gate", "leaky"])
// CHECK-NEXT: return %[[E]]
func.func @chain(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %s = "iron.Constant"() <{value = dense<2.0> : tensor<2x1x1xf32>}> : () -> tensor<2x1x1xf32>
  %t = "iron.Constant"() <{value = dense<1.0> : tensor<2x1x1xf32>}> : () -> tensor<2x1x1xf32>
  %zero = "iron.Constant"() <{value = dense<0.0> : tensor<f32>}> : () -> tensor<f32>
  %six = "iron.Constant"() <{value = dense<6.0> : tensor<f32>}> : () -> tensor<f32>
  %0 = "iron.Mul"(%x, %s) : (tensor<1x2x4x4xf32>, tensor<2x1x1xf32>) -> tensor<1x2x4x4xf32> loc("scale")
  %1 = "iron.Add"(%0, %t) : (tensor<1x2x4x4xf32>, tensor<2x1x1xf32>) -> tensor<1x2x4x4xf32> loc("shift")
  %2 = "iron.Clip"(%1, %zero, %six) <{operandSegmentSizes = array<i32: 1, 1, 1>}> : (tensor<1x2x4x4xf32>, tensor<f32>, tensor<f32>) -> tensor<1x2x4x4xf32> loc("clip")
  %3 = "iron.Mul"(%2, %x) : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("gate")
  %4 = "iron.LeakyRelu"(%3) <{alpha = 0.1 : f32}> : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("leaky")
  return %4 : tensor<1x2x4x4xf32>
}

// -----

// A tree: both operands of the last Add are chains of their own. Every
// unary op the program knows.
// CHECK-LABEL: func.func @tree
// CHECK: "iron.Elementwise"(%arg0, %arg1) <{program = ["Exp t0 i0", "Log t1 t0", "Sqrt t2 t1", "Neg t3 i1", "Abs t4 t3", "Reciprocal t5 t4", "Add t6 t2 t5", "Erf t7 t6", "Tanh t8 t7", "Sigmoid t9 t8", "Relu t10 t9", "HardSigmoid t11 t10 0.200000003 0.5", "HardSwish t12 t11"]}>
func.func @tree(%a: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<8xf32> {
  %0 = "iron.Exp"(%a) : (tensor<8xf32>) -> tensor<8xf32>
  %1 = "iron.Log"(%0) : (tensor<8xf32>) -> tensor<8xf32>
  %2 = "iron.Sqrt"(%1) : (tensor<8xf32>) -> tensor<8xf32>
  %3 = "iron.Neg"(%b) : (tensor<8xf32>) -> tensor<8xf32>
  %4 = "iron.Abs"(%3) : (tensor<8xf32>) -> tensor<8xf32>
  %5 = "iron.Reciprocal"(%4) : (tensor<8xf32>) -> tensor<8xf32>
  %6 = "iron.Add"(%2, %5) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %7 = "iron.Erf"(%6) : (tensor<8xf32>) -> tensor<8xf32>
  %8 = "iron.Tanh"(%7) : (tensor<8xf32>) -> tensor<8xf32>
  %9 = "iron.Sigmoid"(%8) : (tensor<8xf32>) -> tensor<8xf32>
  %10 = "iron.Relu"(%9) : (tensor<8xf32>) -> tensor<8xf32>
  %11 = "iron.HardSigmoid"(%10) : (tensor<8xf32>) -> tensor<8xf32>
  %12 = "iron.HardSwish"(%11) : (tensor<8xf32>) -> tensor<8xf32>
  return %12 : tensor<8xf32>
}

// -----

// Binary ops, and an existing Elementwise merged into a larger one.
// CHECK-LABEL: func.func @binary_and_merge
// CHECK: "iron.Elementwise"(%arg0, %arg1, %{{.*}}) <{program = ["Sub t0 i0 i1", "Div t1 t0 i1", "Min t2 t1 i0", "Max t3 t2 i1", "Pow t4 t3 i2", "Sigmoid t5 t4", "Mul t6 t4 t5"]}>
// CHECK-NOT: "iron.Sub"
func.func @binary_and_merge(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %two = "iron.Constant"() <{value = dense<2.0> : tensor<f32>}> : () -> tensor<f32>
  %0 = "iron.Sub"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = "iron.Div"(%0, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %2 = "iron.Min"(%1, %a) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %3 = "iron.Max"(%2, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %4 = "iron.Pow"(%3, %two) : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  %5 = "iron.Elementwise"(%4) <{program = ["Sigmoid t0 i0", "Mul t1 i0 t0"]}> : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %5 : tensor<2x3xf32>
}

// -----

// An intermediate with a second user ends the group: it is computed by a
// group of its own and read by the next one.
// CHECK-LABEL: func.func @shared
// CHECK: %[[A:.*]] = "iron.Elementwise"(%arg0) <{program = ["Neg t0 i0", "Exp t1 t0"]}>
// CHECK: %[[B:.*]] = "iron.Elementwise"(%[[A]]) <{program = ["Relu t0 i0", "Sqrt t1 t0"]}>
// CHECK: return %[[B]], %[[A]]
func.func @shared(%a: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>) {
  %0 = "iron.Neg"(%a) : (tensor<8xf32>) -> tensor<8xf32>
  %1 = "iron.Exp"(%0) : (tensor<8xf32>) -> tensor<8xf32>
  %2 = "iron.Relu"(%1) : (tensor<8xf32>) -> tensor<8xf32>
  %3 = "iron.Sqrt"(%2) : (tensor<8xf32>) -> tensor<8xf32>
  return %3, %1 : tensor<8xf32>, tensor<8xf32>
}

// -----

// Negative: an op whose result the chain broadcasts to a larger shape is
// not fused (it would be computed once per element of the larger shape):
// it stays, as a lone op, and the group reads its result.
// CHECK-LABEL: func.func @broadcast_changes_shape
// CHECK: %[[N:.*]] = "iron.Neg"(%arg0) : (tensor<3xf32>) -> tensor<3xf32>
// CHECK: "iron.Elementwise"(%[[N]], %arg1) <{program = ["Add t0 i0 i1", "Relu t1 t0"]}>
func.func @broadcast_changes_shape(%a: tensor<3xf32>, %b: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "iron.Neg"(%a) : (tensor<3xf32>) -> tensor<3xf32>
  %1 = "iron.Add"(%0, %b) : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = "iron.Relu"(%1) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %2 : tensor<2x3xf32>
}

// -----

// An Elementwise (or activation op) that is exactly one activation of a
// FusedConv or FusedMatMul without one becomes its activation.
// CHECK-LABEL: func.func @into_epilogue
// CHECK: %[[C:.*]] = "iron.FusedConv"(%arg0, %{{.*}}) <{activation = "SiLU"{{.*}}loc(fused["conv", "silu"])
// CHECK: %[[M:.*]] = "iron.FusedMatMul"(%arg1, %{{.*}}) <{activation = "Clip", activation_params = [0.000000e+00 : f32, 6.000000e+00 : f32]{{.*}}loc(fused["mm", "relu6"])
// CHECK: return %[[C]], %[[M]]
func.func @into_epilogue(%x: tensor<1x2x4x4xf32>, %a: tensor<3x2xf32>) -> (tensor<1x2x4x4xf32>, tensor<3x2xf32>) {
  %w = "iron.Constant"() <{value = dense<0.1> : tensor<2x2x1x1xf32>}> : () -> tensor<2x2x1x1xf32>
  %c = "iron.FusedConv"(%x, %w) <{operandSegmentSizes = array<i32: 1, 1, 0, 0>}> : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32> loc("conv")
  %s = "iron.Elementwise"(%c) <{program = ["Sigmoid t0 i0", "Mul t1 i0 t0"]}> : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("silu")
  %wm = "iron.Constant"() <{value = dense<0.5> : tensor<2x2xf32>}> : () -> tensor<2x2xf32>
  %m = "iron.FusedMatMul"(%a, %wm) <{operandSegmentSizes = array<i32: 1, 1, 0, 0>}> : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32> loc("mm")
  %zero = "iron.Constant"() <{value = dense<0.0> : tensor<f32>}> : () -> tensor<f32>
  %six = "iron.Constant"() <{value = dense<6.0> : tensor<f32>}> : () -> tensor<f32>
  %r = "iron.Clip"(%m, %zero, %six) <{operandSegmentSizes = array<i32: 1, 1, 1>}> : (tensor<3x2xf32>, tensor<f32>, tensor<f32>) -> tensor<3x2xf32> loc("relu6")
  return %s, %r : tensor<1x2x4x4xf32>, tensor<3x2xf32>
}

// -----

// Negative: a FusedConv with an activation keeps the Elementwise after it,
// and so does one whose output has a second user.
// CHECK-LABEL: func.func @epilogue_taken
// CHECK: "iron.FusedConv"{{.*}}activation = "Relu"
// CHECK: "iron.Elementwise"
// CHECK: "iron.FusedConv"{{.*}}activation = ""
// CHECK: "iron.Relu"
func.func @epilogue_taken(%x: tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w = "iron.Constant"() <{value = dense<0.1> : tensor<2x2x1x1xf32>}> : () -> tensor<2x2x1x1xf32>
  %c = "iron.FusedConv"(%x, %w) <{activation = "Relu", operandSegmentSizes = array<i32: 1, 1, 0, 0>}> : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %s = "iron.Elementwise"(%c) <{program = ["Tanh t0 i0"]}> : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %c2 = "iron.FusedConv"(%x, %w) <{operandSegmentSizes = array<i32: 1, 1, 0, 0>}> : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %r = "iron.Relu"(%c2) : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %s, %r, %c2 : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}
