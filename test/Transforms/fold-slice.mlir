// RUN: iron-opt %s --canonicalize | FileCheck %s
//
// Slice on constants: explicit axes and steps, negative starts/ends/steps,
// out-of-range ends clamped (INT64_MAX / -INT64_MAX as exporters write them).

// CHECK-LABEL: func.func @slice_1d
// CHECK-DAG: %[[REV:.*]] = "iron.Constant"() <{value = dense<[5, 4, 3, 2, 1, 0]> : tensor<6xi64>}>
// CHECK-DAG: %[[TAIL:.*]] = "iron.Constant"() <{value = dense<[4, 5]> : tensor<2xi64>}>
// CHECK-DAG: %[[EMPTY:.*]] = "iron.Constant"() <{value = dense<> : tensor<0xi64>}>
// CHECK-DAG: %[[EVEN:.*]] = "iron.Constant"() <{value = dense<[0, 2, 4]> : tensor<3xi64>}>
// CHECK-NOT: iron.Slice
// CHECK: return %[[REV]], %[[TAIL]], %[[EMPTY]], %[[EVEN]]
func.func @slice_1d() -> (tensor<6xi64>, tensor<2xi64>, tensor<0xi64>, tensor<3xi64>) {
  %d = "iron.Constant"() <{value = dense<[0, 1, 2, 3, 4, 5]> : tensor<6xi64>}> : () -> tensor<6xi64>
  %m1 = "iron.Constant"() <{value = dense<[-1]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %min = "iron.Constant"() <{value = dense<[-9223372036854775807]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %max = "iron.Constant"() <{value = dense<[9223372036854775807]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %z = "iron.Constant"() <{value = dense<[0]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %m2 = "iron.Constant"() <{value = dense<[-2]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %big = "iron.Constant"() <{value = dense<[100]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %two = "iron.Constant"() <{value = dense<[2]> : tensor<1xi64>}> : () -> tensor<1xi64>
  // x[::-1]
  %0 = "iron.Slice"(%d, %m1, %min, %z, %m1) <{operandSegmentSizes = array<i32: 1, 1, 1, 1, 1>}> : (tensor<6xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<6xi64>
  // x[-2:]
  %1 = "iron.Slice"(%d, %m2, %max) <{operandSegmentSizes = array<i32: 1, 1, 1, 0, 0>}> : (tensor<6xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  // x[100:100]
  %2 = "iron.Slice"(%d, %big, %big) <{operandSegmentSizes = array<i32: 1, 1, 1, 0, 0>}> : (tensor<6xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<0xi64>
  // x[0:100:2]
  %3 = "iron.Slice"(%d, %z, %big, %z, %two) <{operandSegmentSizes = array<i32: 1, 1, 1, 1, 1>}> : (tensor<6xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<3xi64>
  return %0, %1, %2, %3 : tensor<6xi64>, tensor<2xi64>, tensor<0xi64>, tensor<3xi64>
}

// Two axes, one negative, in any order: m[0:3:2, 1:3].
// CHECK-LABEL: func.func @slice_2d
// CHECK-NEXT: %[[C:.*]] = "iron.Constant"() <{value = dense<{{\[}}[1, 2], [7, 8]]> : tensor<2x2xi64>}>
// CHECK-NEXT: return %[[C]]
func.func @slice_2d() -> tensor<2x2xi64> {
  %m = "iron.Constant"() <{value = dense<[[0, 1, 2], [3, 4, 5], [6, 7, 8]]> : tensor<3x3xi64>}> : () -> tensor<3x3xi64>
  %st = "iron.Constant"() <{value = dense<[1, 0]> : tensor<2xi64>}> : () -> tensor<2xi64>
  %en = "iron.Constant"() <{value = dense<[3, 3]> : tensor<2xi64>}> : () -> tensor<2xi64>
  %ax = "iron.Constant"() <{value = dense<[-1, 0]> : tensor<2xi64>}> : () -> tensor<2xi64>
  %sp = "iron.Constant"() <{value = dense<[1, 2]> : tensor<2xi64>}> : () -> tensor<2xi64>
  %0 = "iron.Slice"(%m, %st, %en, %ax, %sp) <{operandSegmentSizes = array<i32: 1, 1, 1, 1, 1>}> : (tensor<3x3xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) -> tensor<2x2xi64>
  return %0 : tensor<2x2xi64>
}

// Floats slice too.
// CHECK-LABEL: func.func @slice_float
// CHECK-NEXT: %[[C:.*]] = "iron.Constant"() <{value = dense<[2.500000e+00, 3.500000e+00]> : tensor<2xf32>}>
// CHECK-NEXT: return %[[C]]
func.func @slice_float() -> tensor<2xf32> {
  %d = "iron.Constant"() <{value = dense<[1.5, 2.5, 3.5, 4.5]> : tensor<4xf32>}> : () -> tensor<4xf32>
  %s = "iron.Constant"() <{value = dense<[1]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %e = "iron.Constant"() <{value = dense<[-1]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %0 = "iron.Slice"(%d, %s, %e) <{operandSegmentSizes = array<i32: 1, 1, 1, 0, 0>}> : (tensor<4xf32>, tensor<1xi64>, tensor<1xi64>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// Not folded: starts that are not constant, data that is not constant.
// CHECK-LABEL: func.func @slice_not_constant
// CHECK: "iron.Slice"(%{{.*}}, %arg0, %{{.*}})
// CHECK: "iron.Slice"(%arg1, %{{.*}}, %{{.*}})
func.func @slice_not_constant(%s: tensor<1xi64>, %x: tensor<6xi64>) -> (tensor<?xi64>, tensor<2xi64>) {
  %d = "iron.Constant"() <{value = dense<[0, 1, 2, 3, 4, 5]> : tensor<6xi64>}> : () -> tensor<6xi64>
  %e = "iron.Constant"() <{value = dense<[2]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %z = "iron.Constant"() <{value = dense<[0]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %0 = "iron.Slice"(%d, %s, %e) <{operandSegmentSizes = array<i32: 1, 1, 1, 0, 0>}> : (tensor<6xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?xi64>
  %1 = "iron.Slice"(%x, %z, %e) <{operandSegmentSizes = array<i32: 1, 1, 1, 0, 0>}> : (tensor<6xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  return %0, %1 : tensor<?xi64>, tensor<2xi64>
}
