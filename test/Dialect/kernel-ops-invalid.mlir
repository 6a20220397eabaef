// RUN: iron-opt %s -split-input-file -verify-diagnostics
//
// The rules of Iron's own kernels (lib/Dialect/KernelOps.cpp), one per
// split, each with its message.

// FusedConv: an unknown activation.
func.func @f(%x: tensor<1x4x8x8xf32>, %w: tensor<6x4x3x3xf32>) -> tensor<1x6x6x6xf32> {
  // expected-error @+1 {{'iron.FusedConv' op activation 'Swish' is not one of "" (none), Relu, Clip, LeakyRelu, Sigmoid, HardSigmoid, HardSwish, SiLU, Gelu, GeluTanh, Tanh}}
  %0 = "iron.FusedConv"(%x, %w) <{activation = "Swish", operandSegmentSizes = array<i32: 1, 1, 0, 0>}> : (tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>) -> tensor<1x6x6x6xf32>
  return %0 : tensor<1x6x6x6xf32>
}

// -----

// FusedConv: Clip takes [min, max].
func.func @f(%x: tensor<1x4x8x8xf32>, %w: tensor<6x4x3x3xf32>) -> tensor<1x6x6x6xf32> {
  // expected-error @+1 {{'iron.FusedConv' op activation 'Clip' takes 2 activation_params [min, max], got 1}}
  %0 = "iron.FusedConv"(%x, %w) <{activation = "Clip", activation_params = [6.0 : f32], operandSegmentSizes = array<i32: 1, 1, 0, 0>}> : (tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>) -> tensor<1x6x6x6xf32>
  return %0 : tensor<1x6x6x6xf32>
}

// -----

// FusedConv: Relu takes no parameters.
func.func @f(%x: tensor<1x4x8x8xf32>, %w: tensor<6x4x3x3xf32>) -> tensor<1x6x6x6xf32> {
  // expected-error @+1 {{'iron.FusedConv' op activation 'Relu' takes no activation_params, got 1}}
  %0 = "iron.FusedConv"(%x, %w) <{activation = "Relu", activation_params = [0.5 : f32], operandSegmentSizes = array<i32: 1, 1, 0, 0>}> : (tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>) -> tensor<1x6x6x6xf32>
  return %0 : tensor<1x6x6x6xf32>
}

// -----

// FusedConv: the residual has Y's shape.
func.func @f(%x: tensor<1x4x8x8xf32>, %w: tensor<6x4x3x3xf32>, %z: tensor<1x6x6x5xf32>) -> tensor<1x6x6x6xf32> {
  // expected-error @+1 {{'iron.FusedConv' op residual Z must have Y's shape 1x6x6x6, got 1x6x6x5}}
  %0 = "iron.FusedConv"(%x, %w, %z) <{operandSegmentSizes = array<i32: 1, 1, 0, 1>}> : (tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>, tensor<1x6x6x5xf32>) -> tensor<1x6x6x6xf32>
  return %0 : tensor<1x6x6x6xf32>
}

// -----

// FusedConv: X is N x C x spatial.
func.func @f(%x: tensor<4x8xf32>, %w: tensor<6x4xf32>) -> tensor<6x8xf32> {
  // expected-error @+1 {{'iron.FusedConv' op input X must have rank >= 3 (N x C x D1 ... Dn), got rank 2}}
  %0 = "iron.FusedConv"(%x, %w) <{operandSegmentSizes = array<i32: 1, 1, 0, 0>}> : (tensor<4x8xf32>, tensor<6x4xf32>) -> tensor<6x8xf32>
  return %0 : tensor<6x8xf32>
}

// -----

// FusedConv: W has X's rank.
func.func @f(%x: tensor<1x4x8x8xf32>, %w: tensor<6x4x3xf32>) -> tensor<1x6x6x6xf32> {
  // expected-error @+1 {{'iron.FusedConv' op weight W must have the same rank as X (4), got rank 3}}
  %0 = "iron.FusedConv"(%x, %w) <{operandSegmentSizes = array<i32: 1, 1, 0, 0>}> : (tensor<1x4x8x8xf32>, tensor<6x4x3xf32>) -> tensor<1x6x6x6xf32>
  return %0 : tensor<1x6x6x6xf32>
}

// -----

// FusedConv: group >= 1.
func.func @f(%x: tensor<1x4x8x8xf32>, %w: tensor<6x4x3x3xf32>) -> tensor<1x6x6x6xf32> {
  // expected-error @+1 {{'iron.FusedConv' op attribute 'group' must be >= 1, got 0}}
  %0 = "iron.FusedConv"(%x, %w) <{group = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 0, 0>}> : (tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>) -> tensor<1x6x6x6xf32>
  return %0 : tensor<1x6x6x6xf32>
}

