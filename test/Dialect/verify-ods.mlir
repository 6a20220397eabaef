// RUN: iron-opt %s -split-input-file -verify-diagnostics
//
// The generated ODS definitions check operand/result element types, required
// attributes and their kinds, and operand segments, before Iron's own rules.

func.func @conv_integer_operand(%x: tensor<1x3x8x8xi32>, %w: tensor<4x3x3x3xi32>) -> tensor<1x4x6x6xi32> {
  // expected-error @+1 {{'iron.Conv' op operand #0 must be tensor of 16-bit float or 32-bit float or 64-bit float values, but got 'tensor<1x3x8x8xi32>'}}
  %0 = "iron.Conv"(%x, %w) <{auto_pad = "NOTSET", group = 1 : i64}> : (tensor<1x3x8x8xi32>, tensor<4x3x3x3xi32>) -> tensor<1x4x6x6xi32>
  return %0 : tensor<1x4x6x6xi32>
}

// -----

func.func @sqrt_integer_operand(%a: tensor<2x3xi32>) -> tensor<2x3xi32> {
  // expected-error @+1 {{'iron.Sqrt' op operand #0 must be tensor of bfloat16 type or 16-bit float or 32-bit float or 64-bit float values, but got 'tensor<2x3xi32>'}}
  %0 = "iron.Sqrt"(%a) : (tensor<2x3xi32>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

// Not is defined on bool only.
func.func @not_float_operand(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'iron.Not' op operand #0 must be tensor of 1-bit signless integer values, but got 'tensor<2xf32>'}}
  %0 = "iron.Not"(%a) : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// The element type of a result is checked as well.
func.func @relu_bool_result(%a: tensor<2xf32>) -> tensor<2xi1> {
  // expected-error @+1 {{'iron.Relu' op result #0 must be tensor of}}
  %0 = "iron.Relu"(%a) : (tensor<2xf32>) -> tensor<2xi1>
  return %0 : tensor<2xi1>
}

// -----

// Operands must be tensors.
func.func @scalar_operand(%a: f32) -> tensor<f32> {
  // expected-error @+1 {{'iron.Relu' op operand #0 must be tensor of}}
  %0 = "iron.Relu"(%a) : (f32) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @cast_without_to(%a: tensor<2x3xf32>) -> tensor<2x3xi32> {
  // expected-error @+1 {{'iron.Cast' op requires attribute 'to'}}
  %0 = "iron.Cast"(%a) : (tensor<2x3xf32>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

func.func @maxpool_without_kernel_shape(%a: tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32> {
  // expected-error @+1 {{'iron.MaxPool' op requires attribute 'kernel_shape'}}
  %0 = "iron.MaxPool"(%a) : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// -----

// ONNX float attributes are f32 FloatAttr, not integers.
func.func @attribute_kind(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{invalid properties {alpha = 1 : i64} for op iron.LeakyRelu: Invalid attribute `alpha` in property conversion: 1 : i64}}
  %0 = "iron.LeakyRelu"(%x) <{alpha = 1 : i64}> : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Clip has two optional operands: which one is given needs operandSegmentSizes.
func.func @clip_without_segments(%x: tensor<2x3xf32>, %hi: tensor<f32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'iron.Clip' op operand count (2) does not match with the total size (0) specified in attribute 'operandSegmentSizes'}}
  %0 = "iron.Clip"(%x, %hi) : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @clip_wrong_segments(%x: tensor<2x3xf32>, %hi: tensor<f32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'iron.Clip' op operand count (2) does not match with the total size (3) specified in attribute 'operandSegmentSizes'}}
  %0 = "iron.Clip"(%x, %hi) <{operandSegmentSizes = array<i32: 1, 1, 1>}> : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @dropout_without_segments(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'iron.Dropout' op operand count (1) does not match with the total size (0) specified in attribute 'operandSegmentSizes'}}
  %0 = "iron.Dropout"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Ops outside ONNX's default domain are not in the dialect.
func.func @unknown_op(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{unregistered operation 'iron.FusedGroupNormConv' found in dialect ('iron') that does not allow unknown operations}}
  %0 = "iron.FusedGroupNormConv"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
