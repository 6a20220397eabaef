//===- DataMovementTest.cpp - Shape and data-movement reference kernels ---===//
//
// Expected values are computed independently of the kernels: by hand for the
// small cases, else with numpy (/usr/bin/python3 -c ...: np.transpose,
// np.tile, np.pad, np.triu, reshape/transpose for DepthToSpace) or with the
// numpy reference of ONNX's Resize (interpolate_nd in onnx/backend/test/case/
// node/resize.py); each test says which. Outputs start filled with garbage
// so that elements a kernel leaves unwritten show up.
//
//===----------------------------------------------------------------------===//

#include "KernelTestUtil.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace iron::rt;
using namespace iron::rt::test;

namespace {

OwnedTensor f32(std::vector<int64_t> shape, std::vector<float> v) {
  return OwnedTensor::f32(shape, v);
}
OwnedTensor i64(std::vector<int64_t> shape, std::vector<int64_t> v) {
  return OwnedTensor::i64(shape, v);
}
OwnedTensor i32(std::vector<int64_t> shape, std::vector<int32_t> v) {
  return OwnedTensor::of(DType::I32, shape, v);
}
OwnedTensor boolean(std::vector<int64_t> shape, std::vector<uint8_t> v) {
  return OwnedTensor::of(DType::Bool, shape, v);
}
/// An output full of garbage (0xCD bytes).
OwnedTensor out(DType t, std::vector<int64_t> shape) {
  OwnedTensor o(t, shape);
  std::memset(o.view.data, 0xCD, o.view.bytes());
  return o;
}

void expectNear(const std::vector<float> &got, const std::vector<float> &want, float tol = 1e-5f) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_NEAR(got[i], want[i], tol) << "element " << i;
}

constexpr int64_t kMax64 = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin64 = std::numeric_limits<int64_t>::min();

} // namespace

//===----------------------------------------------------------------------===//
// Concat, Split
//===----------------------------------------------------------------------===//

