//===- ElementwiseTest.cpp - The reference elementwise kernels ------------===//
//
// Expected values were computed independently of the kernels: by hand where
// obvious, otherwise with numpy (float64 math on the float32 inputs, rounded
// to float32; integer and quantization cases with numpy's own integer ops,
// np.rint, np.clip, astype). Outputs start as garbage (0xA5 bytes) so that a
// kernel that skips an element is caught.
//
//===----------------------------------------------------------------------===//

#include "KernelTestUtil.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <ostream>

using namespace iron::rt;
using namespace iron::rt::test;

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

/// An output full of garbage: kernels must write every element.
OwnedTensor output(DType t, std::vector<int64_t> shape) {
  OwnedTensor o(t, shape);
  std::memset(o.view.data, 0xA5, o.view.bytes());
  return o;
}
template <typename T> OwnedTensor tensor(DType t, std::vector<int64_t> shape, std::vector<T> v) {
  return OwnedTensor::of(t, shape, v);
}
OwnedTensor f32(std::vector<int64_t> shape, std::vector<float> v) {
  return OwnedTensor::f32(shape, v);
}
OwnedTensor boolean(std::vector<int64_t> shape, std::vector<uint8_t> v) {
  return OwnedTensor::of(DType::Bool, shape, v);
}
float bitsToFloat(uint32_t b) {
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}

/// Float results within a few ulps of the reference (NaN matches NaN).
void expectNear(const std::vector<float> &got, const std::vector<float> &want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    if (std::isnan(want[i]))
      EXPECT_TRUE(std::isnan(got[i])) << "element " << i << " is " << got[i];
    else if (std::isinf(want[i]))
      EXPECT_EQ(got[i], want[i]) << "element " << i;
    else
      EXPECT_NEAR(got[i], want[i], 1e-7f + 1e-6f * std::fabs(want[i])) << "element " << i;
  }
}

/// Runs a kernel: ASSERT_TRUE(runs(...)) reports its message on failure.
::testing::AssertionResult runs(KernelRunner &k, std::vector<const OwnedTensor *> in,
                                std::vector<OwnedTensor *> out) {
  Status s = k.run(in, out);
  if (s == Status::Ok)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << statusName(s) << ": " << k.message();
}

//===--- Float unary math and activations, table driven -------------------===//

struct UnaryCase {
  const char *op;
  std::vector<AttrSpec> attrs;
  std::vector<float> x, want;
};

// Keeps the generated test names short (ctest lists them with the parameter).
void PrintTo(const UnaryCase &c, std::ostream *os) { *os << c.op; }

class FloatUnary : public ::testing::TestWithParam<UnaryCase> {};

TEST_P(FloatUnary, MatchesNumpy) {
  const UnaryCase &c = GetParam();
  KernelRunner k(c.op, c.attrs);
  auto x = f32({int64_t(c.x.size())}, c.x);
  auto y = output(DType::F32, {int64_t(c.x.size())});
  ASSERT_TRUE(runs(k, {&x}, {&y}));
  expectNear(y.values<float>(), c.want);
}

