// RUN: iron-opt %s --canonicalize -split-input-file | FileCheck %s
//
// Arithmetic, comparison and logic on constants, with broadcasting.

// CHECK-LABEL: func.func @int_arith
// CHECK-DAG: %[[ADD:.*]] = "iron.Constant"() <{value = dense<{{\[}}[11, 22, 33], [14, 25, 36]]> : tensor<2x3xi64>}>
// CHECK-DAG: %[[DIV:.*]] = "iron.Constant"() <{value = dense<[3, -3, 3]> : tensor<3xi64>}>
// CHECK-DAG: %[[SUB:.*]] = "iron.Constant"() <{value = dense<[3, 27, 24]> : tensor<3xi64>}>
// CHECK-DAG: %[[MOD:.*]] = "iron.Constant"() <{value = dense<[1, 2, -2, -1]> : tensor<4xi64>}>
// CHECK-DAG: %[[FMOD:.*]] = "iron.Constant"() <{value = dense<[1, -1, 1, -1]> : tensor<4xi64>}>
// CHECK-DAG: %[[MUL:.*]] = "iron.Constant"() <{value = dense<[21, -21, -21, 21]> : tensor<4xi64>}>
// CHECK: return %[[ADD]], %[[DIV]], %[[SUB]], %[[MOD]], %[[FMOD]], %[[MUL]]
func.func @int_arith() -> (tensor<2x3xi64>, tensor<3xi64>, tensor<3xi64>, tensor<4xi64>, tensor<4xi64>, tensor<4xi64>) {
  %a = "iron.Constant"() <{value = dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi64>}> : () -> tensor<2x3xi64>
  %b = "iron.Constant"() <{value = dense<[10, 20, 30]> : tensor<3xi64>}> : () -> tensor<3xi64>
  %0 = "iron.Add"(%a, %b) : (tensor<2x3xi64>, tensor<3xi64>) -> tensor<2x3xi64>
  %c = "iron.Constant"() <{value = dense<[7, -7, 6]> : tensor<3xi64>}> : () -> tensor<3xi64>
  %d = "iron.Constant"() <{value = dense<2> : tensor<i64>}> : () -> tensor<i64>
  // Integer division truncates toward zero.
  %1 = "iron.Div"(%c, %d) : (tensor<3xi64>, tensor<i64>) -> tensor<3xi64>
  %2 = "iron.Sub"(%b, %c) : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  %n = "iron.Constant"() <{value = dense<[7, -7, 7, -7]> : tensor<4xi64>}> : () -> tensor<4xi64>
  %m = "iron.Constant"() <{value = dense<[3, 3, -3, -3]> : tensor<4xi64>}> : () -> tensor<4xi64>
  // fmod = 0: the result takes the divisor's sign; fmod = 1: the dividend's.
  %3 = "iron.Mod"(%n, %m) : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %4 = "iron.Mod"(%n, %m) <{fmod = 1 : i64}> : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %5 = "iron.Mul"(%n, %m) : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  return %0, %1, %2, %3, %4, %5 : tensor<2x3xi64>, tensor<3xi64>, tensor<3xi64>, tensor<4xi64>, tensor<4xi64>, tensor<4xi64>
}

// -----

// CHECK-LABEL: func.func @float_arith
// CHECK-DAG: %[[DIV:.*]] = "iron.Constant"() <{value = dense<[7.500000e-01, -1.250000e+00, 2.000000e+00]> : tensor<3xf32>}>
// CHECK-DAG: %[[MUL:.*]] = "iron.Constant"() <{value = dense<[3.000000e+00, -5.000000e+00, 8.000000e+00]> : tensor<3xf32>}>
// CHECK-DAG: %[[NEG:.*]] = "iron.Constant"() <{value = dense<[-1.500000e+00, 2.500000e+00, -4.000000e+00]> : tensor<3xf32>}>
// CHECK-DAG: %[[ABS:.*]] = "iron.Constant"() <{value = dense<[1.500000e+00, 2.500000e+00, 4.000000e+00]> : tensor<3xf32>}>
// CHECK-DAG: %[[FLOOR:.*]] = "iron.Constant"() <{value = dense<[1.000000e+00, -3.000000e+00, 4.000000e+00]> : tensor<3xf32>}>
// CHECK-DAG: %[[CEIL:.*]] = "iron.Constant"() <{value = dense<[2.000000e+00, -2.000000e+00, 4.000000e+00]> : tensor<3xf32>}>
// CHECK-DAG: %[[SQRT:.*]] = "iron.Constant"() <{value = dense<[1.22474492, 1.58113885, 2.000000e+00]> : tensor<3xf32>}>
// CHECK-DAG: %[[FMOD:.*]] = "iron.Constant"() <{value = dense<[1.500000e+00, -5.000000e-01, 0.000000e+00]> : tensor<3xf32>}>
// CHECK: return %[[DIV]], %[[MUL]], %[[NEG]], %[[ABS]], %[[FLOOR]], %[[CEIL]], %[[SQRT]], %[[FMOD]]
func.func @float_arith() -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) {
  %a = "iron.Constant"() <{value = dense<[1.5, -2.5, 4.0]> : tensor<3xf32>}> : () -> tensor<3xf32>
  %b = "iron.Constant"() <{value = dense<2.0> : tensor<f32>}> : () -> tensor<f32>
  %0 = "iron.Div"(%a, %b) : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
  %1 = "iron.Mul"(%a, %b) : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
  %2 = "iron.Neg"(%a) : (tensor<3xf32>) -> tensor<3xf32>
  %3 = "iron.Abs"(%a) : (tensor<3xf32>) -> tensor<3xf32>
  %4 = "iron.Floor"(%a) : (tensor<3xf32>) -> tensor<3xf32>
  %5 = "iron.Ceil"(%a) : (tensor<3xf32>) -> tensor<3xf32>
  %6 = "iron.Sqrt"(%3) : (tensor<3xf32>) -> tensor<3xf32>
  %7 = "iron.Mod"(%a, %b) <{fmod = 1 : i64}> : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
}

