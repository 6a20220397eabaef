// RUN: iron-opt %s -split-input-file -verify-diagnostics
//
// iron.Constant: the import normalizes every form of ONNX's Constant
// (value_float, value_ints, ...) to `value`, whose type is the result's.

func.func @type_differs() -> tensor<3xf32> {
  // expected-error @+1 {{'iron.Constant' op result type 'tensor<3xf32>' differs from the type of its value 'tensor<2xf32>'}}
  %0 = "iron.Constant"() <{value = dense<[1.0, 2.0]> : tensor<2xf32>}> : () -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @element_type_differs() -> tensor<2xf16> {
  // expected-error @+1 {{'iron.Constant' op result type 'tensor<2xf16>' differs from the type of its value 'tensor<2xf32>'}}
  %0 = "iron.Constant"() <{value = dense<[1.0, 2.0]> : tensor<2xf32>}> : () -> tensor<2xf16>
  return %0 : tensor<2xf16>
}

// -----

func.func @scalar_form() -> tensor<f32> {
  // expected-error @+1 {{'iron.Constant' op must carry its tensor in 'value' (value_float, value_ints, ... are normalized on import)}}
  %0 = "iron.Constant"() <{value_float = 1.0 : f32}> : () -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @no_value() -> tensor<f32> {
  // expected-error @+1 {{'iron.Constant' op must carry its tensor in 'value'}}
  %0 = "iron.Constant"() : () -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// A resource blob's declared type is checked the same way.
func.func @resource_type_differs() -> tensor<2x2xf32> {
  // expected-error @+1 {{'iron.Constant' op result type 'tensor<2x2xf32>' differs from the type of its value 'tensor<4xf32>'}}
  %0 = "iron.Constant"() <{value = dense_resource<w> : tensor<4xf32>}> : () -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F000000400000404000008040"
    }
  }
#-}
