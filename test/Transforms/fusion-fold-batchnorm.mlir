// RUN: iron-opt %s -split-input-file --iron-fold-batchnorm --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s

// With scale [4, 6], var [3, 8], epsilon 1: s = scale / sqrt(var + eps)
// = [2, 2]; with B [0.5, 1], mean [1, 0]: t = B - mean * s = [-1.5, 1].
// The Conv's weights [1, 3] become [2, 6] and its bias [1, -1] becomes
// b * s + t = [0.5, -1]; the new constants keep the weight and bias names,
// the Conv gets a fused location of both nodes (the Conv first).
// CHECK-LABEL: func.func @conv
// CHECK-DAG: %[[W:.*]] = "iron.Constant"() <{value = dense<{{\[\[\[\[}}2.000000e+00]]], {{\[\[\[}}6.000000e+00]]]]> : tensor<2x1x1x1xf32>}> {{.*}} loc("w")
// CHECK-DAG: %[[B:.*]] = "iron.Constant"() <{value = dense<[5.000000e-01, -1.000000e+00]> : tensor<2xf32>}> {{.*}} loc("b")
// CHECK: %[[C:.*]] = "iron.Conv"(%arg0, %[[W]], %[[B]]) {{.*}} loc(fused["conv", "bn"])
// CHECK-NEXT: return %[[C]]
// CHECK-NOT: "iron.BatchNormalization"
func.func @conv(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = "iron.Constant"() <{value = dense<[[[[1.0]]], [[[3.0]]]]> : tensor<2x1x1x1xf32>}> : () -> tensor<2x1x1x1xf32> loc("w")
  %b = "iron.Constant"() <{value = dense<[1.0, -1.0]> : tensor<2xf32>}> : () -> tensor<2xf32> loc("b")
  %scale = "iron.Constant"() <{value = dense<[4.0, 6.0]> : tensor<2xf32>}> : () -> tensor<2xf32> loc("bn.scale")
  %bias = "iron.Constant"() <{value = dense<[0.5, 1.0]> : tensor<2xf32>}> : () -> tensor<2xf32> loc("bn.bias")
  %mean = "iron.Constant"() <{value = dense<[1.0, 0.0]> : tensor<2xf32>}> : () -> tensor<2xf32> loc("bn.mean")
  %var = "iron.Constant"() <{value = dense<[3.0, 8.0]> : tensor<2xf32>}> : () -> tensor<2xf32> loc("bn.var")
  %c = "iron.Conv"(%x, %w, %b) : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32> loc("conv")
  %y = "iron.BatchNormalization"(%c, %scale, %bias, %mean, %var) <{epsilon = 1.0 : f32, resultSegmentSizes = array<i32: 1, 0, 0>}> : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32> loc("bn")
  return %y : tensor<1x2x4x4xf32>
}

// -----

