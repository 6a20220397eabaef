// RUN: iron-opt %s -split-input-file -verify-diagnostics
//
// Iron's own rules for Concat (lib/Dialect/Verify.cpp, verifyConcat).

func.func @axis_too_large(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{'iron.Concat' op axis 2 is out of range for rank 2 (must be in [-2, 1])}}
  %0 = "iron.Concat"(%a, %b) <{axis = 2 : i64}> : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @axis_too_negative(%a: tensor<2x3x4xf32>, %b: tensor<2x3x4xf32>) -> tensor<4x3x4xf32> {
  // expected-error @+1 {{'iron.Concat' op axis -4 is out of range for rank 3 (must be in [-3, 2])}}
  %0 = "iron.Concat"(%a, %b) <{axis = -4 : i64}> : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<4x3x4xf32>
  return %0 : tensor<4x3x4xf32>
}

// -----

func.func @dims_disagree(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{'iron.Concat' op inputs must agree on every dim except the axis (0); dim 1 is 3 and 4}}
  %0 = "iron.Concat"(%a, %b) <{axis = 0 : i64}> : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// A negative axis is normalized in the message.
func.func @dims_disagree_negative_axis(%a: tensor<2x3x5xf32>, %b: tensor<2x4x6xf32>, %c: tensor<2x3x1xf32>) -> tensor<2x3x12xf32> {
  // expected-error @+1 {{inputs must agree on every dim except the axis (2); dim 1 is 3 and 4}}
  %0 = "iron.Concat"(%a, %b, %c) <{axis = -1 : i64}> : (tensor<2x3x5xf32>, tensor<2x4x6xf32>, tensor<2x3x1xf32>) -> tensor<2x3x12xf32>
  return %0 : tensor<2x3x12xf32>
}

// -----

func.func @ranks_disagree(%a: tensor<2x3xf32>, %b: tensor<2x3x1xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{'iron.Concat' op all inputs must have the same rank}}
  %0 = "iron.Concat"(%a, %b) <{axis = 0 : i64}> : (tensor<2x3xf32>, tensor<2x3x1xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @no_inputs() -> tensor<4x3xf32> {
  // expected-error @+1 {{'iron.Concat' op needs at least one input}}
  %0 = "iron.Concat"() <{axis = 0 : i64}> : () -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// 'axis' is required by ONNX (no default): ODS reports it before Iron's rules.
func.func @axis_missing(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'iron.Concat' op requires attribute 'axis'}}
  %0 = "iron.Concat"(%a) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// The concatenated dim is the sum of the inputs' (2 + 3 = 5).
func.func @result_type(%a: tensor<2x3xf32>, %b: tensor<3x3xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{'iron.Concat' op result #0 has type 'tensor<4x3xf32>', but ONNX's shape inference gives 'tensor<5x3xf32>'}}
  %0 = "iron.Concat"(%a, %b) <{axis = 0 : i64}> : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}