// -----

// FusedConv: channels = W's dim 1 x group.
func.func @f(%x: tensor<1x4x8x8xf32>, %w: tensor<6x4x3x3xf32>) -> tensor<1x6x6x6xf32> {
  // expected-error @+1 {{'iron.FusedConv' op input channels (4) must equal W's dim 1 (4) times group (2)}}
  %0 = "iron.FusedConv"(%x, %w) <{group = 2 : i64, operandSegmentSizes = array<i32: 1, 1, 0, 0>}> : (tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>) -> tensor<1x6x6x6xf32>
  return %0 : tensor<1x6x6x6xf32>
}

// -----

// FusedConv: output channels divisible by group.
func.func @f(%x: tensor<1x4x8x8xf32>, %w: tensor<5x2x3x3xf32>) -> tensor<1x5x6x6xf32> {
  // expected-error @+1 {{'iron.FusedConv' op output channels (5) must be divisible by group (2)}}
  %0 = "iron.FusedConv"(%x, %w) <{group = 2 : i64, operandSegmentSizes = array<i32: 1, 1, 0, 0>}> : (tensor<1x4x8x8xf32>, tensor<5x2x3x3xf32>) -> tensor<1x5x6x6xf32>
  return %0 : tensor<1x5x6x6xf32>
}

// -----

// FusedConv: one stride per spatial axis.
func.func @f(%x: tensor<1x4x8x8xf32>, %w: tensor<6x4x3x3xf32>) -> tensor<1x6x6x6xf32> {
  // expected-error @+1 {{'iron.FusedConv' op attribute 'strides' must have one entry per spatial axis (2), got 3}}
  %0 = "iron.FusedConv"(%x, %w) <{strides = [1, 1, 1], operandSegmentSizes = array<i32: 1, 1, 0, 0>}> : (tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>) -> tensor<1x6x6x6xf32>
  return %0 : tensor<1x6x6x6xf32>
}

// -----

// FusedConv: dilations >= 1.
func.func @f(%x: tensor<1x4x8x8xf32>, %w: tensor<6x4x3x3xf32>) -> tensor<1x6x6x6xf32> {
  // expected-error @+1 {{'iron.FusedConv' op attribute 'dilations' must have entries >= 1, got 0}}
  %0 = "iron.FusedConv"(%x, %w) <{dilations = [1, 0], operandSegmentSizes = array<i32: 1, 1, 0, 0>}> : (tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>) -> tensor<1x6x6x6xf32>
  return %0 : tensor<1x6x6x6xf32>
}

// -----

// FusedConv: two pads per spatial axis.
func.func @f(%x: tensor<1x4x8x8xf32>, %w: tensor<6x4x3x3xf32>) -> tensor<1x6x6x6xf32> {
  // expected-error @+1 {{'iron.FusedConv' op attribute 'pads' must have two entries per spatial axis (4), got 2}}
  %0 = "iron.FusedConv"(%x, %w) <{pads = [1, 1], operandSegmentSizes = array<i32: 1, 1, 0, 0>}> : (tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>) -> tensor<1x6x6x6xf32>
  return %0 : tensor<1x6x6x6xf32>
}

// -----

// FusedConv: pads >= 0.
func.func @f(%x: tensor<1x4x8x8xf32>, %w: tensor<6x4x3x3xf32>) -> tensor<1x6x6x6xf32> {
  // expected-error @+1 {{'iron.FusedConv' op attribute 'pads' must have entries >= 0, got -1}}
  %0 = "iron.FusedConv"(%x, %w) <{pads = [0, 0, -1, 0], operandSegmentSizes = array<i32: 1, 1, 0, 0>}> : (tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>) -> tensor<1x6x6x6xf32>
  return %0 : tensor<1x6x6x6xf32>
}

// -----

// FusedConv: kernel_shape is W's spatial shape.
func.func @f(%x: tensor<1x4x8x8xf32>, %w: tensor<6x4x3x3xf32>) -> tensor<1x6x6x6xf32> {
  // expected-error @+1 {{'iron.FusedConv' op attribute 'kernel_shape' 3x2 must equal W's spatial shape 3x3}}
  %0 = "iron.FusedConv"(%x, %w) <{kernel_shape = [3, 2], operandSegmentSizes = array<i32: 1, 1, 0, 0>}> : (tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>) -> tensor<1x6x6x6xf32>
  return %0 : tensor<1x6x6x6xf32>
}

// -----

