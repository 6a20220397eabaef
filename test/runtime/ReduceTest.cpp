//===- ReduceTest.cpp - Reductions, softmax family, TopK, Einsum, losses --===//
//
// Expected values are worked by hand where short (the arithmetic is in the
// comments) and otherwise computed with numpy (1.24, /usr/bin/python3) the
// way ONNX's reference implementations do (onnx/backend/test/case/node/*.py),
// printed with '%.9g' and pasted; each such block says what was run.
//
//===----------------------------------------------------------------------===//

#include "KernelTestUtil.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace iron::rt;
using namespace iron::rt::test;

namespace {

const float kNaN = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

/// Element-wise |got - want| <= tol * max(1, |want|); NaN matches NaN.
template <typename T>
void expectNear(const std::vector<T> &got, const std::vector<T> &want, double tol = 1e-5) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(double(want[i]))) {
      EXPECT_TRUE(std::isnan(double(got[i]))) << "at " << i << ": " << got[i];
      continue;
    }
    if (std::isinf(double(want[i]))) {
      EXPECT_EQ(got[i], want[i]) << "at " << i;
      continue;
    }
    EXPECT_NEAR(double(got[i]), double(want[i]), tol * std::max(1.0, std::fabs(double(want[i]))))
        << "at " << i;
  }
}

/// x = arange(24).reshape(2, 3, 4) * 0.5 - 3: -3, -2.5, ..., 8.5.
OwnedTensor x234() {
  std::vector<float> v(24);
  for (int i = 0; i < 24; ++i)
    v[i] = i * 0.5f - 3;
  return OwnedTensor::f32({2, 3, 4}, v);
}

