// RUN: iron-opt %s --canonicalize | FileCheck %s
//
// BUG (lib/Dialect/Fold.cpp, evaluate()/slice()): Slice's optional operands
// are read by position (in[3] = axes, in[4] = steps), but the op only carries
// the operands that are present (operandSegmentSizes). With `steps` given and
// `axes` left out (ONNX: Slice(data, starts, ends, "", steps)), the steps are
// taken for the axes: below, steps = [1] is read as axes = [1], so the folder
// slices columns 0..1 instead of rows 0..1 and, since both hold 8 elements,
// silently produces [[0, 1, 4, 5], [8, 9, 12, 13]] instead of
// [[0, 1, 2, 3], [4, 5, 6, 7]].

// CHECK-LABEL: func.func @slice_steps_without_axes
// CHECK-NEXT: %[[C:.*]] = "iron.Constant"() <{value = dense<{{\[}}[0, 1, 2, 3], [4, 5, 6, 7]]> : tensor<2x4xi64>}>
// CHECK-NEXT: return %[[C]]
func.func @slice_steps_without_axes() -> tensor<2x4xi64> {
  %d = "iron.Constant"() <{value = dense<[[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11], [12, 13, 14, 15]]> : tensor<4x4xi64>}> : () -> tensor<4x4xi64>
  %st = "iron.Constant"() <{value = dense<[0]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %en = "iron.Constant"() <{value = dense<[2]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %sp = "iron.Constant"() <{value = dense<[1]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %0 = "iron.Slice"(%d, %st, %en, %sp) <{operandSegmentSizes = array<i32: 1, 1, 1, 0, 1>}> : (tensor<4x4xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<2x4xi64>
  return %0 : tensor<2x4xi64>
}
