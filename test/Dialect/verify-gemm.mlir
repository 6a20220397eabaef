// RUN: iron-opt %s -split-input-file -verify-diagnostics
//
// Iron's own rules for Gemm (lib/Dialect/Verify.cpp, verifyGemm): 2-D
// operands and agreeing inner dimensions, with transA/transB honoured.

func.func @a_not_2d(%a: tensor<2x3x1xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'iron.Gemm' op A and B must be 2-D, got shapes 2x3x1 and 3x4}}
  %0 = "iron.Gemm"(%a, %b) : (tensor<2x3x1xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @b_not_2d(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'iron.Gemm' op A and B must be 2-D, got shapes 2x3 and 3}}
  %0 = "iron.Gemm"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// Dynamic dims print as '?'.
func.func @dynamic_dims_in_message(%a: tensor<?x3xf32>, %b: tensor<3x?x1xf32>) -> tensor<?x?xf32> {
  // expected-error @+1 {{A and B must be 2-D, got shapes ?x3 and 3x?x1}}
  %0 = "iron.Gemm"(%a, %b) : (tensor<?x3xf32>, tensor<3x?x1xf32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @inner_dims(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) -> tensor<2x5xf32> {
  // expected-error @+1 {{'iron.Gemm' op inner dimensions must agree (K of A is 3, K of B is 4)}}
  %0 = "iron.Gemm"(%a, %b) : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// Without transB, B's K is its dim 0 (4), which does not match A's 3 even
// though B's dim 1 does: the layout of a Linear weight needs transB = 1.
func.func @inner_dims_missing_transB(%a: tensor<2x3xf32>, %b: tensor<4x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{inner dimensions must agree (K of A is 3, K of B is 4)}}
  %0 = "iron.Gemm"(%a, %b) <{transB = 0 : i64}> : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// transA = 1: A's K is its dim 0.
func.func @inner_dims_transA(%a: tensor<3x2xf32>, %b: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{inner dimensions must agree (K of A is 3, K of B is 2)}}
  %0 = "iron.Gemm"(%a, %b) <{transA = 1 : i64}> : (tensor<3x2xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @inner_dims_transA_transB(%a: tensor<3x2xf32>, %b: tensor<4x5xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{inner dimensions must agree (K of A is 3, K of B is 5)}}
  %0 = "iron.Gemm"(%a, %b) <{transA = 1 : i64, transB = 1 : i64}> : (tensor<3x2xf32>, tensor<4x5xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// With the operands right, ONNX's inference still checks the result: M x N.
func.func @result_type(%a: tensor<2x3xf32>, %b: tensor<4x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'iron.Gemm' op result #0 has type 'tensor<2x3xf32>', but ONNX's shape inference gives 'tensor<2x4xf32>'}}
  %0 = "iron.Gemm"(%a, %b) <{transB = 1 : i64}> : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
