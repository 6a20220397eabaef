// RUN: iron-opt %s -split-input-file --iron-fuse --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s
// RUN: iron-opt %s -split-input-file --iron-fuse=fuse-epilogue=false --mlir-print-local-scope | FileCheck %s --check-prefix=NOEPI
// RUN: iron-opt %s -split-input-file --iron-fuse=target=nvidia-h100-sxm | FileCheck %s --check-prefix=H100
// RUN: iron-opt %s -split-input-file "--iron-fuse=target=arm-ethos-u55-128 precision=int8" | FileCheck %s --check-prefix=U55
// RUN: not iron-opt %s -split-input-file --iron-fuse=target=no-such-target 2>&1 | FileCheck %s --check-prefix=BADTARGET

// BADTARGET: cannot load target 'no-such-target'

// A small CNN: Pad -> Conv -> BatchNormalization -> Relu, a 1x1 Conv with
// a residual Add and Relu, a global mean, Flatten and a Gemm with Sigmoid.
// Each kernel carries the names of every node it implements, the anchor
// first, then in the order they were fused.
// CHECK-LABEL: func.func @cnn
// CHECK: %[[A:.*]] = "iron.FusedConv"(%arg0, %{{.*}}, %{{.*}}) <{activation = "Relu"{{.*}}pads = [1, 1, 1, 1]{{.*}}loc(fused["conv1", "bn1", "pad", "relu1"])
// CHECK: %[[B:.*]] = "iron.FusedConv"(%[[A]], %{{.*}}, %{{.*}}, %[[A]]) <{activation = "Relu"{{.*}}loc(fused["conv2", "add", "relu2"])
// CHECK: %[[P:.*]] = "iron.ReduceMean"(%[[B]]) <{axes = [2, 3], keepdims = 0 : i64}> {{.*}} loc(fused["pool", "flatten"])
// CHECK: %[[Y:.*]] = "iron.FusedMatMul"(%[[P]], %{{.*}}, %{{.*}}) <{activation = "Sigmoid"{{.*}}loc(fused["fc", "sigmoid"])
// CHECK: return %[[Y]]
// NOEPI-LABEL: func.func @cnn
// NOEPI: "iron.Conv"
// NOEPI: "iron.Relu"
// NOEPI: "iron.Conv"
// NOEPI: "iron.Elementwise"({{.*}}) <{program = ["Add t0 i0 i1", "Relu t1 t0"]}>
// NOEPI-NOT: "iron.Fused
func.func @cnn(%x: tensor<1x3x8x8xf32>) -> tensor<1x2xf32> {
  %pads = "iron.Constant"() <{value = dense<[0, 0, 1, 1, 0, 0, 1, 1]> : tensor<8xi64>}> : () -> tensor<8xi64>
  %w1 = "iron.Constant"() <{value = dense<0.1> : tensor<4x3x3x3xf32>}> : () -> tensor<4x3x3x3xf32> loc("conv1.weight")
  %scale = "iron.Constant"() <{value = dense<2.0> : tensor<4xf32>}> : () -> tensor<4xf32>
  %bias = "iron.Constant"() <{value = dense<0.5> : tensor<4xf32>}> : () -> tensor<4xf32> loc("bn1.bias")
  %mean = "iron.Constant"() <{value = dense<0.1> : tensor<4xf32>}> : () -> tensor<4xf32>
  %var = "iron.Constant"() <{value = dense<3.0> : tensor<4xf32>}> : () -> tensor<4xf32>
  %w2 = "iron.Constant"() <{value = dense<0.2> : tensor<4x4x1x1xf32>}> : () -> tensor<4x4x1x1xf32> loc("conv2.weight")
  %b2 = "iron.Constant"() <{value = dense<0.3> : tensor<4xf32>}> : () -> tensor<4xf32> loc("conv2.bias")
  %fcw = "iron.Constant"() <{value = dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]> : tensor<2x4xf32>}> : () -> tensor<2x4xf32> loc("fc.weight")
  %fcb = "iron.Constant"() <{value = dense<[0.1, 0.2]> : tensor<2xf32>}> : () -> tensor<2xf32> loc("fc.bias")
  %0 = "iron.Pad"(%x, %pads) <{mode = "constant"}> : (tensor<1x3x8x8xf32>, tensor<8xi64>) -> tensor<1x3x10x10xf32> loc("pad")
  %1 = "iron.Conv"(%0, %w1) : (tensor<1x3x10x10xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32> loc("conv1")
  %2 = "iron.BatchNormalization"(%1, %scale, %bias, %mean, %var) <{resultSegmentSizes = array<i32: 1, 0, 0>}> : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32> loc("bn1")
  %3 = "iron.Relu"(%2) : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> loc("relu1")
  %4 = "iron.Conv"(%3, %w2, %b2) : (tensor<1x4x8x8xf32>, tensor<4x4x1x1xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32> loc("conv2")
  %5 = "iron.Add"(%4, %3) : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> loc("add")
  %6 = "iron.Relu"(%5) : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> loc("relu2")
  %7 = "iron.ReduceMean"(%6) <{axes = [2, 3], keepdims = 1 : i64}> : (tensor<1x4x8x8xf32>) -> tensor<1x4x1x1xf32> loc("pool")
  %8 = "iron.Flatten"(%7) : (tensor<1x4x1x1xf32>) -> tensor<1x4xf32> loc("flatten")
  %9 = "iron.Gemm"(%8, %fcw, %fcb) <{transB = 1 : i64}> : (tensor<1x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<1x2xf32> loc("fc")
  %10 = "iron.Sigmoid"(%9) : (tensor<1x2xf32>) -> tensor<1x2xf32> loc("sigmoid")
  return %10 : tensor<1x2xf32>
}

// -----

// The choice depends on the target. GELU spelled out after a Conv: on an
// H100 one FusedConv with a Gelu epilogue is faster than a Conv and a Gelu
// kernel. The Ethos-U55 computes in int8 (precision=int8 costs the model
// so); its delegate runs Conv but neither Div nor Erf, so a FusedConv with
// a Gelu epilogue would move the whole convolution to the Cortex-M55:
// there the Conv stays on the NPU and only the Gelu falls back.
// CHECK-LABEL: func.func @conv_gelu
// CHECK: "iron.FusedConv"{{.*}}activation = "Gelu"{{.*}}loc(fused["conv", "div", "erf", "add", "mul", "half"])
// H100-LABEL: func.func @conv_gelu
// H100: "iron.FusedConv"{{.*}}activation = "Gelu"
// H100-NOT: "iron.Conv"
// U55-LABEL: func.func @conv_gelu
// U55: %[[C:.*]] = "iron.Conv"
// U55: "iron.Gelu"(%[[C]])
// U55-NOT: "iron.FusedConv"
func.func @conv_gelu(%x: tensor<1x16x32x32xf32>) -> tensor<1x32x32x32xf32> {
  %w = "iron.Constant"() <{value = dense<0.01> : tensor<32x16x3x3xf32>}> : () -> tensor<32x16x3x3xf32>
  %b = "iron.Constant"() <{value = dense<0.1> : tensor<32xf32>}> : () -> tensor<32xf32>
  %sqrt2 = "iron.Constant"() <{value = dense<1.41421354> : tensor<f32>}> : () -> tensor<f32>
  %one = "iron.Constant"() <{value = dense<1.0> : tensor<f32>}> : () -> tensor<f32>
  %half = "iron.Constant"() <{value = dense<0.5> : tensor<f32>}> : () -> tensor<f32>
  %c = "iron.Conv"(%x, %w, %b) <{pads = [1, 1, 1, 1]}> : (tensor<1x16x32x32xf32>, tensor<32x16x3x3xf32>, tensor<32xf32>) -> tensor<1x32x32x32xf32> loc("conv")
  %d = "iron.Div"(%c, %sqrt2) : (tensor<1x32x32x32xf32>, tensor<f32>) -> tensor<1x32x32x32xf32> loc("div")
  %e = "iron.Erf"(%d) : (tensor<1x32x32x32xf32>) -> tensor<1x32x32x32xf32> loc("erf")
  %a = "iron.Add"(%e, %one) : (tensor<1x32x32x32xf32>, tensor<f32>) -> tensor<1x32x32x32xf32> loc("add")
  %m = "iron.Mul"(%c, %a) : (tensor<1x32x32x32xf32>, tensor<1x32x32x32xf32>) -> tensor<1x32x32x32xf32> loc("mul")
  %y = "iron.Mul"(%m, %half) : (tensor<1x32x32x32xf32>, tensor<f32>) -> tensor<1x32x32x32xf32> loc("half")
  return %y : tensor<1x32x32x32xf32>
}
