// RUN: iron-opt %s --canonicalize -split-input-file | FileCheck %s
//
// The shape arithmetic exporters emit (Shape -> Gather -> Unsqueeze -> Concat
// -> Reshape) folds to a constant target shape once the input is static.

// CHECK-LABEL: func.func @shape_gather_unsqueeze_concat
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4x5xf32>)
// CHECK-NEXT: %[[S:.*]] = "iron.Constant"() <{value = dense<[2, -1]> : tensor<2xi64>}> : () -> tensor<2xi64>
// CHECK-NEXT: %[[Y:.*]] = "iron.Reshape"(%[[X]], %[[S]]) <{allowzero = 0 : i64}> : (tensor<2x3x4x5xf32>, tensor<2xi64>) -> tensor<2x60xf32>
// CHECK-NEXT: return %[[Y]]
// CHECK-NOT: iron.Shape
// CHECK-NOT: iron.Gather
func.func @shape_gather_unsqueeze_concat(%x: tensor<2x3x4x5xf32>) -> tensor<2x60xf32> {
  %s = "iron.Shape"(%x) : (tensor<2x3x4x5xf32>) -> tensor<4xi64>
  %i0 = "iron.Constant"() <{value = dense<0> : tensor<i64>}> : () -> tensor<i64>
  %d0 = "iron.Gather"(%s, %i0) <{axis = 0 : i64}> : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %ax = "iron.Constant"() <{value = dense<[0]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %u0 = "iron.Unsqueeze"(%d0, %ax) : (tensor<i64>, tensor<1xi64>) -> tensor<1xi64>
  %m1 = "iron.Constant"() <{value = dense<[-1]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %ns = "iron.Concat"(%u0, %m1) <{axis = 0 : i64}> : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %y = "iron.Reshape"(%x, %ns) : (tensor<2x3x4x5xf32>, tensor<2xi64>) -> tensor<2x60xf32>
  return %y : tensor<2x60xf32>
}

// -----

// The flatten-to-batch idiom: the product of the trailing dims computed with
// Slice and ReduceProd, then Concat with the batch dim.
// CHECK-LABEL: func.func @shape_slice_reduceprod
// CHECK-NEXT: %[[S:.*]] = "iron.Constant"() <{value = dense<[2, 60]> : tensor<2xi64>}> : () -> tensor<2xi64>
// CHECK-NEXT: "iron.Reshape"(%arg0, %[[S]])
// CHECK-NEXT: return
func.func @shape_slice_reduceprod(%x: tensor<2x3x4x5xf32>) -> tensor<2x60xf32> {
  %s = "iron.Shape"(%x) : (tensor<2x3x4x5xf32>) -> tensor<4xi64>
  %b = "iron.Constant"() <{value = dense<[0]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %e = "iron.Constant"() <{value = dense<[1]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %big = "iron.Constant"() <{value = dense<[9223372036854775807]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %batch = "iron.Slice"(%s, %b, %e) <{operandSegmentSizes = array<i32: 1, 1, 1, 0, 0>}> : (tensor<4xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<1xi64>
  %rest = "iron.Slice"(%s, %e, %big) <{operandSegmentSizes = array<i32: 1, 1, 1, 0, 0>}> : (tensor<4xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<3xi64>
  %prod = "iron.ReduceProd"(%rest) <{keepdims = 1 : i64}> : (tensor<3xi64>) -> tensor<1xi64>
  %ns = "iron.Concat"(%batch, %prod) <{axis = 0 : i64}> : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %y = "iron.Reshape"(%x, %ns) : (tensor<2x3x4x5xf32>, tensor<2xi64>) -> tensor<2x60xf32>
  return %y : tensor<2x60xf32>
}

// -----

// Shape's start/end (negative end counts from the back) and Size.
// CHECK-LABEL: func.func @shape_start_end_size
// CHECK-DAG: "iron.Constant"() <{value = dense<[3, 4]> : tensor<2xi64>}> : () -> tensor<2xi64>
// CHECK-DAG: "iron.Constant"() <{value = dense<5> : tensor<1xi64>}> : () -> tensor<1xi64>
// CHECK-DAG: "iron.Constant"() <{value = dense<120> : tensor<i64>}> : () -> tensor<i64>
// CHECK-NOT: iron.Shape
// CHECK-NOT: iron.Size
func.func @shape_start_end_size(%x: tensor<2x3x4x5xf32>) -> (tensor<2xi64>, tensor<1xi64>, tensor<i64>) {
  %0 = "iron.Shape"(%x) <{start = 1 : i64, end = -1 : i64}> : (tensor<2x3x4x5xf32>) -> tensor<2xi64>
  %1 = "iron.Shape"(%x) <{start = -1 : i64}> : (tensor<2x3x4x5xf32>) -> tensor<1xi64>
  %2 = "iron.Size"(%x) : (tensor<2x3x4x5xf32>) -> tensor<i64>
  return %0, %1, %2 : tensor<2xi64>, tensor<1xi64>, tensor<i64>
}

// -----

// Shape needs only the operand's type: even a weight held as a resource blob
// (which is never evaluated) gives its shape.
// CHECK-LABEL: func.func @shape_of_resource
// CHECK-NEXT: %[[C:.*]] = "iron.Constant"() <{value = dense<2> : tensor<2xi64>}>
// CHECK-NEXT: return %[[C]]
func.func @shape_of_resource() -> tensor<2xi64> {
  %w = "iron.Constant"() <{value = dense_resource<w> : tensor<2x2xf32>}> : () -> tensor<2x2xf32>
  %0 = "iron.Shape"(%w) : (tensor<2x2xf32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F000000400000404000008040"
    }
  }
#-}

// -----

// Gather with a negative index and a vector of indices, Squeeze, Flatten.
// CHECK-LABEL: func.func @gather_squeeze_flatten
// CHECK-DAG: "iron.Constant"() <{value = dense<[5, 2]> : tensor<2xi64>}> : () -> tensor<2xi64>
// CHECK-DAG: "iron.Constant"() <{value = dense<4> : tensor<i64>}> : () -> tensor<i64>
// CHECK-DAG: "iron.Constant"() <{value = dense<{{\[}}[1, 2, 3, 4, 5, 6]]> : tensor<1x6xi64>}> : () -> tensor<1x6xi64>
// CHECK-NOT: iron.Gather
// CHECK-NOT: iron.Squeeze
// CHECK-NOT: iron.Flatten
func.func @gather_squeeze_flatten(%x: tensor<2x3x4x5xf32>) -> (tensor<2xi64>, tensor<i64>, tensor<1x6xi64>) {
  %s = "iron.Shape"(%x) : (tensor<2x3x4x5xf32>) -> tensor<4xi64>
  %idx = "iron.Constant"() <{value = dense<[-1, 0]> : tensor<2xi64>}> : () -> tensor<2xi64>
  %g = "iron.Gather"(%s, %idx) <{axis = 0 : i64}> : (tensor<4xi64>, tensor<2xi64>) -> tensor<2xi64>
  %one = "iron.Constant"() <{value = dense<[2]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %g1 = "iron.Gather"(%s, %one) <{axis = 0 : i64}> : (tensor<4xi64>, tensor<1xi64>) -> tensor<1xi64>
  %zero = "iron.Constant"() <{value = dense<[0]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %sq = "iron.Squeeze"(%g1, %zero) : (tensor<1xi64>, tensor<1xi64>) -> tensor<i64>
  %m = "iron.Constant"() <{value = dense<[[[1, 2, 3]], [[4, 5, 6]]]> : tensor<2x1x3xi64>}> : () -> tensor<2x1x3xi64>
  %f = "iron.Flatten"(%m) <{axis = 0 : i64}> : (tensor<2x1x3xi64>) -> tensor<1x6xi64>
  return %g, %sq, %f : tensor<2xi64>, tensor<i64>, tensor<1x6xi64>
}