// Generated with numpy: f(x.astype(float64)).astype(float32); activations by
// their ONNX formulas (e.g. Selu: where(x > 0, g*x, g*(a*exp(x) - a))).
const UnaryCase kUnaryCases[] = {
    {"Acos", {}, {-0.9f, -0.5f, 0.0f, 0.3f, 0.99f}, {2.69056582f, 2.09439516f, 1.57079637f, 1.26610363f, 0.14153941f}},
    {"Acosh", {}, {1.0f, 1.5f, 2.0f, 10.0f}, {0.0f, 0.962423623f, 1.31695795f, 2.99322295f}},
    {"Asin", {}, {-0.9f, -0.5f, 0.0f, 0.3f, 0.99f}, {-1.11976945f, -0.52359879f, 0.0f, 0.304692656f, 1.42925692f}},
    {"Asinh", {}, {-3.0f, -1.5f, -0.25f, 0.0f, 0.5f, 2.0f}, {-1.81844652f, -1.19476318f, -0.24746646f, 0.0f, 0.481211811f, 1.44363546f}},
    {"Atan", {}, {-3.0f, -1.5f, -0.25f, 0.0f, 0.5f, 2.0f}, {-1.24904573f, -0.982793748f, -0.244978666f, 0.0f, 0.463647604f, 1.10714877f}},
    {"Atanh", {}, {-0.9f, -0.5f, 0.0f, 0.3f, 0.99f}, {-1.47221935f, -0.549306154f, 0.0f, 0.309519619f, 2.64665294f}},
    {"Cos", {}, {-3.0f, -1.5f, -0.25f, 0.0f, 0.5f, 2.0f}, {-0.989992499f, 0.070737198f, 0.968912423f, 1.0f, 0.87758255f, -0.416146845f}},
    {"Cosh", {}, {-3.0f, -1.5f, -0.25f, 0.0f, 0.5f, 2.0f}, {10.0676622f, 2.3524096f, 1.03141308f, 1.0f, 1.12762594f, 3.76219559f}},
    {"Sin", {}, {-3.0f, -1.5f, -0.25f, 0.0f, 0.5f, 2.0f}, {-0.141120002f, -0.997494996f, -0.247403964f, 0.0f, 0.47942555f, 0.909297407f}},
    {"Sinh", {}, {-3.0f, -1.5f, -0.25f, 0.0f, 0.5f, 2.0f}, {-10.0178747f, -2.12927938f, -0.252612323f, 0.0f, 0.521095276f, 3.62686038f}},
    {"Tan", {}, {-3.0f, -1.5f, -0.25f, 0.0f, 0.5f, 2.0f}, {0.142546549f, -14.1014204f, -0.255341917f, 0.0f, 0.546302497f, -2.18503976f}},
    {"Tanh", {}, {-3.0f, -1.5f, -0.25f, 0.0f, 0.5f, 2.0f}, {-0.995054781f, -0.905148268f, -0.244918659f, 0.0f, 0.462117165f, 0.964027584f}},
    {"Exp", {}, {-3.0f, -1.5f, -0.25f, 0.0f, 0.5f, 2.0f}, {0.0497870669f, 0.223130167f, 0.778800786f, 1.0f, 1.64872122f, 7.38905621f}},
    {"Log", {}, {0.0f, 0.25f, 1.0f, 2.0f, 10.0f, -1.0f}, {-kInf, -1.38629436f, 0.0f, 0.693147182f, 2.30258512f, kNaN}},
    {"Sqrt", {}, {0.0f, 0.25f, 1.0f, 2.0f, 10.0f, -1.0f}, {0.0f, 0.5f, 1.0f, 1.41421354f, 3.1622777f, kNaN}},
    {"Erf", {}, {-3.0f, -1.5f, -0.25f, 0.0f, 0.5f, 2.0f}, {-0.999977887f, -0.966105163f, -0.276326388f, 0.0f, 0.520499885f, 0.995322287f}},
    {"Ceil", {}, {-1.5f, -0.5f, 0.0f, 0.2f, 1.0f, 2.7f}, {-1.0f, -0.0f, 0.0f, 1.0f, 1.0f, 3.0f}},
    {"Floor", {}, {-1.5f, -0.5f, 0.0f, 0.2f, 1.0f, 2.7f}, {-2.0f, -1.0f, 0.0f, 0.0f, 1.0f, 2.0f}},
    // numpy's rint: halves go to the even neighbour.
    {"Round", {}, {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 0.4f, 2.6f, -2.2f}, {0.0f, 2.0f, 2.0f, -0.0f, -2.0f, -2.0f, 0.0f, 3.0f, -2.0f}},
    {"Reciprocal", {}, {-4.0f, 0.25f, 1.0f, 2.0f, 10.0f}, {-0.25f, 4.0f, 1.0f, 0.5f, 0.100000001f}},
    {"Softsign", {}, {-3.0f, -1.5f, -0.25f, 0.0f, 0.5f, 2.0f}, {-0.75f, -0.600000024f, -0.200000003f, 0.0f, 0.333333343f, 0.666666687f}},
    {"Sigmoid", {}, {-100.0f, -3.0f, -1.5f, -0.25f, 0.0f, 0.5f, 2.0f, 100.0f}, {3.78350585e-44f, 0.0474258736f, 0.182425529f, 0.437823504f, 0.5f, 0.622459352f, 0.880797088f, 1.0f}},
    // log1p(exp(x)) in float64; the kernel must not overflow exp at 100.
    {"Softplus", {}, {-100.0f, -3.0f, -1.5f, -0.25f, 0.0f, 0.5f, 2.0f, 100.0f}, {3.78350585e-44f, 0.048587352f, 0.201413274f, 0.575939417f, 0.693147182f, 0.974076986f, 2.12692809f, 100.0f}},
    {"Elu", {}, {-4.0f, -1.0f, -0.25f, 0.0f, 0.75f, 1.0f, 3.0f}, {-0.981684387f, -0.63212055f, -0.221199214f, 0.0f, 0.75f, 1.0f, 3.0f}},
    {"Elu", {real("alpha", 2.0f)}, {-4.0f, -1.0f, -0.25f, 0.0f, 0.75f, 1.0f, 3.0f}, {-1.96336877f, -1.2642411f, -0.442398429f, 0.0f, 0.75f, 1.0f, 3.0f}},
    {"Celu", {}, {-4.0f, -1.0f, 0.0f, 3.0f}, {-0.981684387f, -0.63212055f, 0.0f, 3.0f}},
    {"Celu", {real("alpha", 2.0f)}, {-4.0f, -1.0f, -0.25f, 0.0f, 0.75f, 1.0f, 3.0f}, {-1.72932947f, -0.786938667f, -0.235006198f, 0.0f, 0.75f, 1.0f, 3.0f}},
    {"Selu", {}, {-4.0f, -1.0f, -0.25f, 0.0f, 0.75f, 1.0f, 3.0f}, {-1.72589862f, -1.11133075f, -0.388890207f, 0.0f, 0.788025737f, 1.05070102f, 3.15210295f}},
    {"Selu", {real("alpha", 2.0f), real("gamma", 3.0f)}, {-4.0f, -1.0f, -0.25f, 0.0f, 0.75f, 1.0f, 3.0f}, {-5.8901062f, -3.79272342f, -1.32719529f, 0.0f, 2.25f, 3.0f, 9.0f}},
    {"HardSigmoid", {}, {-4.0f, -1.0f, -0.25f, 0.0f, 0.75f, 1.0f, 3.0f}, {0.0f, 0.300000012f, 0.449999988f, 0.5f, 0.649999976f, 0.699999988f, 1.0f}},
    {"HardSigmoid", {real("alpha", 0.5f), real("beta", 0.6f)}, {-4.0f, -1.0f, -0.25f, 0.0f, 0.75f, 1.0f, 3.0f}, {0.0f, 0.100000024f, 0.475000024f, 0.600000024f, 0.975000024f, 1.0f, 1.0f}},
    {"HardSwish", {}, {-4.0f, -1.0f, -0.25f, 0.0f, 0.75f, 1.0f, 3.0f}, {-0.0f, -0.333333343f, -0.114583336f, 0.0f, 0.46875f, 0.666666687f, 3.0f}},
    {"LeakyRelu", {}, {-4.0f, -1.0f, -0.25f, 0.0f, 0.75f, 1.0f, 3.0f}, {-0.0399999991f, -0.00999999978f, -0.00249999994f, 0.0f, 0.75f, 1.0f, 3.0f}},
    {"LeakyRelu", {real("alpha", 0.1f)}, {-4.0f, -1.0f, -0.25f, 0.0f, 0.75f, 1.0f, 3.0f}, {-0.400000006f, -0.100000001f, -0.0250000004f, 0.0f, 0.75f, 1.0f, 3.0f}},
    {"ThresholdedRelu", {}, {-4.0f, -1.0f, -0.25f, 0.0f, 0.75f, 1.0f, 3.0f}, {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 3.0f}},
    {"ThresholdedRelu", {real("alpha", 0.5f)}, {-4.0f, -1.0f, -0.25f, 0.0f, 0.75f, 1.0f, 3.0f}, {0.0f, 0.0f, 0.0f, 0.0f, 0.75f, 1.0f, 3.0f}},
    {"Shrink", {}, {-4.0f, -1.0f, -0.25f, 0.0f, 0.75f, 1.0f, 3.0f}, {-4.0f, -1.0f, 0.0f, 0.0f, 0.75f, 1.0f, 3.0f}},
    {"Shrink", {real("lambd", 1.5f), real("bias", 1.5f)}, {-4.0f, -1.0f, -0.25f, 0.0f, 0.75f, 1.0f, 3.0f}, {-2.5f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 1.5f}},
    {"Relu", {}, {-4.0f, -1.0f, -0.25f, 0.0f, 0.75f, kNaN, 3.0f}, {0.0f, 0.0f, 0.0f, 0.0f, 0.75f, kNaN, 3.0f}},
    {"Abs", {}, {-4.0f, -0.25f, 0.0f, 3.0f}, {4.0f, 0.25f, 0.0f, 3.0f}},
    {"Neg", {}, {-4.0f, -0.25f, 0.0f, 3.0f}, {4.0f, 0.25f, -0.0f, -3.0f}},
    {"Sign", {}, {-4.0f, -0.25f, 0.0f, 3.0f, kNaN}, {-1.0f, -1.0f, 0.0f, 1.0f, kNaN}},
};

INSTANTIATE_TEST_SUITE_P(Elementwise, FloatUnary, ::testing::ValuesIn(kUnaryCases),
                         [](const ::testing::TestParamInfo<UnaryCase> &info) {
                           return std::string(info.param.op) + "_" + std::to_string(info.index);
                         });

//===--- Other unary kernels ----------------------------------------------===//

TEST(Elementwise, IntegerUnary) {
  // Abs and Neg of the most negative value wrap, as numpy's do.
  KernelRunner abs("Abs"), neg("Neg"), sign("Sign"), relu("Relu");
  auto a = tensor<int8_t>(DType::I8, {4}, {-128, -5, 0, 7});
  auto ya = output(DType::I8, {4});
  ASSERT_TRUE(runs(abs, {&a}, {&ya}));
  EXPECT_EQ(ya.values<int8_t>(), (std::vector<int8_t>{-128, 5, 0, 7}));

  auto n = tensor<int32_t>(DType::I32, {3}, {INT32_MIN, -3, 9});
  auto yn = output(DType::I32, {3});
  ASSERT_TRUE(runs(neg, {&n}, {&yn}));
  EXPECT_EQ(yn.values<int32_t>(), (std::vector<int32_t>{INT32_MIN, 3, -9}));

  auto s = tensor<int64_t>(DType::I64, {3}, {-70, 0, 5});
  auto ys = output(DType::I64, {3});
  ASSERT_TRUE(runs(sign, {&s}, {&ys}));
  EXPECT_EQ(ys.values<int64_t>(), (std::vector<int64_t>{-1, 0, 1}));

  auto u = tensor<uint16_t>(DType::U16, {2}, {0, 65535});
  auto yu = output(DType::U16, {2});
  ASSERT_TRUE(runs(abs, {&u}, {&yu}));
  EXPECT_EQ(yu.values<uint16_t>(), (std::vector<uint16_t>{0, 65535}));

  auto r = tensor<int16_t>(DType::I16, {3}, {-300, 0, 300});
  auto yr = output(DType::I16, {3});
  ASSERT_TRUE(runs(relu, {&r}, {&yr}));
  EXPECT_EQ(yr.values<int16_t>(), (std::vector<int16_t>{0, 0, 300}));
}

