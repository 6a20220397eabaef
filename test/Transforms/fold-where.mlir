// RUN: iron-opt %s --canonicalize | FileCheck %s
//
// Where on constants, with broadcasting of all three operands.

// CHECK-LABEL: func.func @where_broadcast
// CHECK-NEXT: %[[C:.*]] = "iron.Constant"() <{value = dense<{{\[}}[1.000000e+00, -1.000000e+00, 3.000000e+00], [-1.000000e+00, -1.000000e+00, 3.000000e+00]]> : tensor<2x3xf32>}>
// CHECK-NEXT: return %[[C]]
func.func @where_broadcast() -> tensor<2x3xf32> {
  %c = "iron.Constant"() <{value = dense<[[true, false, true], [false, false, true]]> : tensor<2x3xi1>}> : () -> tensor<2x3xi1>
  %x = "iron.Constant"() <{value = dense<[1.0, 2.0, 3.0]> : tensor<3xf32>}> : () -> tensor<3xf32>
  %y = "iron.Constant"() <{value = dense<-1.0> : tensor<f32>}> : () -> tensor<f32>
  %0 = "iron.Where"(%c, %x, %y) : (tensor<2x3xi1>, tensor<3xf32>, tensor<f32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// The "replace 0 by 1 in a shape" idiom: Equal + Where over a shape.
// CHECK-LABEL: func.func @where_shape_idiom
// CHECK-NEXT: %[[C:.*]] = "iron.Constant"() <{value = dense<[4, 1, 6]> : tensor<3xi64>}>
// CHECK-NEXT: return %[[C]]
func.func @where_shape_idiom() -> tensor<3xi64> {
  %s = "iron.Constant"() <{value = dense<[4, 0, 6]> : tensor<3xi64>}> : () -> tensor<3xi64>
  %z = "iron.Constant"() <{value = dense<0> : tensor<i64>}> : () -> tensor<i64>
  %one = "iron.Constant"() <{value = dense<1> : tensor<i64>}> : () -> tensor<i64>
  %eq = "iron.Equal"(%s, %z) : (tensor<3xi64>, tensor<i64>) -> tensor<3xi1>
  %0 = "iron.Where"(%eq, %one, %s) : (tensor<3xi1>, tensor<i64>, tensor<3xi64>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// A condition that is not constant keeps the op.
// CHECK-LABEL: func.func @where_not_constant
// CHECK: "iron.Where"(%arg0
func.func @where_not_constant(%c: tensor<3xi1>) -> tensor<3xi64> {
  %a = "iron.Constant"() <{value = dense<[1, 2, 3]> : tensor<3xi64>}> : () -> tensor<3xi64>
  %b = "iron.Constant"() <{value = dense<0> : tensor<3xi64>}> : () -> tensor<3xi64>
  %0 = "iron.Where"(%c, %a, %b) : (tensor<3xi1>, tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}
