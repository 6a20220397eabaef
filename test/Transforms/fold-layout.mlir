// RUN: iron-opt %s --canonicalize | FileCheck %s
//
// Expand, Transpose, ReduceProd, Unsqueeze, Concat and Reshape on constants.

// CHECK-LABEL: func.func @layout
// CHECK-DAG: %[[EXP:.*]] = "iron.Constant"() <{value = dense<{{\[}}[1, 2, 3], [1, 2, 3]]> : tensor<2x3xi64>}>
// CHECK-DAG: %[[TR:.*]] = "iron.Constant"() <{value = dense<{{\[}}[1, 1], [2, 2], [3, 3]]> : tensor<3x2xi64>}>
// CHECK-DAG: %[[RP0:.*]] = "iron.Constant"() <{value = dense<6> : tensor<1x2xi64>}>
// CHECK-DAG: %[[RPALL:.*]] = "iron.Constant"() <{value = dense<24> : tensor<i64>}>
// CHECK-DAG: %[[TR3:.*]] = "iron.Constant"() <{value = dense<{{\[}}{{\[}}[1, 3]], {{\[}}[2, 4]]]> : tensor<2x1x2xi64>}>
// CHECK-DAG: %[[UNSQ:.*]] = "iron.Constant"() <{value = dense<{{\[}}[1, 4, 9]]> : tensor<1x3xi64>}>
// CHECK: return %[[EXP]], %[[TR]], %[[UNSQ]], %[[RP0]], %[[RPALL]], %[[TR3]]
func.func @layout() -> (tensor<2x3xi64>, tensor<3x2xi64>, tensor<1x3xi64>, tensor<1x2xi64>, tensor<i64>, tensor<2x1x2xi64>) {
  %a = "iron.Constant"() <{value = dense<[1, 2, 3]> : tensor<3xi64>}> : () -> tensor<3xi64>
  %s = "iron.Constant"() <{value = dense<[2, 1]> : tensor<2xi64>}> : () -> tensor<2xi64>
  %0 = "iron.Expand"(%a, %s) : (tensor<3xi64>, tensor<2xi64>) -> tensor<2x3xi64>
  %1 = "iron.Transpose"(%0) <{perm = [1, 0]}> : (tensor<2x3xi64>) -> tensor<3x2xi64>
  %2 = "iron.ReduceProd"(%1) <{axes = [1], keepdims = 0 : i64}> : (tensor<3x2xi64>) -> tensor<3xi64>
  %3 = "iron.ReduceProd"(%1) <{axes = [0], keepdims = 1 : i64}> : (tensor<3x2xi64>) -> tensor<1x2xi64>
  %m = "iron.Constant"() <{value = dense<[[1, 2], [3, 4]]> : tensor<2x2xi64>}> : () -> tensor<2x2xi64>
  %4 = "iron.ReduceProd"(%m) <{keepdims = 0 : i64}> : (tensor<2x2xi64>) -> tensor<i64>
  %t3 = "iron.Constant"() <{value = dense<[[[1, 2]], [[3, 4]]]> : tensor<2x1x2xi64>}> : () -> tensor<2x1x2xi64>
  %5 = "iron.Transpose"(%t3) <{perm = [2, 1, 0]}> : (tensor<2x1x2xi64>) -> tensor<2x1x2xi64>
  %ax = "iron.Constant"() <{value = dense<[0]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %6 = "iron.Unsqueeze"(%2, %ax) : (tensor<3xi64>, tensor<1xi64>) -> tensor<1x3xi64>
  return %0, %1, %6, %3, %4, %5 : tensor<2x3xi64>, tensor<3x2xi64>, tensor<1x3xi64>, tensor<1x2xi64>, tensor<i64>, tensor<2x1x2xi64>
}

// Transpose without perm reverses the dims; Concat along axis 1 interleaves.
// CHECK-LABEL: func.func @transpose_default_concat_axis1
// CHECK-DAG: %[[T:.*]] = "iron.Constant"() <{value = dense<{{\[}}[1, 4], [2, 5], [3, 6]]> : tensor<3x2xi64>}>
// CHECK-DAG: %[[C:.*]] = "iron.Constant"() <{value = dense<{{\[}}[1, 2, 3, 7], [4, 5, 6, 8]]> : tensor<2x4xi64>}>
// CHECK: return %[[T]], %[[C]]
func.func @transpose_default_concat_axis1() -> (tensor<3x2xi64>, tensor<2x4xi64>) {
  %m = "iron.Constant"() <{value = dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi64>}> : () -> tensor<2x3xi64>
  %0 = "iron.Transpose"(%m) : (tensor<2x3xi64>) -> tensor<3x2xi64>
  %c = "iron.Constant"() <{value = dense<[[7], [8]]> : tensor<2x1xi64>}> : () -> tensor<2x1xi64>
  %1 = "iron.Concat"(%m, %c) <{axis = -1 : i64}> : (tensor<2x3xi64>, tensor<2x1xi64>) -> tensor<2x4xi64>
  return %0, %1 : tensor<3x2xi64>, tensor<2x4xi64>
}

// Reshape of a constant keeps the row-major order.
// CHECK-LABEL: func.func @reshape_constant
// CHECK-NEXT: %[[C:.*]] = "iron.Constant"() <{value = dense<{{\[}}[1, 2], [3, 4], [5, 6]]> : tensor<3x2xi64>}>
// CHECK-NEXT: return %[[C]]
func.func @reshape_constant() -> tensor<3x2xi64> {
  %m = "iron.Constant"() <{value = dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi64>}> : () -> tensor<2x3xi64>
  %s = "iron.Constant"() <{value = dense<[3, -1]> : tensor<2xi64>}> : () -> tensor<2xi64>
  %0 = "iron.Reshape"(%m, %s) : (tensor<2x3xi64>, tensor<2xi64>) -> tensor<3x2xi64>
  return %0 : tensor<3x2xi64>
}