TEST(Elementwise, NotIsNaNIsInf) {
  KernelRunner notOp("Not");
  auto b = boolean({3}, {1, 0, 1});
  auto yb = output(DType::Bool, {3});
  ASSERT_TRUE(runs(notOp, {&b}, {&yb}));
  EXPECT_EQ(yb.values<uint8_t>(), (std::vector<uint8_t>{0, 1, 0}));

  auto x = f32({6}, {-1.2f, kNaN, kInf, 2.8f, -kInf, 0.0f});
  auto y = output(DType::Bool, {6});
  KernelRunner isnan("IsNaN");
  ASSERT_TRUE(runs(isnan, {&x}, {&y}));
  EXPECT_EQ(y.values<uint8_t>(), (std::vector<uint8_t>{0, 1, 0, 0, 0, 0}));
  KernelRunner isinf("IsInf");
  ASSERT_TRUE(runs(isinf, {&x}, {&y}));
  EXPECT_EQ(y.values<uint8_t>(), (std::vector<uint8_t>{0, 0, 1, 0, 1, 0}));
  KernelRunner posOnly("IsInf", {integer("detect_negative", 0)});
  ASSERT_TRUE(runs(posOnly, {&x}, {&y}));
  EXPECT_EQ(y.values<uint8_t>(), (std::vector<uint8_t>{0, 0, 1, 0, 0, 0}));
  KernelRunner negOnly("IsInf", {integer("detect_positive", 0)});
  ASSERT_TRUE(runs(negOnly, {&x}, {&y}));
  EXPECT_EQ(y.values<uint8_t>(), (std::vector<uint8_t>{0, 0, 0, 0, 1, 0}));
}

TEST(Elementwise, Clip) {
  KernelRunner clip("Clip");
  auto x = f32({5}, {-3.0f, -1.0f, 0.5f, 2.0f, kNaN});
  auto lo = f32({}, {-1.5f}), hi = f32({}, {1.0f});
  auto y = output(DType::F32, {5});
  ASSERT_TRUE(runs(clip, {&x, &lo, &hi}, {&y}));
  expectNear(y.values<float>(), {-1.5f, -1.0f, 0.5f, 1.0f, kNaN});
  // Absent min (an empty input name) leaves the low side alone.
  ASSERT_TRUE(runs(clip, {&x, nullptr, &hi}, {&y}));
  expectNear(y.values<float>(), {-3.0f, -1.0f, 0.5f, 1.0f, kNaN});
  // No bounds: a copy.
  ASSERT_TRUE(runs(clip, {&x}, {&y}));
  expectNear(y.values<float>(), {-3.0f, -1.0f, 0.5f, 2.0f, kNaN});
  // min > max: everything becomes max (numpy.clip).
  auto big = f32({}, {5.0f});
  ASSERT_TRUE(runs(clip, {&x, &big, &hi}, {&y}));
  expectNear(y.values<float>(), {1.0f, 1.0f, 1.0f, 1.0f, kNaN});

  auto xi = tensor<int8_t>(DType::I8, {4}, {-128, -7, 3, 127});
  auto loi = tensor<int8_t>(DType::I8, {}, {-5});
  auto yi = output(DType::I8, {4});
  ASSERT_TRUE(runs(clip, {&xi, &loi}, {&yi}));
  EXPECT_EQ(yi.values<int8_t>(), (std::vector<int8_t>{-5, -5, 3, 127}));
}

//===--- Binary arithmetic and broadcasting -------------------------------===//

TEST(Elementwise, AddBroadcastsTrailingAxis) {
  // np.arange(24).reshape(2, 3, 4) + [10, 20, 30, 40]
  KernelRunner add("Add");
  std::vector<float> xs(24);
  for (int i = 0; i < 24; ++i)
    xs[i] = float(i);
  auto x = f32({2, 3, 4}, xs), b = f32({4}, {10, 20, 30, 40});
  auto y = output(DType::F32, {2, 3, 4});
  ASSERT_TRUE(runs(add, {&x, &b}, {&y}));
  EXPECT_EQ(y.values<float>(),
            (std::vector<float>{10, 21, 32, 43, 14, 25, 36, 47, 18, 29, 40, 51,
                                22, 33, 44, 55, 26, 37, 48, 59, 30, 41, 52, 63}));
  // The same with the operands swapped.
  ASSERT_TRUE(runs(add, {&b, &x}, {&y}));
  EXPECT_EQ(y.values<float>()[23], 63.0f);
}

TEST(Elementwise, MulBroadcastsBothWays) {
  // [2,1,4] * [3,1] -> [2,3,4]: numpy gave these.
  KernelRunner mul("Mul");
  auto a = f32({2, 1, 4}, {1, 2, 3, 4, 5, 6, 7, 8}), c = f32({3, 1}, {1, -2, 0.5f});
  auto y = output(DType::F32, {2, 3, 4});
  ASSERT_TRUE(runs(mul, {&a, &c}, {&y}));
  EXPECT_EQ(y.values<float>(),
            (std::vector<float>{1, 2, 3, 4, -2, -4, -6, -8, 0.5f, 1, 1.5f, 2,
                                5, 6, 7, 8, -10, -12, -14, -16, 2.5f, 3, 3.5f, 4}));
}

// Broadcasts by whole rows of at least 8 elements take the row path: a
// channel scale on either side, a row repeated over leading dims, both
// operands broadcast, and a Sub (order matters). Expected values come from
// the index formula, element by element.
TEST(Elementwise, BroadcastRowsMatchTheIndexFormula) {
  KernelRunner mul("Mul"), sub("Sub");
  std::vector<float> xs(2 * 3 * 4 * 5);
  for (size_t i = 0; i < xs.size(); ++i)
    xs[i] = float(i) * 0.5f - 7;
  auto x = f32({2, 3, 4, 5}, xs);
  auto scale = f32({1, 3, 1, 1}, {2, -1, 0.25f});
  auto y = output(DType::F32, {2, 3, 4, 5});
  auto at = [](int n, int c, int h, int w) { return ((n * 3 + c) * 4 + h) * 5 + w; };
  for (bool scaleFirst : {false, true}) {
    ASSERT_TRUE(scaleFirst ? runs(sub, {&scale, &x}, {&y}) : runs(sub, {&x, &scale}, {&y}));
    std::vector<float> got = y.values<float>();
    for (int n = 0; n < 2; ++n)
      for (int c = 0; c < 3; ++c)
        for (int h = 0; h < 4; ++h)
          for (int w = 0; w < 5; ++w) {
            float a = xs[at(n, c, h, w)], b = scale.values<float>()[c];
            EXPECT_EQ(got[at(n, c, h, w)], scaleFirst ? b - a : a - b)
                << n << c << h << w;
          }
  }
  // A [3,4,5] row block repeated over the leading dim.
  std::vector<float> rs(60);
  for (int i = 0; i < 60; ++i)
    rs[i] = float(i % 7) - 3;
  auto row = f32({3, 4, 5}, rs);
  ASSERT_TRUE(runs(mul, {&row, &x}, {&y}));
  std::vector<float> got = y.values<float>();
  for (int i = 0; i < 120; ++i)
    EXPECT_EQ(got[i], rs[i % 60] * xs[i]) << i;
  // Both broadcast: [2,1,16] * [3,1] -> [2,3,16].
  std::vector<float> as(32);
  for (int i = 0; i < 32; ++i)
    as[i] = float(i) + 1;
  auto a = f32({2, 1, 16}, as), c = f32({3, 1}, {1, -2, 0.5f});
  auto z = output(DType::F32, {2, 3, 16});
  ASSERT_TRUE(runs(mul, {&a, &c}, {&z}));
  got = z.values<float>();
  const float cs[] = {1, -2, 0.5f};
  for (int n = 0; n < 2; ++n)
    for (int k = 0; k < 3; ++k)
      for (int w = 0; w < 16; ++w)
        EXPECT_EQ(got[(n * 3 + k) * 16 + w], as[n * 16 + w] * cs[k]);
}

