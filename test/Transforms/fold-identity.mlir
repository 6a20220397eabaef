// RUN: iron-opt %s --canonicalize | FileCheck %s
//
// Identity folds to its operand when the types match, and to a constant when
// its operand is one and its own type is static.

// CHECK-LABEL: func.func @identity_chain
// CHECK-SAME: (%[[X:.*]]: tensor<2xf32>)
// CHECK-NEXT: return %[[X]]
func.func @identity_chain(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = "iron.Identity"(%x) : (tensor<2xf32>) -> tensor<2xf32>
  %1 = "iron.Identity"(%0) : (tensor<2xf32>) -> tensor<2xf32>
  return %1 : tensor<2xf32>
}

// CHECK-LABEL: func.func @identity_feeds_op
// CHECK-NEXT: %[[R:.*]] = "iron.Relu"(%arg0)
// CHECK-NEXT: return %[[R]]
func.func @identity_feeds_op(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = "iron.Identity"(%x) : (tensor<2xf32>) -> tensor<2xf32>
  %1 = "iron.Relu"(%0) : (tensor<2xf32>) -> tensor<2xf32>
  return %1 : tensor<2xf32>
}

// CHECK-LABEL: func.func @identity_of_constant
// CHECK-NEXT: %[[C:.*]] = "iron.Constant"() <{value = dense<[3, 4]> : tensor<2xi64>}>
// CHECK-NEXT: return %[[C]]
func.func @identity_of_constant() -> tensor<2xi64> {
  %c = "iron.Constant"() <{value = dense<[3, 4]> : tensor<2xi64>}> : () -> tensor<2xi64>
  %0 = "iron.Identity"(%c) : (tensor<2xi64>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// A type change (here to a less precise type) keeps a non-constant Identity:
// replacing it would change the type its users see.
// CHECK-LABEL: func.func @identity_type_change
// CHECK: "iron.Identity"(%arg0) : (tensor<2xf32>) -> tensor<?xf32>
func.func @identity_type_change(%x: tensor<2xf32>) -> tensor<?xf32> {
  %0 = "iron.Identity"(%x) : (tensor<2xf32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}
