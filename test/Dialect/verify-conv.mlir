// RUN: iron-opt %s -split-input-file -verify-diagnostics
//
// Iron's own rules for Conv and ConvTranspose (lib/Dialect/Verify.cpp,
// verifyConvLike), each with its precise message, plus ONNX's inference of the
// spatial output size.

func.func @channels_times_group(%x: tensor<1x3x8x8xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'iron.Conv' op input channels (3) must equal W's dim 1 (2) times group (1)}}
  %0 = "iron.Conv"(%x, %w) <{auto_pad = "NOTSET", group = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

// A depthwise weight (dim 1 == 1) with too small a group.
func.func @channels_times_group_depthwise(%x: tensor<1x8x5x5xf32>, %w: tensor<8x1x3x3xf32>) -> tensor<1x8x3x3xf32> {
  // expected-error @+1 {{input channels (8) must equal W's dim 1 (1) times group (4)}}
  %0 = "iron.Conv"(%x, %w) <{auto_pad = "NOTSET", group = 4 : i64}> : (tensor<1x8x5x5xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x3x3xf32>
  return %0 : tensor<1x8x3x3xf32>
}

// -----

func.func @output_channels_divisible_by_group(%x: tensor<1x4x8x8xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<1x3x6x6xf32> {
  // expected-error @+1 {{'iron.Conv' op output channels (3) must be divisible by group (2)}}
  %0 = "iron.Conv"(%x, %w) <{auto_pad = "NOTSET", group = 2 : i64}> : (tensor<1x4x8x8xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x6x6xf32>
  return %0 : tensor<1x3x6x6xf32>
}

// -----

func.func @group_positive(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'iron.Conv' op attribute 'group' must be >= 1, got 0}}
  %0 = "iron.Conv"(%x, %w) <{auto_pad = "NOTSET", group = 0 : i64}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @weight_rank(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'iron.Conv' op weight W must have the same rank as X (4), got rank 3}}
  %0 = "iron.Conv"(%x, %w) <{auto_pad = "NOTSET", group = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<4x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @input_rank(%x: tensor<3x8xf32>, %w: tensor<4x3xf32>) -> tensor<4x6xf32> {
  // expected-error @+1 {{'iron.Conv' op input X must have rank >= 3 (N x C x D1 ... Dn), got rank 2}}
  %0 = "iron.Conv"(%x, %w) <{auto_pad = "NOTSET", group = 1 : i64}> : (tensor<3x8xf32>, tensor<4x3xf32>) -> tensor<4x6xf32>
  return %0 : tensor<4x6xf32>
}

// -----

func.func @pads_two_per_axis(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'iron.Conv' op attribute 'pads' must have two entries per spatial axis (4), got 2}}
  %0 = "iron.Conv"(%x, %w) <{auto_pad = "NOTSET", group = 1 : i64, pads = [0, 0]}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

// A 1-D convolution has one spatial axis: two pads, not four.
func.func @pads_two_per_axis_1d(%x: tensor<1x3x8xf32>, %w: tensor<4x3x3xf32>) -> tensor<1x4x8xf32> {
  // expected-error @+1 {{attribute 'pads' must have two entries per spatial axis (2), got 4}}
  %0 = "iron.Conv"(%x, %w) <{auto_pad = "NOTSET", group = 1 : i64, pads = [1, 1, 1, 1]}> : (tensor<1x3x8xf32>, tensor<4x3x3xf32>) -> tensor<1x4x8xf32>
  return %0 : tensor<1x4x8xf32>
}

// -----

func.func @strides_one_per_axis(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'iron.Conv' op attribute 'strides' must have one entry per spatial axis (2), got 1}}
  %0 = "iron.Conv"(%x, %w) <{auto_pad = "NOTSET", group = 1 : i64, strides = [1]}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @dilations_one_per_axis(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'iron.Conv' op attribute 'dilations' must have one entry per spatial axis (2), got 3}}
  %0 = "iron.Conv"(%x, %w) <{auto_pad = "NOTSET", group = 1 : i64, dilations = [1, 1, 1]}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @kernel_shape_one_per_axis(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'iron.Conv' op attribute 'kernel_shape' must have one entry per spatial axis (2), got 1}}
  %0 = "iron.Conv"(%x, %w) <{auto_pad = "NOTSET", group = 1 : i64, kernel_shape = [3]}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @bias_length(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<5xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'iron.Conv' op bias B must be 1-D with one value per output channel, got shape 5}}
  %0 = "iron.Conv"(%x, %w, %b) <{auto_pad = "NOTSET", group = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<5xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @bias_rank(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<1x4xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'iron.Conv' op bias B must be 1-D with one value per output channel, got shape 1x4}}
  %0 = "iron.Conv"(%x, %w, %b) <{auto_pad = "NOTSET", group = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<1x4xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

// The declared spatial size contradicts ONNX's inference (8 - 3 + 1 = 6).
func.func @conv_result_type(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x7x7xf32> {
  // expected-error @+1 {{'iron.Conv' op result #0 has type 'tensor<1x4x7x7xf32>', but ONNX's shape inference gives 'tensor<1x4x6x6xf32>'}}
  %0 = "iron.Conv"(%x, %w) <{auto_pad = "NOTSET", group = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x7x7xf32>
  return %0 : tensor<1x4x7x7xf32>
}

// -----

// Strides and pads are taken into account: (8 + 2 - 3) / 2 + 1 = 4.
func.func @conv_result_type_strided(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{result #0 has type 'tensor<1x4x6x6xf32>', but ONNX's shape inference gives 'tensor<1x4x4x4xf32>'}}
  %0 = "iron.Conv"(%x, %w) <{auto_pad = "NOTSET", group = 1 : i64, pads = [1, 1, 1, 1], strides = [2, 2]}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

// ConvTranspose's W is C x M/group x k: its dim 0 must match X's channels.
func.func @conv_transpose_channels(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x3x10x10xf32> {
  // expected-error @+1 {{'iron.ConvTranspose' op input channels (3) must equal W's dim 0 (4)}}
  %0 = "iron.ConvTranspose"(%x, %w) <{auto_pad = "NOTSET", group = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x3x10x10xf32>
  return %0 : tensor<1x3x10x10xf32>
}

// -----

func.func @conv_transpose_weight_rank(%x: tensor<1x3x8x8xf32>, %w: tensor<3x4x3xf32>) -> tensor<1x4x10x10xf32> {
  // expected-error @+1 {{'iron.ConvTranspose' op weight W must have the same rank as X (4), got rank 3}}
  %0 = "iron.ConvTranspose"(%x, %w) <{auto_pad = "NOTSET", group = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<3x4x3xf32>) -> tensor<1x4x10x10xf32>
  return %0 : tensor<1x4x10x10xf32>
}

// -----

func.func @conv_transpose_bias_rank(%x: tensor<1x3x8x8xf32>, %w: tensor<3x4x3x3xf32>, %b: tensor<4x1xf32>) -> tensor<1x4x10x10xf32> {
  // expected-error @+1 {{'iron.ConvTranspose' op bias B must be 1-D with one value per output channel, got shape 4x1}}
  %0 = "iron.ConvTranspose"(%x, %w, %b) <{auto_pad = "NOTSET", group = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<3x4x3x3xf32>, tensor<4x1xf32>) -> tensor<1x4x10x10xf32>
  return %0 : tensor<1x4x10x10xf32>
}

// -----

func.func @conv_transpose_pads(%x: tensor<1x3x8x8xf32>, %w: tensor<3x4x3x3xf32>) -> tensor<1x4x10x10xf32> {
  // expected-error @+1 {{'iron.ConvTranspose' op attribute 'pads' must have two entries per spatial axis (4), got 3}}
  %0 = "iron.ConvTranspose"(%x, %w) <{auto_pad = "NOTSET", group = 1 : i64, pads = [0, 0, 0]}> : (tensor<1x3x8x8xf32>, tensor<3x4x3x3xf32>) -> tensor<1x4x10x10xf32>
  return %0 : tensor<1x4x10x10xf32>
}

// -----

// (8 - 1) * 1 + 3 = 10, not 9.
func.func @conv_transpose_result_type(%x: tensor<1x3x8x8xf32>, %w: tensor<3x4x3x3xf32>) -> tensor<1x4x9x9xf32> {
  // expected-error @+1 {{'iron.ConvTranspose' op result #0 has type 'tensor<1x4x9x9xf32>', but ONNX's shape inference gives 'tensor<1x4x10x10xf32>'}}
  %0 = "iron.ConvTranspose"(%x, %w) <{auto_pad = "NOTSET", group = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<3x4x3x3xf32>) -> tensor<1x4x9x9xf32>
  return %0 : tensor<1x4x9x9xf32>
}