TEST(Elementwise, ScalarOperands) {
  KernelRunner sub("Sub"), div("Div");
  auto s = f32({}, {10}), v = f32({3}, {1, 2.5f, -3});
  auto y = output(DType::F32, {3});
  ASSERT_TRUE(runs(sub, {&s, &v}, {&y})); // scalar on the left
  EXPECT_EQ(y.values<float>(), (std::vector<float>{9, 7.5f, 13}));
  auto two = f32({1}, {2});
  ASSERT_TRUE(runs(div, {&v, &two}, {&y})); // single element on the right
  EXPECT_EQ(y.values<float>(), (std::vector<float>{0.5f, 1.25f, -1.5f}));
  auto p = f32({4}, {1, -6, 7.5f, 0}), q = f32({4}, {4, 3, -2.5f, -1});
  auto y4 = output(DType::F32, {4});
  ASSERT_TRUE(runs(div, {&p, &q}, {&y4}));
  EXPECT_EQ(y4.values<float>(), (std::vector<float>{0.25f, -2, -3, -0.0f}));
}

TEST(Elementwise, IntegerArithmeticWraps) {
  KernelRunner add("Add"), sub("Sub"), mul("Mul"), div("Div");
  auto a = tensor<uint8_t>(DType::U8, {3}, {250, 10, 0}), b = tensor<uint8_t>(DType::U8, {3}, {10, 5, 1});
  auto y = output(DType::U8, {3});
  ASSERT_TRUE(runs(add, {&a, &b}, {&y}));
  EXPECT_EQ(y.values<uint8_t>(), (std::vector<uint8_t>{4, 15, 1}));
  ASSERT_TRUE(runs(sub, {&a, &b}, {&y}));
  EXPECT_EQ(y.values<uint8_t>(), (std::vector<uint8_t>{240, 5, 255}));

  auto m = tensor<uint16_t>(DType::U16, {2}, {65535, 300});
  auto ym = output(DType::U16, {2});
  ASSERT_TRUE(runs(mul, {&m, &m}, {&ym})); // 65535^2 mod 2^16 = 1; 90000 mod 2^16 = 24464
  EXPECT_EQ(ym.values<uint16_t>(), (std::vector<uint16_t>{1, 24464}));

  auto i = tensor<int32_t>(DType::I32, {2}, {INT32_MAX, INT32_MIN});
  auto one = tensor<int32_t>(DType::I32, {}, {1});
  auto yi = output(DType::I32, {2});
  ASSERT_TRUE(runs(add, {&i, &one}, {&yi}));
  EXPECT_EQ(yi.values<int32_t>(), (std::vector<int32_t>{INT32_MIN, INT32_MIN + 1}));

  // Division truncates toward zero; x/0 is 0 (numpy) and MIN/-1 wraps.
  auto n = tensor<int32_t>(DType::I32, {6}, {-7, 7, -7, 7, 5, INT32_MIN});
  auto d = tensor<int32_t>(DType::I32, {6}, {2, -2, -2, 2, 0, -1});
  auto yd = output(DType::I32, {6});
  ASSERT_TRUE(runs(div, {&n, &d}, {&yd}));
  EXPECT_EQ(yd.values<int32_t>(), (std::vector<int32_t>{-3, -3, 3, 3, 0, INT32_MIN}));

  auto l = tensor<int64_t>(DType::I64, {2}, {-9, 4}), r = tensor<int64_t>(DType::I64, {2}, {3, -10});
  auto yl = output(DType::I64, {2});
  ASSERT_TRUE(runs(mul, {&l, &r}, {&yl}));
  EXPECT_EQ(yl.values<int64_t>(), (std::vector<int64_t>{-27, -40}));
}

TEST(Elementwise, Mod) {
  // ONNX's mod test: np.mod (sign of the divisor) and np.fmod (of the dividend).
  auto x = tensor<int32_t>(DType::I32, {6}, {-4, 7, 5, 4, -7, 8});
  auto d = tensor<int32_t>(DType::I32, {6}, {2, -3, 8, -2, 3, 5});
  auto y = output(DType::I32, {6});
  KernelRunner mod("Mod"), fmod("Mod", {integer("fmod", 1)});
  ASSERT_TRUE(runs(mod, {&x, &d}, {&y}));
  EXPECT_EQ(y.values<int32_t>(), (std::vector<int32_t>{0, -2, 5, 0, 2, 3}));
  ASSERT_TRUE(runs(fmod, {&x, &d}, {&y}));
  EXPECT_EQ(y.values<int32_t>(), (std::vector<int32_t>{0, 1, 5, 0, -1, 3}));

  auto u = tensor<uint8_t>(DType::U8, {3}, {4, 7, 5}), v = tensor<uint8_t>(DType::U8, {}, {3});
  auto yu = output(DType::U8, {3});
  ASSERT_TRUE(runs(mod, {&u, &v}, {&yu}));
  EXPECT_EQ(yu.values<uint8_t>(), (std::vector<uint8_t>{1, 1, 2}));

  // np.fmod on float32 (values from ONNX's test).
  auto xf = f32({6}, {-4.3f, 7.2f, 5.0f, 4.3f, -7.2f, 8.0f});
  auto df = f32({6}, {2.1f, -3.4f, 8.0f, -2.1f, 3.4f, 5.0f});
  auto yf = output(DType::F32, {6});
  ASSERT_TRUE(runs(fmod, {&xf, &df}, {&yf}));
  expectNear(yf.values<float>(), {-0.100000381f, 0.399999619f, 5.0f, 0.100000381f, -0.399999619f, 3.0f});
  // Floating-point Mod without fmod=1 is invalid ONNX.
  EXPECT_EQ(mod.run({&xf, &df}, {&yf}), Status::KernelError);
  EXPECT_EQ(mod.message(), "Mod 'test': floating-point Mod requires fmod=1, as ONNX specifies");
}

