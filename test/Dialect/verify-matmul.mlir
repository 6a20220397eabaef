// RUN: iron-opt %s -split-input-file -verify-diagnostics
//
// MatMul: Iron's own inner-dimension rule (lib/Dialect/Verify.cpp,
// verifyMatMul) and ONNX's broadcasting of the batch dimensions.

func.func @inner_dims(%a: tensor<2x3xf32>, %b: tensor<4x6xf32>) -> tensor<2x6xf32> {
  // expected-error @+1 {{'iron.MatMul' op inner dimensions must agree (A's last dim is 3, B's contracted dim is 4)}}
  %0 = "iron.MatMul"(%a, %b) : (tensor<2x3xf32>, tensor<4x6xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

// A 1-D B is contracted along its only dim.
func.func @inner_dims_vector(%a: tensor<2x3xf32>, %b: tensor<4xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{inner dimensions must agree (A's last dim is 3, B's contracted dim is 4)}}
  %0 = "iron.MatMul"(%a, %b) : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// Batched: B's contracted dim is its second to last.
func.func @inner_dims_batched(%a: tensor<5x2x3xf32>, %b: tensor<5x6x3xf32>) -> tensor<5x2x3xf32> {
  // expected-error @+1 {{inner dimensions must agree (A's last dim is 3, B's contracted dim is 6)}}
  %0 = "iron.MatMul"(%a, %b) : (tensor<5x2x3xf32>, tensor<5x6x3xf32>) -> tensor<5x2x3xf32>
  return %0 : tensor<5x2x3xf32>
}

// -----

// The inner dims agree; the batch dims 2 and 5 do not broadcast.
func.func @batch_broadcast(%a: tensor<2x3x4xf32>, %b: tensor<5x4x6xf32>) -> tensor<2x3x6xf32> {
  // expected-error @+1 {{'iron.MatMul' op violates ONNX's rules for MatMul: [ShapeInferenceError] Incompatible dimensions}}
  %0 = "iron.MatMul"(%a, %b) : (tensor<2x3x4xf32>, tensor<5x4x6xf32>) -> tensor<2x3x6xf32>
  return %0 : tensor<2x3x6xf32>
}

// -----

func.func @result_type(%a: tensor<7x2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'iron.MatMul' op result #0 has type 'tensor<2x4xf32>', but ONNX's shape inference gives 'tensor<7x2x4xf32>'}}
  %0 = "iron.MatMul"(%a, %b) : (tensor<7x2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}
