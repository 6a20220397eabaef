// RUN: iron-opt %s -split-input-file --iron-fold-pad --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s

// A zero Pad of the spatial dims before a Conv moves into its pads (added
// to the Conv's own); the Conv gets a fused location, the Conv first.
// CHECK-LABEL: func.func @conv
// CHECK: %[[C:.*]] = "iron.Conv"(%arg0, %{{.*}}) <{{{.*}}pads = [2, 1, 2, 3]{{.*}}}> {{.*}} loc(fused["conv", "pad"])
// CHECK-NEXT: return %[[C]]
// CHECK-NOT: "iron.Pad"
func.func @conv(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x6x6xf32> {
  %p = "iron.Constant"() <{value = dense<[0, 0, 1, 0, 0, 0, 1, 2]> : tensor<8xi64>}> : () -> tensor<8xi64>
  %w = "iron.Constant"() <{value = dense<0.1> : tensor<2x2x3x3xf32>}> : () -> tensor<2x2x3x3xf32>
  %x1 = "iron.Pad"(%x, %p) <{mode = "constant"}> : (tensor<1x2x4x4xf32>, tensor<8xi64>) -> tensor<1x2x6x6xf32> loc("pad")
  %c = "iron.Conv"(%x1, %w) <{pads = [1, 1, 1, 1]}> : (tensor<1x2x6x6xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x6x6xf32> loc("conv")
  return %c : tensor<1x2x6x6xf32>
}

// -----

// MaxPool takes a -inf Pad, AveragePool a zero Pad when it counts padding
// (it had no pads of its own, so it now counts them).
// CHECK-LABEL: func.func @pools
// CHECK: "iron.MaxPool"(%arg0) <{{{.*}}pads = [1, 1, 1, 1]{{.*}}}> {{.*}} loc(fused["maxpool", "pad_inf"])
// CHECK: "iron.AveragePool"(%arg0) <{{{.*}}count_include_pad = 1 : i64{{.*}}pads = [1, 1, 1, 1]{{.*}}}> {{.*}} loc(fused["avgpool", "pad_zero"])
// CHECK-NOT: "iron.Pad"
func.func @pools(%x: tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %p = "iron.Constant"() <{value = dense<[0, 0, 1, 1, 0, 0, 1, 1]> : tensor<8xi64>}> : () -> tensor<8xi64>
  %ninf = "iron.Constant"() <{value = dense<0xFF800000> : tensor<f32>}> : () -> tensor<f32>
  %zero = "iron.Constant"() <{value = dense<0.0> : tensor<f32>}> : () -> tensor<f32>
  %a = "iron.Pad"(%x, %p, %ninf) <{mode = "constant"}> : (tensor<1x2x4x4xf32>, tensor<8xi64>, tensor<f32>) -> tensor<1x2x6x6xf32> loc("pad_inf")
  %m = "iron.MaxPool"(%a) <{kernel_shape = [3, 3]}> : (tensor<1x2x6x6xf32>) -> tensor<1x2x4x4xf32> loc("maxpool")
  %b = "iron.Pad"(%x, %p, %zero) <{mode = "constant"}> : (tensor<1x2x4x4xf32>, tensor<8xi64>, tensor<f32>) -> tensor<1x2x6x6xf32> loc("pad_zero")
  %v = "iron.AveragePool"(%b) <{kernel_shape = [3, 3]}> : (tensor<1x2x6x6xf32>) -> tensor<1x2x4x4xf32> loc("avgpool")
  return %m, %v : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// Negative: a Pad with a non-zero value before a Conv, a zero Pad before a
// MaxPool, a Pad of the channel dim, a reflect Pad, and a zero Pad before
// an AveragePool that excludes its own padding all stay.
// CHECK-LABEL: func.func @kept
// CHECK-COUNT-5: "iron.Pad"
func.func @kept(%x: tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x2x2xf32>) {
  %p = "iron.Constant"() <{value = dense<[0, 0, 1, 1, 0, 0, 1, 1]> : tensor<8xi64>}> : () -> tensor<8xi64>
  %pc = "iron.Constant"() <{value = dense<[0, 1, 1, 1, 0, 1, 1, 1]> : tensor<8xi64>}> : () -> tensor<8xi64>
  %one = "iron.Constant"() <{value = dense<1.0> : tensor<f32>}> : () -> tensor<f32>
  %w = "iron.Constant"() <{value = dense<0.1> : tensor<2x2x3x3xf32>}> : () -> tensor<2x2x3x3xf32>
  %w4 = "iron.Constant"() <{value = dense<0.1> : tensor<2x4x3x3xf32>}> : () -> tensor<2x4x3x3xf32>
  %a = "iron.Pad"(%x, %p, %one) <{mode = "constant"}> : (tensor<1x2x4x4xf32>, tensor<8xi64>, tensor<f32>) -> tensor<1x2x6x6xf32>
  %c = "iron.Conv"(%a, %w) : (tensor<1x2x6x6xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x4x4xf32>
  %b = "iron.Pad"(%x, %p) <{mode = "constant"}> : (tensor<1x2x4x4xf32>, tensor<8xi64>) -> tensor<1x2x6x6xf32>
  %m = "iron.MaxPool"(%b) <{kernel_shape = [3, 3]}> : (tensor<1x2x6x6xf32>) -> tensor<1x2x4x4xf32>
  %d = "iron.Pad"(%x, %pc) <{mode = "constant"}> : (tensor<1x2x4x4xf32>, tensor<8xi64>) -> tensor<1x4x6x6xf32>
  %c2 = "iron.Conv"(%d, %w4) : (tensor<1x4x6x6xf32>, tensor<2x4x3x3xf32>) -> tensor<1x2x4x4xf32>
  %e = "iron.Pad"(%x, %p) <{mode = "reflect"}> : (tensor<1x2x4x4xf32>, tensor<8xi64>) -> tensor<1x2x6x6xf32>
  %c3 = "iron.Conv"(%e, %w) : (tensor<1x2x6x6xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x4x4xf32>
  %f = "iron.Pad"(%x, %p) <{mode = "constant"}> : (tensor<1x2x4x4xf32>, tensor<8xi64>) -> tensor<1x2x6x6xf32>
  %v = "iron.AveragePool"(%f) <{kernel_shape = [3, 3], pads = [1, 1, 1, 1], strides = [4, 4]}> : (tensor<1x2x6x6xf32>) -> tensor<1x2x2x2xf32>
  return %c, %m, %c2, %c3, %v : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x2x2xf32>
}