TEST(Elementwise, Pow) {
  KernelRunner pow("Pow");
  // [[1,2,3],[4,5,6]] ** [1, 2, 0.5] by numpy.
  auto a = f32({2, 3}, {1, 2, 3, 4, 5, 6}), e = f32({3}, {1, 2, 0.5f});
  auto y = output(DType::F32, {2, 3});
  ASSERT_TRUE(runs(pow, {&a, &e}, {&y}));
  expectNear(y.values<float>(), {1, 4, 1.73205090f, 4, 25, 2.44948959f});

  // Mixed types: float base, int64 exponent; int64 base, float exponent.
  auto fb = f32({3}, {1, 2, 3});
  auto ie = tensor<int64_t>(DType::I64, {3}, {4, 5, 6});
  auto yf = output(DType::F32, {3});
  ASSERT_TRUE(runs(pow, {&fb, &ie}, {&yf}));
  EXPECT_EQ(yf.values<float>(), (std::vector<float>{1, 32, 729}));
  auto ib = tensor<int64_t>(DType::I64, {3}, {2, 3, -2}), fe = f32({3}, {3, 0.5f, 2});
  auto yi = output(DType::I64, {3});
  ASSERT_TRUE(runs(pow, {&ib, &fe}, {&yi}));
  EXPECT_EQ(yi.values<int64_t>(), (std::vector<int64_t>{8, 1, 4})); // 3**0.5 truncates

  // Integer powers are exact; negative exponents truncate the real result.
  auto b32 = tensor<int32_t>(DType::I32, {6}, {2, -3, 7, 1, -1, 2});
  auto e32 = tensor<int32_t>(DType::I32, {6}, {10, 3, 0, 100, -3, -1});
  auto y32 = output(DType::I32, {6});
  ASSERT_TRUE(runs(pow, {&b32, &e32}, {&y32}));
  EXPECT_EQ(y32.values<int32_t>(), (std::vector<int32_t>{1024, -27, 1, 1, -1, 0}));

  // Scalar exponent, uint8.
  auto two = tensor<uint8_t>(DType::U8, {}, {2});
  ASSERT_TRUE(runs(pow, {&fb, &two}, {&yf}));
  EXPECT_EQ(yf.values<float>(), (std::vector<float>{1, 4, 9}));
}

TEST(Elementwise, BitShift) {
  KernelRunner left("BitShift", {str("direction", "LEFT")});
  KernelRunner right("BitShift", {str("direction", "RIGHT")});
  auto x = tensor<uint8_t>(DType::U8, {4}, {16, 4, 1, 255});
  auto s = tensor<uint8_t>(DType::U8, {4}, {1, 2, 3, 8});
  auto y = output(DType::U8, {4});
  ASSERT_TRUE(runs(left, {&x, &s}, {&y}));
  EXPECT_EQ(y.values<uint8_t>(), (std::vector<uint8_t>{32, 16, 8, 0}));
  ASSERT_TRUE(runs(right, {&x, &s}, {&y}));
  EXPECT_EQ(y.values<uint8_t>(), (std::vector<uint8_t>{8, 1, 0, 0}));

  auto w = tensor<uint64_t>(DType::U64, {3}, {1, 1ull << 63, 12345});
  auto sh = tensor<uint64_t>(DType::U64, {}, {63});
  auto yw = output(DType::U64, {3});
  ASSERT_TRUE(runs(left, {&w, &sh}, {&yw}));
  EXPECT_EQ(yw.values<uint64_t>(), (std::vector<uint64_t>{1ull << 63, 0, 1ull << 63}));
  ASSERT_TRUE(runs(right, {&w, &sh}, {&yw}));
  EXPECT_EQ(yw.values<uint64_t>(), (std::vector<uint64_t>{0, 1, 0}));

  KernelRunner bad("BitShift", {str("direction", "UP")});
  EXPECT_EQ(bad.run({&x, &s}, {&y}), Status::KernelError);
  EXPECT_EQ(bad.message(), "BitShift 'test': direction must be LEFT or RIGHT, got 'UP'");
}

TEST(Elementwise, PRelu) {
  KernelRunner prelu("PRelu");
  auto x = f32({2, 3}, {-2, -1, 0, 1, -4, 3}), slope = f32({3}, {0.5f, 0.1f, 2});
  auto y = output(DType::F32, {2, 3});
  ASSERT_TRUE(runs(prelu, {&x, &slope}, {&y}));
  expectNear(y.values<float>(), {-1, -0.1f, 0, 1, -0.4f, 3});
  auto xi = tensor<int32_t>(DType::I32, {3}, {-5, 0, 5}), si = tensor<int32_t>(DType::I32, {}, {3});
  auto yi = output(DType::I32, {3});
  ASSERT_TRUE(runs(prelu, {&xi, &si}, {&yi}));
  EXPECT_EQ(yi.values<int32_t>(), (std::vector<int32_t>{-15, 0, 5}));
}

//===--- Logic and comparisons --------------------------------------------===//

TEST(Elementwise, LogicBroadcast) {
  auto a = boolean({2, 3}, {1, 1, 0, 0, 1, 0}), b = boolean({3}, {1, 0, 0});
  auto y = output(DType::Bool, {2, 3});
  KernelRunner andOp("And"), orOp("Or"), xorOp("Xor");
  ASSERT_TRUE(runs(andOp, {&a, &b}, {&y}));
  EXPECT_EQ(y.values<uint8_t>(), (std::vector<uint8_t>{1, 0, 0, 0, 0, 0}));
  ASSERT_TRUE(runs(orOp, {&a, &b}, {&y}));
  EXPECT_EQ(y.values<uint8_t>(), (std::vector<uint8_t>{1, 1, 0, 1, 1, 0}));
  ASSERT_TRUE(runs(xorOp, {&a, &b}, {&y}));
  EXPECT_EQ(y.values<uint8_t>(), (std::vector<uint8_t>{0, 1, 0, 1, 1, 0}));
}

TEST(Elementwise, Comparisons) {
  auto a = f32({2, 3}, {1, 2, 3, kNaN, 5, -1}), b = f32({3}, {2, 2, 2});
  auto y = output(DType::Bool, {2, 3});
  struct {
    const char *op;
    std::vector<uint8_t> want;
  } cases[] = {{"Equal", {0, 1, 0, 0, 0, 0}},          {"Greater", {0, 0, 1, 0, 1, 0}},
               {"GreaterOrEqual", {0, 1, 1, 0, 1, 0}}, {"Less", {1, 0, 0, 0, 0, 1}},
               {"LessOrEqual", {1, 1, 0, 0, 0, 1}}};
  for (auto &c : cases) {
    SCOPED_TRACE(c.op);
    KernelRunner k(c.op);
    ASSERT_TRUE(runs(k, {&a, &b}, {&y}));
    EXPECT_EQ(y.values<uint8_t>(), c.want);
  }
  // Integers, scalar broadcast, and a signedness that matters.
  auto i = tensor<int32_t>(DType::I32, {4}, {-1, 0, 7, 8}), s = tensor<int32_t>(DType::I32, {}, {7});
  auto yi = output(DType::Bool, {4});
  KernelRunner eq("Equal"), lt("Less");
  ASSERT_TRUE(runs(eq, {&i, &s}, {&yi}));
  EXPECT_EQ(yi.values<uint8_t>(), (std::vector<uint8_t>{0, 0, 1, 0}));
  ASSERT_TRUE(runs(lt, {&i, &s}, {&yi}));
  EXPECT_EQ(yi.values<uint8_t>(), (std::vector<uint8_t>{1, 1, 0, 0}));
  auto u = tensor<uint64_t>(DType::U64, {2}, {~0ull, 1}), v = tensor<uint64_t>(DType::U64, {2}, {2, 2});
  auto yu = output(DType::Bool, {2});
  KernelRunner gt("Greater");
  ASSERT_TRUE(runs(gt, {&u, &v}, {&yu}));
  EXPECT_EQ(yu.values<uint8_t>(), (std::vector<uint8_t>{1, 0}));
  auto p = boolean({2}, {1, 0}), q = boolean({2}, {1, 1});
  ASSERT_TRUE(runs(eq, {&p, &q}, {&yu}));
  EXPECT_EQ(yu.values<uint8_t>(), (std::vector<uint8_t>{1, 0}));
}