TEST(Concat, NegativeAxisInt64) {
  KernelRunner k("Concat", {integer("axis", -1)});
  auto a = i64({2, 2}, {1, 2, 3, 4});
  auto b = i64({2, 1}, {5, 6});
  auto y = out(DType::I64, {2, 3});
  ASSERT_EQ(k.run({&a, &b}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<int64_t>(), (std::vector<int64_t>{1, 2, 5, 3, 4, 6}));
}

TEST(Concat, BoolAxis0WithEmptyPart) {
  KernelRunner k("Concat", {integer("axis", 0)});
  auto a = boolean({1, 2}, {1, 0});
  auto empty = out(DType::Bool, {0, 2});
  auto b = boolean({2, 2}, {0, 1, 1, 1});
  auto y = out(DType::Bool, {3, 2});
  ASSERT_EQ(k.run({&a, &empty, &b}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<uint8_t>(), (std::vector<uint8_t>{1, 0, 0, 1, 1, 1}));
}

TEST(Concat, MismatchedShapesFailInPrepare) {
  KernelRunner k("Concat", {integer("axis", 1)});
  auto a = f32({2, 2}, {1, 2, 3, 4});
  auto b = f32({3, 1}, {5, 6, 7});
  auto y = out(DType::F32, {2, 3});
  EXPECT_EQ(k.run({&a, &b}, {&y}), Status::KernelError);
  EXPECT_NE(k.message().find("part 1"), std::string::npos) << k.message();
}

TEST(Split, EqualPartsWithoutSplitInput) {
  KernelRunner k("Split");
  auto x = f32({6}, {1, 2, 3, 4, 5, 6});
  auto a = out(DType::F32, {2}), b = out(DType::F32, {2}), c = out(DType::F32, {2});
  ASSERT_EQ(k.run({&x}, {&a, &b, &c}), Status::Ok) << k.message();
  EXPECT_EQ(a.values<float>(), (std::vector<float>{1, 2}));
  EXPECT_EQ(b.values<float>(), (std::vector<float>{3, 4}));
  EXPECT_EQ(c.values<float>(), (std::vector<float>{5, 6}));
}

TEST(Split, VariablePartsNegativeAxis) {
  KernelRunner k("Split", {integer("axis", -1)});
  auto x = i64({2, 3}, {1, 2, 3, 4, 5, 6});
  auto split = i64({2}, {1, 2});
  auto a = out(DType::I64, {2, 1}), b = out(DType::I64, {2, 2});
  ASSERT_EQ(k.run({&x, &split}, {&a, &b}), Status::Ok) << k.message();
  EXPECT_EQ(a.values<int64_t>(), (std::vector<int64_t>{1, 4}));
  EXPECT_EQ(b.values<int64_t>(), (std::vector<int64_t>{2, 3, 5, 6}));
}

TEST(Split, SplitInputDisagreeingWithOutputsFails) {
  KernelRunner k("Split");
  auto x = f32({4}, {1, 2, 3, 4});
  auto split = i64({2}, {3, 1});
  auto a = out(DType::F32, {2}), b = out(DType::F32, {2});
  EXPECT_EQ(k.run({&x, &split}, {&a, &b}), Status::KernelError);
}

//===----------------------------------------------------------------------===//
// Slice
//===----------------------------------------------------------------------===//

TEST(Slice, NegativeStepsAndNegativeAxis) {
  // numpy: np.arange(12).reshape(3, 4)[-1:-4:-1, 3:0:-2]
  KernelRunner k("Slice");
  auto x = f32({3, 4}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
  auto starts = i64({2}, {-1, 3}), ends = i64({2}, {-4, 0});
  auto axes = i32({2}, {0, -1});
  auto steps = i64({2}, {-1, -2});
  auto y = out(DType::F32, {3, 2});
  ASSERT_EQ(k.run({&x, &starts, &ends, &axes, &steps}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<float>(), (std::vector<float>{11, 9, 7, 5, 3, 1}));
}

TEST(Slice, ClampsStartsAndEnds) {
  // numpy: np.arange(10)[-100:1000:3]
  KernelRunner k("Slice");
  auto x = i64({10}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  auto starts = i64({1}, {-100}), ends = i64({1}, {1000}), axes = i64({1}, {0});
  auto steps = i64({1}, {3});
  auto y = out(DType::I64, {4});
  ASSERT_EQ(k.run({&x, &starts, &ends, &axes, &steps}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<int64_t>(), (std::vector<int64_t>{0, 3, 6, 9}));
}

TEST(Slice, ReversesWholeAxisWithExtremeBounds) {
  // starts INT64_MAX, ends INT64_MIN, step -1: the whole axis reversed.
  KernelRunner k("Slice");
  auto x = boolean({2, 3}, {1, 0, 0, 0, 1, 1});
  auto starts = i64({1}, {kMax64}), ends = i64({1}, {kMin64}), axes = i64({1}, {1});
  auto steps = i64({1}, {-1});
  auto y = out(DType::Bool, {2, 3});
  ASSERT_EQ(k.run({&x, &starts, &ends, &axes, &steps}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<uint8_t>(), (std::vector<uint8_t>{0, 0, 1, 1, 1, 0}));
}

TEST(Slice, ContiguousRowsDefaultAxesAndSteps) {
  // Rows 1..2 of a [3, 2]: one contiguous run.
  KernelRunner k("Slice");
  auto x = f32({3, 2}, {1, 2, 3, 4, 5, 6});
  auto starts = i64({1}, {1}), ends = i64({1}, {kMax64});
  auto y = out(DType::F32, {2, 2});
  ASSERT_EQ(k.run({&x, &starts, &ends}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<float>(), (std::vector<float>{3, 4, 5, 6}));
}

TEST(Slice, OutputShapeMismatchFails) {
  KernelRunner k("Slice");
  auto x = f32({4}, {1, 2, 3, 4});
  auto starts = i64({1}, {0}), ends = i64({1}, {3});
  auto y = out(DType::F32, {4}); // the slice has 3 elements
  EXPECT_EQ(k.run({&x, &starts, &ends}, {&y}), Status::KernelError);
}

//===----------------------------------------------------------------------===//
// Transpose, Tile, Expand
//===----------------------------------------------------------------------===//

TEST(Transpose, DefaultReversesDims) {
  // numpy: np.arange(24).reshape(2, 3, 4).T
  KernelRunner k("Transpose");
  std::vector<float> v(24);
  for (int i = 0; i < 24; ++i)
    v[i] = float(i);
  auto x = f32({2, 3, 4}, v);
  auto y = out(DType::F32, {4, 3, 2});
  ASSERT_EQ(k.run({&x}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<float>(), (std::vector<float>{0, 12, 4, 16, 8,  20, 1, 13, 5, 17, 9,  21,
                                                   2, 14, 6, 18, 10, 22, 3, 15, 7, 19, 11, 23}));
}

TEST(Transpose, KeepsLastAxisInt64) {
  // perm [1, 0, 2] of [2, 2, 2]: rows of the last axis move whole.
  KernelRunner k("Transpose", {ints("perm", {1, 0, 2})});
  auto x = i64({2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
  auto y = out(DType::I64, {2, 2, 2});
  ASSERT_EQ(k.run({&x}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<int64_t>(), (std::vector<int64_t>{1, 2, 5, 6, 3, 4, 7, 8}));
}

TEST(Transpose, BadPermFails) {
  KernelRunner k("Transpose", {ints("perm", {0, 0})});
  auto x = f32({2, 2}, {1, 2, 3, 4});
  auto y = out(DType::F32, {2, 2});
  EXPECT_EQ(k.run({&x}, {&y}), Status::KernelError);
}

TEST(Tile, Int64Repeats) {
  // numpy: np.tile([[1, 2], [3, 4]], (2, 3))
  KernelRunner k("Tile");
  auto x = i64({2, 2}, {1, 2, 3, 4});
  auto repeats = i64({2}, {2, 3});
  auto y = out(DType::I64, {4, 6});
  ASSERT_EQ(k.run({&x, &repeats}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<int64_t>(), (std::vector<int64_t>{1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4,
                                                       1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4}));
}

TEST(Expand, AddsAndBroadcastsDims) {
  // numpy: np.broadcast_to([[1.5], [2.5], [3.5]], (2, 3, 2))
  KernelRunner k("Expand");
  auto x = f32({3, 1}, {1.5f, 2.5f, 3.5f});
  auto shape = i64({3}, {2, 1, 2});
  auto y = out(DType::F32, {2, 3, 2});
  ASSERT_EQ(k.run({&x, &shape}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<float>(), (std::vector<float>{1.5f, 1.5f, 2.5f, 2.5f, 3.5f, 3.5f, 1.5f, 1.5f,
                                                   2.5f, 2.5f, 3.5f, 3.5f}));
}

TEST(Expand, ScalarBool) {
  KernelRunner k("Expand");
  auto x = boolean({}, {1});
  auto shape = i64({2}, {2, 2});
  auto y = out(DType::Bool, {2, 2});
  ASSERT_EQ(k.run({&x, &shape}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<uint8_t>(), (std::vector<uint8_t>{1, 1, 1, 1}));
}

//===----------------------------------------------------------------------===//
// Gather, GatherElements, GatherND
//===----------------------------------------------------------------------===//

TEST(Gather, NegativeIndicesAxis0) {
  // numpy: np.take([[1, 2], [3, 4], [5, 6]], [[-1, 0]], axis=0)
  KernelRunner k("Gather");
  auto x = f32({3, 2}, {1, 2, 3, 4, 5, 6});
  auto idx = i64({1, 2}, {-1, 0});
  auto y = out(DType::F32, {1, 2, 2});
  ASSERT_EQ(k.run({&x, &idx}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<float>(), (std::vector<float>{5, 6, 1, 2}));
}

TEST(Gather, NegativeAxisInt32Indices) {
  // numpy: np.take([[1, 2], [3, 4], [5, 6]], [1, -2, -1], axis=-1)
  KernelRunner k("Gather", {integer("axis", -1)});
  auto x = f32({3, 2}, {1, 2, 3, 4, 5, 6});
  auto idx = i32({3}, {1, -2, -1});
  auto y = out(DType::F32, {3, 3});
  ASSERT_EQ(k.run({&x, &idx}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<float>(), (std::vector<float>{2, 1, 2, 4, 3, 4, 6, 5, 6}));
}

TEST(Gather, ScalarIndexDropsTheAxis) {
  KernelRunner k("Gather", {integer("axis", 1)});
  auto x = i64({2, 3}, {1, 2, 3, 4, 5, 6});
  auto idx = i64({}, {2});
  auto y = out(DType::I64, {2});
  ASSERT_EQ(k.run({&x, &idx}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<int64_t>(), (std::vector<int64_t>{3, 6}));
}

TEST(Gather, IndexOutOfRangeFails) {
  KernelRunner k("Gather");
  auto x = f32({3}, {1, 2, 3});
  auto idx = i64({2}, {0, 3});
  auto y = out(DType::F32, {2});
  EXPECT_EQ(k.run({&x, &idx}, {&y}), Status::KernelError);
  EXPECT_NE(k.message().find("index 3 is out of range"), std::string::npos) << k.message();
  auto low = i64({1}, {-4});
  auto y1 = out(DType::F32, {1});
  EXPECT_EQ(k.run({&x, &low}, {&y1}), Status::KernelError);
}

TEST(GatherElements, NegativeAxisAndIndices) {
  // ONNX's example: data [[1, 2], [3, 4]], indices [[0, 0], [1, 0]], axis 1
  // gives [[1, 1], [4, 3]]; here -2 == 0 and -1 == 1.
  KernelRunner k("GatherElements", {integer("axis", -1)});
  auto x = i64({2, 2}, {1, 2, 3, 4});
  auto idx = i64({2, 2}, {0, -2, -1, 0});
  auto y = out(DType::I64, {2, 2});
  ASSERT_EQ(k.run({&x, &idx}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<int64_t>(), (std::vector<int64_t>{1, 1, 4, 3}));
}

TEST(GatherElements, SmallerIndicesAxis0) {
  // By hand: out[i][j] = data[idx[i][j]][j] for a [1, 2] index of a [3, 3].
  KernelRunner k("GatherElements");
  auto x = f32({3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  auto idx = i32({1, 2}, {2, 1});
  auto y = out(DType::F32, {1, 2});
  ASSERT_EQ(k.run({&x, &idx}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<float>(), (std::vector<float>{7, 5}));
}

TEST(GatherElements, IndexOutOfRangeFails) {
  KernelRunner k("GatherElements", {integer("axis", 1)});
  auto x = f32({2, 2}, {1, 2, 3, 4});
  auto idx = i64({2, 1}, {0, 2});
  auto y = out(DType::F32, {2, 1});
  EXPECT_EQ(k.run({&x, &idx}, {&y}), Status::KernelError);
}

TEST(GatherND, BatchDims) {
  // ONNX's example: data [[[0,1],[2,3]],[[4,5],[6,7]]], indices [[1],[0]],
  // batch_dims 1 gives [[2,3],[4,5]].
  KernelRunner k("GatherND", {integer("batch_dims", 1)});
  auto x = f32({2, 2, 2}, {0, 1, 2, 3, 4, 5, 6, 7});
  auto idx = i64({2, 1}, {1, 0});
  auto y = out(DType::F32, {2, 2});
  ASSERT_EQ(k.run({&x, &idx}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<float>(), (std::vector<float>{2, 3, 4, 5}));
}

TEST(GatherND, FullTuplesInt32WithNegativeIndex) {
  // By hand: [[0, 1], [2, 3]] at (0, 0), (1, 1), (-1, -2) == (1, 0).
  KernelRunner k("GatherND");
  auto x = i64({2, 2}, {0, 1, 2, 3});
  auto idx = i32({3, 2}, {0, 0, 1, 1, -1, -2});
  auto y = out(DType::I64, {3});
  ASSERT_EQ(k.run({&x, &idx}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<int64_t>(), (std::vector<int64_t>{0, 3, 2}));
}

TEST(GatherND, IndexOutOfRangeFails) {
  KernelRunner k("GatherND");
  auto x = f32({2, 2}, {0, 1, 2, 3});
  auto idx = i64({1, 2}, {0, 2});
  auto y = out(DType::F32, {1});
  EXPECT_EQ(k.run({&x, &idx}, {&y}), Status::KernelError);
}

//===----------------------------------------------------------------------===//
// ScatterElements, ScatterND
//===----------------------------------------------------------------------===//

TEST(ScatterElements, ReductionsWithDuplicates) {
  // By hand, data [[1, 2, 3, 4, 5]], axis 1, indices [[1, 1, -1]],
  // updates [[10, 20, 3]]: add -> [1, 2+10+20, 3, 4, 5+3],
  // mul -> [1, 2*10*20, 3, 4, 5*3].
  auto x = i64({1, 5}, {1, 2, 3, 4, 5});
  auto idx = i64({1, 3}, {1, 1, -1});
  auto upd = i64({1, 3}, {10, 20, 3});
  KernelRunner add("ScatterElements", {integer("axis", 1), str("reduction", "add")});
  auto y = out(DType::I64, {1, 5});
  ASSERT_EQ(add.run({&x, &idx, &upd}, {&y}), Status::Ok) << add.message();
  EXPECT_EQ(y.values<int64_t>(), (std::vector<int64_t>{1, 32, 3, 4, 8}));
  KernelRunner mul("ScatterElements", {integer("axis", 1), str("reduction", "mul")});
  ASSERT_EQ(mul.run({&x, &idx, &upd}, {&y}), Status::Ok) << mul.message();
  EXPECT_EQ(y.values<int64_t>(), (std::vector<int64_t>{1, 400, 3, 4, 15}));
}

TEST(ScatterElements, NoneAxis0F32) {
  // ONNX's example: data zeros [3, 3], indices [[1, 0, 2], [0, 2, 1]],
  // updates [[1, 1.1, 1.2], [2, 2.1, 2.2]] gives
  // [[2, 1.1, 0], [1, 0, 2.2], [0, 2.1, 1.2]].
  KernelRunner k("ScatterElements");
  auto x = f32({3, 3}, {0, 0, 0, 0, 0, 0, 0, 0, 0});
  auto idx = i64({2, 3}, {1, 0, 2, 0, 2, 1});
  auto upd = f32({2, 3}, {1.0f, 1.1f, 1.2f, 2.0f, 2.1f, 2.2f});
  auto y = out(DType::F32, {3, 3});
  ASSERT_EQ(k.run({&x, &idx, &upd}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<float>(), (std::vector<float>{2.0f, 1.1f, 0, 1.0f, 0, 2.2f, 0, 2.1f, 1.2f}));
}

TEST(ScatterElements, IndexOutOfRangeFails) {
  KernelRunner k("ScatterElements");
  auto x = f32({2}, {0, 0});
  auto idx = i64({1}, {-3});
  auto upd = f32({1}, {1});
  auto y = out(DType::F32, {2});
  EXPECT_EQ(k.run({&x, &idx, &upd}, {&y}), Status::KernelError);
}

TEST(ScatterND, NoneOnSlices) {
  // ONNX's example: data [1..8], indices [[4], [3], [1], [7]],
  // updates [9, 10, 11, 12] gives [1, 11, 3, 10, 9, 6, 7, 12].
  KernelRunner k("ScatterND");
  auto x = f32({8}, {1, 2, 3, 4, 5, 6, 7, 8});
  auto idx = i64({4, 1}, {4, 3, 1, 7});
  auto upd = f32({4}, {9, 10, 11, 12});
  auto y = out(DType::F32, {8});
  ASSERT_EQ(k.run({&x, &idx, &upd}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<float>(), (std::vector<float>{1, 11, 3, 10, 9, 6, 7, 12}));
}

TEST(ScatterND, AddAndMulRowsWithDuplicates) {
  // By hand, data [[1, 2], [3, 4]], both tuples [0] select row 0,
  // updates [[10, 20], [1, 2]]: add -> [[12, 24], [3, 4]],
  // mul -> [[10, 80], [3, 4]].
  auto x = i64({2, 2}, {1, 2, 3, 4});
  auto idx = i64({2, 1}, {0, 0});
  auto upd = i64({2, 2}, {10, 20, 1, 2});
  KernelRunner add("ScatterND", {str("reduction", "add")});
  auto y = out(DType::I64, {2, 2});
  ASSERT_EQ(add.run({&x, &idx, &upd}, {&y}), Status::Ok) << add.message();
  EXPECT_EQ(y.values<int64_t>(), (std::vector<int64_t>{12, 24, 3, 4}));
  KernelRunner mul("ScatterND", {str("reduction", "mul")});
  ASSERT_EQ(mul.run({&x, &idx, &upd}, {&y}), Status::Ok) << mul.message();
  EXPECT_EQ(y.values<int64_t>(), (std::vector<int64_t>{10, 80, 3, 4}));
}

TEST(ScatterND, IndexOutOfRangeFails) {
  KernelRunner k("ScatterND");
  auto x = f32({2, 2}, {1, 2, 3, 4});
  auto idx = i64({1, 2}, {1, 5});
  auto upd = f32({1}, {9});
  auto y = out(DType::F32, {2, 2});
  EXPECT_EQ(k.run({&x, &idx, &upd}, {&y}), Status::KernelError);
  EXPECT_NE(k.message().find("out of range"), std::string::npos) << k.message();
}

TEST(ScatterND, UnknownReductionFails) {
  KernelRunner k("ScatterND", {str("reduction", "xor")});
  auto x = f32({2}, {1, 2});
  auto idx = i64({1, 1}, {0});
  auto upd = f32({1}, {9});
  auto y = out(DType::F32, {2});
  EXPECT_EQ(k.run({&x, &idx, &upd}, {&y}), Status::KernelError);
}

//===----------------------------------------------------------------------===//
// Pad
//===----------------------------------------------------------------------===//

TEST(Pad, ConstantValueInput) {
  // numpy: np.pad([[1, 2], [3, 4]], ((1, 0), (0, 2)), constant_values=9)
  KernelRunner k("Pad");
  auto x = i64({2, 2}, {1, 2, 3, 4});
  auto pads = i64({4}, {1, 0, 0, 2});
  auto value = i64({}, {9});
  auto y = out(DType::I64, {3, 4});
  ASSERT_EQ(k.run({&x, &pads, &value}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<int64_t>(), (std::vector<int64_t>{9, 9, 9, 9, 1, 2, 9, 9, 3, 4, 9, 9}));
}

TEST(Pad, ConstantDefaultsToZeroAndCropsNegativePads) {
  // numpy: np.pad([[1, 2, 3], [4, 5, 6]], ((0, 0), (1, 0)))[:, :-2]
  KernelRunner k("Pad");
  auto x = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  auto pads = i64({4}, {0, 1, 0, -2});
  auto y = out(DType::F32, {2, 2});
  ASSERT_EQ(k.run({&x, &pads}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<float>(), (std::vector<float>{0, 1, 0, 4}));
}

TEST(Pad, Reflect) {
  // numpy: np.pad([[1, 2, 3], [4, 5, 6]], ((1, 1), (2, 2)), mode='reflect')
  KernelRunner k("Pad", {str("mode", "reflect")});
  auto x = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  auto pads = i64({4}, {1, 2, 1, 2});
  auto y = out(DType::F32, {4, 7});
  ASSERT_EQ(k.run({&x, &pads}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<float>(), (std::vector<float>{6, 5, 4, 5, 6, 5, 4, 3, 2, 1, 2, 3, 2, 1,
                                                   6, 5, 4, 5, 6, 5, 4, 3, 2, 1, 2, 3, 2, 1}));
}

TEST(Pad, EdgeInt32Pads) {
  // numpy: np.pad([[1, 2, 3], [4, 5, 6]], ((0, 1), (2, 1)), mode='edge')
  KernelRunner k("Pad", {str("mode", "edge")});
  auto x = i64({2, 3}, {1, 2, 3, 4, 5, 6});
  auto pads = i32({4}, {0, 2, 1, 1});
  auto y = out(DType::I64, {3, 6});
  ASSERT_EQ(k.run({&x, &pads}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<int64_t>(),
            (std::vector<int64_t>{1, 1, 1, 2, 3, 3, 4, 4, 4, 5, 6, 6, 4, 4, 4, 5, 6, 6}));
}

TEST(Pad, PadsDisagreeingWithOutputFail) {
  KernelRunner k("Pad");
  auto x = f32({2}, {1, 2});
  auto pads = i64({2}, {1, 1});
  auto y = out(DType::F32, {3});
  EXPECT_EQ(k.run({&x, &pads}, {&y}), Status::KernelError);
}

//===----------------------------------------------------------------------===//
// Shape, Size, ConstantOfShape, Range, EyeLike, OneHot
//===----------------------------------------------------------------------===//

TEST(Shape, StartAndNegativeEnd) {
  KernelRunner k("Shape", {integer("start", 1), integer("end", -1)});
  auto x = out(DType::F32, {2, 3, 4, 5});
  auto y = out(DType::I64, {2});
  ASSERT_EQ(k.run({&x}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<int64_t>(), (std::vector<int64_t>{3, 4}));
  KernelRunner all("Shape");
  auto y4 = out(DType::I64, {4});
  ASSERT_EQ(all.run({&x}, {&y4}), Status::Ok) << all.message();
  EXPECT_EQ(y4.values<int64_t>(), (std::vector<int64_t>{2, 3, 4, 5}));
}

TEST(Size, CountsElements) {
  KernelRunner k("Size");
  auto x = out(DType::Bool, {2, 3, 4});
  auto y = out(DType::I64, {});
  ASSERT_EQ(k.run({&x}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<int64_t>(), (std::vector<int64_t>{24}));
}

TEST(ConstantOfShape, Int64ValueAttribute) {
  auto value = i64({1}, {7});
  KernelRunner k("ConstantOfShape", {tensor("value", &value)});
  auto shape = i64({2}, {2, 3});
  auto y = out(DType::I64, {2, 3});
  ASSERT_EQ(k.run({&shape}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<int64_t>(), (std::vector<int64_t>(6, 7)));
}

TEST(ConstantOfShape, DefaultIsFloatZero) {
  KernelRunner k("ConstantOfShape");
  auto shape = i64({1}, {5});
  auto y = out(DType::F32, {5});
  ASSERT_EQ(k.run({&shape}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<float>(), (std::vector<float>(5, 0.0f)));
}

TEST(ConstantOfShape, ValueOfAnotherTypeFails) {
  auto value = f32({1}, {1.5f});
  KernelRunner k("ConstantOfShape", {tensor("value", &value)});
  auto shape = i64({1}, {2});
  auto y = out(DType::I64, {2});
  EXPECT_EQ(k.run({&shape}, {&y}), Status::KernelError);
}

TEST(Range, Int64AndNegativeDeltaInt32) {
  // By hand: range(1, 10, 3) = [1, 4, 7]; range(10, 4, -3) = [10, 7].
  KernelRunner k("Range");
  auto s = i64({}, {1}), l = i64({}, {10}), d = i64({}, {3});
  auto y = out(DType::I64, {3});
  ASSERT_EQ(k.run({&s, &l, &d}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<int64_t>(), (std::vector<int64_t>{1, 4, 7}));
  auto s32 = i32({}, {10}), l32 = i32({}, {4}), d32 = i32({}, {-3});
  auto y32 = out(DType::I32, {2});
  ASSERT_EQ(k.run({&s32, &l32, &d32}, {&y32}), Status::Ok) << k.message();
  EXPECT_EQ(y32.values<int32_t>(), (std::vector<int32_t>{10, 7}));
}

TEST(Range, Float) {
  // By hand: range(0.5, 2, 0.5) = [0.5, 1, 1.5].
  KernelRunner k("Range");
  auto s = f32({}, {0.5f}), l = f32({}, {2.0f}), d = f32({}, {0.5f});
  auto y = out(DType::F32, {3});
  ASSERT_EQ(k.run({&s, &l, &d}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<float>(), (std::vector<float>{0.5f, 1.0f, 1.5f}));
}

TEST(Range, CountDisagreeingWithOutputFails) {
  KernelRunner k("Range");
  auto s = i64({}, {0}), l = i64({}, {10}), d = i64({}, {3});
  auto y = out(DType::I64, {5}); // 4 elements
  EXPECT_EQ(k.run({&s, &l, &d}, {&y}), Status::KernelError);
}

TEST(EyeLike, OffDiagonalsAndDtype) {
  // numpy: np.eye(3, 4, 1, dtype=np.int64) and np.eye(3, 3, -1)
  KernelRunner upper("EyeLike", {integer("k", 1), integer("dtype", 7)});
  auto x = f32({3, 4}, std::vector<float>(12, 5.0f));
  auto y = out(DType::I64, {3, 4});
  ASSERT_EQ(upper.run({&x}, {&y}), Status::Ok) << upper.message();
  EXPECT_EQ(y.values<int64_t>(), (std::vector<int64_t>{0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1}));
  KernelRunner lower("EyeLike", {integer("k", -1)});
  auto x3 = f32({3, 3}, std::vector<float>(9, 5.0f));
  auto y3 = out(DType::F32, {3, 3});
  ASSERT_EQ(lower.run({&x3}, {&y3}), Status::Ok) << lower.message();
  EXPECT_EQ(y3.values<float>(), (std::vector<float>{0, 0, 0, 1, 0, 0, 0, 1, 0}));
}

TEST(OneHot, NegativeIndexLastAxis) {
  // By hand: depth 3, -1 == 2; index 5 is outside: its row stays off.
  KernelRunner k("OneHot");
  auto idx = i64({4}, {0, -1, 2, 5});
  auto depth = i64({}, {3});
  auto values = f32({2}, {0.0f, 1.0f});
  auto y = out(DType::F32, {4, 3});
  ASSERT_EQ(k.run({&idx, &depth, &values}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<float>(), (std::vector<float>{1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0}));
}

TEST(OneHot, Axis0Int64ValuesFloatDepth) {
  // By hand: out[d][i] = idx[i] == d ? 5 : -1, depth 3 given as a float.
  KernelRunner k("OneHot", {integer("axis", 0)});
  auto idx = i32({2}, {1, -3});
  auto depth = f32({}, {3.0f});
  auto values = i64({2}, {-1, 5});
  auto y = out(DType::I64, {3, 2});
  ASSERT_EQ(k.run({&idx, &depth, &values}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<int64_t>(), (std::vector<int64_t>{-1, 5, 5, -1, -1, -1}));
}

//===----------------------------------------------------------------------===//
// DepthToSpace, SpaceToDepth, ReverseSequence, Trilu, Dropout
//===----------------------------------------------------------------------===//

std::vector<float> iota(int n) {
  std::vector<float> v(n);
  for (int i = 0; i < n; ++i)
    v[i] = float(i);
  return v;
}

TEST(DepthToSpace, DCRAndCRD) {
  // numpy, x = np.arange(16).reshape(1, 8, 1, 2), b = 2:
  // DCR x.reshape(1,b,b,2,1,2).transpose(0,3,4,1,5,2).reshape(1,2,2,4)
  // CRD x.reshape(1,2,b,b,1,2).transpose(0,1,4,2,5,3).reshape(1,2,2,4)
  auto x = f32({1, 8, 1, 2}, iota(16));
  KernelRunner dcr("DepthToSpace", {integer("blocksize", 2)});
  auto y = out(DType::F32, {1, 2, 2, 4});
  ASSERT_EQ(dcr.run({&x}, {&y}), Status::Ok) << dcr.message();
  EXPECT_EQ(y.values<float>(),
            (std::vector<float>{0, 4, 1, 5, 8, 12, 9, 13, 2, 6, 3, 7, 10, 14, 11, 15}));
  KernelRunner crd("DepthToSpace", {integer("blocksize", 2), str("mode", "CRD")});
  ASSERT_EQ(crd.run({&x}, {&y}), Status::Ok) << crd.message();
  EXPECT_EQ(y.values<float>(),
            (std::vector<float>{0, 2, 1, 3, 4, 6, 5, 7, 8, 10, 9, 11, 12, 14, 13, 15}));
}

TEST(SpaceToDepth, Blocks) {
  // numpy: x = np.arange(16).reshape(1, 1, 4, 4);
  // x.reshape(1,1,2,2,2,2).transpose(0,3,5,1,2,4).reshape(1,4,2,2)
  KernelRunner k("SpaceToDepth", {integer("blocksize", 2)});
  std::vector<int64_t> v(16);
  for (int i = 0; i < 16; ++i)
    v[i] = i;
  auto x = i64({1, 1, 4, 4}, v);
  auto y = out(DType::I64, {1, 4, 2, 2});
  ASSERT_EQ(k.run({&x}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<int64_t>(),
            (std::vector<int64_t>{0, 2, 8, 10, 1, 3, 9, 11, 4, 6, 12, 14, 5, 7, 13, 15}));
}

TEST(ReverseSequence, TimeMajorAndBatchMajor) {
  // By hand: time-major [[1,2],[3,4],[5,6]], lens [3, 1]: column 0
  // reverses, column 1 keeps -> [[5,2],[3,4],[1,6]].
  KernelRunner time("ReverseSequence");
  auto x = i64({3, 2}, {1, 2, 3, 4, 5, 6});
  auto lens = i64({2}, {3, 1});
  auto y = out(DType::I64, {3, 2});
  ASSERT_EQ(time.run({&x, &lens}, {&y}), Status::Ok) << time.message();
  EXPECT_EQ(y.values<int64_t>(), (std::vector<int64_t>{5, 2, 3, 4, 1, 6}));
  // Batch-major [[1,2,3],[4,5,6]], lens [2, 3] -> [[2,1,3],[6,5,4]].
  KernelRunner batch("ReverseSequence", {integer("batch_axis", 0), integer("time_axis", 1)});
  auto xb = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  auto lb = i32({2}, {2, 3});
  auto yb = out(DType::F32, {2, 3});
  ASSERT_EQ(batch.run({&xb, &lb}, {&yb}), Status::Ok) << batch.message();
  EXPECT_EQ(yb.values<float>(), (std::vector<float>{2, 1, 3, 6, 5, 4}));
}

TEST(ReverseSequence, LengthBeyondTimeFails) {
  KernelRunner k("ReverseSequence");
  auto x = f32({2, 1}, {1, 2});
  auto lens = i64({1}, {3});
  auto y = out(DType::F32, {2, 1});
  EXPECT_EQ(k.run({&x, &lens}, {&y}), Status::KernelError);
}

TEST(Trilu, UpperAndLowerWithK) {
  // numpy, m = np.arange(1, 13).reshape(3, 4): np.triu(m, 1),
  // np.tril(m, -1), np.triu(m, -1), np.tril(m, 2)
  std::vector<int64_t> m = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  auto x = i64({3, 4}, m);
  auto y = out(DType::I64, {3, 4});
  auto kPlus1 = i64({}, {1}), kMinus1 = i64({}, {-1}), kPlus2 = i64({}, {2});
  KernelRunner upper("Trilu");
  ASSERT_EQ(upper.run({&x, &kPlus1}, {&y}), Status::Ok) << upper.message();
  EXPECT_EQ(y.values<int64_t>(), (std::vector<int64_t>{0, 2, 3, 4, 0, 0, 7, 8, 0, 0, 0, 12}));
  ASSERT_EQ(upper.run({&x, &kMinus1}, {&y}), Status::Ok) << upper.message();
  EXPECT_EQ(y.values<int64_t>(), (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7, 8, 0, 10, 11, 12}));
  KernelRunner lower("Trilu", {integer("upper", 0)});
  ASSERT_EQ(lower.run({&x, &kMinus1}, {&y}), Status::Ok) << lower.message();
  EXPECT_EQ(y.values<int64_t>(), (std::vector<int64_t>{0, 0, 0, 0, 5, 0, 0, 0, 9, 10, 0, 0}));
  ASSERT_EQ(lower.run({&x, &kPlus2}, {&y}), Status::Ok) << lower.message();
  EXPECT_EQ(y.values<int64_t>(), (std::vector<int64_t>{1, 2, 3, 0, 5, 6, 7, 8, 9, 10, 11, 12}));
}

TEST(Trilu, BatchedLowerWithoutKAndHugeK) {
  // By hand: each [2, 2] of a [2, 2, 2] keeps its lower triangle; a huge k
  // keeps everything (and must not overflow).
  KernelRunner lower("Trilu", {integer("upper", 0)});
  auto x = f32({2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
  auto y = out(DType::F32, {2, 2, 2});
  ASSERT_EQ(lower.run({&x}, {&y}), Status::Ok) << lower.message();
  EXPECT_EQ(y.values<float>(), (std::vector<float>{1, 0, 3, 4, 5, 0, 7, 8}));
  auto huge = i64({}, {kMax64});
  ASSERT_EQ(lower.run({&x, &huge}, {&y}), Status::Ok) << lower.message();
  EXPECT_EQ(y.values<float>(), (std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8}));
}

TEST(Dropout, InferenceIsIdentityWithTrueMask) {
  KernelRunner k("Dropout");
  auto x = f32({3}, {1, -2, 3});
  auto ratio = f32({}, {0.5f});
  auto y = out(DType::F32, {3});
  auto mask = out(DType::Bool, {3});
  ASSERT_EQ(k.run({&x, &ratio}, {&y, &mask}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<float>(), (std::vector<float>{1, -2, 3}));
  EXPECT_EQ(mask.values<uint8_t>(), (std::vector<uint8_t>{1, 1, 1}));
  auto training = boolean({}, {1});
  EXPECT_EQ(k.run({&x, &ratio, &training}, {&y}), Status::KernelError);
}

TEST(Identity, CopiesBool) {
  KernelRunner k("Identity");
  auto x = boolean({3}, {1, 0, 1});
  auto y = out(DType::Bool, {3});
  ASSERT_EQ(k.run({&x}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<uint8_t>(), (std::vector<uint8_t>{1, 0, 1}));
}

//===----------------------------------------------------------------------===//
// Resize: expected values from ONNX's numpy reference, interpolate_nd
//===----------------------------------------------------------------------===//

TEST(Resize, NearestAsymmetricFloor) {
  // interpolate_nd([[1, 2], [3, 4]], nearest floor, scales [1, 1, 1.5, 1.5],
  // asymmetric)
  KernelRunner k("Resize", {str("mode", "nearest"), str("nearest_mode", "floor"),
                            str("coordinate_transformation_mode", "asymmetric")});
  auto x = f32({1, 1, 2, 2}, {1, 2, 3, 4});
  auto scales = f32({4}, {1, 1, 1.5f, 1.5f});
  auto y = out(DType::F32, {1, 1, 3, 3});
  ASSERT_EQ(k.run({&x, nullptr, &scales}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<float>(), (std::vector<float>{1, 1, 2, 1, 1, 2, 3, 3, 4}));
}

TEST(Resize, NearestHalfPixelRoundPreferCeilSizes) {
  // interpolate_nd(..., round_prefer_ceil, output_size [1, 1, 3, 3])
  KernelRunner k("Resize", {str("nearest_mode", "round_prefer_ceil")});
  auto x = f32({1, 1, 2, 2}, {1, 2, 3, 4});
  auto sizes = i64({4}, {1, 1, 3, 3});
  auto y = out(DType::F32, {1, 1, 3, 3});
  ASSERT_EQ(k.run({&x, nullptr, nullptr, &sizes}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<float>(), (std::vector<float>{1, 2, 2, 3, 4, 4, 3, 4, 4}));
}

TEST(Resize, LinearHalfPixelAsymmetricAlignCorners) {
  auto x = f32({1, 1, 2, 2}, {1, 2, 3, 4});
  auto scales = f32({4}, {1, 1, 2, 2});
  auto y = out(DType::F32, {1, 1, 4, 4});
  KernelRunner half("Resize", {str("mode", "linear")});
  ASSERT_EQ(half.run({&x, nullptr, &scales}, {&y}), Status::Ok) << half.message();
  expectNear(y.values<float>(), {1, 1.25f, 1.75f, 2, 1.5f, 1.75f, 2.25f, 2.5f, 2.5f, 2.75f, 3.25f,
                                 3.5f, 3, 3.25f, 3.75f, 4});
  KernelRunner asym("Resize",
                    {str("mode", "linear"), str("coordinate_transformation_mode", "asymmetric")});
  ASSERT_EQ(asym.run({&x, nullptr, &scales}, {&y}), Status::Ok) << asym.message();
  expectNear(y.values<float>(), {1, 1.5f, 2, 2, 2, 2.5f, 3, 3, 3, 3.5f, 4, 4, 3, 3.5f, 4, 4});
  KernelRunner align(
      "Resize", {str("mode", "linear"), str("coordinate_transformation_mode", "align_corners")});
  ASSERT_EQ(align.run({&x, nullptr, &scales}, {&y}), Status::Ok) << align.message();
  expectNear(y.values<float>(),
             {1, 1.3333333f, 1.6666667f, 2, 1.6666667f, 2, 2.3333333f, 2.6666667f, 2.3333333f,
              2.6666667f, 3, 3.3333333f, 3, 3.3333333f, 3.6666667f, 4});
}

TEST(Resize, CubicHalfPixelDownsample) {
  // interpolate_nd(arange(1, 17).reshape(1, 1, 4, 4), cubic_coeffs,
  // scales [1, 1, 0.5, 0.5])
  KernelRunner k("Resize", {str("mode", "cubic")});
  std::vector<float> v(16);
  for (int i = 0; i < 16; ++i)
    v[i] = float(i + 1);
  auto x = f32({1, 1, 4, 4}, v);
  auto scales = f32({4}, {1, 1, 0.5f, 0.5f});
  auto y = out(DType::F32, {1, 1, 2, 2});
  ASSERT_EQ(k.run({&x, nullptr, &scales}, {&y}), Status::Ok) << k.message();
  expectNear(y.values<float>(), {3.03125f, 5.21875f, 11.78125f, 13.96875f});
}

TEST(Resize, CubicAlignCornersAndAsymmetricExcludeOutside) {
  // interpolate_nd(arange(1, 17), cubic, output_size [1, 1, 3, 3],
  // align_corners) and interpolate_nd([[1, 2], [3, 4]], A = -0.5, scales 2,
  // asymmetric, exclude_outside)
  std::vector<float> v(16);
  for (int i = 0; i < 16; ++i)
    v[i] = float(i + 1);
  auto x = f32({1, 1, 4, 4}, v);
  auto sizes = i64({4}, {1, 1, 3, 3});
  auto y = out(DType::F32, {1, 1, 3, 3});
  KernelRunner align(
      "Resize", {str("mode", "cubic"), str("coordinate_transformation_mode", "align_corners")});
  ASSERT_EQ(align.run({&x, nullptr, nullptr, &sizes}, {&y}), Status::Ok) << align.message();
  expectNear(y.values<float>(), {1, 2.5f, 4, 7, 8.5f, 10, 13, 14.5f, 16});
  KernelRunner exclude("Resize", {str("mode", "cubic"), real("cubic_coeff_a", -0.5f),
                                  integer("exclude_outside", 1),
                                  str("coordinate_transformation_mode", "asymmetric")});
  auto x2 = f32({1, 1, 2, 2}, {1, 2, 3, 4});
  auto scales = f32({4}, {1, 1, 2, 2});
  auto y2 = out(DType::F32, {1, 1, 4, 4});
  ASSERT_EQ(exclude.run({&x2, nullptr, &scales}, {&y2}), Status::Ok) << exclude.message();
  expectNear(y2.values<float>(), {1, 1.5f, 2, 2.125f, 2, 2.5f, 3, 3.125f, 3, 3.5f, 4, 4.125f, 3.25f,
                                  3.75f, 4.25f, 4.375f});
}

TEST(Resize, TfCropAndResizeExtrapolates) {
  // ONNX's test_resize_tf_crop_and_resize_extrapolation_value example.
  KernelRunner k("Resize", {str("mode", "linear"),
                            str("coordinate_transformation_mode", "tf_crop_and_resize"),
                            real("extrapolation_value", 10.0f)});
  std::vector<float> v(16);
  for (int i = 0; i < 16; ++i)
    v[i] = float(i + 1);
  auto x = f32({1, 1, 4, 4}, v);
  auto roi = f32({8}, {0, 0, 0.4f, 0.6f, 1, 1, 1.2f, 1.7f});
  auto sizes = i64({4}, {1, 1, 3, 3});
  auto y = out(DType::F32, {1, 1, 3, 3});
  ASSERT_EQ(k.run({&x, &roi, nullptr, &sizes}, {&y}), Status::Ok) << k.message();
  expectNear(y.values<float>(), {7.6f, 10, 10, 12.4f, 10, 10, 10, 10, 10}, 1e-4f);
}

TEST(Resize, TwoDAndFiveD) {
  // interpolate_nd([[1, 4, 2]], linear, output_size [1, 5]) and
  // interpolate_nd(arange(8).reshape(1, 1, 2, 2, 2), linear, output_size
  // [1, 1, 3, 3, 3], align_corners)
  KernelRunner linear("Resize", {str("mode", "linear")});
  auto x = f32({1, 3}, {1, 4, 2});
  auto sizes = i64({2}, {1, 5});
  auto y = out(DType::F32, {1, 5});
  ASSERT_EQ(linear.run({&x, nullptr, nullptr, &sizes}, {&y}), Status::Ok) << linear.message();
  expectNear(y.values<float>(), {1, 2.2f, 4, 2.8f, 2});
  KernelRunner align(
      "Resize", {str("mode", "linear"), str("coordinate_transformation_mode", "align_corners")});
  auto x5 = f32({1, 1, 2, 2, 2}, iota(8));
  auto sizes5 = i64({5}, {1, 1, 3, 3, 3});
  auto y5 = out(DType::F32, {1, 1, 3, 3, 3});
  ASSERT_EQ(align.run({&x5, nullptr, nullptr, &sizes5}, {&y5}), Status::Ok) << align.message();
  expectNear(y5.values<float>(), {0, 0.5f, 1, 1, 1.5f, 2, 2, 2.5f, 3, 2, 2.5f, 3, 3, 3.5f, 4,
                                  4, 4.5f, 5, 4, 4.5f, 5, 5, 5.5f, 6, 6, 6.5f, 7});
}

TEST(Resize, UnsupportedModeFails) {
  KernelRunner k("Resize", {str("mode", "area")});
  auto x = f32({1, 2}, {1, 2});
  auto y = out(DType::F32, {1, 4});
  EXPECT_EQ(k.run({&x}, {&y}), Status::KernelError);
  EXPECT_NE(k.message().find("mode 'area'"), std::string::npos) << k.message();
}

//===----------------------------------------------------------------------===//
// GridSample: ONNX's examples (values from PyTorch, in gridsample.py)
//===----------------------------------------------------------------------===//

TEST(GridSample, BilinearPaddingModes) {
  // export_gridsample_paddingmode: X [1, 1, 3, 2], grid [1, 2, 4, 2].
  auto x = f32({1, 1, 3, 2}, {0, 1, 2, 3, 4, 5});
  auto grid = f32({1, 2, 4, 2},
                  {-10, -10, -5, -5, -0.2f, -0.2f, 10, 10, 10, 10, -0.2f, -0.2f, 5, 5, 10, 10});
  auto y = out(DType::F32, {1, 1, 2, 4});
  KernelRunner zeros("GridSample", {str("padding_mode", "zeros")});
  ASSERT_EQ(zeros.run({&x, &grid}, {&y}), Status::Ok) << zeros.message();
  expectNear(y.values<float>(), {0, 0, 1.7f, 0, 0, 1.7f, 0, 0});
  KernelRunner border("GridSample", {str("padding_mode", "border")});
  ASSERT_EQ(border.run({&x, &grid}, {&y}), Status::Ok) << border.message();
  expectNear(y.values<float>(), {0, 0, 1.7f, 5, 5, 1.7f, 5, 5});
  KernelRunner reflection("GridSample", {str("padding_mode", "reflection")});
  ASSERT_EQ(reflection.run({&x, &grid}, {&y}), Status::Ok) << reflection.message();
  expectNear(y.values<float>(), {2.5f, 0, 1.7f, 2.5f, 2.5f, 1.7f, 5, 2.5f});
}

TEST(GridSample, ModesAndAlignCorners) {
  // export_gridsample_mode_aligncorners: X [1, 1, 3, 2], grid [1, 2, 4, 2].
  auto x = f32({1, 1, 3, 2}, {0, 1, 2, 3, 4, 5});
  auto grid = f32({1, 2, 4, 2},
                  {-1, -1, -0.5f, -0.5f, -0.2f, -0.2f, 0, 0, 0, 0, -0.2f, -0.2f, 0.5f, 0.5f, 1, 1});
  auto y = out(DType::F32, {1, 1, 2, 4});
  KernelRunner bilinear("GridSample");
  ASSERT_EQ(bilinear.run({&x, &grid}, {&y}), Status::Ok) << bilinear.message();
  expectNear(y.values<float>(), {0, 0.5f, 1.7f, 2.5f, 2.5f, 1.7f, 4.5f, 1.25f});
  KernelRunner aligned("GridSample", {integer("align_corners", 1)});
  ASSERT_EQ(aligned.run({&x, &grid}, {&y}), Status::Ok) << aligned.message();
  expectNear(y.values<float>(), {0, 1.25f, 2.0f, 2.5f, 2.5f, 2.0f, 3.75f, 5});
  KernelRunner nearest("GridSample", {str("mode", "nearest")});
  ASSERT_EQ(nearest.run({&x, &grid}, {&y}), Status::Ok) << nearest.message();
  expectNear(y.values<float>(), {0, 0, 2, 2, 2, 2, 5, 0});
  KernelRunner bicubic("GridSample", {str("mode", "bicubic")});
  ASSERT_EQ(bicubic.run({&x, &grid}, {&y}), Status::Ok) << bicubic.message();
  expectNear(y.values<float>(),
             {-0.1406f, 0.3828f, 1.7556f, 2.9688f, 2.9688f, 1.7556f, 5.1445f, 1.3906f}, 1e-4f);
}

//===----------------------------------------------------------------------===//
// RoiAlign: hand-computed on X = [[1, 2], [3, 4]]
//===----------------------------------------------------------------------===//

TEST(RoiAlign, AvgAndMaxAndCoordinateModes) {
  auto x = f32({1, 1, 2, 2}, {1, 2, 3, 4});
  auto rois = f32({1, 4}, {0, 0, 1, 1});
  auto batch = i64({1}, {0});
  auto y = out(DType::F32, {1, 1, 1, 1});
  // half_pixel shifts the roi to [-0.5, 0.5]: its one sample lands on (0, 0).
  KernelRunner half("RoiAlign", {integer("sampling_ratio", 1)});
  ASSERT_EQ(half.run({&x, &rois, &batch}, {&y}), Status::Ok) << half.message();
  expectNear(y.values<float>(), {1});
  // output_half_pixel keeps [0, 1]: the sample at (0.5, 0.5) averages all 4.
  KernelRunner legacy("RoiAlign", {integer("sampling_ratio", 1),
                                   str("coordinate_transformation_mode", "output_half_pixel")});
  ASSERT_EQ(legacy.run({&x, &rois, &batch}, {&y}), Status::Ok) << legacy.message();
  expectNear(y.values<float>(), {2.5f});
  // max mode: the largest weighted corner, 0.25 * 4.
  KernelRunner max("RoiAlign", {integer("sampling_ratio", 1), str("mode", "max"),
                                str("coordinate_transformation_mode", "output_half_pixel")});
  ASSERT_EQ(max.run({&x, &rois, &batch}, {&y}), Status::Ok) << max.message();
  expectNear(y.values<float>(), {1});
}

TEST(RoiAlign, BinsAndBatchIndexOutOfRange) {
  // Two 1x1 bins over [0, 2] x [0, 1] of a [2, 2] image, output_half_pixel,
  // one sample each at (0.5, 0.5) and (0.5, 1.5): 2.5 and, with x clamped
  // to the last column, (2 + 4) / 2 = 3.
  auto x = f32({1, 1, 2, 2}, {1, 2, 3, 4});
  auto rois = f32({1, 4}, {0, 0, 2, 1});
  auto batch = i64({1}, {0});
  auto y = out(DType::F32, {1, 1, 1, 2});
  KernelRunner k("RoiAlign", {integer("output_width", 2), integer("sampling_ratio", 1),
                              str("coordinate_transformation_mode", "output_half_pixel")});
  ASSERT_EQ(k.run({&x, &rois, &batch}, {&y}), Status::Ok) << k.message();
  expectNear(y.values<float>(), {2.5f, 3});
  auto badBatch = i64({1}, {1});
  EXPECT_EQ(k.run({&x, &rois, &badBatch}, {&y}), Status::KernelError);
  EXPECT_NE(k.message().find("batch_indices"), std::string::npos) << k.message();
}
