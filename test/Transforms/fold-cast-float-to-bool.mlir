// RUN: iron-opt %s --canonicalize | FileCheck %s
//
// BUG (lib/Dialect/Fold.cpp, evaluate(), "Cast"): a float -> bool Cast
// truncates the value to an integer first (std::trunc) and only then tests it
// against zero, so 0.5 and -0.25 fold to false. ONNX casts any nonzero float
// to true: expected [true, false, true, true], actual [false, false, true,
// false].

// CHECK-LABEL: func.func @cast_float_to_bool
// CHECK-NEXT: %[[C:.*]] = "iron.Constant"() <{value = dense<[true, false, true, true]> : tensor<4xi1>}>
// CHECK-NEXT: return %[[C]]
func.func @cast_float_to_bool() -> tensor<4xi1> {
  %c = "iron.Constant"() <{value = dense<[0.5, 0.0, -2.0, -0.25]> : tensor<4xf32>}> : () -> tensor<4xf32>
  %0 = "iron.Cast"(%c) <{to = 9 : i64}> : (tensor<4xf32>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}