// A ConvTranspose's weights are [C_in, C_out/group, ...]: dim 1 is the
// output channel. Without a bias, the BatchNormalization's shift becomes
// one (named after its B).
// CHECK-LABEL: func.func @conv_transpose
// CHECK-DAG: %[[W:.*]] = "iron.Constant"() <{value = dense<{{\[\[\[\[}}2.000000e+00]], {{\[\[}}6.000000e+00]]]]> : tensor<1x2x1x1xf32>}> {{.*}} loc("w")
// CHECK-DAG: %[[B:.*]] = "iron.Constant"() <{value = dense<[-1.500000e+00, 1.000000e+00]> : tensor<2xf32>}> {{.*}} loc("bn.bias")
// CHECK: "iron.ConvTranspose"(%arg0, %[[W]], %[[B]]) {{.*}} loc(fused["deconv", "bn"])
// CHECK-NOT: "iron.BatchNormalization"
func.func @conv_transpose(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = "iron.Constant"() <{value = dense<[[[[1.0]], [[3.0]]]]> : tensor<1x2x1x1xf32>}> : () -> tensor<1x2x1x1xf32> loc("w")
  %scale = "iron.Constant"() <{value = dense<[4.0, 6.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %bias = "iron.Constant"() <{value = dense<[0.5, 1.0]> : tensor<2xf32>}> : () -> tensor<2xf32> loc("bn.bias")
  %mean = "iron.Constant"() <{value = dense<[1.0, 0.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %var = "iron.Constant"() <{value = dense<[3.0, 8.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %c = "iron.ConvTranspose"(%x, %w) : (tensor<1x1x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x4x4xf32> loc("deconv")
  %y = "iron.BatchNormalization"(%c, %scale, %bias, %mean, %var) <{epsilon = 1.0 : f32, resultSegmentSizes = array<i32: 1, 0, 0>}> : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32> loc("bn")
  return %y : tensor<1x2x4x4xf32>
}

// -----

// Gemm with transB = 1: B's rows are the output columns. Its C folds into
// the new bias (beta * C * s + t) and beta becomes 1.
// CHECK-LABEL: func.func @gemm
// CHECK-DAG: %[[W:.*]] = "iron.Constant"() <{value = dense<{{\[}}[2.000000e+00, 4.000000e+00], [6.000000e+00, 8.000000e+00]]> : tensor<2x2xf32>}> {{.*}} loc("fc.weight")
// CHECK-DAG: %[[B:.*]] = "iron.Constant"() <{value = dense<[2.500000e+00, 5.000000e+00]> : tensor<2xf32>}> {{.*}} loc("fc.bias")
// CHECK: "iron.Gemm"(%arg0, %[[W]], %[[B]]) <{{{.*}}beta = 1.000000e+00 : f32{{.*}}transB = 1 : i64}> {{.*}} loc(fused["fc", "bn"])
func.func @gemm(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %w = "iron.Constant"() <{value = dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>}> : () -> tensor<2x2xf32> loc("fc.weight")
  %c = "iron.Constant"() <{value = dense<[1.0, 1.0]> : tensor<2xf32>}> : () -> tensor<2xf32> loc("fc.bias")
  %scale = "iron.Constant"() <{value = dense<[4.0, 6.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %bias = "iron.Constant"() <{value = dense<[0.5, 1.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %mean = "iron.Constant"() <{value = dense<[1.0, 0.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %var = "iron.Constant"() <{value = dense<[3.0, 8.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %g = "iron.Gemm"(%x, %w, %c) <{beta = 2.0 : f32, transB = 1 : i64}> : (tensor<3x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<3x2xf32> loc("fc")
  %y = "iron.BatchNormalization"(%g, %scale, %bias, %mean, %var) <{epsilon = 1.0 : f32, resultSegmentSizes = array<i32: 1, 0, 0>}> : (tensor<3x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<3x2xf32> loc("bn")
  return %y : tensor<3x2xf32>
}

// -----

// A 2-D MatMul's columns are scaled; its new bias is a following Add of a
// [N] constant (iron-fuse-epilogue makes it a FusedMatMul bias).
// CHECK-LABEL: func.func @matmul
// CHECK-DAG: %[[W:.*]] = "iron.Constant"() <{value = dense<{{\[}}[2.000000e+00, 4.000000e+00], [6.000000e+00, 8.000000e+00]]> : tensor<2x2xf32>}> {{.*}} loc("w")
// CHECK-DAG: %[[T:.*]] = "iron.Constant"() <{value = dense<[-1.500000e+00, 1.000000e+00]> : tensor<2xf32>}>
// CHECK: %[[M:.*]] = "iron.MatMul"(%arg0, %[[W]]) {{.*}} loc("mm")
// CHECK: %[[A:.*]] = "iron.Add"(%[[M]], %[[T]]) {{.*}} loc("bn")
// CHECK: return %[[A]]
func.func @matmul(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %w = "iron.Constant"() <{value = dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>}> : () -> tensor<2x2xf32> loc("w")
  %scale = "iron.Constant"() <{value = dense<[4.0, 6.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %bias = "iron.Constant"() <{value = dense<[0.5, 1.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %mean = "iron.Constant"() <{value = dense<[1.0, 0.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %var = "iron.Constant"() <{value = dense<[3.0, 8.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %m = "iron.MatMul"(%x, %w) : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32> loc("mm")
  %y = "iron.BatchNormalization"(%m, %scale, %bias, %mean, %var) <{epsilon = 1.0 : f32, resultSegmentSizes = array<i32: 1, 0, 0>}> : (tensor<3x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<3x2xf32> loc("bn")
  return %y : tensor<3x2xf32>
}

// -----

// A BatchNormalization after an op other than a contraction becomes a
// per-channel scale and shift by [C,1,1] constants.
// CHECK-LABEL: func.func @lone
// CHECK-DAG: %[[S:.*]] = "iron.Constant"() <{value = dense<2.000000e+00> : tensor<2x1x1xf32>}>
// CHECK-DAG: %[[T:.*]] = "iron.Constant"() <{value = dense<{{\[\[\[}}-1.500000e+00]], {{\[\[}}1.000000e+00]]]> : tensor<2x1x1xf32>}>
// CHECK: %[[M:.*]] = "iron.Mul"(%[[X:.*]], %[[S]]) {{.*}} loc("bn/scale"("bn"))
// CHECK: %[[A:.*]] = "iron.Add"(%[[M]], %[[T]]) {{.*}} loc("bn")
// CHECK: return %[[A]]
// CHECK-NOT: "iron.BatchNormalization"
func.func @lone(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %scale = "iron.Constant"() <{value = dense<[4.0, 6.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %bias = "iron.Constant"() <{value = dense<[0.5, 1.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %mean = "iron.Constant"() <{value = dense<[1.0, 0.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %var = "iron.Constant"() <{value = dense<[3.0, 8.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %r = "iron.Relu"(%x) : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("relu")
  %y = "iron.BatchNormalization"(%r, %scale, %bias, %mean, %var) <{epsilon = 1.0 : f32, resultSegmentSizes = array<i32: 1, 0, 0>}> : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32> loc("bn")
  return %y : tensor<1x2x4x4xf32>
}

// -----

// Negative: a Conv whose output has a second user keeps its weights (the
// BatchNormalization becomes a scale and shift instead).
// CHECK-LABEL: func.func @conv_shared
// CHECK: %[[C:.*]] = "iron.Conv"(%arg0, %[[W:.*]]) {{.*}} loc("conv")
// CHECK: "iron.Mul"(%[[C]],
// CHECK: return %{{.*}}, %[[C]]
func.func @conv_shared(%x: tensor<1x1x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w = "iron.Constant"() <{value = dense<[[[[1.0]]], [[[3.0]]]]> : tensor<2x1x1x1xf32>}> : () -> tensor<2x1x1x1xf32> loc("w")
  %scale = "iron.Constant"() <{value = dense<[4.0, 6.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %bias = "iron.Constant"() <{value = dense<[0.5, 1.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %mean = "iron.Constant"() <{value = dense<[1.0, 0.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %var = "iron.Constant"() <{value = dense<[3.0, 8.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %c = "iron.Conv"(%x, %w) : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32> loc("conv")
  %y = "iron.BatchNormalization"(%c, %scale, %bias, %mean, %var) <{epsilon = 1.0 : f32, resultSegmentSizes = array<i32: 1, 0, 0>}> : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32> loc("bn")
  return %y, %c : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// Negative: statistics that are not constants do not fold.
// CHECK-LABEL: func.func @dynamic_stats
// CHECK: "iron.Conv"
// CHECK: "iron.BatchNormalization"
// CHECK-NOT: "iron.Mul"
func.func @dynamic_stats(%x: tensor<1x1x4x4xf32>, %mean: tensor<2xf32>) -> tensor<1x2x4x4xf32> {
  %w = "iron.Constant"() <{value = dense<[[[[1.0]]], [[[3.0]]]]> : tensor<2x1x1x1xf32>}> : () -> tensor<2x1x1x1xf32>
  %scale = "iron.Constant"() <{value = dense<[4.0, 6.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %bias = "iron.Constant"() <{value = dense<[0.5, 1.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %var = "iron.Constant"() <{value = dense<[3.0, 8.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %c = "iron.Conv"(%x, %w) : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %y = "iron.BatchNormalization"(%c, %scale, %bias, %mean, %var) <{epsilon = 1.0 : f32, resultSegmentSizes = array<i32: 1, 0, 0>}> : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// Negative: a training-mode BatchNormalization (its running statistics
// are used) is left untouched.
// CHECK-LABEL: func.func @training
// CHECK: "iron.Conv"(%arg0, %{{[0-9]+}}) <
// CHECK: "iron.BatchNormalization"
// CHECK-NOT: "iron.Mul"
func.func @training(%x: tensor<1x1x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<2xf32>) {
  %w = "iron.Constant"() <{value = dense<[[[[1.0]]], [[[3.0]]]]> : tensor<2x1x1x1xf32>}> : () -> tensor<2x1x1x1xf32>
  %scale = "iron.Constant"() <{value = dense<[4.0, 6.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %bias = "iron.Constant"() <{value = dense<[0.5, 1.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %mean = "iron.Constant"() <{value = dense<[1.0, 0.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %var = "iron.Constant"() <{value = dense<[3.0, 8.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %c = "iron.Conv"(%x, %w) : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %y:3 = "iron.BatchNormalization"(%c, %scale, %bias, %mean, %var) <{epsilon = 1.0 : f32, training_mode = 1 : i64, resultSegmentSizes = array<i32: 1, 1, 1>}> : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>)
  return %y#0, %y#1 : tensor<1x2x4x4xf32>, tensor<2xf32>
}