//===--- Variadic and Where -----------------------------------------------===//

TEST(Elementwise, VariadicBroadcast) {
  // Three inputs [2,3], [3] and a scalar; numpy: maximum/minimum/sum/mean.
  auto a = f32({2, 3}, {1, 5, -2, 7, 0, 3}), b = f32({3}, {2, 2, 2}), c = f32({}, {4});
  auto y = output(DType::F32, {2, 3});
  struct {
    const char *op;
    std::vector<float> want;
  } cases[] = {{"Max", {4, 5, 4, 7, 4, 4}},
               {"Min", {1, 2, -2, 2, 0, 2}},
               {"Sum", {7, 11, 4, 13, 6, 9}},
               {"Mean", {2.33333325f, 3.66666675f, 1.33333337f, 4.33333349f, 2, 3}}};
  for (auto &cs : cases) {
    SCOPED_TRACE(cs.op);
    KernelRunner k(cs.op);
    ASSERT_TRUE(runs(k, {&a, &b, &c}, {&y}));
    expectNear(y.values<float>(), cs.want);
  }
  // One input: a copy.
  KernelRunner sum("Sum");
  ASSERT_TRUE(runs(sum, {&a}, {&y}));
  EXPECT_EQ(y.values<float>(), (std::vector<float>{1, 5, -2, 7, 0, 3}));
}

TEST(Elementwise, MaxMinTypes) {
  KernelRunner max("Max"), min("Min");
  auto a = tensor<int64_t>(DType::I64, {3}, {-5, 9, INT64_MIN}), b = tensor<int64_t>(DType::I64, {3}, {3, 2, 0});
  auto y = output(DType::I64, {3});
  ASSERT_TRUE(runs(max, {&a, &b}, {&y}));
  EXPECT_EQ(y.values<int64_t>(), (std::vector<int64_t>{3, 9, 0}));
  auto u = tensor<uint32_t>(DType::U32, {2}, {4000000000u, 1}), v = tensor<uint32_t>(DType::U32, {2}, {5, 5});
  auto yu = output(DType::U32, {2});
  ASSERT_TRUE(runs(min, {&u, &v}, {&yu}));
  EXPECT_EQ(yu.values<uint32_t>(), (std::vector<uint32_t>{5, 1}));
  // NaN propagates (numpy.maximum), wherever it appears.
  auto n = f32({2}, {kNaN, 1}), m = f32({2}, {0, kNaN});
  auto yn = output(DType::F32, {2});
  ASSERT_TRUE(runs(max, {&n, &m}, {&yn}));
  EXPECT_TRUE(std::isnan(yn.values<float>()[0]) && std::isnan(yn.values<float>()[1]));
  // f16, as bits: max([1, -1.5, 3], [2, 0.5, -1.5]) = [2, 0.5, 3].
  auto h = tensor<uint16_t>(DType::F16, {3}, {0x3C00, 0xBE00, 0x4200});
  auto g = tensor<uint16_t>(DType::F16, {3}, {0x4000, 0x3800, 0xBE00});
  auto yh = output(DType::F16, {3});
  ASSERT_TRUE(runs(max, {&h, &g}, {&yh}));
  EXPECT_EQ(yh.values<uint16_t>(), (std::vector<uint16_t>{0x4000, 0x3800, 0x4200}));
}

TEST(Elementwise, Where) {
  // np.where([[True], [False]], [[1,2,3],[4,5,6]], -1)
  KernelRunner where("Where");
  auto c = boolean({2, 1}, {1, 0});
  auto x = tensor<int64_t>(DType::I64, {2, 3}, {1, 2, 3, 4, 5, 6});
  auto o = tensor<int64_t>(DType::I64, {}, {-1});
  auto y = output(DType::I64, {2, 3});
  ASSERT_TRUE(runs(where, {&c, &x, &o}, {&y}));
  EXPECT_EQ(y.values<int64_t>(), (std::vector<int64_t>{1, 2, 3, -1, -1, -1}));
  // Same shapes, floats.
  auto cf = boolean({3}, {0, 1, 0});
  auto a = f32({3}, {1, 2, 3}), b = f32({3}, {-1, -2, -3});
  auto yf = output(DType::F32, {3});
  ASSERT_TRUE(runs(where, {&cf, &a, &b}, {&yf}));
  EXPECT_EQ(yf.values<float>(), (std::vector<float>{-1, 2, -3}));
}

//===--- In-place execution -----------------------------------------------===//

TEST(Elementwise, InPlace) {
  // The output is input 0's memory: each element is read before written.
  auto x = f32({4}, {-1, 0, 2, -3});
  KernelRunner neg("Neg");
  ASSERT_TRUE(runs(neg, {&x}, {&x}));
  EXPECT_EQ(x.values<float>(), (std::vector<float>{1, -0.0f, -2, 3}));

  auto a = f32({2, 2}, {1, 2, 3, 4}), b = f32({2}, {10, 20});
  KernelRunner add("Add");
  ASSERT_TRUE(runs(add, {&a, &b}, {&a}));
  EXPECT_EQ(a.values<float>(), (std::vector<float>{11, 22, 13, 24}));

  // One tensor as every input of Sum, and as its output: 3x.
  auto s = f32({3}, {1, 2, 3});
  KernelRunner sum("Sum");
  ASSERT_TRUE(runs(sum, {&s, &s, &s}, {&s}));
  EXPECT_EQ(s.values<float>(), (std::vector<float>{3, 6, 9}));

  // Same-size reinterpretation: f32 -> i32 in place.
  auto c = f32({3}, {1.5f, -2.5f, 7});
  OwnedTensor ci(DType::I32, {3});
  ci.view.data = c.view.data; // an i32 view of the same memory
  KernelRunner cast("Cast", {integer("to", 6)});
  ASSERT_TRUE(runs(cast, {&c}, {&ci}));
  EXPECT_EQ(ci.values<int32_t>(), (std::vector<int32_t>{1, -2, 7}));
}

//===--- Cast -------------------------------------------------------------===//

TEST(Elementwise, CastFloatToInt) {
  // Truncation toward zero; out of range saturates and NaN gives 0 (C++
  // leaves both undefined; numpy on x86 gives INT_MIN).
  KernelRunner cast("Cast", {integer("to", 6)});
  auto x = f32({7}, {1.9f, -1.9f, 3e9f, -3e9f, kNaN, 255.5f, -0.5f});
  auto y = output(DType::I32, {7});
  ASSERT_TRUE(runs(cast, {&x}, {&y}));
  EXPECT_EQ(y.values<int32_t>(), (std::vector<int32_t>{1, -1, INT32_MAX, INT32_MIN, 0, 255, 0}));
  auto yu = output(DType::U8, {7});
  ASSERT_TRUE(runs(cast, {&x}, {&yu}));
  EXPECT_EQ(yu.values<uint8_t>(), (std::vector<uint8_t>{1, 0, 255, 0, 0, 255, 0}));
}

