// RUN: iron-opt %s --iron-import-cleanup | FileCheck %s
//
// The clean-up pipeline run after import alternates shape inference and
// canonicalization: refining a type makes a Shape foldable, folding makes a
// Reshape's target constant, which refines the next type, and so on.

// CHECK-LABEL: func.func @two_rounds
// CHECK-SAME: (%arg0: tensor<2x3x4xf32>) -> tensor<2x12xf32>
// CHECK-NEXT: %[[S:.*]] = "iron.Constant"() <{value = dense<[2, 12]> : tensor<2xi64>}>
// CHECK-NEXT: %[[R:.*]] = "iron.Reshape"(%arg0, %[[S]]) <{allowzero = 0 : i64}> : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<2x12xf32>
// CHECK-NEXT: %[[Y:.*]] = "iron.Relu"(%[[R]]) : (tensor<2x12xf32>) -> tensor<2x12xf32>
// CHECK-NEXT: return %[[Y]]
func.func @two_rounds(%x: tensor<2x3x4xf32>) -> tensor<*xf32> {
  // Round 1: Relu's type is refined, so its Shape folds.
  %r = "iron.Relu"(%x) : (tensor<2x3x4xf32>) -> tensor<*xf32>
  %s = "iron.Shape"(%r) : (tensor<*xf32>) -> tensor<?xi64>
  %i0 = "iron.Constant"() <{value = dense<[0]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %d0 = "iron.Gather"(%s, %i0) <{axis = 0 : i64}> : (tensor<?xi64>, tensor<1xi64>) -> tensor<*xi64>
  %i1 = "iron.Constant"() <{value = dense<[1]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %i2 = "iron.Constant"() <{value = dense<[2]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %d1 = "iron.Gather"(%s, %i1) <{axis = 0 : i64}> : (tensor<?xi64>, tensor<1xi64>) -> tensor<*xi64>
  %d2 = "iron.Gather"(%s, %i2) <{axis = 0 : i64}> : (tensor<?xi64>, tensor<1xi64>) -> tensor<*xi64>
  %p = "iron.Mul"(%d1, %d2) : (tensor<*xi64>, tensor<*xi64>) -> tensor<*xi64>
  %ns = "iron.Concat"(%d0, %p) <{axis = 0 : i64}> : (tensor<*xi64>, tensor<*xi64>) -> tensor<*xi64>
  %y = "iron.Reshape"(%x, %ns) : (tensor<2x3x4xf32>, tensor<*xi64>) -> tensor<*xf32>
  %z = "iron.Relu"(%y) : (tensor<*xf32>) -> tensor<*xf32>
  return %z : tensor<*xf32>
}
