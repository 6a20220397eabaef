// RUN: iron-opt %s -split-input-file -verify-diagnostics
//
// A declared result type that contradicts ONNX's type and shape inference:
// "result #N has type X, but ONNX's shape inference gives Y". Element type,
// rank and static dims are compared; a dynamic dim on either side is fine.

func.func @element_type(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> tensor<2x3xf16> {
  // expected-error @+1 {{'iron.Add' op result #0 has type 'tensor<2x3xf16>', but ONNX's shape inference gives 'tensor<2x3xf32>'}}
  %0 = "iron.Add"(%a, %b) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf16>
  return %0 : tensor<2x3xf16>
}

// -----

func.func @rank(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> tensor<2x3x1xf32> {
  // expected-error @+1 {{'iron.Add' op result #0 has type 'tensor<2x3x1xf32>', but ONNX's shape inference gives 'tensor<2x3xf32>'}}
  %0 = "iron.Add"(%a, %b) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3x1xf32>
  return %0 : tensor<2x3x1xf32>
}

// -----

// Broadcasting gives 4x3; a dynamic dim in the declared type does not hide
// the static one that disagrees.
func.func @static_dim(%a: tensor<4x1xf32>, %b: tensor<3xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{'iron.Add' op result #0 has type 'tensor<?x4xf32>', but ONNX's shape inference gives 'tensor<4x3xf32>'}}
  %0 = "iron.Add"(%a, %b) : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// Cast's result element type is the one 'to' names (1 = FLOAT).
func.func @cast_to(%x: tensor<2x3xf32>) -> tensor<2x3xi64> {
  // expected-error @+1 {{'iron.Cast' op result #0 has type 'tensor<2x3xi64>', but ONNX's shape inference gives 'tensor<2x3xf32>'}}
  %0 = "iron.Cast"(%x) <{to = 1 : i64}> : (tensor<2x3xf32>) -> tensor<2x3xi64>
  return %0 : tensor<2x3xi64>
}

// -----

// Signless i8 is ONNX's int8; uint8 must be spelled ui8.
func.func @quantize_signedness(%x: tensor<4xf32>, %s: tensor<f32>, %z: tensor<ui8>) -> tensor<4xi8> {
  // expected-error @+1 {{'iron.QuantizeLinear' op result #0 has type 'tensor<4xi8>', but ONNX's shape inference gives 'tensor<4xui8>'}}
  %0 = "iron.QuantizeLinear"(%x, %s, %z) : (tensor<4xf32>, tensor<f32>, tensor<ui8>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

// ODS accepts any element type for Gather's result; ONNX ties it to the data's.
func.func @gather_element_type(%a: tensor<3x2xf32>, %i: tensor<2xi64>) -> tensor<2x2xi32> {
  // expected-error @+1 {{'iron.Gather' op result #0 has type 'tensor<2x2xi32>', but ONNX's shape inference gives 'tensor<2x2xf32>'}}
  %0 = "iron.Gather"(%a, %i) <{axis = 0 : i64}> : (tensor<3x2xf32>, tensor<2xi64>) -> tensor<2x2xi32>
  return %0 : tensor<2x2xi32>
}

// -----

// Results after the first are checked too.
func.func @second_result(%x: tensor<6x4xf32>) -> (tensor<3x4xf32>, tensor<2x4xf32>) {
  // expected-error @+1 {{'iron.Split' op result #1 has type 'tensor<2x4xf32>', but ONNX's shape inference gives 'tensor<3x4xf32>'}}
  %0:2 = "iron.Split"(%x) <{axis = 0 : i64}> : (tensor<6x4xf32>) -> (tensor<3x4xf32>, tensor<2x4xf32>)
  return %0#0, %0#1 : tensor<3x4xf32>, tensor<2x4xf32>
}