TEST(Elementwise, CastIntegersAndBool) {
  KernelRunner cast("Cast");
  // int32 -> int8 wraps (numpy astype: 300 -> 44, -129 -> 127).
  auto i = tensor<int32_t>(DType::I32, {3}, {300, -129, 127});
  auto y8 = output(DType::I8, {3});
  ASSERT_TRUE(runs(cast, {&i}, {&y8}));
  EXPECT_EQ(y8.values<int8_t>(), (std::vector<int8_t>{44, 127, 127}));
  // Anything to bool is != 0 (NaN is true, -0 false); bool to number is 0/1.
  auto f = f32({4}, {0, -0.0f, 2.5f, kNaN});
  auto yb = output(DType::Bool, {4});
  ASSERT_TRUE(runs(cast, {&f}, {&yb}));
  EXPECT_EQ(yb.values<uint8_t>(), (std::vector<uint8_t>{0, 0, 1, 1}));
  auto yf = output(DType::F32, {4});
  ASSERT_TRUE(runs(cast, {&yb}, {&yf}));
  EXPECT_EQ(yf.values<float>(), (std::vector<float>{0, 0, 1, 1}));
  // uint64 max -> f32 and int64 <-> f64.
  auto u = tensor<uint64_t>(DType::U64, {1}, {~0ull});
  auto yu = output(DType::F32, {1});
  ASSERT_TRUE(runs(cast, {&u}, {&yu}));
  EXPECT_EQ(yu.values<float>()[0], 18446744073709551616.0f);
  auto l = tensor<int64_t>(DType::I64, {2}, {-(1ll << 53), 12345});
  auto yd = output(DType::F64, {2});
  ASSERT_TRUE(runs(cast, {&l}, {&yd}));
  EXPECT_EQ(yd.values<double>(), (std::vector<double>{-9007199254740992.0, 12345.0}));
}

TEST(Elementwise, CastHalfAndBFloat16) {
  KernelRunner cast("Cast");
  // f32 -> f16 (numpy astype): 1/3, max half, 65520 rounds to inf, 1e-8 to 0.
  auto x = f32({5}, {1.0f / 3, 65504, 65520, 1e-8f, -2});
  auto h = output(DType::F16, {5});
  ASSERT_TRUE(runs(cast, {&x}, {&h}));
  EXPECT_EQ(h.values<uint16_t>(), (std::vector<uint16_t>{0x3555, 0x7BFF, 0x7C00, 0x0000, 0xC000}));
  auto back = output(DType::F32, {5});
  ASSERT_TRUE(runs(cast, {&h}, {&back}));
  EXPECT_EQ(back.values<float>()[0], 0.333251953125f);

  // f32 -> bf16 rounds to nearest even: 1+2^-8 is a tie (down to 1.0),
  // 1+3*2^-8 a tie (up to 1+2^-6); NaN stays NaN, even with a full payload.
  auto b = f32({5}, {bitsToFloat(0x3F808000), bitsToFloat(0x3F818000), 1.0f,
                     bitsToFloat(0x7FFFFFFF), -kInf});
  auto yb = output(DType::BF16, {5});
  ASSERT_TRUE(runs(cast, {&b}, {&yb}));
  std::vector<uint16_t> bf = yb.values<uint16_t>();
  EXPECT_EQ(bf[0], 0x3F80);
  EXPECT_EQ(bf[1], 0x3F82);
  EXPECT_EQ(bf[2], 0x3F80);
  EXPECT_EQ(bf[3] & 0x7F80, 0x7F80);
  EXPECT_NE(bf[3] & 0x007F, 0);
  EXPECT_EQ(bf[4], 0xFF80);
  auto pi = tensor<uint16_t>(DType::BF16, {1}, {0x4049});
  auto ypi = output(DType::F32, {1});
  ASSERT_TRUE(runs(cast, {&pi}, {&ypi}));
  EXPECT_EQ(ypi.values<float>()[0], 3.140625f);

  // f64 -> f16 rounds once: 1 + 2^-11 + 2^-40 is just above the midpoint of
  // 1 and 1 + 2^-10 (numpy: 0x3C01; through a rounded float it would be 0x3C00).
  auto d = tensor<double>(DType::F64, {1}, {1.0 + std::ldexp(1.0, -11) + std::ldexp(1.0, -40)});
  auto yd = output(DType::F16, {1});
  ASSERT_TRUE(runs(cast, {&d}, {&yd}));
  EXPECT_EQ(yd.values<uint16_t>()[0], 0x3C01);
  auto d2 = tensor<double>(DType::F64, {1}, {1.0 + std::ldexp(1.0, -8) + std::ldexp(1.0, -40)});
  auto yd2 = output(DType::BF16, {1});
  ASSERT_TRUE(runs(cast, {&d2}, {&yd2}));
  EXPECT_EQ(yd2.values<uint16_t>()[0], 0x3F81);

  // int64 -> f16: 2049 ties to 2048, 2051 to 2052, -70000 overflows (numpy).
  auto i = tensor<int64_t>(DType::I64, {3}, {2049, 2051, -70000});
  auto yi = output(DType::F16, {3});
  ASSERT_TRUE(runs(cast, {&i}, {&yi}));
  EXPECT_EQ(yi.values<uint16_t>(), (std::vector<uint16_t>{0x6800, 0x6802, 0xFC00}));
}

TEST(Elementwise, CastLike) {
  // The target's type (input 1) is the output's; its values are unused.
  KernelRunner castLike("CastLike");
  auto x = f32({2}, {1.5f, -2});
  auto like = tensor<uint16_t>(DType::F16, {1}, {0});
  auto y = output(DType::F16, {2});
  ASSERT_TRUE(runs(castLike, {&x, &like}, {&y}));
  EXPECT_EQ(y.values<uint16_t>(), (std::vector<uint16_t>{0x3E00, 0xC000}));
}

//===--- Quantization -----------------------------------------------------===//

TEST(Elementwise, QuantizeLinearRoundsAndSaturates) {
  // np.clip(np.rint(x / 2) + 128, 0, 255): the first six are ONNX's test;
  // 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -0.5 -> 0, -1.5 -> -2 (half to even).
  KernelRunner q("QuantizeLinear");
  auto x = f32({11}, {0, 2, 3, 1000, -254, -1000, 1, 3, 5, -1, -3});
  auto scale = f32({}, {2});
  auto zp = tensor<uint8_t>(DType::U8, {}, {128});
  auto y = output(DType::U8, {11});
  ASSERT_TRUE(runs(q, {&x, &scale, &zp}, {&y}));
  EXPECT_EQ(y.values<uint8_t>(),
            (std::vector<uint8_t>{128, 129, 130, 255, 1, 0, 128, 130, 130, 128, 126}));

  // No zero point: 0, and uint8 (the compiler types the output).
  auto x3 = f32({3}, {-5, 7, 600});
  auto y3 = output(DType::U8, {3});
  ASSERT_TRUE(runs(q, {&x3, &scale, nullptr}, {&y3}));
  EXPECT_EQ(y3.values<uint8_t>(), (std::vector<uint8_t>{0, 4, 255}));

  // int8, zero point 0: np.clip(np.rint(x / 2), -128, 127).
  auto xi = f32({12}, {-300, -257, -2, -1, 0, 1, 3, 254, 255, 300, 127.5f, -128.5f});
  auto zi = tensor<int8_t>(DType::I8, {}, {0});
  auto yi = output(DType::I8, {12});
  ASSERT_TRUE(runs(q, {&xi, &scale, &zi}, {&yi}));
  EXPECT_EQ(yi.values<int8_t>(),
            (std::vector<int8_t>{-128, -128, -1, 0, 0, 0, 2, 127, 127, 127, 64, -64}));
}