/// The ONNX example data [[[1, 2], [3, 4]], [[5, 6], [7, 8]], [[9, 10], [11, 12]]].
OwnedTensor example322() {
  return OwnedTensor::f32({3, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
}

} // namespace

//===----------------------------------------------------------------------===//
// Reduce*
//===----------------------------------------------------------------------===//

TEST(Reduce, SumAxesInputKeepdims) {
  KernelRunner k("ReduceSum");
  auto x = example322();
  auto axes = OwnedTensor::i64({1}, {1});
  auto y = OwnedTensor::zeros(DType::F32, {3, 1, 2});
  ASSERT_EQ(k.run({&x, &axes}, {&y}), Status::Ok) << k.message();
  // 1+3, 2+4, 5+7, 6+8, 9+11, 10+12
  EXPECT_EQ(y.values<float>(), (std::vector<float>{4, 6, 12, 14, 20, 22}));
}

TEST(Reduce, SumNegativeAxesNoKeepdims) {
  KernelRunner k("ReduceSum", {integer("keepdims", 0)});
  auto x = x234();
  auto axes = OwnedTensor::i64({2}, {-1, 0});
  auto y = OwnedTensor::zeros(DType::F32, {3});
  ASSERT_EQ(k.run({&x, &axes}, {&y}), Status::Ok) << k.message();
  // numpy: np.sum(x, axis=(-1, 0))
  EXPECT_EQ(y.values<float>(), (std::vector<float>{6, 22, 38}));
}

TEST(Reduce, SumEmptyAxesMeansAll) {
  KernelRunner k("ReduceSum");
  auto x = example322();
  auto axes = OwnedTensor::zeros(DType::I64, {0});
  auto y = OwnedTensor::zeros(DType::F32, {1, 1, 1});
  ASSERT_EQ(k.run({&x, &axes}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<float>(), (std::vector<float>{78})); // 12 * 13 / 2
  // And with no axes input at all.
  auto z = OwnedTensor::zeros(DType::F32, {1, 1, 1});
  ASSERT_EQ(k.run({&x, nullptr}, {&z}), Status::Ok) << k.message();
  EXPECT_EQ(z.values<float>(), (std::vector<float>{78}));
}

TEST(Reduce, SumNoopWithEmptyAxesCopies) {
  KernelRunner k("ReduceSum", {integer("noop_with_empty_axes", 1)});
  auto x = example322();
  auto axes = OwnedTensor::zeros(DType::I64, {0});
  auto y = OwnedTensor::zeros(DType::F32, {3, 2, 2});
  ASSERT_EQ(k.run({&x, &axes}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<float>(), x.values<float>());
}

TEST(Reduce, SumInt64AndInt32) {
  KernelRunner k("ReduceSum", {integer("keepdims", 0)});
  auto x = OwnedTensor::i64({2, 3}, {1, -2, 3, 4000000000LL, 5, -6});
  auto axes = OwnedTensor::i64({1}, {1});
  auto y = OwnedTensor::zeros(DType::I64, {2});
  ASSERT_EQ(k.run({&x, &axes}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<int64_t>(), (std::vector<int64_t>{2, 3999999999LL}));

  auto xi = OwnedTensor::of<int32_t>(DType::I32, {2, 3}, {1, -2, 3, 4, 5, -6});
  auto axes0 = OwnedTensor::i64({1}, {0});
  auto yi = OwnedTensor::zeros(DType::I32, {3});
  ASSERT_EQ(k.run({&xi, &axes0}, {&yi}), Status::Ok) << k.message();
  EXPECT_EQ(yi.values<int32_t>(), (std::vector<int32_t>{5, 3, -3}));
}

TEST(Reduce, MeanNonAdjacentAxes) {
  KernelRunner k("ReduceMean", {ints("axes", {0, 2})});
  auto x = x234();
  auto y = OwnedTensor::zeros(DType::F32, {1, 3, 1});
  ASSERT_EQ(k.run({&x}, {&y}), Status::Ok) << k.message();
  // numpy: np.mean(x, axis=(0, 2), keepdims=True)
  EXPECT_EQ(y.values<float>(), (std::vector<float>{0.75f, 2.75f, 4.75f}));
}

TEST(Reduce, MeanIntTruncates) {
  KernelRunner k("ReduceMean", {ints("axes", {1}), integer("keepdims", 0)});
  auto x = OwnedTensor::of<int32_t>(DType::I32, {2, 2}, {1, 2, -7, 2});
  auto y = OwnedTensor::zeros(DType::I32, {2});
  ASSERT_EQ(k.run({&x}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<int32_t>(), (std::vector<int32_t>{1, -2})); // 3/2, -5/2 toward zero
}

TEST(Reduce, MaxMinDefaultAxesAndNaN) {
  auto x = OwnedTensor::f32({2, 3}, {1, kNaN, 3, -4, 5, -6});
  KernelRunner max("ReduceMax", {ints("axes", {1}), integer("keepdims", 0)});
  auto y = OwnedTensor::zeros(DType::F32, {2});
  ASSERT_EQ(max.run({&x}, {&y}), Status::Ok) << max.message();
  // np.maximum.reduce propagates NaN.
  expectNear(y.values<float>(), {kNaN, 5});
  KernelRunner min("ReduceMin", {ints("axes", {0})});
  auto z = OwnedTensor::zeros(DType::F32, {1, 3});
  ASSERT_EQ(min.run({&x}, {&z}), Status::Ok) << min.message();
  expectNear(z.values<float>(), {-4, kNaN, -6});
  // No axes attribute: everything, keepdims defaulting to 1.
  KernelRunner all("ReduceMax");
  auto e = example322();
  auto w = OwnedTensor::zeros(DType::F32, {1, 1, 1});
  ASSERT_EQ(all.run({&e}, {&w}), Status::Ok) << all.message();
  EXPECT_EQ(w.values<float>(), (std::vector<float>{12}));
}

TEST(Reduce, MaxMinSmallInts) {
  auto x = OwnedTensor::of<int8_t>(DType::I8, {2, 3}, {-128, 7, -3, 127, -1, 0});
  KernelRunner max("ReduceMax", {ints("axes", {-1}), integer("keepdims", 0)});
  auto y = OwnedTensor::zeros(DType::I8, {2});
  ASSERT_EQ(max.run({&x}, {&y}), Status::Ok) << max.message();
  EXPECT_EQ(y.values<int8_t>(), (std::vector<int8_t>{7, 127}));
  auto u = OwnedTensor::of<uint8_t>(DType::U8, {4}, {200, 3, 255, 9});
  KernelRunner min("ReduceMin", {integer("keepdims", 0)});
  auto z = OwnedTensor::zeros(DType::U8, {});
  ASSERT_EQ(min.run({&u}, {&z}), Status::Ok) << min.message();
  EXPECT_EQ(z.values<uint8_t>(), (std::vector<uint8_t>{3}));
}

TEST(Reduce, ProdSumSquareLogSum) {
  auto x = x234();
  KernelRunner prod("ReduceProd", {ints("axes", {1}), integer("keepdims", 0)});
  auto p = OwnedTensor::zeros(DType::F32, {2, 4});
  ASSERT_EQ(prod.run({&x}, {&p}), Status::Ok) << prod.message();
  // numpy: np.prod(x, axis=1); first: -3 * -1 * 1 = 3
  expectNear(p.values<float>(), {3, 1.875f, -0.0f, -1.875f, 105, 144.375f, 192, 248.625f});

  KernelRunner sq("ReduceSumSquare", {ints("axes", {1, 2}), integer("keepdims", 0)});
  auto s = OwnedTensor::zeros(DType::F32, {2});
  ASSERT_EQ(sq.run({&x}, {&s}), Status::Ok) << sq.message();
  // numpy: np.sum(x * x, axis=(1, 2))
  expectNear(s.values<float>(), {36.5f, 432.5f});

  KernelRunner ls("ReduceLogSum", {ints("axes", {0}), integer("keepdims", 0)});
  auto e = example322();
  auto l = OwnedTensor::zeros(DType::F32, {2, 2});
  ASSERT_EQ(ls.run({&e}, {&l}), Status::Ok) << ls.message();
  // log(1+5+9), log(2+6+10), log(3+7+11), log(4+8+12)
  expectNear(l.values<float>(), {std::log(15.0f), std::log(18.0f), std::log(21.0f), std::log(24.0f)});
}

TEST(Reduce, LogSumExpIsStableInF64) {
  KernelRunner k("ReduceLogSumExp", {ints("axes", {1})});
  auto x = OwnedTensor::of<double>(DType::F64, {2, 3}, {1000, 1000.5, 999, -1, 0, 1});
  auto y = OwnedTensor::zeros(DType::F64, {2, 1});
  ASSERT_EQ(k.run({&x}, {&y}), Status::Ok) << k.message();
  // 1000.5 + log(e^-0.5 + 1 + e^-1.5) and log(e^-1 + 1 + e), by Python's math
  expectNear(y.values<double>(), {1001.10413, 1.40760596}, 1e-8);
  // All -inf: -inf, not NaN.
  auto m = OwnedTensor::f32({2}, {-kInf, -kInf});
  auto z = OwnedTensor::zeros(DType::F32, {1});
  KernelRunner all("ReduceLogSumExp");
  ASSERT_EQ(all.run({&m}, {&z}), Status::Ok) << all.message();
  EXPECT_EQ(z.values<float>()[0], -kInf);
}

TEST(Reduce, AxisOutOfRangeIsReported) {
  KernelRunner k("ReduceMean", {ints("axes", {3})});
  auto x = x234();
  auto y = OwnedTensor::zeros(DType::F32, {2, 3, 4});
  EXPECT_EQ(k.run({&x}, {&y}), Status::KernelError);
  EXPECT_NE(k.message().find("axis 3 out of range for rank 3"), std::string::npos) << k.message();
  KernelRunner twice("ReduceSum", {ints("axes", {1, -2})});
  EXPECT_EQ(twice.run({&x}, {&y}), Status::KernelError);
  EXPECT_NE(twice.message().find("repeated"), std::string::npos) << twice.message();
}

TEST(Reduce, WrongOutputShapeIsReported) {
  KernelRunner k("ReduceSum", {integer("keepdims", 0)});
  auto x = x234();
  auto axes = OwnedTensor::i64({1}, {1});
  auto y = OwnedTensor::zeros(DType::F32, {2, 1, 4}); // keepdims=0 wants [2, 4]
  EXPECT_EQ(k.run({&x, &axes}, {&y}), Status::KernelError);
}

//===----------------------------------------------------------------------===//
// ArgMax / ArgMin
//===----------------------------------------------------------------------===//

TEST(ArgMax, KeepdimsAndSelectLastIndex) {
  // ONNX's example: [[2, 1], [3, 10]] with a tie added.
  auto x = OwnedTensor::f32({2, 3}, {2, 5, 5, 3, 10, 1});
  KernelRunner first("ArgMax", {integer("axis", 1)});
  auto y = OwnedTensor::zeros(DType::I64, {2, 1});
  ASSERT_EQ(first.run({&x}, {&y}), Status::Ok) << first.message();
  EXPECT_EQ(y.values<int64_t>(), (std::vector<int64_t>{1, 1}));
  KernelRunner last("ArgMax", {integer("axis", 1), integer("select_last_index", 1)});
  ASSERT_EQ(last.run({&x}, {&y}), Status::Ok) << last.message();
  EXPECT_EQ(y.values<int64_t>(), (std::vector<int64_t>{2, 1}));
  KernelRunner axis0("ArgMax", {integer("keepdims", 0)}); // default axis 0
  auto z = OwnedTensor::zeros(DType::I64, {3});
  ASSERT_EQ(axis0.run({&x}, {&z}), Status::Ok) << axis0.message();
  EXPECT_EQ(z.values<int64_t>(), (std::vector<int64_t>{1, 1, 0}));
}

TEST(ArgMin, NegativeAxisIntsAndNaN) {
  auto x = OwnedTensor::of<int32_t>(DType::I32, {2, 3}, {4, -1, -1, 0, 9, -5});
  KernelRunner k("ArgMin", {integer("axis", -1), integer("keepdims", 0)});
  auto y = OwnedTensor::zeros(DType::I64, {2});
  ASSERT_EQ(k.run({&x}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<int64_t>(), (std::vector<int64_t>{1, 2}));
  KernelRunner last("ArgMin", {integer("axis", -1), integer("keepdims", 0),
                               integer("select_last_index", 1)});
  ASSERT_EQ(last.run({&x}, {&y}), Status::Ok) << last.message();
  EXPECT_EQ(y.values<int64_t>(), (std::vector<int64_t>{2, 2}));
  // numpy's argmin/argmax return the first NaN.
  auto f = OwnedTensor::f32({5}, {3, kNaN, -1, kNaN, 7});
  auto z = OwnedTensor::zeros(DType::I64, {});
  KernelRunner nanMin("ArgMin", {integer("keepdims", 0)});
  ASSERT_EQ(nanMin.run({&f}, {&z}), Status::Ok) << nanMin.message();
  EXPECT_EQ(z.values<int64_t>()[0], 1);
  KernelRunner nanMax("ArgMax", {integer("keepdims", 0), integer("select_last_index", 1)});
  ASSERT_EQ(nanMax.run({&f}, {&z}), Status::Ok) << nanMax.message();
  EXPECT_EQ(z.values<int64_t>()[0], 3);
}

TEST(ArgMax, AxisOutOfRangeIsReported) {
  KernelRunner k("ArgMax", {integer("axis", -3)});
  auto x = OwnedTensor::f32({2, 2}, {1, 2, 3, 4});
  auto y = OwnedTensor::zeros(DType::I64, {2, 1});
  EXPECT_EQ(k.run({&x}, {&y}), Status::KernelError);
  EXPECT_NE(k.message().find("axis -3 out of range"), std::string::npos) << k.message();
}

//===----------------------------------------------------------------------===//
// Softmax, LogSoftmax, Hardmax
//===----------------------------------------------------------------------===//

TEST(Softmax, DefaultAxisLargeNumbers) {
  KernelRunner sm("Softmax");
  auto x = OwnedTensor::f32({2, 3}, {1, 2, 3, 1000, 1000, 1001});
  auto y = OwnedTensor::zeros(DType::F32, {2, 3});
  ASSERT_EQ(sm.run({&x}, {&y}), Status::Ok) << sm.message();
  // numpy: e = np.exp(x - x.max(1, keepdims=True)); e / e.sum(1, keepdims=True)
  expectNear(y.values<float>(),
             {0.0900305732f, 0.244728471f, 0.665240943f, 0.211941558f, 0.211941558f, 0.576116885f});
  KernelRunner axis0("Softmax", {integer("axis", 0)});
  auto a = OwnedTensor::f32({2, 2}, {1, 2, 3, 5});
  auto b = OwnedTensor::zeros(DType::F32, {2, 2});
  ASSERT_EQ(axis0.run({&a}, {&b}), Status::Ok) << axis0.message();
  // columns: 1/(1+e^2), e^-3/(1+e^-3), ...
  expectNear(b.values<float>(), {0.119202922f, 0.0474258736f, 0.880797078f, 0.952574127f});
}

TEST(LogSoftmax, DefaultAxisLargeNumbers) {
  KernelRunner k("LogSoftmax");
  auto x = OwnedTensor::of<double>(DType::F64, {2, 3}, {1, 2, 3, 1000, 1000, 1001});
  auto y = OwnedTensor::zeros(DType::F64, {2, 3});
  ASSERT_EQ(k.run({&x}, {&y}), Status::Ok) << k.message();
  // x - max - log(sum(exp(x - max))): log(1 + e^-1 + e^-2) = 0.40760596, log(1 + 2e^-1) = 0.55144471
  expectNear(y.values<double>(), {-2.40760596, -1.40760596, -0.40760596, -1.55144471,
                                  -1.55144471, -0.55144471},
             1e-8);
}

TEST(Hardmax, FirstMaximumAlongAxis) {
  KernelRunner k("Hardmax");
  auto x = OwnedTensor::f32({2, 4}, {3, 3, 3, 1, 0, 1, 3, 2});
  auto y = OwnedTensor::f32({2, 4}, std::vector<float>(8, 7.0f)); // not zeroed
  ASSERT_EQ(k.run({&x}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<float>(), (std::vector<float>{1, 0, 0, 0, 0, 0, 1, 0}));
  KernelRunner axis0("Hardmax", {integer("axis", 0)});
  ASSERT_EQ(axis0.run({&x}, {&y}), Status::Ok) << axis0.message();
  EXPECT_EQ(y.values<float>(), (std::vector<float>{1, 1, 1, 0, 0, 0, 0, 1}));
}

//===----------------------------------------------------------------------===//
// CumSum
//===----------------------------------------------------------------------===//

TEST(CumSum, ExclusiveAndReverse1D) {
  // ONNX's test_cumsum_1d* cases.
  auto x = OwnedTensor::of<double>(DType::F64, {5}, {1, 2, 3, 4, 5});
  auto axis = OwnedTensor::of<int32_t>(DType::I32, {}, {0});
  struct Case {
    int exclusive, reverse;
    std::vector<double> want;
  } cases[] = {{0, 0, {1, 3, 6, 10, 15}},
               {1, 0, {0, 1, 3, 6, 10}},
               {0, 1, {15, 14, 12, 9, 5}},
               {1, 1, {14, 12, 9, 5, 0}}};
  for (const Case &c : cases) {
    KernelRunner k("CumSum", {integer("exclusive", c.exclusive), integer("reverse", c.reverse)});
    auto y = OwnedTensor::zeros(DType::F64, {5});
    ASSERT_EQ(k.run({&x, &axis}, {&y}), Status::Ok) << k.message();
    EXPECT_EQ(y.values<double>(), c.want) << c.exclusive << c.reverse;
  }
}

TEST(CumSum, NegativeAxisInt64) {
  KernelRunner k("CumSum", {integer("reverse", 1)});
  auto x = OwnedTensor::i64({2, 3}, {1, 2, 3, 4, 5, 6});
  auto axis = OwnedTensor::i64({1}, {-2});
  auto y = OwnedTensor::zeros(DType::I64, {2, 3});
  ASSERT_EQ(k.run({&x, &axis}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<int64_t>(), (std::vector<int64_t>{5, 7, 9, 4, 5, 6}));
  auto bad = OwnedTensor::i64({1}, {2});
  EXPECT_EQ(k.run({&x, &bad}, {&y}), Status::KernelError);
  EXPECT_NE(k.message().find("out of range"), std::string::npos) << k.message();
}

//===----------------------------------------------------------------------===//
// TopK
//===----------------------------------------------------------------------===//

TEST(TopK, LargestOnAxis1) {
  // ONNX's test_top_k: arange(12).reshape(3, 4), k = 3.
  KernelRunner k("TopK", {integer("axis", 1)});
  std::vector<float> v(12);
  for (int i = 0; i < 12; ++i)
    v[i] = float(i);
  auto x = OwnedTensor::f32({3, 4}, v);
  auto kk = OwnedTensor::i64({1}, {3});
  auto values = OwnedTensor::zeros(DType::F32, {3, 3});
  auto indices = OwnedTensor::zeros(DType::I64, {3, 3});
  ASSERT_EQ(k.run({&x, &kk}, {&values, &indices}), Status::Ok) << k.message();
  EXPECT_EQ(values.values<float>(), (std::vector<float>{3, 2, 1, 7, 6, 5, 11, 10, 9}));
  EXPECT_EQ(indices.values<int64_t>(), (std::vector<int64_t>{3, 2, 1, 3, 2, 1, 3, 2, 1}));
}

TEST(TopK, SmallestWithTiesPrefersLowerIndex) {
  KernelRunner k("TopK", {integer("largest", 0)}); // axis -1
  auto x = OwnedTensor::f32({2, 5}, {4, 1, 3, 1, 2, 5, 5, 5, 0, 5});
  auto kk = OwnedTensor::i64({1}, {3});
  auto values = OwnedTensor::zeros(DType::F32, {2, 3});
  auto indices = OwnedTensor::zeros(DType::I64, {2, 3});
  ASSERT_EQ(k.run({&x, &kk}, {&values, &indices}), Status::Ok) << k.message();
  EXPECT_EQ(values.values<float>(), (std::vector<float>{1, 1, 2, 0, 5, 5}));
  EXPECT_EQ(indices.values<int64_t>(), (std::vector<int64_t>{1, 3, 4, 3, 0, 1}));
  KernelRunner largest("TopK");
  ASSERT_EQ(largest.run({&x, &kk}, {&values, &indices}), Status::Ok) << largest.message();
  EXPECT_EQ(values.values<float>(), (std::vector<float>{4, 3, 2, 5, 5, 5}));
  EXPECT_EQ(indices.values<int64_t>(), (std::vector<int64_t>{0, 2, 4, 0, 1, 2}));
}

TEST(TopK, Int32OnOuterAxis) {
  KernelRunner k("TopK", {integer("axis", -2)});
  auto x = OwnedTensor::of<int32_t>(DType::I32, {3, 2}, {1, 60, 30, 20, 30, 40});
  auto kk = OwnedTensor::i64({1}, {2});
  auto values = OwnedTensor::zeros(DType::I32, {2, 2});
  auto indices = OwnedTensor::zeros(DType::I64, {2, 2});
  ASSERT_EQ(k.run({&x, &kk}, {&values, &indices}), Status::Ok) << k.message();
  EXPECT_EQ(values.values<int32_t>(), (std::vector<int32_t>{30, 60, 30, 40}));
  EXPECT_EQ(indices.values<int64_t>(), (std::vector<int64_t>{1, 0, 2, 2}));
}

TEST(TopK, KMismatchIsReported) {
  KernelRunner k("TopK");
  auto x = OwnedTensor::f32({4}, {1, 2, 3, 4});
  auto kk = OwnedTensor::i64({1}, {3});
  auto values = OwnedTensor::zeros(DType::F32, {2});
  auto indices = OwnedTensor::zeros(DType::I64, {2});
  EXPECT_EQ(k.run({&x, &kk}, {&values, &indices}), Status::KernelError);
  EXPECT_NE(k.message().find("K = 3"), std::string::npos) << k.message();
}

//===----------------------------------------------------------------------===//
// Einsum
//===----------------------------------------------------------------------===//

namespace {
/// A = arange(6).reshape(2, 3) - 2, B = arange(12).reshape(3, 4) * 0.5.
OwnedTensor einA() { return OwnedTensor::f32({2, 3}, {-2, -1, 0, 1, 2, 3}); }
OwnedTensor einB() {
  std::vector<float> v(12);
  for (int i = 0; i < 12; ++i)
    v[i] = i * 0.5f;
  return OwnedTensor::f32({3, 4}, v);
}
} // namespace

TEST(Einsum, MatmulExplicitAndImplicit) {
  auto a = einA(), b = einB();
  // numpy: A @ B
  std::vector<float> want{-2, -3.5f, -5, -6.5f, 16, 19, 22, 25};
  for (const char *eq : {"ij,jk->ik", "ij,jk", " i j , j k -> i k "}) {
    KernelRunner k("Einsum", {str("equation", eq)});
    auto y = OwnedTensor::zeros(DType::F32, {2, 4});
    ASSERT_EQ(k.run({&a, &b}, {&y}), Status::Ok) << eq << ": " << k.message();
    EXPECT_EQ(y.values<float>(), want) << eq;
  }
}

TEST(Einsum, TransposeSumOuterAndThreeOperands) {
  auto a = einA(), b = einB();
  KernelRunner t("Einsum", {str("equation", "ba")}); // implicit: alphabetical, so "ab"
  auto at = OwnedTensor::zeros(DType::F32, {3, 2});
  ASSERT_EQ(t.run({&a}, {&at}), Status::Ok) << t.message();
  EXPECT_EQ(at.values<float>(), (std::vector<float>{-2, 1, -1, 2, 0, 3}));

  KernelRunner s("Einsum", {str("equation", "ij->")});
  auto sum = OwnedTensor::zeros(DType::F32, {});
  ASSERT_EQ(s.run({&a}, {&sum}), Status::Ok) << s.message();
  EXPECT_EQ(sum.values<float>(), (std::vector<float>{3}));

  KernelRunner o("Einsum", {str("equation", "i,j->ij")});
  auto v = OwnedTensor::f32({3}, {1, 2, 3}), w = OwnedTensor::f32({3}, {4, -5, 6});
  auto outer = OwnedTensor::zeros(DType::F32, {3, 3});
  ASSERT_EQ(o.run({&v, &w}, {&outer}), Status::Ok) << o.message();
  EXPECT_EQ(outer.values<float>(), (std::vector<float>{4, -5, 6, 8, -10, 12, 12, -15, 18}));

  KernelRunner dot("Einsum", {str("equation", "i,i")});
  auto d = OwnedTensor::zeros(DType::F32, {});
  ASSERT_EQ(dot.run({&v, &w}, {&d}), Status::Ok) << dot.message();
  EXPECT_EQ(d.values<float>(), (std::vector<float>{12})); // 4 - 10 + 18

  // numpy: np.einsum('ij,jk,k->i', A, B, [1, -1, 2, 0.5])
  KernelRunner three("Einsum", {str("equation", "ij,jk,k->i")});
  auto c = OwnedTensor::f32({4}, {1, -1, 2, 0.5f});
  auto r = OwnedTensor::zeros(DType::F32, {2});
  ASSERT_EQ(three.run({&a, &b, &c}, {&r}), Status::Ok) << three.message();
  EXPECT_EQ(r.values<float>(), (std::vector<float>{-11.75f, 53.5f}));
}

TEST(Einsum, BatchedMatmulF64) {
  // numpy: Ab = arange(12).reshape(2, 2, 3) * 0.25, Bb = arange(24).reshape(2, 3, 4) - 5,
  // np.einsum('bij,bjk->bik', Ab, Bb)
  std::vector<double> av(12), bv(24);
  for (int i = 0; i < 12; ++i)
    av[i] = i * 0.25;
  for (int i = 0; i < 24; ++i)
    bv[i] = i - 5;
  auto a = OwnedTensor::of(DType::F64, {2, 2, 3}, av), b = OwnedTensor::of(DType::F64, {2, 3, 4}, bv);
  KernelRunner k("Einsum", {str("equation", "bij, bjk -> bik")});
  auto y = OwnedTensor::zeros(DType::F64, {2, 2, 4});
  ASSERT_EQ(k.run({&a, &b}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<double>(), (std::vector<double>{1.25, 2, 2.75, 3.5, -1, 2, 5, 8, 59.75, 65,
                                                     70.25, 75.5, 84.5, 92, 99.5, 107}));
}

TEST(Einsum, TraceDiagonalAndEllipsis) {
  std::vector<float> v(18);
  for (int i = 0; i < 18; ++i)
    v[i] = float(i);
  auto d = OwnedTensor::f32({2, 3, 3}, v);
  KernelRunner diag("Einsum", {str("equation", "...ii ->...i")});
  auto y = OwnedTensor::zeros(DType::F32, {2, 3});
  ASSERT_EQ(diag.run({&d}, {&y}), Status::Ok) << diag.message();
  EXPECT_EQ(y.values<float>(), (std::vector<float>{0, 4, 8, 9, 13, 17}));
  KernelRunner trace("Einsum", {str("equation", "...ii")}); // implicit: the batch dims
  auto t = OwnedTensor::zeros(DType::F32, {2});
  ASSERT_EQ(trace.run({&d}, {&t}), Status::Ok) << trace.message();
  EXPECT_EQ(t.values<float>(), (std::vector<float>{12, 39})); // 0+4+8, 9+13+17
  KernelRunner tr("Einsum", {str("equation", "ii->")});
  auto m = OwnedTensor::f32({2, 2}, {1, 2, 3, 4});
  auto s = OwnedTensor::zeros(DType::F32, {});
  ASSERT_EQ(tr.run({&m}, {&s}), Status::Ok) << tr.message();
  EXPECT_EQ(s.values<float>(), (std::vector<float>{5}));
}

TEST(Einsum, EllipsisBroadcasts) {
  // numpy: P = arange(6).reshape(2, 1, 1, 3) - 4, Q = arange(18).reshape(3, 3, 2) * 0.5,
  // np.einsum('...ij,...jk->...ik', P, Q), shape (2, 3, 1, 2)
  auto p = OwnedTensor::f32({2, 1, 1, 3}, {-4, -3, -2, -1, 0, 1});
  std::vector<float> q(18);
  for (int i = 0; i < 18; ++i)
    q[i] = i * 0.5f;
  auto qt = OwnedTensor::f32({3, 3, 2}, q);
  KernelRunner k("Einsum", {str("equation", "...ij,...jk->...ik")});
  auto y = OwnedTensor::zeros(DType::F32, {2, 3, 1, 2});
  ASSERT_EQ(k.run({&p, &qt}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<float>(),
            (std::vector<float>{-7, -11.5f, -34, -38.5f, -61, -65.5f, 2, 2, 2, 2, 2, 2}));
}

TEST(Einsum, BadEquationsAreReported) {
  auto a = einA();
  auto y = OwnedTensor::zeros(DType::F32, {2});
  KernelRunner rank("Einsum", {str("equation", "ijk->i")});
  EXPECT_EQ(rank.run({&a}, {&y}), Status::KernelError);
  EXPECT_NE(rank.message().find("does not match input rank 2"), std::string::npos)
      << rank.message();
  KernelRunner syntax("Einsum", {str("equation", "i1->i")});
  EXPECT_EQ(syntax.run({&a}, {&y}), Status::KernelError);
  KernelRunner unknown("Einsum", {str("equation", "ij->k")});
  EXPECT_EQ(unknown.run({&a}, {&y}), Status::KernelError);
  KernelRunner diag("Einsum", {str("equation", "ii->i")}); // [2, 3] has no diagonal
  EXPECT_EQ(diag.run({&a}, {&y}), Status::KernelError);
}

//===----------------------------------------------------------------------===//
// Det
//===----------------------------------------------------------------------===//

TEST(Det, BatchedAndSingular) {
  // ONNX's test_det_nd plus a singular matrix: -2, -3, -8, 0.
  KernelRunner k("Det");
  auto x = OwnedTensor::f32({4, 2, 2}, {1, 2, 3, 4, 1, 2, 2, 1, 1, 3, 3, 1, 1, 2, 2, 4});
  auto y = OwnedTensor::zeros(DType::F32, {4});
  ASSERT_EQ(k.run({&x}, {&y}), Status::Ok) << k.message();
  expectNear(y.values<float>(), {-2, -3, -8, 0});
  EXPECT_EQ(y.values<float>()[3], 0.0f);
  auto z = OwnedTensor::f32({3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9}); // rank 2
  auto d = OwnedTensor::zeros(DType::F32, {});
  ASSERT_EQ(k.run({&z}, {&d}), Status::Ok) << k.message();
  EXPECT_NEAR(d.values<float>()[0], 0.0f, 1e-5f);
}

TEST(Det, PivotingF64) {
  // numpy: np.linalg.det of these; the first has a zero leading pivot.
  KernelRunner k("Det");
  auto x = OwnedTensor::of<double>(DType::F64, {3, 3}, {0, 2, 1, 1, 1, 1, 2, 1, 3});
  auto y = OwnedTensor::zeros(DType::F64, {});
  ASSERT_EQ(k.run({&x}, {&y}), Status::Ok) << k.message();
  EXPECT_NEAR(y.values<double>()[0], -3.0, 1e-12);
  auto x4 = OwnedTensor::of<double>(DType::F64, {4, 4},
                                    {2, -1, 0, 3, 1, 4, -2, 0.5, 0, 3, 1, -1, 5, 0, 2, 2});
  ASSERT_EQ(k.run({&x4}, {&y}), Status::Ok) << k.message();
  EXPECT_NEAR(y.values<double>()[0], -94.5, 1e-10);
}

//===----------------------------------------------------------------------===//
// NegativeLogLikelihoodLoss, SoftmaxCrossEntropyLoss
//===----------------------------------------------------------------------===//

namespace {
/// x = (arange(24).reshape(2, 3, 4) * 0.37 % 2.1 - 1) in f32, t = [[0, 2, 1, 1], [2, 0, 1, 0]].
OwnedTensor lossX() {
  return OwnedTensor::f32(
      {2, 3, 4}, {-1, -0.629999995f, -0.25999999f, 0.110000014f, 0.480000019f, 0.850000024f,
                  -0.879999876f, -0.509999752f, -0.139999866f, 0.230000019f, 0.600000143f,
                  0.970000267f, -0.759999752f, -0.389999866f, -0.0199995041f, 0.350000381f,
                  0.720000267f, 1.09000015f, -0.639999866f, -0.269999504f, 0.100000381f,
                  0.470000267f, 0.840000629f, -0.88999939f});
}
OwnedTensor lossT() { return OwnedTensor::i64({2, 4}, {0, 2, 1, 1, 2, 0, 1, 0}); }
} // namespace

// The values below come from ONNX's own reference functions
// (compute_negative_log_likelihood_loss, softmaxcrossentropy) run by numpy.

TEST(NLLLoss, NoneSumAndWeightedMeanWithIgnoreIndex) {
  auto x = lossX(), t = lossT();
  KernelRunner none("NegativeLogLikelihoodLoss", {str("reduction", "none")});
  auto y = OwnedTensor::zeros(DType::F32, {2, 4});
  ASSERT_EQ(none.run({&x, &t}, {&y}), Status::Ok) << none.message();
  expectNear(y.values<float>(), {1, -0.230000019f, 0.879999876f, 0.509999752f, -0.100000381f,
                                 0.389999866f, 0.639999866f, -0.350000381f});
  KernelRunner sum("NegativeLogLikelihoodLoss", {str("reduction", "sum")});
  auto s = OwnedTensor::zeros(DType::F32, {});
  ASSERT_EQ(sum.run({&x, &t}, {&s}), Status::Ok) << sum.message();
  expectNear(s.values<float>(), {2.73999858f});
  KernelRunner mean("NegativeLogLikelihoodLoss", {integer("ignore_index", 1)});
  auto w = OwnedTensor::f32({3}, {0.5f, 2.0f, 1.5f});
  ASSERT_EQ(mean.run({&x, &t, &w}, {&s}), Status::Ok) << mean.message();
  expectNear(s.values<float>(), {0.00555536477f}, 1e-4);
}

TEST(NLLLoss, NCMeanAndTargetOutOfRange) {
  KernelRunner k("NegativeLogLikelihoodLoss");
  auto x = OwnedTensor::f32({2, 3}, {1, 2, 3, 0, -1, 4});
  auto t = OwnedTensor::of<int32_t>(DType::I32, {2}, {2, 0});
  auto y = OwnedTensor::zeros(DType::F32, {});
  ASSERT_EQ(k.run({&x, &t}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<float>()[0], -1.5f); // -(3 + 0) / 2
  auto bad = OwnedTensor::of<int32_t>(DType::I32, {2}, {3, 0});
  EXPECT_EQ(k.run({&x, &bad}, {&y}), Status::KernelError);
  EXPECT_NE(k.message().find("target 3 out of range"), std::string::npos) << k.message();
}

TEST(SoftmaxCrossEntropyLoss, MeanIgnoreIndexWithLogProb) {
  auto x = lossX();
  auto t = OwnedTensor::i64({2, 4}, {0, -1, 1, 1, 2, 0, 1, 0});
  KernelRunner k("SoftmaxCrossEntropyLoss", {integer("ignore_index", -1)});
  auto y = OwnedTensor::zeros(DType::F32, {});
  auto lp = OwnedTensor::zeros(DType::F32, {2, 3, 4});
  ASSERT_EQ(k.run({&x, &t}, {&y, &lp}), Status::Ok) << k.message();
  expectNear(y.values<float>(), {1.69029677f});
  expectNear(lp.values<float>(),
             {-2.04848051f, -2.04848051f, -1.36126006f, -1.36126006f, -0.568480432f,
              -0.568480432f, -1.98125994f, -1.98125982f, -1.18848038f, -1.1884805f,
              -0.501259804f, -0.501259804f, -2.04848051f, -2.04848051f, -1.36125994f,
              -0.602855265f, -0.568480432f, -0.568480432f, -1.9812603f, -1.22285509f,
              -1.18848038f, -1.18848038f, -0.501259744f, -1.84285498f});
  // Without the log_prob output.
  auto z = OwnedTensor::zeros(DType::F32, {});
  ASSERT_EQ(k.run({&x, &t}, {&z}), Status::Ok) << k.message();
  expectNear(z.values<float>(), {1.69029677f});
}

TEST(SoftmaxCrossEntropyLoss, NoneWeightedSumAndNC) {
  auto x = lossX(), t = lossT();
  auto w = OwnedTensor::f32({3}, {0.5f, 2.0f, 1.5f});
  KernelRunner none("SoftmaxCrossEntropyLoss", {str("reduction", "none")});
  auto y = OwnedTensor::zeros(DType::F32, {2, 4});
  ASSERT_EQ(none.run({&x, &t, &w}, {&y}), Status::Ok) << none.message();
  expectNear(y.values<float>(), {1.02424026f, 1.7827208f, 3.96251988f, 3.96251965f, 1.78272057f,
                                 1.02424026f, 3.9625206f, 0.301427633f});
  KernelRunner sum("SoftmaxCrossEntropyLoss", {str("reduction", "sum")});
  auto s = OwnedTensor::zeros(DType::F32, {});
  ASSERT_EQ(sum.run({&x, &t}, {&s}), Status::Ok) << sum.message();
  expectNear(s.values<float>(), {13.0205574f});
  KernelRunner mean("SoftmaxCrossEntropyLoss");
  auto x2 = OwnedTensor::f32({2, 3}, {1, 2, 3, 0, -1, 4});
  auto t2 = OwnedTensor::i64({2}, {2, 0});
  ASSERT_EQ(mean.run({&x2, &t2}, {&s}), Status::Ok) << mean.message();
  expectNear(s.values<float>(), {2.21617556f});
  KernelRunner bad("SoftmaxCrossEntropyLoss", {str("reduction", "avg")});
  EXPECT_EQ(bad.run({&x2, &t2}, {&s}), Status::KernelError);
}

//===----------------------------------------------------------------------===//
// Windows, MelWeightMatrix
//===----------------------------------------------------------------------===//

// Windows: a0 - a1 cos(2 pi n / N) + a2 cos(4 pi n / N) by numpy with np.pi
// (ONNX's own test data uses 3.1415), N = size (periodic) or size - 1.
TEST(Window, HannPeriodicAndSymmetric) {
  auto size = OwnedTensor::of<int32_t>(DType::I32, {}, {10});
  KernelRunner periodic("HannWindow");
  auto y = OwnedTensor::zeros(DType::F32, {10});
  ASSERT_EQ(periodic.run({&size}, {&y}), Status::Ok) << periodic.message();
  expectNear(y.values<float>(), {0, 0.0954915028f, 0.345491503f, 0.654508497f, 0.904508497f, 1,
                                 0.904508497f, 0.654508497f, 0.345491503f, 0.0954915028f});
  KernelRunner symmetric("HannWindow", {integer("periodic", 0)});
  ASSERT_EQ(symmetric.run({&size}, {&y}), Status::Ok) << symmetric.message();
  expectNear(y.values<float>(), {0, 0.116977778f, 0.413175911f, 0.75f, 0.96984631f, 0.96984631f,
                                 0.75f, 0.413175911f, 0.116977778f, 0});
}

TEST(Window, HammingAndBlackmanF64) {
  auto size = OwnedTensor::i64({}, {10});
  KernelRunner hamming("HammingWindow", {integer("output_datatype", 11)});
  auto y = OwnedTensor::zeros(DType::F64, {10});
  ASSERT_EQ(hamming.run({&size}, {&y}), Status::Ok) << hamming.message();
  expectNear(y.values<double>(), {0.0869565217, 0.174144416, 0.402405285, 0.684551237,
                                  0.912812106, 1, 0.912812106, 0.684551237, 0.402405285,
                                  0.174144416},
             1e-8);
  KernelRunner blackman("BlackmanWindow", {integer("periodic", 0), integer("output_datatype", 11)});
  ASSERT_EQ(blackman.run({&size}, {&y}), Status::Ok) << blackman.message();
  expectNear(y.values<double>(), {0, 0.0508696327, 0.258000502, 0.63, 0.951129866, 0.951129866,
                                  0.63, 0.258000502, 0.0508696327, 0},
             1e-8);
  auto wrong = OwnedTensor::zeros(DType::F64, {9});
  EXPECT_EQ(blackman.run({&size}, {&wrong}), Status::KernelError);
}

TEST(MelWeightMatrix, MatchesOnnxTestData) {
  // Inputs and expected output of ONNX's test_melweightmatrix (read from its
  // .pb files with onnx.numpy_helper): 8 mel bins, dft_length 16, 8192 Hz,
  // edges 0 and 4096 Hz; output [9, 8].
  KernelRunner k("MelWeightMatrix");
  auto mels = OwnedTensor::of<int32_t>(DType::I32, {}, {8});
  auto dft = OwnedTensor::of<int32_t>(DType::I32, {}, {16});
  auto rate = OwnedTensor::of<int32_t>(DType::I32, {}, {8192});
  auto lo = OwnedTensor::f32({}, {0}), hi = OwnedTensor::f32({}, {4096});
  auto y = OwnedTensor::f32({9, 8}, std::vector<float>(72, 5.0f));
  ASSERT_EQ(k.run({&mels, &dft, &rate, &lo, &hi}, {&y}), Status::Ok) << k.message();
  std::vector<float> want(72, 0.0f);
  for (int i : {0, 1, 10, 11, 20, 29, 38, 47})
    want[i] = 1;
  EXPECT_EQ(y.values<float>(), want);
}

//===----------------------------------------------------------------------===//
// DFT, STFT
//===----------------------------------------------------------------------===//

namespace {
/// x = arange(12).reshape(1, 4, 3, 1) * 0.75 - 2.
OwnedTensor dftX() {
  std::vector<float> v(12);
  for (int i = 0; i < 12; ++i)
    v[i] = i * 0.75f - 2;
  return OwnedTensor::f32({1, 4, 3, 1}, v);
}
} // namespace

TEST(DFT, RealInputAxis1) {
  // numpy: y = np.fft.fft(x[..., 0], axis=1), stacked as (re, im)
  KernelRunner k("DFT"); // axis defaults to 1
  auto x = dftX();
  auto y = OwnedTensor::zeros(DType::F32, {1, 4, 3, 2});
  ASSERT_EQ(k.run({&x}, {&y}), Status::Ok) << k.message();
  expectNear(y.values<float>(), {5.5f, 0, 8.5f, 0, 11.5f, 0, -4.5f, 4.5f, -4.5f, 4.5f, -4.5f, 4.5f,
                                 -4.5f, 0, -4.5f, 0, -4.5f, 0, -4.5f, -4.5f, -4.5f, -4.5f, -4.5f,
                                 -4.5f});
}

TEST(DFT, OnesidedPaddedLengthOnAxis2) {
  // numpy: np.fft.fft(x[..., 0], n=6, axis=2)[..., :4] (zero-padded to 6, 6 // 2 + 1 bins)
  KernelRunner k("DFT", {integer("axis", 2), integer("onesided", 1)});
  auto x = dftX();
  auto len = OwnedTensor::i64({}, {6});
  auto y = OwnedTensor::zeros(DType::F32, {1, 4, 4, 2});
  ASSERT_EQ(k.run({&x, &len}, {&y}), Status::Ok) << k.message();
  expectNear(y.values<float>(),
             {-3.75f, 0, -2.375f, 1.51554446f, -1.125f, 0.649519053f, -1.25f, 0,
              3, 0, -0.125f, -2.38156986f, -1.125f, 0.649519053f, 1, 0,
              9.75f, 0, 2.125f, -6.27868418f, -1.125f, 0.649519053f, 3.25f, 0,
              16.5f, 0, 4.375f, -10.1757985f, -1.125f, 0.649519053f, 5.5f, 0});
}

TEST(DFT, InverseComplex) {
  // numpy: np.fft.ifft([-2-1.25j, 0.25+1j, 2.5+3.25j, 4.75+5.5j])
  KernelRunner k("DFT", {integer("inverse", 1)});
  auto x = OwnedTensor::f32({1, 4, 2}, {-2, -1.25f, 0.25f, 1, 2.5f, 3.25f, 4.75f, 5.5f});
  auto y = OwnedTensor::zeros(DType::F32, {1, 4, 2});
  ASSERT_EQ(k.run({&x}, {&y}), Status::Ok) << k.message();
  expectNear(y.values<float>(), {1.375f, 2.125f, 0, -2.25f, -1.125f, -1.125f, -2.25f, 0});
  KernelRunner last("DFT", {integer("axis", -1)}); // the component axis
  EXPECT_EQ(last.run({&x}, {&y}), Status::KernelError);
}

TEST(STFT, HannWindowedFrames) {
  // numpy: sig = sin(arange(16) * 0.7) * 3 + arange(16) * 0.1 (f32), periodic
  // Hann window of 8, step 4: np.fft.fft(sig[4f:4f+8] * win)[:5] per frame.
  KernelRunner k("STFT");
  auto sig = OwnedTensor::f32({1, 16, 1}, {0, 2.03265309f, 3.15634918f, 2.88962817f, 1.40496445f,
                                           -0.552349687f, -2.01472735f, -2.24735785f,
                                           -1.09379995f, 0.950441718f, 2.9709599f, 4.06450462f,
                                           3.76379681f, 2.25729513f, 0.30056262f, -1.13908732f});
  auto step = OwnedTensor::i64({}, {4});
  auto win = OwnedTensor::f32({8}, {0, 0.146446615f, 0.5f, 0.853553414f, 1, 0.853553414f, 0.5f,
                                    0.146446615f});
  auto y = OwnedTensor::zeros(DType::F32, {1, 3, 5, 2});
  ASSERT_EQ(k.run({&sig, &step, &win, nullptr}, {&y}), Status::Ok) << k.message();
  expectNear(y.values<float>(),
             {3.9393245f, 0, -2.83787018f, -5.10616531f, 0.834153533f, 2.31111872f, 0.0279412848f,
              0.0649112217f, 0.0122262239f, 0, -1.20832763f, 0, 2.24025367f, 4.90097739f,
              -1.57191622f, -2.05337002f, -0.0526537737f, -0.0847098657f, -0.023039721f, 0,
              10.7679254f, 0, -7.59887553f, -2.64232402f, 2.12803555f, 1.2365455f, 0.0712819169f,
              0.0280732663f, 0.031190753f, 0},
             1e-4);
  // frame_length instead of a window: an unwindowed first bin is the frame sum.
  auto len = OwnedTensor::i64({}, {8});
  ASSERT_EQ(k.run({&sig, &step, nullptr, &len}, {&y}), Status::Ok) << k.message();
  std::vector<float> samples = sig.values<float>();
  float sum = 0;
  for (int i = 0; i < 8; ++i)
    sum += samples[i];
  EXPECT_NEAR(y.values<float>()[0], sum, 1e-5f);
}
