// RUN: iron-opt %s --canonicalize | FileCheck %s
//
// ConstantOfShape with a constant shape: the default fill (float 0), integer
// and float fills, and an empty shape.

// CHECK-LABEL: func.func @constant_of_shape
// CHECK-DAG: %[[A:.*]] = "iron.Constant"() <{value = dense<0.000000e+00> : tensor<2x3xf32>}>
// CHECK-DAG: %[[B:.*]] = "iron.Constant"() <{value = dense<7> : tensor<2xi64>}>
// CHECK-DAG: %[[C:.*]] = "iron.Constant"() <{value = dense<-3> : tensor<1x2xi32>}>
// CHECK-DAG: %[[D:.*]] = "iron.Constant"() <{value = dense<> : tensor<0xf32>}>
// CHECK-NOT: iron.ConstantOfShape
// CHECK: return %[[A]], %[[B]], %[[C]], %[[D]]
func.func @constant_of_shape() -> (tensor<2x3xf32>, tensor<2xi64>, tensor<1x2xi32>, tensor<0xf32>) {
  %s = "iron.Constant"() <{value = dense<[2, 3]> : tensor<2xi64>}> : () -> tensor<2xi64>
  %0 = "iron.ConstantOfShape"(%s) : (tensor<2xi64>) -> tensor<2x3xf32>
  %s1 = "iron.Constant"() <{value = dense<[2]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %1 = "iron.ConstantOfShape"(%s1) <{value = dense<7> : tensor<1xi64>}> : (tensor<1xi64>) -> tensor<2xi64>
  %s2 = "iron.Constant"() <{value = dense<[1, 2]> : tensor<2xi64>}> : () -> tensor<2xi64>
  %2 = "iron.ConstantOfShape"(%s2) <{value = dense<-3> : tensor<1xi32>}> : (tensor<2xi64>) -> tensor<1x2xi32>
  %s3 = "iron.Constant"() <{value = dense<[0]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %3 = "iron.ConstantOfShape"(%s3) <{value = dense<1.5> : tensor<1xf32>}> : (tensor<1xi64>) -> tensor<0xf32>
  return %0, %1, %2, %3 : tensor<2x3xf32>, tensor<2xi64>, tensor<1x2xi32>, tensor<0xf32>
}

// The shape itself computed from a static input's Shape.
// CHECK-LABEL: func.func @constant_of_shape_of_input
// CHECK-NEXT: %[[C:.*]] = "iron.Constant"() <{value = dense<1.000000e+00> : tensor<4x5xf32>}>
// CHECK-NEXT: return %[[C]]
func.func @constant_of_shape_of_input(%x: tensor<4x5xf32>) -> tensor<4x5xf32> {
  %s = "iron.Shape"(%x) : (tensor<4x5xf32>) -> tensor<2xi64>
  %0 = "iron.ConstantOfShape"(%s) <{value = dense<1.0> : tensor<1xf32>}> : (tensor<2xi64>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// A shape that is not constant keeps the op.
// CHECK-LABEL: func.func @constant_of_shape_dynamic
// CHECK: "iron.ConstantOfShape"(%arg0)
func.func @constant_of_shape_dynamic(%s: tensor<2xi64>) -> tensor<?x?xf32> {
  %0 = "iron.ConstantOfShape"(%s) : (tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}