TEST(Elementwise, QuantizeLinearPerAxis) {
  // x [2,3], axis 1, scale [1,2,4], zero point [0,10,20] (int8); numpy.
  KernelRunner q("QuantizeLinear", {integer("axis", 1)});
  auto x = f32({2, 3}, {1.5f, 3, -8, 100, -300, 2});
  auto scale = f32({3}, {1, 2, 4});
  auto zp = tensor<int8_t>(DType::I8, {3}, {0, 10, 20});
  auto y = output(DType::I8, {2, 3});
  ASSERT_TRUE(runs(q, {&x, &scale, &zp}, {&y}));
  EXPECT_EQ(y.values<int8_t>(), (std::vector<int8_t>{2, 12, 18, 100, -128, 20}));
  // A scale that does not match the axis is rejected.
  auto bad = f32({2}, {1, 2});
  auto zp2 = tensor<int8_t>(DType::I8, {2}, {0, 0});
  EXPECT_EQ(q.run({&x, &bad, &zp2}, {&y}), Status::KernelError);
  EXPECT_EQ(q.message(), "QuantizeLinear 'test': per-axis scale of 2 elements does not match "
                         "axis 1 of the input");
}

TEST(Elementwise, DequantizeLinear) {
  // ONNX's per-tensor test: (x - 128) * 2.
  KernelRunner dq("DequantizeLinear");
  auto x = tensor<uint8_t>(DType::U8, {4}, {0, 3, 128, 255});
  auto scale = f32({}, {2});
  auto zp = tensor<uint8_t>(DType::U8, {}, {128});
  auto y = output(DType::F32, {4});
  ASSERT_TRUE(runs(dq, {&x, &scale, &zp}, {&y}));
  EXPECT_EQ(y.values<float>(), (std::vector<float>{-256, -250, 0, 254}));
  // int32 without a zero point.
  auto xi = tensor<int32_t>(DType::I32, {2}, {-1000000, 7});
  auto yi = output(DType::F32, {2});
  ASSERT_TRUE(runs(dq, {&xi, &scale}, {&yi}));
  EXPECT_EQ(yi.values<float>(), (std::vector<float>{-2000000, 14}));
}

TEST(Elementwise, DequantizeLinearPerAxis) {
  // x = np.arange(12).reshape(2,3,2) * 20 (uint8), axis 1, scale
  // [0.5, 2, 0.1], zero point [10, 0, 128]; numpy:
  // (x.astype(f32) - zp.reshape(1,3,1)) * scale.reshape(1,3,1).
  KernelRunner dq("DequantizeLinear"); // axis defaults to 1
  auto x = tensor<uint8_t>(DType::U8, {2, 3, 2}, {0, 20, 40, 60, 80, 100, 120, 140, 160, 180, 200, 220});
  auto scale = f32({3}, {0.5f, 2, 0.1f});
  auto zp = tensor<uint8_t>(DType::U8, {3}, {10, 0, 128});
  auto y = output(DType::F32, {2, 3, 2});
  ASSERT_TRUE(runs(dq, {&x, &scale, &zp}, {&y}));
  expectNear(y.values<float>(), {-5, 5, 80, 120, -4.80000019f, -2.79999995f, 55, 65, 320, 360,
                                 7.20000029f, 9.19999981f});
  // int8 along axis 0 (negative axis), no zero point: x * [0.25, 3].
  KernelRunner dq0("DequantizeLinear", {integer("axis", -2)});
  auto xi = tensor<int8_t>(DType::I8, {2, 3}, {-128, 0, 127, 5, -5, 1});
  auto s0 = f32({2}, {0.25f, 3});
  auto y0 = output(DType::F32, {2, 3});
  ASSERT_TRUE(runs(dq0, {&xi, &s0}, {&y0}));
  EXPECT_EQ(y0.values<float>(), (std::vector<float>{-32, 0, 31.75f, 15, -15, 3}));
}

//===--- Errors -----------------------------------------------------------===//

TEST(Elementwise, UnsupportedTypesFail) {
  KernelRunner sin("Sin");
  auto i = tensor<int32_t>(DType::I32, {2}, {1, 2});
  auto yi = output(DType::I32, {2});
  EXPECT_EQ(sin.run({&i}, {&yi}), Status::KernelError);
  EXPECT_EQ(sin.message(), "Sin 'test': does not support element type i32");

  KernelRunner andOp("And");
  auto f = f32({2}, {1, 0});
  auto yf = output(DType::F32, {2});
  EXPECT_EQ(andOp.run({&f, &f}, {&yf}), Status::KernelError);
  EXPECT_EQ(andOp.message(), "And 'test': does not support element type f32");

  KernelRunner add("Add");
  EXPECT_EQ(add.run({&f, &i}, {&yf}), Status::KernelError);
  EXPECT_EQ(add.message(), "Add 'test': inputs must have one element type, got f32 and i32");

  KernelRunner bitShift("BitShift", {str("direction", "LEFT")});
  EXPECT_EQ(bitShift.run({&i, &i}, {&yi}), Status::KernelError);
  EXPECT_EQ(bitShift.message(), "BitShift 'test': does not support element type i32");

  KernelRunner less("Less");
  EXPECT_EQ(less.run({&f, &f}, {&yf}), Status::KernelError);
  EXPECT_EQ(less.message(), "Less 'test': output must be bool, got f32");
}

TEST(Elementwise, BadShapesFailInPrepare) {
  // [3] does not broadcast to [2, 2]; checked before any element is touched.
  KernelRunner mul("Mul");
  auto a = f32({2, 2}, {1, 2, 3, 4}), b = f32({3}, {1, 2, 3});
  auto y = output(DType::F32, {2, 2});
  EXPECT_EQ(mul.run({&a, &b}, {&y}), Status::KernelError);
  EXPECT_EQ(mul.message(), "Mul 'test': input 1 does not broadcast to the output shape");
  KernelRunner exp("Exp");
  auto small = output(DType::F32, {3});
  EXPECT_EQ(exp.run({&a}, {&small}), Status::KernelError);
  EXPECT_EQ(exp.message(), "Exp 'test': input has 4 elements, output 3");
}

TEST(Elementwise, EveryKindIsRegistered) {
  const char *kinds[] = {
      "Abs", "Acos", "Acosh", "Add", "And", "Asin", "Asinh", "Atan", "Atanh", "BitShift",
      "Cast", "CastLike", "Ceil", "Celu", "Clip", "Cos", "Cosh", "Div", "Elu", "Equal", "Erf",
      "Exp", "Floor", "Greater", "GreaterOrEqual", "HardSigmoid", "HardSwish", "IsInf",
      "IsNaN", "LeakyRelu", "Less", "LessOrEqual", "Log", "Max", "Mean", "Min", "Mod", "Mul",
      "Neg", "Not", "Or", "PRelu", "Pow", "Reciprocal", "Relu", "Round", "Selu", "Shrink",
      "Sigmoid", "Sign", "Sin", "Sinh", "Softplus", "Softsign", "Sqrt", "Sub", "Sum", "Tan",
      "Tanh", "ThresholdedRelu", "Where", "Xor", "QuantizeLinear", "DequantizeLinear"};
  for (const char *k : kinds) {
    const KernelDef *def = findReferenceKernel(k);
    ASSERT_NE(def, nullptr) << k;
    EXPECT_NE(def->prepare, nullptr) << k;
  }
}

} // namespace
