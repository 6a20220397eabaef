// RUN: iron-opt %s --canonicalize | FileCheck %s
//
// Cast on constants, between the element types ONNX has.

// CHECK-LABEL: func.func @casts
// CHECK-DAG: "iron.Constant"() <{value = dense<[-1, 2, 0]> : tensor<3xi32>}>
// CHECK-DAG: "iron.Constant"() <{value = dense<[44, -1, 127]> : tensor<3xi8>}>
// CHECK-DAG: "iron.Constant"() <{value = dense<[-1.700200e+00, 2.500000e+00, 9.997550e-02]> : tensor<3xf16>}>
// CHECK-DAG: "iron.Constant"() <{value = dense<[1.000000e+00, 0.000000e+00]> : tensor<2xf32>}>
// CHECK-DAG: "iron.Constant"() <{value = dense<[255, 5]> : tensor<2xui8>}>
// CHECK-DAG: "iron.Constant"() <{value = dense<[255, 7]> : tensor<2xi32>}>
// CHECK-DAG: "iron.Constant"() <{value = dense<[true, false, true]> : tensor<3xi1>}>
// CHECK-DAG: "iron.Constant"() <{value = dense<[3.000000e+02, -1.000000e+00, 1.270000e+02]> : tensor<3xf32>}>
// CHECK-NOT: iron.Cast
func.func @casts() -> (tensor<3xi32>, tensor<3xi8>, tensor<3xf16>, tensor<2xf32>, tensor<2xui8>, tensor<2xi32>, tensor<3xi1>, tensor<3xf32>) {
  %f = "iron.Constant"() <{value = dense<[-1.7, 2.5, 0.1]> : tensor<3xf32>}> : () -> tensor<3xf32>
  %i = "iron.Constant"() <{value = dense<[300, -1, 127]> : tensor<3xi64>}> : () -> tensor<3xi64>
  %i0 = "iron.Constant"() <{value = dense<[300, 0, -5]> : tensor<3xi64>}> : () -> tensor<3xi64>
  %b = "iron.Constant"() <{value = dense<[true, false]> : tensor<2xi1>}> : () -> tensor<2xi1>
  %s8 = "iron.Constant"() <{value = dense<[-1, 5]> : tensor<2xi8>}> : () -> tensor<2xi8>
  %u8 = "iron.Constant"() <{value = dense<[255, 7]> : tensor<2xui8>}> : () -> tensor<2xui8>
  // float -> int32 truncates toward zero
  %0 = "iron.Cast"(%f) <{to = 6 : i64}> : (tensor<3xf32>) -> tensor<3xi32>
  // int64 -> int8 wraps
  %1 = "iron.Cast"(%i) <{to = 3 : i64}> : (tensor<3xi64>) -> tensor<3xi8>
  // float -> float16 rounds to nearest
  %2 = "iron.Cast"(%f) <{to = 10 : i64}> : (tensor<3xf32>) -> tensor<3xf16>
  // bool -> float
  %3 = "iron.Cast"(%b) <{to = 1 : i64}> : (tensor<2xi1>) -> tensor<2xf32>
  // int8 -> uint8 reinterprets
  %4 = "iron.Cast"(%s8) <{to = 2 : i64}> : (tensor<2xi8>) -> tensor<2xui8>
  // uint8 -> int32 zero-extends
  %5 = "iron.Cast"(%u8) <{to = 6 : i64}> : (tensor<2xui8>) -> tensor<2xi32>
  // int -> bool: nonzero is true
  %6 = "iron.Cast"(%i0) <{to = 9 : i64}> : (tensor<3xi64>) -> tensor<3xi1>
  // int -> float
  %7 = "iron.Cast"(%i) <{to = 1 : i64}> : (tensor<3xi64>) -> tensor<3xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<3xi32>, tensor<3xi8>, tensor<3xf16>, tensor<2xf32>, tensor<2xui8>, tensor<2xi32>, tensor<3xi1>, tensor<3xf32>
}

// Cast of a shape to float and back: what exporters do around Div/Floor.
// CHECK-LABEL: func.func @shape_through_float
// CHECK-NEXT: %[[C:.*]] = "iron.Constant"() <{value = dense<[2, 4]> : tensor<2xi64>}>
// CHECK-NEXT: return %[[C]]
func.func @shape_through_float(%x: tensor<4x8xf32>) -> tensor<2xi64> {
  %s = "iron.Shape"(%x) : (tensor<4x8xf32>) -> tensor<2xi64>
  %f = "iron.Cast"(%s) <{to = 1 : i64}> : (tensor<2xi64>) -> tensor<2xf32>
  %two = "iron.Constant"() <{value = dense<2.0> : tensor<f32>}> : () -> tensor<f32>
  %h = "iron.Div"(%f, %two) : (tensor<2xf32>, tensor<f32>) -> tensor<2xf32>
  %fl = "iron.Floor"(%h) : (tensor<2xf32>) -> tensor<2xf32>
  %i = "iron.Cast"(%fl) <{to = 7 : i64}> : (tensor<2xf32>) -> tensor<2xi64>
  return %i : tensor<2xi64>
}