// -----

// Max/Min are variadic and broadcast.
// CHECK-LABEL: func.func @minmax
// CHECK-DAG: %[[MAX:.*]] = "iron.Constant"() <{value = dense<[4, 9, 3]> : tensor<3xi64>}>
// CHECK-DAG: %[[MIN:.*]] = "iron.Constant"() <{value = dense<[0.000000e+00, -1.000000e+00, 0.000000e+00]> : tensor<3xf32>}>
// CHECK: return %[[MAX]], %[[MIN]]
func.func @minmax() -> (tensor<3xi64>, tensor<3xf32>) {
  %a = "iron.Constant"() <{value = dense<[1, 5, 3]> : tensor<3xi64>}> : () -> tensor<3xi64>
  %b = "iron.Constant"() <{value = dense<[4, 2, 3]> : tensor<3xi64>}> : () -> tensor<3xi64>
  %c = "iron.Constant"() <{value = dense<[0, 9, 1]> : tensor<3xi64>}> : () -> tensor<3xi64>
  %0 = "iron.Max"(%a, %b, %c) : (tensor<3xi64>, tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  %f = "iron.Constant"() <{value = dense<[1.0, -1.0, 0.5]> : tensor<3xf32>}> : () -> tensor<3xf32>
  %g = "iron.Constant"() <{value = dense<0.0> : tensor<f32>}> : () -> tensor<f32>
  %1 = "iron.Min"(%f, %g) : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
  return %0, %1 : tensor<3xi64>, tensor<3xf32>
}

// -----

// CHECK-LABEL: func.func @logic
// CHECK-DAG: %[[AND:.*]] = "iron.Constant"() <{value = dense<[true, false, false, false]> : tensor<4xi1>}>
// CHECK-DAG: %[[OR:.*]] = "iron.Constant"() <{value = dense<[true, true, true, false]> : tensor<4xi1>}>
// CHECK-DAG: %[[NOT:.*]] = "iron.Constant"() <{value = dense<[false, false, true, true]> : tensor<4xi1>}>
// CHECK-DAG: %[[EQ:.*]] = "iron.Constant"() <{value = dense<[false, true, false, true]> : tensor<4xi1>}>
// CHECK-DAG: %[[GT:.*]] = "iron.Constant"() <{value = dense<[false, false, true, false]> : tensor<4xi1>}>
// CHECK-DAG: %[[FLT:.*]] = "iron.Constant"() <{value = dense<[true, false]> : tensor<2xi1>}>
// Less gives the same tensor as And: the two constants are merged.
// CHECK: return %[[AND]], %[[OR]], %[[NOT]], %[[EQ]], %[[AND]], %[[GT]], %[[FLT]]
func.func @logic() -> (tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<2xi1>) {
  %a = "iron.Constant"() <{value = dense<[true, true, false, false]> : tensor<4xi1>}> : () -> tensor<4xi1>
  %b = "iron.Constant"() <{value = dense<[true, false, true, false]> : tensor<4xi1>}> : () -> tensor<4xi1>
  %0 = "iron.And"(%a, %b) : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %1 = "iron.Or"(%a, %b) : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %2 = "iron.Not"(%a) : (tensor<4xi1>) -> tensor<4xi1>
  %x = "iron.Constant"() <{value = dense<[1, 2, 3, 4]> : tensor<4xi64>}> : () -> tensor<4xi64>
  %y = "iron.Constant"() <{value = dense<[4, 2, 1, 4]> : tensor<4xi64>}> : () -> tensor<4xi64>
  %3 = "iron.Equal"(%x, %y) : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1>
  %4 = "iron.Less"(%x, %y) : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1>
  %5 = "iron.Greater"(%x, %y) : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1>
  %f = "iron.Constant"() <{value = dense<[0.5, 2.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %g = "iron.Constant"() <{value = dense<1.0> : tensor<f32>}> : () -> tensor<f32>
  %6 = "iron.Less"(%f, %g) : (tensor<2xf32>, tensor<f32>) -> tensor<2xi1>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<2xi1>
}

// -----

// Unsigned values are read zero-extended and wrap in their width.
// CHECK-LABEL: func.func @unsigned
// CHECK-DAG: %[[SUB:.*]] = "iron.Constant"() <{value = dense<[254, 0]> : tensor<2xui8>}>
// CHECK-DAG: %[[GT:.*]] = "iron.Constant"() <{value = dense<[true, false]> : tensor<2xi1>}>
// CHECK: return %[[SUB]], %[[GT]]
func.func @unsigned() -> (tensor<2xui8>, tensor<2xi1>) {
  %a = "iron.Constant"() <{value = dense<[3, 200]> : tensor<2xui8>}> : () -> tensor<2xui8>
  %b = "iron.Constant"() <{value = dense<[5, 200]> : tensor<2xui8>}> : () -> tensor<2xui8>
  %c = "iron.Constant"() <{value = dense<[250, 100]> : tensor<2xui8>}> : () -> tensor<2xui8>
  %0 = "iron.Sub"(%a, %b) : (tensor<2xui8>, tensor<2xui8>) -> tensor<2xui8>
  %1 = "iron.Greater"(%c, %b) : (tensor<2xui8>, tensor<2xui8>) -> tensor<2xi1>
  return %0, %1 : tensor<2xui8>, tensor<2xi1>
}