// FusedConv: B is [M].
func.func @f(%x: tensor<1x4x8x8xf32>, %w: tensor<6x4x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x6x6x6xf32> {
  // expected-error @+1 {{'iron.FusedConv' op bias B must be 1-D with one value per output channel (6), got shape 4}}
  %0 = "iron.FusedConv"(%x, %w, %b) <{operandSegmentSizes = array<i32: 1, 1, 1, 0>}> : (tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>, tensor<4xf32>) -> tensor<1x6x6x6xf32>
  return %0 : tensor<1x6x6x6xf32>
}

// -----

// FusedConv: Y is [N, M, output spatial].
func.func @f(%x: tensor<1x4x8x8xf32>, %w: tensor<6x4x3x3xf32>) -> tensor<1x6x8x8xf32> {
  // expected-error @+1 {{'iron.FusedConv' op result Y must have shape 1x6x6x6 (N, output channels, spatial output), got 1x6x8x8}}
  %0 = "iron.FusedConv"(%x, %w) <{operandSegmentSizes = array<i32: 1, 1, 0, 0>}> : (tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>) -> tensor<1x6x8x8xf32>
  return %0 : tensor<1x6x8x8xf32>
}

// -----

// FusedConv: the window fits the padded input.
func.func @f(%x: tensor<1x4x2x2xf32>, %w: tensor<6x4x3x3xf32>) -> tensor<1x6x1x1xf32> {
  // expected-error @+1 {{'iron.FusedConv' op spatial axis 0: the dilated kernel (3) is larger than the padded input (2)}}
  %0 = "iron.FusedConv"(%x, %w) <{operandSegmentSizes = array<i32: 1, 1, 0, 0>}> : (tensor<1x4x2x2xf32>, tensor<6x4x3x3xf32>) -> tensor<1x6x1x1xf32>
  return %0 : tensor<1x6x1x1xf32>
}

// -----

// FusedMatMul: operands have rank >= 1.
func.func @f(%a: tensor<f32>, %b: tensor<4xf32>) -> tensor<f32> {
  // expected-error @+1 {{'iron.FusedMatMul' op A and B must have rank >= 1}}
  %0 = "iron.FusedMatMul"(%a, %b) <{operandSegmentSizes = array<i32: 1, 1, 0, 0>}> : (tensor<f32>, tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// FusedMatMul: K agrees.
func.func @f(%a: tensor<3x4xf32>, %b: tensor<5x6xf32>) -> tensor<3x6xf32> {
  // expected-error @+1 {{'iron.FusedMatMul' op inner dimensions must agree (A's last dim is 4, B's contracted dim is 5)}}
  %0 = "iron.FusedMatMul"(%a, %b) <{operandSegmentSizes = array<i32: 1, 1, 0, 0>}> : (tensor<3x4xf32>, tensor<5x6xf32>) -> tensor<3x6xf32>
  return %0 : tensor<3x6xf32>
}

// -----

// FusedMatMul: bias is [N].
func.func @f(%a: tensor<3x4xf32>, %b: tensor<4x6xf32>, %c: tensor<3x6xf32>) -> tensor<3x6xf32> {
  // expected-error @+1 {{'iron.FusedMatMul' op bias must be 1-D with one value per column (6), got shape 3x6}}
  %0 = "iron.FusedMatMul"(%a, %b, %c) <{operandSegmentSizes = array<i32: 1, 1, 1, 0>}> : (tensor<3x4xf32>, tensor<4x6xf32>, tensor<3x6xf32>) -> tensor<3x6xf32>
  return %0 : tensor<3x6xf32>
}

// -----

// FusedMatMul: the residual has Y's shape.
func.func @f(%a: tensor<3x4xf32>, %b: tensor<4x6xf32>, %z: tensor<1x6xf32>) -> tensor<3x6xf32> {
  // expected-error @+1 {{'iron.FusedMatMul' op residual Z must have Y's shape 3x6, got 1x6}}
  %0 = "iron.FusedMatMul"(%a, %b, %z) <{operandSegmentSizes = array<i32: 1, 1, 0, 1>}> : (tensor<3x4xf32>, tensor<4x6xf32>, tensor<1x6xf32>) -> tensor<3x6xf32>
  return %0 : tensor<3x6xf32>
}

// -----

// FusedMatMul: batch dims broadcast.
func.func @f(%a: tensor<2x3x4xf32>, %b: tensor<5x4x6xf32>) -> tensor<2x3x6xf32> {
  // expected-error @+1 {{'iron.FusedMatMul' op batch dims of A 2 and B 5 do not broadcast}}
  %0 = "iron.FusedMatMul"(%a, %b) <{operandSegmentSizes = array<i32: 1, 1, 0, 0>}> : (tensor<2x3x4xf32>, tensor<5x4x6xf32>) -> tensor<2x3x6xf32>
  return %0 : tensor<2x3x6xf32>
}

// -----

// FusedMatMul: Y has MatMul's shape.
func.func @f(%a: tensor<2x3x4xf32>, %b: tensor<4x6xf32>) -> tensor<3x6xf32> {
  // expected-error @+1 {{'iron.FusedMatMul' op result Y must have MatMul's shape 2x3x6, got 3x6}}
  %0 = "iron.FusedMatMul"(%a, %b) <{operandSegmentSizes = array<i32: 1, 1, 0, 0>}> : (tensor<2x3x4xf32>, tensor<4x6xf32>) -> tensor<3x6xf32>
  return %0 : tensor<3x6xf32>
}

// -----

// FusedMatMul: HardSigmoid takes [alpha, beta].
func.func @f(%a: tensor<3x4xf32>, %b: tensor<4x6xf32>) -> tensor<3x6xf32> {
  // expected-error @+1 {{'iron.FusedMatMul' op activation 'HardSigmoid' takes 2 activation_params [alpha, beta], got 0}}
  %0 = "iron.FusedMatMul"(%a, %b) <{activation = "HardSigmoid", operandSegmentSizes = array<i32: 1, 1, 0, 0>}> : (tensor<3x4xf32>, tensor<4x6xf32>) -> tensor<3x6xf32>
  return %0 : tensor<3x6xf32>
}

// -----

// Elementwise: at least one instruction.
func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'iron.Elementwise' op program must have at least one instruction (the last one's DST is the result)}}
  %0 = "iron.Elementwise"(%x) <{program = []}> : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Elementwise: a known OP.
func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'iron.Elementwise' op instruction #0 'Softplus t0 i0': unknown OP 'Softplus' (Add, Sub, Mul, Div, Min, Max, Pow, Neg, Abs, Relu, Sigmoid, Tanh, Exp, Log, Sqrt, Erf, Reciprocal, Clip, LeakyRelu, HardSigmoid, HardSwish, Mov)}}
  %0 = "iron.Elementwise"(%x) <{program = ["Softplus t0 i0"]}> : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Elementwise: the OP's arity.
func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'iron.Elementwise' op instruction #1 'Add t1 t0': Add takes 3 operands (a DST, 2 source register(s), 0 immediate(s)), got 2}}
  %0 = "iron.Elementwise"(%x) <{program = ["Relu t0 i0", "Add t1 t0"]}> : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Elementwise: immediates count as operands.
func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'iron.Elementwise' op instruction #0 'Clip t0 i0 0': Clip takes 4 operands (a DST, 1 source register(s), 2 immediate(s)), got 3}}
  %0 = "iron.Elementwise"(%x) <{program = ["Clip t0 i0 0"]}> : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Elementwise: DST is a temporary.
func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'iron.Elementwise' op instruction #0 'Neg i0 i0': DST must be a temporary t<N>, got 'i0'}}
  %0 = "iron.Elementwise"(%x) <{program = ["Neg i0 i0"]}> : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Elementwise: temporaries are defined before use.
func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'iron.Elementwise' op instruction #1 'Mul t1 t0 t2': register 't2' is read before it is defined}}
  %0 = "iron.Elementwise"(%x) <{program = ["Exp t0 i0", "Mul t1 t0 t2"]}> : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Elementwise: inputs exist.
func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'iron.Elementwise' op instruction #0 'Add t0 i0 i1': 'i1' reads input 1 but the op has 1 input(s)}}
  %0 = "iron.Elementwise"(%x) <{program = ["Add t0 i0 i1"]}> : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Elementwise: registers are i<N> or t<N>.
func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'iron.Elementwise' op instruction #0 'Abs t0 x0': 'x0' is not a register (i<N> or t<N>)}}
  %0 = "iron.Elementwise"(%x) <{program = ["Abs t0 x0"]}> : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Elementwise: immediates are numbers.
func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'iron.Elementwise' op instruction #0 'LeakyRelu t0 i0 alpha': immediate 'alpha' is not a number}}
  %0 = "iron.Elementwise"(%x) <{program = ["LeakyRelu t0 i0 alpha"]}> : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Elementwise: an input may not grow the result.
func.func @f(%x: tensor<2x3xf32>, %y: tensor<4x2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'iron.Elementwise' op input #1 of shape 4x2x3 must broadcast to the result shape 2x3 without changing it}}
  %0 = "iron.Elementwise"(%x, %y) <{program = ["Add t0 i0 i1"]}> : (tensor<2x3xf32>, tensor<4x2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Elementwise: broadcast dims are 1 or the result's.
func.func @f(%x: tensor<2x3xf32>, %y: tensor<2xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'iron.Elementwise' op input #1 of shape 2 must broadcast to the result shape 2x3 without changing it}}
  %0 = "iron.Elementwise"(%x, %y) <{program = ["Add t0 i0 i1"]}> : (tensor<2x3xf32>, tensor<2xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Gelu: approximate is none or tanh.
func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'iron.Gelu' op attribute 'approximate' must be "none" or "tanh", got "fast"}}
  %0 = "iron.Gelu"(%x) <{approximate = "fast"}> : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Gelu: Y has X's shape.
func.func @f(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{'iron.Gelu' op result Y must have X's shape 2x3, got 3x2}}
  %0 = "iron.Gelu"(%x) : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// Attention: operands are matrices or batches of them.
func.func @f(%q: tensor<8xf32>, %k: tensor<8x6xf32>, %v: tensor<6x3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'iron.Attention' op Q must have rank >= 2, got rank 1}}
  %0 = "iron.Attention"(%q, %k, %v) : (tensor<8xf32>, tensor<8x6xf32>, tensor<6x3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Attention: Kt is [..., D, T].
func.func @f(%q: tensor<2x5x8xf32>, %k: tensor<2x6x8xf32>, %v: tensor<2x6x3xf32>) -> tensor<2x5x3xf32> {
  // expected-error @+1 {{'iron.Attention' op Kt must be [..., D, T] with Q's D (8), got shape 2x6x8}}
  %0 = "iron.Attention"(%q, %k, %v) : (tensor<2x5x8xf32>, tensor<2x6x8xf32>, tensor<2x6x3xf32>) -> tensor<2x5x3xf32>
  return %0 : tensor<2x5x3xf32>
}

// -----

// Attention: V is [..., T, Dv].
func.func @f(%q: tensor<2x5x8xf32>, %k: tensor<2x8x6xf32>, %v: tensor<2x5x3xf32>) -> tensor<2x5x3xf32> {
  // expected-error @+1 {{'iron.Attention' op V must be [..., T, Dv] with Kt's T (6), got shape 2x5x3}}
  %0 = "iron.Attention"(%q, %k, %v) : (tensor<2x5x8xf32>, tensor<2x8x6xf32>, tensor<2x5x3xf32>) -> tensor<2x5x3xf32>
  return %0 : tensor<2x5x3xf32>
}

// -----

// Attention: batch dims broadcast.
func.func @f(%q: tensor<2x5x8xf32>, %k: tensor<3x8x6xf32>, %v: tensor<2x6x3xf32>) -> tensor<2x5x3xf32> {
  // expected-error @+1 {{'iron.Attention' op batch dims of Q, Kt and V must broadcast, got 2x5x8, 3x8x6 and 2x6x3}}
  %0 = "iron.Attention"(%q, %k, %v) : (tensor<2x5x8xf32>, tensor<3x8x6xf32>, tensor<2x6x3xf32>) -> tensor<2x5x3xf32>
  return %0 : tensor<2x5x3xf32>
}

// -----

// Attention: Y is [..., S, Dv].
func.func @f(%q: tensor<2x5x8xf32>, %k: tensor<2x8x6xf32>, %v: tensor<2x6x3xf32>) -> tensor<2x5x6xf32> {
  // expected-error @+1 {{'iron.Attention' op result Y must have shape [..., S, Dv] = 2x5x3, got 2x5x6}}
  %0 = "iron.Attention"(%q, %k, %v) : (tensor<2x5x8xf32>, tensor<2x8x6xf32>, tensor<2x6x3xf32>) -> tensor<2x5x6xf32>
  return %0 : tensor<2x5x6xf32>
}

// -----

// Attention: the mask broadcasts to the scores.
func.func @f(%q: tensor<2x5x8xf32>, %k: tensor<2x8x6xf32>, %v: tensor<2x6x3xf32>, %m: tensor<2x1x5xf32>) -> tensor<2x5x3xf32> {
  // expected-error @+1 {{'iron.Attention' op mask of shape 2x1x5 must broadcast to the scores [..., S, T] = 2x5x6 without changing them}}
  %0 = "iron.Attention"(%q, %k, %v, %m) <{scale = 0.5 : f32}> : (tensor<2x5x8xf32>, tensor<2x8x6xf32>, tensor<2x6x3xf32>, tensor<2x1x5xf32>) -> tensor<2x5x3xf32>
  return %0 : tensor<2x5x3xf32>
}
