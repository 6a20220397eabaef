//===- FusedKernelsTest.cpp - Iron's own kernels against the unfused ops --===//
//
// Each fused kernel (FusedConv, FusedMatMul, Elementwise, Gelu, Attention)
// runs on seeded random inputs and is compared with the ONNX operators it
// replaces, run one after another with their reference kernels
// (findReferenceKernel): relative L2 error <= 1e-6 (1e-5 for Gelu and
// Attention, whose exp/erf/tanh chains differ from the composition by a
// few ulps). Shapes cover odd sizes, broadcasting, groups and depthwise,
// every activation, with and without bias, residual and mask, and every
// instruction-set path this CPU supports. A disabled test times FusedConv
// against Conv + Add + Relu.
//
//===----------------------------------------------------------------------===//

#include "KernelTestUtil.h"
#include "kernels/optimized/Epilogue.h"
#include "kernels/optimized/Gemm.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <sstream>
#include <string>

using namespace iron::rt;
using namespace iron::rt::test;
namespace opt = iron::rt::optimized;

namespace {

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

OwnedTensor randomTensor(std::mt19937 &rng, std::vector<int64_t> shape, float lo = -1.0f,
                         float hi = 1.0f) {
  OwnedTensor t(DType::F32, shape);
  std::uniform_real_distribution<float> dist(lo, hi);
  float *p = t.view.as<float>();
  for (int64_t i = 0; i < t.view.numel(); ++i)
    p[i] = dist(rng);
  return t;
}

/// An output full of garbage: kernels must write every element.
OwnedTensor garbage(std::vector<int64_t> shape) {
  OwnedTensor t(DType::F32, shape);
  std::memset(t.view.data, 0xA5, t.view.bytes());
  return t;
}

OwnedTensor scalar(float v) { return OwnedTensor::f32({}, {v}); }

/// dst = src (OwnedTensor moves but does not assign; its data stays put).
void assign(OwnedTensor &dst, OwnedTensor &&src) {
  dst.storage = std::move(src.storage);
  dst.view = src.view;
}

std::vector<int64_t> shapeOf(const OwnedTensor &t) {
  return std::vector<int64_t>(t.view.shape, t.view.shape + t.view.rank);
}

/// ||got - want|| / ||want|| (infinite when got has a NaN).
double relativeL2(const OwnedTensor &got, const OwnedTensor &want) {
  EXPECT_EQ(got.view.numel(), want.view.numel());
  const float *g = got.view.as<float>(), *w = want.view.as<float>();
  double err = 0, norm = 0;
  for (int64_t i = 0; i < want.view.numel(); ++i) {
    if (std::isnan(g[i]))
      return INFINITY;
    double d = double(g[i]) - double(w[i]);
    err += d * d;
    norm += double(w[i]) * double(w[i]);
  }
  return norm > 0 ? std::sqrt(err / norm) : std::sqrt(err);
}

/// Runs the reference kernel of `kind` and returns its output.
OwnedTensor ref(const char *kind, std::vector<AttrSpec> attrs,
                std::vector<const OwnedTensor *> inputs, std::vector<int64_t> outShape) {
  KernelRunner runner(kind, std::move(attrs));
  OwnedTensor out = garbage(outShape);
  Status s = runner.run(findReferenceKernel(kind), std::move(inputs), {&out});
  EXPECT_EQ(s, Status::Ok) << kind << ": " << runner.message();
  return out;
}

/// The reference ops an activation stands for, applied to x.
OwnedTensor refActivation(const std::string &act, const std::vector<float> &p,
                          const OwnedTensor &x) {
  std::vector<int64_t> s = shapeOf(x);
  if (act.empty()) {
    OwnedTensor copy(DType::F32, s);
    std::memcpy(copy.view.data, x.view.data, x.view.bytes());
    return copy;
  }
  if (act == "Relu" || act == "Sigmoid" || act == "HardSwish" || act == "Tanh")
    return ref(act.c_str(), {}, {&x}, s);
  if (act == "Clip") {
    OwnedTensor lo = scalar(p[0]), hi = scalar(p[1]);
    return ref("Clip", {}, {&x, &lo, &hi}, s);
  }
  if (act == "LeakyRelu")
    return ref("LeakyRelu", {real("alpha", p[0])}, {&x}, s);
  if (act == "HardSigmoid")
    return ref("HardSigmoid", {real("alpha", p[0]), real("beta", p[1])}, {&x}, s);
  if (act == "SiLU") {
    OwnedTensor sig = ref("Sigmoid", {}, {&x}, s);
    return ref("Mul", {}, {&x, &sig}, s);
  }
  if (act == "Gelu") { // as exporters write it
    OwnedTensor root2 = scalar(1.4142135623730951f), one = scalar(1.0f), half = scalar(0.5f);
    OwnedTensor d = ref("Div", {}, {&x, &root2}, s);
    OwnedTensor e = ref("Erf", {}, {&d}, s);
    OwnedTensor a = ref("Add", {}, {&e, &one}, s);
    OwnedTensor m = ref("Mul", {}, {&x, &a}, s);
    return ref("Mul", {}, {&m, &half}, s);
  }
  if (act == "GeluTanh") {
    OwnedTensor kappa = scalar(0.044715f), beta = scalar(0.7978845608028654f),
                one = scalar(1.0f), half = scalar(0.5f);
    OwnedTensor sq = ref("Mul", {}, {&x, &x}, s);
    OwnedTensor cube = ref("Mul", {}, {&x, &sq}, s);
    OwnedTensor kc = ref("Mul", {}, {&kappa, &cube}, s);
    OwnedTensor sum = ref("Add", {}, {&x, &kc}, s);
    OwnedTensor inner = ref("Mul", {}, {&beta, &sum}, s);
    OwnedTensor t = ref("Tanh", {}, {&inner}, s);
    OwnedTensor a = ref("Add", {}, {&one, &t}, s);
    OwnedTensor m = ref("Mul", {}, {&x, &a}, s);
    return ref("Mul", {}, {&half, &m}, s);
  }
  ADD_FAILURE() << "no composition for " << act;
  return garbage(s);
}

std::vector<AttrSpec> activationAttrs(const std::string &act, const std::vector<float> &p) {
  std::vector<AttrSpec> a;
  if (!act.empty())
    a.push_back(str("activation", act));
  if (!p.empty())
    a.push_back(floats("activation_params", p));
  return a;
}

/// The instruction-set paths this CPU supports.
std::vector<opt::Isa> isas() {
  std::vector<opt::Isa> v;
  for (opt::Isa i : {opt::Isa::Generic, opt::Isa::Avx2, opt::Isa::Avx512})
    if (opt::isaSupported(i))
      v.push_back(i);
  return v;
}

/// Runs the optimized `kind` on every ISA path and compares with `want`.
void expectFused(const char *kind, const std::vector<AttrSpec> &attrs,
                 const std::vector<const OwnedTensor *> &inputs, const OwnedTensor &want,
                 double tolerance, const std::string &what) {
  const KernelDef *def = findKernel(kind);
  ASSERT_NE(def, nullptr) << kind;
  KernelRunner runner(kind, attrs);
  opt::Isa saved = opt::activeIsa();
  for (opt::Isa isa : isas()) {
    opt::forceIsa(isa);
    OwnedTensor got = garbage(shapeOf(want));
    Status s = runner.run(def, inputs, {&got});
    EXPECT_EQ(s, Status::Ok) << what << " [" << opt::isaName(isa) << "]: " << runner.message();
    if (s != Status::Ok)
      continue;
    double err = relativeL2(got, want);
    EXPECT_LE(err, tolerance) << what << " [" << opt::isaName(isa) << "]";
  }
  opt::forceIsa(saved);
}

std::string dims(const std::vector<int64_t> &s) {
  std::ostringstream o;
  o << "[";
  for (size_t i = 0; i < s.size(); ++i)
    o << (i ? "," : "") << s[i];
  o << "]";
  return o.str();
}

const std::vector<std::pair<std::string, std::vector<float>>> kActivations = {
    {"", {}},
    {"Relu", {}},
    {"Clip", {-0.25f, 0.5f}},
    {"LeakyRelu", {0.15f}},
    {"Sigmoid", {}},
    {"HardSigmoid", {0.3f, 0.4f}},
    {"HardSwish", {}},
    {"SiLU", {}},
    {"Gelu", {}},
    {"GeluTanh", {}},
    {"Tanh", {}},
};

//===----------------------------------------------------------------------===//
// exp
//===----------------------------------------------------------------------===//

int ulpDistance(float a, float b) {
  int32_t ia, ib;
  std::memcpy(&ia, &a, 4);
  std::memcpy(&ib, &b, 4);
  return std::abs(ia - ib);
}

TEST(VectorExp, WithinTwoUlpOfStdExp) {
  // Every 97th float from -105 to 89, where results go from 0 through
  // subnormals to the largest finite value: negatives by decreasing
  // magnitude, then positives.
  int worst = 0;
  float at = 0;
  long checked = 0;
  auto check = [&](uint32_t bits) {
    float x;
    std::memcpy(&x, &bits, 4);
    int d = ulpDistance(opt::expOf(x), std::exp(x));
    if (d > worst) {
      worst = d;
      at = x;
    }
    ++checked;
  };
  float lo = -105.0f, hi = 89.0f;
  uint32_t loBits, hiBits;
  std::memcpy(&loBits, &lo, 4);
  std::memcpy(&hiBits, &hi, 4);
  for (uint32_t b = loBits; b > 0x80000000u + 97; b -= 97)
    check(b);
  for (uint32_t b = 0; b < hiBits; b += 97)
    check(b);
  EXPECT_GT(checked, 20000000);
  EXPECT_LE(worst, 2) << "at " << at;
  for (float x : {0.0f, -0.0f, 1.0f, -1.0f, 88.72f, 88.73f, -87.3f, -103.9f, -104.0f, 200.0f,
                  -200.0f, INFINITY, -INFINITY})
    EXPECT_LE(ulpDistance(opt::expOf(x), std::exp(x)), 2) << x;
  EXPECT_TRUE(std::isnan(opt::expOf(NAN)));
}

/// The largest ulp distance of fn from the correctly rounded ref (computed
/// in double) over every 97th float of [-limit, limit] and some specials.
template <typename Fn, typename Ref>
void expectWithinUlps(const char *name, Fn fn, Ref ref, float limit, int ulps) {
  int worst = 0;
  float at = 0;
  long checked = 0;
  auto check = [&](float x) {
    int d = ulpDistance(fn(x), float(ref(double(x))));
    if (d > worst) {
      worst = d;
      at = x;
    }
    ++checked;
  };
  uint32_t limitBits;
  std::memcpy(&limitBits, &limit, 4);
  for (uint32_t b = 0; b < limitBits; b += 97) {
    float x;
    std::memcpy(&x, &b, 4);
    check(x);
    check(-x);
  }
  for (float x : {0.0f, -0.0f, 0.625f, -0.625f, 1.0f, -1.0f, 3.92f, -3.92f, 1e-30f, -1e-30f,
                  1e-45f, 20.0f, -20.0f, 1e30f, -1e30f, INFINITY, -INFINITY})
    check(x);
  EXPECT_GT(checked, 20000000) << name;
  EXPECT_LE(worst, ulps) << name << " at " << at;
  EXPECT_TRUE(std::isnan(fn(NAN))) << name;
}

TEST(VectorErfTanh, WithinThreeUlpOfCorrectlyRounded) {
  expectWithinUlps("erf", [](float x) { return opt::erfOf(x); },
                   [](double x) { return std::erf(x); }, 6.0f, 3);
  expectWithinUlps("tanh", [](float x) { return opt::tanhOf(x); },
                   [](double x) { return std::tanh(x); }, 12.0f, 3);
}

//===----------------------------------------------------------------------===//
// FusedConv
//===----------------------------------------------------------------------===//

struct ConvCase {
  int64_t n, c, m, group;
  std::vector<int64_t> in, kernel, strides, pads;
  bool bias, residual;
  std::string act;
  std::vector<float> params;
};

void runFusedConv(std::mt19937 &rng, const ConvCase &k) {
  size_t nsp = k.in.size();
  std::vector<int64_t> xs = {k.n, k.c}, ws = {k.m, k.c / k.group}, ys = {k.n, k.m};
  for (size_t i = 0; i < nsp; ++i) {
    xs.push_back(k.in[i]);
    ws.push_back(k.kernel[i]);
    ys.push_back((k.in[i] + k.pads[i] + k.pads[nsp + i] - k.kernel[i]) / k.strides[i] + 1);
  }
  OwnedTensor x = randomTensor(rng, xs), w = randomTensor(rng, ws), b = randomTensor(rng, {k.m}),
              z = randomTensor(rng, ys);
  std::vector<AttrSpec> convAttrs = {integer("group", k.group), ints("strides", k.strides),
                                     ints("pads", k.pads)};
  // Unfused: Conv, Add, activation.
  OwnedTensor want = ref("Conv", convAttrs, {&x, &w, k.bias ? &b : nullptr}, ys);
  if (k.residual)
    assign(want, ref("Add", {}, {&want, &z}, ys));
  assign(want, refActivation(k.act, k.params, want));

  std::vector<AttrSpec> attrs = convAttrs;
  for (AttrSpec &a : activationAttrs(k.act, k.params))
    attrs.push_back(a);
  std::ostringstream what;
  what << "FusedConv x" << dims(xs) << " w" << dims(ws) << " g" << k.group << " s"
       << dims(k.strides) << " p" << dims(k.pads) << (k.bias ? " bias" : "")
       << (k.residual ? " residual" : "") << " '" << k.act << "'";
  expectFused("FusedConv", attrs,
              {&x, &w, k.bias ? &b : nullptr, k.residual ? &z : nullptr}, want, 1e-6,
              what.str());
}

TEST(FusedConv, BiasResidualRelu3x3) {
  std::mt19937 rng(1);
  runFusedConv(rng, {1, 8, 12, 1, {9, 11}, {3, 3}, {1, 1}, {1, 1, 1, 1}, true, true, "Relu", {}});
  runFusedConv(rng, {2, 7, 5, 1, {13, 6}, {3, 3}, {1, 1}, {1, 0, 0, 1}, true, true, "Relu", {}});
}

TEST(FusedConv, EveryActivation) {
  std::mt19937 rng(2);
  for (const auto &[act, params] : kActivations) {
    runFusedConv(rng, {1, 5, 7, 1, {13, 10}, {3, 3}, {2, 2}, {1, 1, 1, 1}, true, false, act,
                       params});
    runFusedConv(rng, {1, 6, 4, 2, {8, 9}, {3, 2}, {1, 1}, {0, 1, 1, 0}, false, true, act,
                       params});
  }
}

TEST(FusedConv, Depthwise) {
  std::mt19937 rng(3);
  for (int64_t stride : {1, 2}) {
    runFusedConv(rng, {1, 16, 16, 16, {15, 17}, {3, 3}, {stride, stride}, {1, 1, 1, 1}, true,
                       true, "Clip", {0.0f, 0.5f}});
    runFusedConv(rng, {2, 8, 8, 8, {11, 21}, {5, 5}, {stride, stride}, {2, 2, 2, 2}, false, true,
                       "SiLU", {}});
  }
  // A channel multiplier of 2 and a 7-wide kernel.
  runFusedConv(rng, {1, 4, 8, 4, {9, 30}, {1, 7}, {1, 1}, {0, 3, 0, 3}, true, false, "HardSwish",
                     {}});
}

TEST(FusedConv, PointwiseAndWide) {
  std::mt19937 rng(4);
  // 1x1: the plain GEMM path.
  runFusedConv(rng, {1, 32, 48, 1, {7, 9}, {1, 1}, {1, 1}, {0, 0, 0, 0}, true, true, "SiLU", {}});
  // A feature map wide enough for the wide path with bands of rows.
  runFusedConv(rng, {1, 16, 24, 1, {70, 45}, {3, 3}, {1, 1}, {1, 1, 1, 1}, true, true, "Relu",
                     {}});
  // Strided and large: im2col bands, several K blocks.
  runFusedConv(rng, {1, 40, 20, 1, {19, 23}, {3, 3}, {2, 2}, {1, 1, 1, 1}, true, true,
                     "LeakyRelu", {0.1f}});
  // 1-D.
  runFusedConv(rng, {2, 3, 5, 1, {31}, {4}, {2}, {1, 2}, true, true, "Tanh", {}});
}

// Squeeze-and-excitation: 1x1 on a 1x1 map, one output column per channel.
// The GEMM takes its dot-product path and the epilogue sees all channels as
// one contiguous run; a residual must still line up channel by channel.
TEST(FusedConv, PointwiseOnOnePixel) {
  std::mt19937 rng(5);
  runFusedConv(rng, {1, 48, 1152, 1, {1, 1}, {1, 1}, {1, 1}, {0, 0, 0, 0}, true, false, "Sigmoid",
                     {}});
  runFusedConv(rng, {2, 240, 10, 1, {1, 1}, {1, 1}, {1, 1}, {0, 0, 0, 0}, true, true, "SiLU", {}});
  runFusedConv(rng, {1, 12, 18, 3, {1, 1}, {1, 1}, {1, 1}, {0, 0, 0, 0}, false, true,
                     "HardSigmoid", {0.2f, 0.5f}});
}

TEST(FusedConv, RejectsBadOperands) {
  OwnedTensor x = OwnedTensor::zeros(DType::F32, {1, 2, 4, 4}),
              w = OwnedTensor::zeros(DType::F32, {3, 2, 3, 3}),
              z = OwnedTensor::zeros(DType::F32, {1, 3, 2, 3}),
              y = OwnedTensor::zeros(DType::F32, {1, 3, 2, 2});
  KernelRunner badZ("FusedConv");
  EXPECT_EQ(badZ.run({&x, &w, nullptr, &z}, {&y}), Status::KernelError);
  KernelRunner badAct("FusedConv", {str("activation", "Swish")});
  EXPECT_EQ(badAct.run({&x, &w}, {&y}), Status::KernelError);
  KernelRunner badParams("FusedConv", {str("activation", "Clip"), floats("activation_params", {1})});
  EXPECT_EQ(badParams.run({&x, &w}, {&y}), Status::KernelError);
}

//===----------------------------------------------------------------------===//
// FusedMatMul
//===----------------------------------------------------------------------===//

void runFusedMatMul(std::mt19937 &rng, std::vector<int64_t> as, std::vector<int64_t> bs,
                    std::vector<int64_t> ys, bool bias, bool residual, const std::string &act,
                    const std::vector<float> &params) {
  int64_t n = bs.size() == 1 ? 1 : bs.back();
  OwnedTensor a = randomTensor(rng, as), b = randomTensor(rng, bs),
              c = randomTensor(rng, {n}), z = randomTensor(rng, ys);
  OwnedTensor want = ref("MatMul", {}, {&a, &b}, ys);
  if (bias)
    assign(want, ref("Add", {}, {&want, &c}, ys));
  if (residual)
    assign(want, ref("Add", {}, {&want, &z}, ys));
  assign(want, refActivation(act, params, want));
  std::ostringstream what;
  what << "FusedMatMul a" << dims(as) << " b" << dims(bs) << (bias ? " bias" : "")
       << (residual ? " residual" : "") << " '" << act << "'";
  expectFused("FusedMatMul", activationAttrs(act, params),
              {&a, &b, bias ? &c : nullptr, residual ? &z : nullptr}, want, 1e-6, what.str());
}

TEST(FusedMatMul, StackedBatchesWithBiasAndResidual) {
  std::mt19937 rng(5);
  runFusedMatMul(rng, {2, 3, 5, 7}, {7, 9}, {2, 3, 5, 9}, true, true, "Relu", {});
  runFusedMatMul(rng, {37, 29}, {29, 45}, {37, 45}, true, false, "", {});
}

TEST(FusedMatMul, EveryActivation) {
  std::mt19937 rng(6);
  for (const auto &[act, params] : kActivations)
    runFusedMatMul(rng, {13, 17}, {17, 21}, {13, 21}, true, true, act, params);
}

TEST(FusedMatMul, BroadcastAndVectors) {
  std::mt19937 rng(7);
  // Per-batch GEMMs with broadcast batch dims.
  runFusedMatMul(rng, {3, 1, 4, 6}, {5, 6, 11}, {3, 5, 4, 11}, true, true, "GeluTanh", {});
  // B a vector: one column, the bias is one value (gemv).
  runFusedMatMul(rng, {7, 4}, {4}, {7}, true, true, "Sigmoid", {});
  // A single row (gevm).
  runFusedMatMul(rng, {1, 16}, {16, 33}, {1, 33}, true, true, "Tanh", {});
  runFusedMatMul(rng, {16}, {16, 33}, {33}, true, false, "HardSwish", {});
}

TEST(FusedMatMul, SeveralBlocks) {
  std::mt19937 rng(8);
  // M over one M block (240 rows), K over one K block (256).
  runFusedMatMul(rng, {600, 300}, {300, 70}, {600, 70}, true, true, "Gelu", {});
  runFusedMatMul(rng, {2, 260, 270}, {270, 530}, {2, 260, 530}, true, true, "Clip",
                 {-0.5f, 0.5f});
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

/// An Elementwise kernel running `code`, with run(inputs, out).
class ProgramRunner {
public:
  explicit ProgramRunner(const std::vector<std::string> &code)
      : runner_("Elementwise", {strings("program", code)}) {}
  Status run(std::vector<const OwnedTensor *> inputs, OwnedTensor &out) {
    return runner_.run(std::move(inputs), {&out});
  }
  const std::string &message() const { return runner_.message(); }

private:
  KernelRunner runner_;
};

void expectProgram(const std::vector<std::string> &code,
                   const std::vector<const OwnedTensor *> &inputs, const OwnedTensor &want,
                   double tolerance, const std::string &what) {
  ProgramRunner runner(code);
  OwnedTensor got = garbage(shapeOf(want));
  ASSERT_EQ(runner.run(inputs, got), Status::Ok) << what << ": " << runner.message();
  EXPECT_LE(relativeL2(got, want), tolerance) << what;
}

TEST(Elementwise, SiLU) {
  std::mt19937 rng(9);
  OwnedTensor x = randomTensor(rng, {3, 700}, -6.0f, 6.0f);
  OwnedTensor s = ref("Sigmoid", {}, {&x}, {3, 700});
  OwnedTensor want = ref("Mul", {}, {&x, &s}, {3, 700});
  expectProgram({"Sigmoid t0 i0", "Mul t1 i0 t0"}, {&x}, want, 1e-6, "SiLU");
}

TEST(Elementwise, BroadcastInputs) {
  std::mt19937 rng(10);
  std::vector<int64_t> ys = {2, 3, 17, 19};
  OwnedTensor x = randomTensor(rng, ys), s = randomTensor(rng, {3, 1, 1}),
              b = randomTensor(rng, {19}), c = randomTensor(rng, {1}),
              r = randomTensor(rng, {2, 1, 17, 1}), q = randomTensor(rng, {17, 19});
  // ((x * s + b - c) clipped) * r + q, with a temporary rewritten in place.
  OwnedTensor m = ref("Mul", {}, {&x, &s}, ys);
  OwnedTensor a = ref("Add", {}, {&m, &b}, ys);
  OwnedTensor d = ref("Sub", {}, {&a, &c}, ys);
  OwnedTensor lo = scalar(-0.5f), hi = scalar(0.75f);
  OwnedTensor k = ref("Clip", {}, {&d, &lo, &hi}, ys);
  OwnedTensor e = ref("Mul", {}, {&k, &r}, ys);
  OwnedTensor want = ref("Add", {}, {&e, &q}, ys);
  expectProgram({"Mul t0 i0 i1", "Add t0 t0 i2", "Sub t1 t0 i3", "Clip t2 t1 -0.5 0.75",
                 "Mul t2 t2 i4", "Add t3 t2 i5"},
                {&x, &s, &b, &c, &r, &q}, want, 1e-6, "broadcast");
}

TEST(Elementwise, EveryOperation) {
  std::mt19937 rng(11);
  std::vector<int64_t> ys = {5, 301};
  OwnedTensor x = randomTensor(rng, ys, -3.0f, 3.0f), y = randomTensor(rng, ys, -3.0f, 3.0f),
              pos = randomTensor(rng, ys, 0.1f, 4.0f), e = randomTensor(rng, {301}, -2.0f, 2.0f);
  for (const char *op : {"Add", "Sub", "Mul", "Div", "Min", "Max"}) {
    OwnedTensor want = ref(op, {}, {&x, &y}, ys);
    expectProgram({std::string(op) + " t0 i0 i1"}, {&x, &y}, want, 1e-6, op);
  }
  {
    OwnedTensor want = ref("Pow", {}, {&pos, &e}, ys);
    expectProgram({"Pow t0 i0 i1"}, {&pos, &e}, want, 1e-6, "Pow");
  }
  for (const char *op : {"Neg", "Abs", "Relu", "Sigmoid", "Tanh", "Exp", "Erf", "Reciprocal",
                         "HardSwish"}) {
    OwnedTensor want = ref(op, {}, {&x}, ys);
    expectProgram({std::string(op) + " t0 i0"}, {&x}, want, 1e-6, op);
  }
  for (const char *op : {"Log", "Sqrt"}) {
    OwnedTensor want = ref(op, {}, {&pos}, ys);
    expectProgram({std::string(op) + " t0 i0"}, {&pos}, want, 1e-6, op);
  }
  {
    OwnedTensor want = ref("LeakyRelu", {real("alpha", 0.2f)}, {&x}, ys);
    expectProgram({"LeakyRelu t0 i0 0.2"}, {&x}, want, 1e-6, "LeakyRelu");
  }
  {
    OwnedTensor want = ref("HardSigmoid", {real("alpha", 0.25f), real("beta", 0.6f)}, {&x}, ys);
    expectProgram({"HardSigmoid t0 i0 0.25 0.6"}, {&x}, want, 1e-6, "HardSigmoid");
  }
  {
    OwnedTensor lo = scalar(-1.0f), hi = scalar(2.5f);
    OwnedTensor want = ref("Clip", {}, {&x, &lo, &hi}, ys);
    expectProgram({"Clip t0 i0 -1 2.5"}, {&x}, want, 1e-6, "Clip");
  }
  expectProgram({"Mov t0 i0"}, {&x}, x, 0.0, "Mov");
  expectProgram({"Neg t0 i0", "Mov t1 t0", "Neg t2 t1"}, {&x}, x, 0.0, "Mov chain");
}

TEST(Elementwise, ResultMayOverwriteInputZero) {
  std::mt19937 rng(12);
  OwnedTensor x = randomTensor(rng, {4, 333}), b = randomTensor(rng, {333});
  OwnedTensor t = ref("Mul", {}, {&x, &x}, {4, 333});
  OwnedTensor want = ref("Add", {}, {&t, &b}, {4, 333});
  // Y shares X's memory, as the memory planner may place it.
  OwnedTensor y(DType::F32, {4, 333});
  y.view.data = x.view.data;
  ProgramRunner runner({"Mul t0 i0 i0", "Add t1 t0 i1"});
  ASSERT_EQ(runner.run({&x, &b}, y), Status::Ok) << runner.message();
  EXPECT_LE(relativeL2(y, want), 1e-6);
}

TEST(Elementwise, RejectsBadPrograms) {
  OwnedTensor x = OwnedTensor::zeros(DType::F32, {2, 3}), y = OwnedTensor::zeros(DType::F32, {2, 3}),
              big = OwnedTensor::zeros(DType::F32, {4, 2, 3});
  for (const std::vector<std::string> &code :
       {std::vector<std::string>{}, {"Softplus t0 i0"}, {"Add t0 i0"}, {"Neg i0 i0"},
        {"Mul t1 t0 i0"}, {"Add t0 i0 i1"}, {"Abs t0 x0"}, {"Clip t0 i0 0 six"},
        {"Relu t0 i0 i0"}}) {
    ProgramRunner runner(code);
    EXPECT_EQ(runner.run({&x}, y), Status::KernelError) << (code.empty() ? "" : code[0]);
  }
  ProgramRunner grows({"Add t0 i0 i1"});
  EXPECT_EQ(grows.run({&x, &big}, y), Status::KernelError);
}

//===----------------------------------------------------------------------===//
// Gelu
//===----------------------------------------------------------------------===//

TEST(Gelu, BothForms) {
  std::mt19937 rng(13);
  OwnedTensor x = randomTensor(rng, {5, 1000}, -5.0f, 5.0f);
  expectFused("Gelu", {}, {&x}, refActivation("Gelu", {}, x), 1e-5, "Gelu none");
  expectFused("Gelu", {str("approximate", "none")}, {&x}, refActivation("Gelu", {}, x), 1e-5,
              "Gelu none (explicit)");
  expectFused("Gelu", {str("approximate", "tanh")}, {&x}, refActivation("GeluTanh", {}, x), 1e-5,
              "Gelu tanh");
  KernelRunner bad("Gelu", {str("approximate", "fast")});
  OwnedTensor y = garbage({5, 1000});
  EXPECT_EQ(bad.run({&x}, {&y}), Status::KernelError);
}

// The optimized Tanh and Erf kernels against the C library's (the
// reference kernels), over the range where they differ most.
TEST(Unary, TanhAndErfMatchReference) {
  std::mt19937 rng(14);
  OwnedTensor x = randomTensor(rng, {3, 1001}, -6.0f, 6.0f);
  for (const char *kind : {"Tanh", "Erf"})
    expectFused(kind, {}, {&x}, ref(kind, {}, {&x}, {3, 1001}), 1e-6, kind);
}

//===----------------------------------------------------------------------===//
// Attention
//===----------------------------------------------------------------------===//

void runAttention(std::mt19937 &rng, std::vector<int64_t> qs, std::vector<int64_t> ks,
                  std::vector<int64_t> vs, std::vector<int64_t> ys,
                  std::vector<int64_t> maskShape, float scale) {
  OwnedTensor q = randomTensor(rng, qs), kt = randomTensor(rng, ks), v = randomTensor(rng, vs),
              mask = randomTensor(rng, maskShape.empty() ? std::vector<int64_t>{1} : maskShape,
                                  -3.0f, 0.0f);
  std::vector<int64_t> scores = ys;
  scores.back() = ks.back();
  OwnedTensor s = ref("MatMul", {}, {&q, &kt}, scores);
  if (scale != 1.0f) {
    OwnedTensor c = scalar(scale);
    assign(s, ref("Mul", {}, {&s, &c}, scores));
  }
  if (!maskShape.empty())
    assign(s, ref("Add", {}, {&s, &mask}, scores));
  OwnedTensor p = ref("Softmax", {integer("axis", -1)}, {&s}, scores);
  OwnedTensor want = ref("MatMul", {}, {&p, &v}, ys);
  std::ostringstream what;
  what << "Attention q" << dims(qs) << " kt" << dims(ks) << " v" << dims(vs) << " mask"
       << dims(maskShape) << " scale " << scale;
  std::vector<AttrSpec> attrs;
  if (scale != 1.0f)
    attrs.push_back(real("scale", scale));
  expectFused("Attention", attrs, {&q, &kt, &v, maskShape.empty() ? nullptr : &mask}, want, 1e-5,
              what.str());
}

TEST(Attention, MultiHeadWithMask) {
  std::mt19937 rng(14);
  runAttention(rng, {2, 3, 5, 8}, {2, 3, 8, 6}, {2, 3, 6, 4}, {2, 3, 5, 4}, {2, 1, 1, 6}, 0.35f);
  // A full [S, T] causal-style mask shared by every batch-head.
  runAttention(rng, {2, 2, 9, 16}, {2, 2, 16, 9}, {2, 2, 9, 7}, {2, 2, 9, 7}, {9, 9}, 0.25f);
}

TEST(Attention, SingleHeadNoMask) {
  std::mt19937 rng(15);
  runAttention(rng, {7, 16}, {16, 9}, {9, 5}, {7, 5}, {}, 1.0f);
}

TEST(Attention, OneQueryRow) {
  std::mt19937 rng(16);
  // Decoding: S = 1 (the vector kernels), a [T] mask.
  runAttention(rng, {4, 1, 32}, {4, 32, 50}, {4, 50, 16}, {4, 1, 16}, {50}, 0.125f);
}

TEST(Attention, ManyKeysInRowBlocks) {
  std::mt19937 rng(17);
  // T = 3000: blocks of 10 query rows.
  runAttention(rng, {1, 40, 16}, {1, 16, 3000}, {1, 3000, 8}, {1, 40, 8}, {40, 3000}, 0.25f);
}

TEST(Attention, BroadcastKeysAndValues) {
  std::mt19937 rng(18);
  // Keys and values shared across the leading batch dim.
  runAttention(rng, {3, 2, 6, 8}, {1, 2, 8, 10}, {2, 10, 5}, {3, 2, 6, 5}, {3, 1, 6, 10}, 0.5f);
}

//===----------------------------------------------------------------------===//
// Timing (run with --gtest_also_run_disabled_tests)
//===----------------------------------------------------------------------===//

template <typename Fn> double bestOf(int runs, Fn &&fn) {
  double best = 1e30;
  for (int i = 0; i < runs; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    fn();
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = s < best ? s : best;
  }
  return best;
}

TEST(FusedKernelsTiming, DISABLED_FusedConvVersusConvAddRelu) {
  std::mt19937 rng(19);
  OwnedTensor x = randomTensor(rng, {1, 64, 56, 56}), w = randomTensor(rng, {64, 64, 3, 3}),
              b = randomTensor(rng, {64}), z = randomTensor(rng, {1, 64, 56, 56});
  OwnedTensor c = garbage({1, 64, 56, 56}), a = garbage({1, 64, 56, 56}),
              r = garbage({1, 64, 56, 56}), f = garbage({1, 64, 56, 56});
  std::vector<AttrSpec> convAttrs = {ints("pads", {1, 1, 1, 1})};
  KernelRunner conv("Conv", convAttrs), add("Add"), relu("Relu");
  std::vector<AttrSpec> fusedAttrs = convAttrs;
  fusedAttrs.push_back(str("activation", "Relu"));
  KernelRunner fused("FusedConv", fusedAttrs);
  double unfused = bestOf(20, [&] {
    conv.run({&x, &w, &b}, {&c});
    add.run({&c, &z}, {&a});
    relu.run({&a}, {&r});
  });
  double one = bestOf(20, [&] { fused.run({&x, &w, &b, &z}, {&f}); });
  double convOnly = bestOf(20, [&] { conv.run({&x, &w, &b}, {&c}); });
  std::printf("3x3 64->64 at 56x56 [%s]: Conv %.3f ms, Conv+Add+Relu %.3f ms, FusedConv %.3f ms "
              "(%.2fx)\n",
              opt::isaName(opt::activeIsa()), convOnly * 1e3, unfused * 1e3, one * 1e3,
              unfused / one);
  EXPECT_LE(relativeL2(f, r), 1e-6);

  OwnedTensor ea = randomTensor(rng, {1, 256, 56, 56});
  OwnedTensor s = garbage({1, 256, 56, 56}), m = garbage({1, 256, 56, 56}),
              e = garbage({1, 256, 56, 56});
  KernelRunner sig("Sigmoid"), mul("Mul");
  ProgramRunner silu({"Sigmoid t0 i0", "Mul t1 i0 t0"});
  double twoOps = bestOf(10, [&] {
    sig.run({&ea}, {&s});
    mul.run({&ea, &s}, {&m});
  });
  double program = bestOf(10, [&] { silu.run({&ea}, e); });
  std::printf("SiLU on 1x256x56x56: Sigmoid+Mul %.3f ms, Elementwise %.3f ms (%.2fx)\n",
              twoOps * 1e3, program * 1e3, twoOps / program);

  OwnedTensor q = randomTensor(rng, {1, 8, 256, 64}), kt = randomTensor(rng, {1, 8, 64, 256}),
              v = randomTensor(rng, {1, 8, 256, 64}), mask = randomTensor(rng, {1, 1, 1, 256});
  OwnedTensor sc = garbage({1, 8, 256, 256}), sc2 = garbage({1, 8, 256, 256}),
              sc3 = garbage({1, 8, 256, 256}), p = garbage({1, 8, 256, 256}),
              ya = garbage({1, 8, 256, 64}), yb = garbage({1, 8, 256, 64});
  OwnedTensor scaleT = scalar(0.125f);
  KernelRunner mm1("MatMul"), scl("Mul"), addMask("Add"), soft("Softmax", {integer("axis", -1)}),
      mm2("MatMul"), att("Attention", {real("scale", 0.125f)});
  double chain = bestOf(5, [&] {
    mm1.run({&q, &kt}, {&sc});
    scl.run({&sc, &scaleT}, {&sc2});
    addMask.run({&sc2, &mask}, {&sc3});
    soft.run({&sc3}, {&p});
    mm2.run({&p, &v}, {&ya});
  });
  double fusedAtt = bestOf(5, [&] { att.run({&q, &kt, &v, &mask}, {&yb}); });
  std::printf("Attention 8 heads S=T=256 D=64: unfused %.3f ms, Attention %.3f ms (%.2fx)\n",
              chain * 1e3, fusedAtt * 1e3, chain / fusedAtt);
}

} // namespace
