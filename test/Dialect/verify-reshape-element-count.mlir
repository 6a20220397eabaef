// RUN: iron-opt %s -split-input-file -verify-diagnostics
//
// BUG: a Reshape whose constant target shape holds a different number of
// elements than its input verifies. ONNX 1.12's Reshape inference only checks
// the element count when the target has a -1 (see verify-onnx-rules.mlir), and
// Iron has no rule of its own for Reshape (lib/Dialect/Verify.cpp), so
// 2x3 (6 elements) -> [7] is accepted with result tensor<7xf32>.

func.func @reshape_element_count(%a: tensor<2x3xf32>) -> tensor<7xf32> {
  %s = "iron.Constant"() <{value = dense<[7]> : tensor<1xi64>}> : () -> tensor<1xi64>
  // expected-error @+1 {{'iron.Reshape' op}}
  %0 = "iron.Reshape"(%a, %s) : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}
