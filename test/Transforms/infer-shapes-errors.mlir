// RUN: iron-opt %s --iron-infer-shapes -split-input-file -verify-diagnostics
//
// Types that verify on their own but contradict ONNX once the ops before them
// are refined: the pass reports them and fails.

func.func @declared_type_contradicts(%x: tensor<2x3xf32>, %w: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "iron.MatMul"(%x, %w) : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<?x4xf32>
  // expected-error @+1 {{'iron.Relu' op result #0 has type 'tensor<3x4xf32>', but ONNX's shape inference gives 'tensor<2x4xf32>'}}
  %1 = "iron.Relu"(%0) : (tensor<?x4xf32>) -> tensor<3x4xf32>
  return %1 : tensor<3x4xf32>
}

// -----

func.func @declared_rank_contradicts(%x: tensor<2x3xf32>) -> tensor<?x?x?xf32> {
  %0 = "iron.Relu"(%x) : (tensor<2x3xf32>) -> tensor<*xf32>
  // expected-error @+1 {{'iron.Sigmoid' op result #0 has type 'tensor<?x?x?xf32>', but ONNX's shape inference gives 'tensor<2x3xf32>'}}
  %1 = "iron.Sigmoid"(%0) : (tensor<*xf32>) -> tensor<?x?x?xf32>
  return %1 : tensor<?x?x?xf32>
}

// -----

// Once the MatMul is known to give 2x5 (10 elements), Reshape to ? x 3 is
// impossible.
func.func @becomes_invalid(%x: tensor<2x3xf32>, %w: tensor<3x5xf32>) -> tensor<?x3xf32> {
  %0 = "iron.MatMul"(%x, %w) : (tensor<2x3xf32>, tensor<3x5xf32>) -> tensor<*xf32>
  %s = "iron.Constant"() <{value = dense<[-1, 3]> : tensor<2xi64>}> : () -> tensor<2xi64>
  // expected-error @+1 {{'iron.Reshape' op violates ONNX's rules for Reshape: [ShapeInferenceError] Dimension could not be inferred: incompatible shapes}}
  %1 = "iron.Reshape"(%0, %s) : (tensor<*xf32>, tensor<2xi64>) -> tensor<?x3xf32>
  return %1 : tensor<?x3xf32>
}
