// RUN: iron-opt %s -split-input-file -verify-diagnostics
//
// After Iron's own rules, every iron op goes through ONNX's schema check and
// type/shape inference (lib/Dialect/OnnxInference.cpp); a rejection reads
// "violates ONNX's rules for <Op>: <ONNX's message>". Small constant operands
// feed ONNX's data-dependent inference (Reshape's shape, Squeeze's axes, ...).

func.func @add_broadcast(%a: tensor<2x3xf32>, %b: tensor<4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'iron.Add' op violates ONNX's rules for Add: [ShapeInferenceError] Incompatible dimensions}}
  %0 = "iron.Add"(%a, %b) : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @add_mixed_element_types(%a: tensor<2x3xf32>, %b: tensor<2x3xi32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'iron.Add' op violates ONNX's rules for Add: B has inconsistent type tensor(int32)}}
  %0 = "iron.Add"(%a, %b) : (tensor<2x3xf32>, tensor<2x3xi32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @matmul_batch_broadcast(%a: tensor<2x3x4xf32>, %b: tensor<5x4x6xf32>) -> tensor<2x3x6xf32> {
  // expected-error @+1 {{'iron.MatMul' op violates ONNX's rules for MatMul: [ShapeInferenceError] Incompatible dimensions}}
  %0 = "iron.MatMul"(%a, %b) : (tensor<2x3x4xf32>, tensor<5x4x6xf32>) -> tensor<2x3x6xf32>
  return %0 : tensor<2x3x6xf32>
}

// -----

// 6 elements cannot be laid out as ? x 4.
func.func @reshape_impossible(%a: tensor<2x3xf32>) -> tensor<?x4xf32> {
  %s = "iron.Constant"() <{value = dense<[-1, 4]> : tensor<2xi64>}> : () -> tensor<2xi64>
  // expected-error @+1 {{'iron.Reshape' op violates ONNX's rules for Reshape: [ShapeInferenceError] Dimension could not be inferred: incompatible shapes}}
  %0 = "iron.Reshape"(%a, %s) : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @reshape_two_minus_one(%a: tensor<2x3xf32>) -> tensor<?x?xf32> {
  %s = "iron.Constant"() <{value = dense<[-1, -1]> : tensor<2xi64>}> : () -> tensor<2xi64>
  // expected-error @+1 {{'iron.Reshape' op violates ONNX's rules for Reshape: [ShapeInferenceError] Target shape may not have multiple -1 dimensions.}}
  %0 = "iron.Reshape"(%a, %s) : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// A constant target shape decides the result type.
func.func @reshape_result_type(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %s = "iron.Constant"() <{value = dense<[3, 2]> : tensor<2xi64>}> : () -> tensor<2xi64>
  // expected-error @+1 {{'iron.Reshape' op result #0 has type 'tensor<2x3xf32>', but ONNX's shape inference gives 'tensor<3x2xf32>'}}
  %0 = "iron.Reshape"(%a, %s) : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @split_sum(%x: tensor<6x4xf32>) -> (tensor<2x4xf32>, tensor<3x4xf32>) {
  %s = "iron.Constant"() <{value = dense<[2, 3]> : tensor<2xi64>}> : () -> tensor<2xi64>
  // expected-error @+1 {{'iron.Split' op violates ONNX's rules for Split: [ShapeInferenceError] Mismatch between the sum of 'split' (5) and the split dimension of the input (6)}}
  %0:2 = "iron.Split"(%x, %s) <{axis = 0 : i64}> : (tensor<6x4xf32>, tensor<2xi64>) -> (tensor<2x4xf32>, tensor<3x4xf32>)
  return %0#0, %0#1 : tensor<2x4xf32>, tensor<3x4xf32>
}

// -----

// (The result keeps the element count, so ONNX's rule is the one that fires.)
func.func @squeeze_non_unit_dim(%a: tensor<2x3xf32>) -> tensor<6xf32> {
  %i = "iron.Constant"() <{value = dense<[0]> : tensor<1xi64>}> : () -> tensor<1xi64>
  // expected-error @+1 {{'iron.Squeeze' op violates ONNX's rules for Squeeze: [ShapeInferenceError] Dimension of input 0 must be 1 instead of 2}}
  %0 = "iron.Squeeze"(%a, %i) : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<6xf32>
  return %0 : tensor<6xf32>
}

// -----

func.func @squeeze_drops_elements(%a: tensor<1x3xf32>) -> tensor<2xf32> {
  %i = "iron.Constant"() <{value = dense<[0]> : tensor<1xi64>}> : () -> tensor<1xi64>
  // expected-error @+1 {{'iron.Squeeze' op must keep the element count: input has 3 elements, result 2}}
  %0 = "iron.Squeeze"(%a, %i) : (tensor<1x3xf32>, tensor<1xi64>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @unsqueeze_duplicate_axes(%a: tensor<2x3xf32>) -> tensor<2x3x1xf32> {
  %i = "iron.Constant"() <{value = dense<[1, 1]> : tensor<2xi64>}> : () -> tensor<2xi64>
  // expected-error @+1 {{'iron.Unsqueeze' op violates ONNX's rules for Unsqueeze: [ShapeInferenceError] 'axes' attribute must not contain any duplicates}}
  %0 = "iron.Unsqueeze"(%a, %i) : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x3x1xf32>
  return %0 : tensor<2x3x1xf32>
}

// -----

func.func @expand_incompatible(%a: tensor<2x3xf32>) -> tensor<4x3xf32> {
  %s = "iron.Constant"() <{value = dense<[4, 3]> : tensor<2xi64>}> : () -> tensor<2xi64>
  // expected-error @+1 {{'iron.Expand' op violates ONNX's rules for Expand: [ShapeInferenceError] Incompatible dimensions}}
  %0 = "iron.Expand"(%a, %s) : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @gather_axis(%a: tensor<2x3xf32>) -> tensor<?xf32> {
  %i = "iron.Constant"() <{value = dense<[0]> : tensor<1xi64>}> : () -> tensor<1xi64>
  // expected-error @+1 {{'iron.Gather' op violates ONNX's rules for Gather: [ShapeInferenceError] axis must be in [-r, r-1]}}
  %0 = "iron.Gather"(%a, %i) <{axis = 2 : i64}> : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @slice_axes(%a: tensor<2x3xf32>) -> tensor<1x3xf32> {
  %s = "iron.Constant"() <{value = dense<[0]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %e = "iron.Constant"() <{value = dense<[1]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %x = "iron.Constant"() <{value = dense<[5]> : tensor<1xi64>}> : () -> tensor<1xi64>
  // expected-error @+1 {{'iron.Slice' op violates ONNX's rules for Slice: [ShapeInferenceError] Input axes has invalid data}}
  %0 = "iron.Slice"(%a, %s, %e, %x) <{operandSegmentSizes = array<i32: 1, 1, 1, 1, 0>}> : (tensor<2x3xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<1x3xf32>
  return %0 : tensor<1x3xf32>
}

// -----

func.func @softmax_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'iron.Softmax' op violates ONNX's rules for Softmax: [ShapeInferenceError] 'axis' must be in [-2 , 1]. Its actual value is: 5}}
  %0 = "iron.Softmax"(%x) <{axis = 5 : i64}> : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @transpose_repeated_perm(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{'iron.Transpose' op violates ONNX's rules for Transpose: [TypeInferenceError] Attribute perm for Transpose has repeated value: 0}}
  %0 = "iron.Transpose"(%x) <{perm = [0, 0]}> : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @maxpool_kernel_rank(%a: tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32> {
  // expected-error @+1 {{'iron.MaxPool' op violates ONNX's rules for MaxPool: [ShapeInferenceError] Attribute kernel_shape has incorrect size}}
  %0 = "iron.MaxPool"(%a) <{kernel_shape = [2]}> : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// -----

// 'to' is present but names no ONNX data type.
func.func @cast_invalid_to(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'iron.Cast' op violates ONNX's rules for Cast: [TypeInferenceError] Attribute to does not specify a valid type.}}
  %0 = "iron.Cast"(%x) <{to = 99 : i64}> : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
