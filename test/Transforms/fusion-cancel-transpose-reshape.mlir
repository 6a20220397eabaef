// RUN: iron-opt %s -split-input-file --iron-cancel-transpose-reshape --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s

// NCHW -> NHWC -> NCHW: the pair cancels.
// CHECK-LABEL: func.func @cancel
// CHECK-NOT: "iron.Transpose"
// CHECK: return %arg0
func.func @cancel(%x: tensor<1x2x3x4xf32>) -> tensor<1x2x3x4xf32> {
  %0 = "iron.Transpose"(%x) <{perm = [0, 2, 3, 1]}> : (tensor<1x2x3x4xf32>) -> tensor<1x3x4x2xf32>
  %1 = "iron.Transpose"(%0) <{perm = [0, 3, 1, 2]}> : (tensor<1x3x4x2xf32>) -> tensor<1x2x3x4xf32>
  return %1 : tensor<1x2x3x4xf32>
}

// -----

// Transposes that do not cancel become one with the composed permutation,
// named after the last; a Transpose without perm reverses the dims.
// CHECK-LABEL: func.func @compose
// CHECK: %[[T:.*]] = "iron.Transpose"(%arg0) <{perm = [2, 1, 0]}> : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32> loc("third")
// CHECK-NEXT: return %[[T]]
func.func @compose(%x: tensor<2x3x4xf32>) -> tensor<4x3x2xf32> {
  %0 = "iron.Transpose"(%x) <{perm = [1, 0, 2]}> : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32> loc("first")
  %1 = "iron.Transpose"(%0) : (tensor<3x2x4xf32>) -> tensor<4x2x3xf32> loc("second")
  %2 = "iron.Transpose"(%1) <{perm = [0, 2, 1]}> : (tensor<4x2x3xf32>) -> tensor<4x3x2xf32> loc("third")
  return %2 : tensor<4x3x2xf32>
}

// -----

// Reshape(Reshape(x)) is one Reshape to the static result shape (the
// outer's 0 and -1 would refer to the old input); a Reshape and a Flatten
// to their input's own shape disappear.
// CHECK-LABEL: func.func @reshapes
// CHECK: %[[S:.*]] = "iron.Constant"() <{value = dense<[6, 4]> : tensor<2xi64>}>
// CHECK: %[[R:.*]] = "iron.Reshape"(%arg0, %[[S]]) {{.*}} loc("outer")
// CHECK-NOT: "iron.Reshape"
// CHECK-NOT: "iron.Flatten"
// CHECK: return %[[R]], %arg1, %arg2
func.func @reshapes(%x: tensor<2x3x4xf32>, %y: tensor<6x4xf32>, %z: tensor<6x4xf32>) -> (tensor<6x4xf32>, tensor<6x4xf32>, tensor<6x4xf32>) {
  %s1 = "iron.Constant"() <{value = dense<[24]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %s2 = "iron.Constant"() <{value = dense<[-1, 4]> : tensor<2xi64>}> : () -> tensor<2xi64> loc("outer_shape")
  %0 = "iron.Reshape"(%x, %s1) : (tensor<2x3x4xf32>, tensor<1xi64>) -> tensor<24xf32> loc("inner")
  %1 = "iron.Reshape"(%0, %s2) : (tensor<24xf32>, tensor<2xi64>) -> tensor<6x4xf32> loc("outer")
  %s3 = "iron.Constant"() <{value = dense<[6, 4]> : tensor<2xi64>}> : () -> tensor<2xi64>
  %2 = "iron.Reshape"(%y, %s3) : (tensor<6x4xf32>, tensor<2xi64>) -> tensor<6x4xf32>
  %3 = "iron.Flatten"(%z) : (tensor<6x4xf32>) -> tensor<6x4xf32>
  return %1, %2, %3 : tensor<6x4xf32>, tensor<6x4xf32>, tensor<6x4xf32>
}

// -----

// A Flatten before a Gemm that only drops the trailing 1-dims a ReduceMean
// kept: the reduction drops them itself.
// CHECK-LABEL: func.func @reduce_flatten_gemm
// CHECK: %[[R:.*]] = "iron.ReduceMean"(%arg0) <{axes = [2, 3], keepdims = 0 : i64}> : (tensor<1x8x4x4xf32>) -> tensor<1x8xf32> loc(fused["pool", "flatten"])
// CHECK: "iron.Gemm"(%[[R]],
// CHECK-NOT: "iron.Flatten"
func.func @reduce_flatten_gemm(%x: tensor<1x8x4x4xf32>) -> tensor<1x2xf32> {
  %w = "iron.Constant"() <{value = dense<0.5> : tensor<8x2xf32>}> : () -> tensor<8x2xf32>
  %0 = "iron.ReduceMean"(%x) <{axes = [2, 3], keepdims = 1 : i64}> : (tensor<1x8x4x4xf32>) -> tensor<1x8x1x1xf32> loc("pool")
  %1 = "iron.Flatten"(%0) : (tensor<1x8x1x1xf32>) -> tensor<1x8xf32> loc("flatten")
  %2 = "iron.Gemm"(%1, %w) : (tensor<1x8xf32>, tensor<8x2xf32>) -> tensor<1x2xf32> loc("fc")
  return %2 : tensor<1x2xf32>
}

// -----

// Negative: a Transpose pair whose first result is also used elsewhere
// keeps the first; a Flatten that merges non-trivial dims stays.
// CHECK-LABEL: func.func @kept
// CHECK: %[[T:.*]] = "iron.Transpose"(%arg0)
// CHECK-NOT: "iron.Transpose"
// CHECK: "iron.Flatten"
// CHECK: return %arg0, %[[T]]
func.func @kept(%x: tensor<2x3xf32>, %y: tensor<1x2x2x2xf32>) -> (tensor<2x3xf32>, tensor<3x2xf32>, tensor<1x2xf32>) {
  %0 = "iron.Transpose"(%x) <{perm = [1, 0]}> : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %1 = "iron.Transpose"(%0) <{perm = [1, 0]}> : (tensor<3x2xf32>) -> tensor<2x3xf32>
  %w = "iron.Constant"() <{value = dense<0.5> : tensor<8x2xf32>}> : () -> tensor<8x2xf32>
  %2 = "iron.Flatten"(%y) : (tensor<1x2x2x2xf32>) -> tensor<1x8xf32>
  %3 = "iron.Gemm"(%2, %w) : (tensor<1x8xf32>, tensor<8x2xf32>) -> tensor<1x2xf32>
  return %1, %0, %3 : tensor<2x3xf32>, tensor<3x2xf32>, tensor<1x2xf32>
}
