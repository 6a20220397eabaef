// RUN: iron-opt %s --canonicalize -split-input-file | FileCheck %s
//
// Dropout outside training is the identity: the canonicalization pattern
// removes it when there is no training_mode operand or it is a constant
// false. A used mask becomes an all-true constant (static shape needed).
// Training mode on, or not known, keeps the op.

// CHECK-LABEL: func.func @no_training_mode
// CHECK-NEXT: %[[R:.*]] = "iron.Relu"(%arg0)
// CHECK-NEXT: return %[[R]]
func.func @no_training_mode(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0:2 = "iron.Dropout"(%x) <{operandSegmentSizes = array<i32: 1, 0, 0>}> : (tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xi1>)
  %1 = "iron.Relu"(%0#0) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @no_mask_result
// CHECK-NEXT: return %arg0
func.func @no_mask_result(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "iron.Dropout"(%x) <{operandSegmentSizes = array<i32: 1, 0, 0>}> : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// training_mode is a constant false, the mask is used: it becomes all true.
// CHECK-LABEL: func.func @mask_used
// CHECK-NEXT: %[[M:.*]] = "iron.Constant"() <{value = dense<true> : tensor<2x3xi1>}> : () -> tensor<2x3xi1>
// CHECK-NEXT: return %arg0, %[[M]]
// CHECK-NOT: iron.Dropout
func.func @mask_used(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xi1>) {
  %r = "iron.Constant"() <{value = dense<0.5> : tensor<f32>}> : () -> tensor<f32>
  %t = "iron.Constant"() <{value = dense<false> : tensor<i1>}> : () -> tensor<i1>
  %0:2 = "iron.Dropout"(%x, %r, %t) <{operandSegmentSizes = array<i32: 1, 1, 1>}> : (tensor<2x3xf32>, tensor<f32>, tensor<i1>) -> (tensor<2x3xf32>, tensor<2x3xi1>)
  return %0#0, %0#1 : tensor<2x3xf32>, tensor<2x3xi1>
}

// -----

// A mode that folds to false counts as a constant false.
// CHECK-LABEL: func.func @training_mode_folds_to_false
// CHECK-NEXT: return %arg0
func.func @training_mode_folds_to_false(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %a = "iron.Constant"() <{value = dense<true> : tensor<i1>}> : () -> tensor<i1>
  %t = "iron.Not"(%a) : (tensor<i1>) -> tensor<i1>
  %0:2 = "iron.Dropout"(%x, %t) <{operandSegmentSizes = array<i32: 1, 0, 1>}> : (tensor<2x3xf32>, tensor<i1>) -> (tensor<2x3xf32>, tensor<2x3xi1>)
  return %0#0 : tensor<2x3xf32>
}

// -----

// An unused dynamic mask does not matter.
// CHECK-LABEL: func.func @dynamic_mask_unused
// CHECK-NEXT: return %arg0
func.func @dynamic_mask_unused(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %0:2 = "iron.Dropout"(%x) <{operandSegmentSizes = array<i32: 1, 0, 0>}> : (tensor<?x3xf32>) -> (tensor<?x3xf32>, tensor<?x3xi1>)
  return %0#0 : tensor<?x3xf32>
}

// -----

// Not removed: training_mode is a constant true.
// CHECK-LABEL: func.func @training_mode_true
// CHECK: %[[T:.*]] = "iron.Constant"() <{value = dense<true> : tensor<i1>}>
// CHECK: %[[OUT:.*]], %{{.*}} = "iron.Dropout"(%arg0, %[[T]]) <{operandSegmentSizes = array<i32: 1, 0, 1>}>
// CHECK: return %[[OUT]]
func.func @training_mode_true(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %t = "iron.Constant"() <{value = dense<true> : tensor<i1>}> : () -> tensor<i1>
  %0:2 = "iron.Dropout"(%x, %t) <{operandSegmentSizes = array<i32: 1, 0, 1>}> : (tensor<2x3xf32>, tensor<i1>) -> (tensor<2x3xf32>, tensor<2x3xi1>)
  return %0#0 : tensor<2x3xf32>
}

// -----

// Not removed: training_mode is not a constant.
// CHECK-LABEL: func.func @training_mode_unknown
// CHECK: "iron.Dropout"(%arg0, %arg1) <{operandSegmentSizes = array<i32: 1, 0, 1>}>
func.func @training_mode_unknown(%x: tensor<2x3xf32>, %t: tensor<i1>) -> tensor<2x3xf32> {
  %0:2 = "iron.Dropout"(%x, %t) <{operandSegmentSizes = array<i32: 1, 0, 1>}> : (tensor<2x3xf32>, tensor<i1>) -> (tensor<2x3xf32>, tensor<2x3xi1>)
  return %0#0 : tensor<2x3xf32>
}

// -----

// Not removed: the mask is used and its shape is not static.
// CHECK-LABEL: func.func @dynamic_mask_used
// CHECK: "iron.Dropout"(%arg0) <{operandSegmentSizes = array<i32: 1, 0, 0>}> : (tensor<?x3xf32>) -> (tensor<?x3xf32>, tensor<?x3xi1>)
func.func @dynamic_mask_used(%x: tensor<?x3xf32>) -> (tensor<?x3xf32>, tensor<?x3xi1>) {
  %0:2 = "iron.Dropout"(%x) <{operandSegmentSizes = array<i32: 1, 0, 0>}> : (tensor<?x3xf32>) -> (tensor<?x3xf32>, tensor<?x3xi1>)
  return %0#0, %0#1 : tensor<?x3xf32>, tensor<?x3xi1>
}

// -----

// Not removed: the output's type differs from the input's, so the input
// cannot stand in for it.
// CHECK-LABEL: func.func @output_type_differs
// CHECK: "iron.Dropout"(%arg0) <{operandSegmentSizes = array<i32: 1, 0, 0>}> : (tensor<2x3xf32>) -> tensor<?x3xf32>
func.func @output_type_differs(%x: tensor<2x3xf32>) -> tensor<?x3xf32> {
  %0 = "iron.Dropout"(%x) <{operandSegmentSizes = array<i32: 1, 0, 0>}> : (tensor<2x3xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}
