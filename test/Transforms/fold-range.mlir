// RUN: iron-opt %s --canonicalize | FileCheck %s
//
// Range on constant scalars: integer and float, positive and negative deltas,
// an empty range.

// CHECK-LABEL: func.func @range
// CHECK-DAG: %[[A:.*]] = "iron.Constant"() <{value = dense<[1, 3, 5, 7]> : tensor<4xi64>}>
// CHECK-DAG: %[[B:.*]] = "iron.Constant"() <{value = dense<[1.000000e+00, 5.000000e-01, 0.000000e+00]> : tensor<3xf32>}>
// CHECK-DAG: %[[C:.*]] = "iron.Constant"() <{value = dense<[10, 7, 4]> : tensor<3xi32>}>
// CHECK-DAG: %[[D:.*]] = "iron.Constant"() <{value = dense<> : tensor<0xi64>}>
// CHECK-NOT: iron.Range
// CHECK: return %[[A]], %[[B]], %[[C]], %[[D]]
func.func @range() -> (tensor<4xi64>, tensor<3xf32>, tensor<3xi32>, tensor<0xi64>) {
  %a = "iron.Constant"() <{value = dense<1> : tensor<i64>}> : () -> tensor<i64>
  %b = "iron.Constant"() <{value = dense<9> : tensor<i64>}> : () -> tensor<i64>
  %c = "iron.Constant"() <{value = dense<2> : tensor<i64>}> : () -> tensor<i64>
  %0 = "iron.Range"(%a, %b, %c) : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<4xi64>
  %fa = "iron.Constant"() <{value = dense<1.0> : tensor<f32>}> : () -> tensor<f32>
  %fb = "iron.Constant"() <{value = dense<-0.5> : tensor<f32>}> : () -> tensor<f32>
  %fc = "iron.Constant"() <{value = dense<-0.5> : tensor<f32>}> : () -> tensor<f32>
  %1 = "iron.Range"(%fa, %fb, %fc) : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<3xf32>
  %ia = "iron.Constant"() <{value = dense<10> : tensor<i32>}> : () -> tensor<i32>
  %ib = "iron.Constant"() <{value = dense<3> : tensor<i32>}> : () -> tensor<i32>
  %ic = "iron.Constant"() <{value = dense<-3> : tensor<i32>}> : () -> tensor<i32>
  %2 = "iron.Range"(%ia, %ib, %ic) : (tensor<i32>, tensor<i32>, tensor<i32>) -> tensor<3xi32>
  %3 = "iron.Range"(%b, %a, %c) : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<0xi64>
  return %0, %1, %2, %3 : tensor<4xi64>, tensor<3xf32>, tensor<3xi32>, tensor<0xi64>
}

// A limit that is not constant keeps the op.
// CHECK-LABEL: func.func @range_dynamic
// CHECK: "iron.Range"(%{{.*}}, %arg0, %{{.*}})
func.func @range_dynamic(%n: tensor<i64>) -> tensor<?xi64> {
  %a = "iron.Constant"() <{value = dense<0> : tensor<i64>}> : () -> tensor<i64>
  %c = "iron.Constant"() <{value = dense<1> : tensor<i64>}> : () -> tensor<i64>
  %0 = "iron.Range"(%a, %n, %c) : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  return %0 : tensor<?xi64>
}
