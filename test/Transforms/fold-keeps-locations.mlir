// RUN: iron-opt %s -split-input-file --iron-fold --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s

// iron-fold creates a folded constant at the location of the op it
// replaces and never hoists or merges constants, so weights and folded
// shape values keep their ONNX names (--canonicalize would erase them).
// CHECK-LABEL: func.func @names
// CHECK: "iron.Constant"() <{value = dense<[2, 3]> : tensor<2xi64>}> {{.*}} loc("shape_of_x")
// CHECK: "iron.Reshape"{{.*}} loc("reshape")
// CHECK: "iron.Constant"() <{value = dense<1.000000e+00> : tensor<3xf32>}> {{.*}} loc("bias")
// CHECK: "iron.Constant"() <{value = dense<1.000000e+00> : tensor<3xf32>}> {{.*}} loc("bias2")
// CHECK-NOT: "iron.Shape"
func.func @names(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>) {
  %s = "iron.Shape"(%x) : (tensor<2x3xf32>) -> tensor<2xi64> loc("shape_of_x")
  %r = "iron.Reshape"(%x, %s) <{allowzero = 0 : i64}> : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x3xf32> loc("reshape")
  %b = "iron.Constant"() <{value = dense<1.0> : tensor<3xf32>}> : () -> tensor<3xf32> loc("bias")
  %c = "iron.Constant"() <{value = dense<1.0> : tensor<3xf32>}> : () -> tensor<3xf32> loc("bias2")
  return %r, %b, %c : tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>
}

// -----

// Negative: ops on non-constant operands and training-mode Dropout stay.
// CHECK-LABEL: func.func @kept
// CHECK: "iron.Add"
// CHECK: "iron.Dropout"
func.func @kept(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  %t = "iron.Constant"() <{value = dense<true> : tensor<i1>}> : () -> tensor<i1>
  %r = "iron.Constant"() <{value = dense<5.000000e-01> : tensor<f32>}> : () -> tensor<f32>
  %a = "iron.Add"(%x, %y) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %d = "iron.Dropout"(%a, %r, %t) <{operandSegmentSizes = array<i32: 1, 1, 1>, seed = 0 : i64}> : (tensor<4xf32>, tensor<f32>, tensor<i1>) -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

// Dead ops vanish, inference Dropout and Identity too.
// CHECK-LABEL: func.func @dead
// CHECK-NOT: "iron.Neg"
// CHECK-NOT: "iron.Dropout"
// CHECK-NOT: "iron.Identity"
// CHECK: return %arg0
func.func @dead(%x: tensor<4xf32>) -> tensor<4xf32> {
  %n = "iron.Neg"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %d = "iron.Dropout"(%x) <{operandSegmentSizes = array<i32: 1, 0, 0>, seed = 0 : i64}> : (tensor<4xf32>) -> tensor<4xf32>
  %i = "iron.Identity"(%d) : (tensor<4xf32>) -> tensor<4xf32>
  return %i : tensor<4xf32>
}
