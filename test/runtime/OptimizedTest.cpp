//===- OptimizedTest.cpp - Optimized kernels against the reference ones ---===//
//
// Every case runs the optimized kernel (findKernel) and the reference one
// (findReferenceKernel) on the same seeded random inputs and requires
// max |optimized - reference| <= 1e-4 * max |reference|. Shapes are chosen
// to hit every path and edge: odd sizes and sizes that are not multiples of
// the register and cache blocks, several K/M/N blocks, groups, depthwise
// (with channel multipliers), strides, dilations, asymmetric pads,
// auto_pad, 1x1, 1-D and 3-D convs, batched and broadcast MatMul with 1-D
// operands, and Gemm with every transpose and C broadcast. Each case runs
// on every instruction-set path this CPU supports (portable, AVX2,
// AVX-512), forced in turn.
//
//===----------------------------------------------------------------------===//

#include "KernelTestUtil.h"
#include "kernels/optimized/Gemm.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstring>
#include <random>
#include <sstream>
#include <string>

using namespace iron::rt;
using namespace iron::rt::test;
namespace opt = iron::rt::optimized;

namespace {

OwnedTensor randomTensor(std::mt19937 &rng, std::vector<int64_t> shape) {
  OwnedTensor t(DType::F32, shape);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  float *p = t.view.as<float>();
  for (int64_t i = 0; i < t.view.numel(); ++i)
    p[i] = dist(rng);
  return t;
}

OwnedTensor garbage(std::vector<int64_t> shape) {
  OwnedTensor t(DType::F32, shape);
  std::memset(t.view.data, 0x7f, t.view.bytes()); // 3.4e38
  return t;
}

std::string shapeString(const std::vector<int64_t> &s) {
  std::ostringstream o;
  o << "[";
  for (size_t i = 0; i < s.size(); ++i)
    o << (i ? "," : "") << s[i];
  o << "]";
  return o.str();
}

/// The instruction-set paths to try here.
std::vector<opt::Isa> isas() {
  std::vector<opt::Isa> v;
  for (opt::Isa i : {opt::Isa::Generic, opt::Isa::Avx2, opt::Isa::Avx512})
    if (opt::isaSupported(i))
      v.push_back(i);
  return v;
}

/// Runs the optimized and reference kernels of `kind` on the inputs (on
/// every ISA path) and compares. Returns the number of comparisons made.
int compareKernels(const char *kind, const std::vector<AttrSpec> &attrs,
                   const std::vector<const OwnedTensor *> &inputs,
                   const std::vector<int64_t> &outShape, const std::string &what) {
  const KernelDef *ref = findReferenceKernel(kind), *fast = findKernel(kind);
  EXPECT_NE(ref, nullptr);
  EXPECT_NE(fast, nullptr);
  EXPECT_NE(ref, fast) << kind << " has no optimized kernel";
  if (!ref || !fast)
    return 0;
  KernelRunner runner(kind, attrs);
  OwnedTensor expected = garbage(outShape);
  Status rs = runner.run(ref, inputs, {&expected});
  EXPECT_EQ(rs, Status::Ok) << what << ": reference: " << runner.message();
  if (rs != Status::Ok)
    return 0;
  const float *e = expected.view.as<float>();
  int64_t n = expected.view.numel();
  float scale = 0.0f;
  for (int64_t i = 0; i < n; ++i)
    scale = std::fmax(scale, std::fabs(e[i]));
  int compared = 0;
  opt::Isa saved = opt::activeIsa();
  for (opt::Isa isa : isas()) {
    opt::forceIsa(isa);
    OwnedTensor got = garbage(outShape);
    Status s = runner.run(fast, inputs, {&got});
    EXPECT_EQ(s, Status::Ok) << what << " [" << opt::isaName(isa) << "]: " << runner.message();
    if (s != Status::Ok)
      continue;
    const float *g = got.view.as<float>();
    float worst = 0.0f;
    int64_t at = -1;
    for (int64_t i = 0; i < n; ++i) {
      float d = std::fabs(g[i] - e[i]);
      if (!(d <= worst)) { // NaN counts as worst
        worst = d;
        at = i;
      }
    }
    EXPECT_TRUE(worst <= 1e-4f * scale) << what << " [" << opt::isaName(isa) << "]: max error "
                                         << worst << " at " << at << " (got " << g[at]
                                         << ", expected " << e[at] << "), max |ref| " << scale;
    ++compared;
  }
  opt::forceIsa(saved);
  return compared;
}

//===----------------------------------------------------------------------===//
// Conv
//===----------------------------------------------------------------------===//

struct ConvCase {
  int64_t n, c, m, group;
  std::vector<int64_t> in, kernel, strides, dilations, pads; // pads: begins then ends
  std::string autoPad = "NOTSET";
  bool bias = true;
};

std::string describe(const ConvCase &k) {
  std::ostringstream o;
  o << "Conv N" << k.n << " C" << k.c << " M" << k.m << " g" << k.group << " in"
    << shapeString(k.in) << " k" << shapeString(k.kernel) << " s" << shapeString(k.strides)
    << " d" << shapeString(k.dilations) << " p" << shapeString(k.pads) << " " << k.autoPad
    << (k.bias ? " bias" : "");
  return o.str();
}

int runConv(std::mt19937 &rng, const ConvCase &k) {
  size_t nsp = k.in.size();
  std::vector<int64_t> xs = {k.n, k.c}, ws = {k.m, k.c / k.group}, ys = {k.n, k.m};
  for (size_t i = 0; i < nsp; ++i) {
    xs.push_back(k.in[i]);
    ws.push_back(k.kernel[i]);
    int64_t s = k.strides[i], ext = (k.kernel[i] - 1) * k.dilations[i] + 1, o;
    if (k.autoPad == "SAME_UPPER" || k.autoPad == "SAME_LOWER")
      o = (k.in[i] + s - 1) / s;
    else if (k.autoPad == "VALID")
      o = (k.in[i] - ext) / s + 1;
    else
      o = (k.in[i] + k.pads[i] + k.pads[i + nsp] - ext) / s + 1;
    ys.push_back(o);
  }
  OwnedTensor x = randomTensor(rng, xs), w = randomTensor(rng, ws), b = randomTensor(rng, {k.m});
  std::vector<AttrSpec> attrs = {ints("strides", k.strides), ints("dilations", k.dilations),
                                 integer("group", k.group), ints("kernel_shape", k.kernel)};
  if (k.autoPad != "NOTSET")
    attrs.push_back(str("auto_pad", k.autoPad));
  else
    attrs.push_back(ints("pads", k.pads));
  std::vector<const OwnedTensor *> inputs = {&x, &w};
  if (k.bias)
    inputs.push_back(&b);
  return compareKernels("Conv", attrs, inputs, ys, describe(k));
}

TEST(OptimizedConv, Fixed) {
  std::mt19937 rng(1);
  std::vector<ConvCase> cases = {
      // 3x3 pad 1 (wide path, no band copy-out needed only when Wq == OW)
      {1, 16, 24, 1, {17, 19}, {3, 3}, {1, 1}, {1, 1}, {1, 1, 1, 1}},
      // 1x1 pointwise, odd sizes; M and K over several blocks
      {1, 37, 29, 1, {13, 11}, {1, 1}, {1, 1}, {1, 1}, {0, 0, 0, 0}},
      {1, 300, 260, 1, {5, 7}, {1, 1}, {1, 1}, {1, 1}, {0, 0, 0, 0}},
      {2, 9, 7, 1, {40, 33}, {1, 1}, {1, 1}, {1, 1}, {0, 0, 0, 0}, "NOTSET", false},
      // 1x1 on a 1x1 map (squeeze-and-excitation): the one-column dot path
      {1, 48, 1152, 1, {1, 1}, {1, 1}, {1, 1}, {1, 1}, {0, 0, 0, 0}},
      {2, 240, 10, 1, {1, 1}, {1, 1}, {1, 1}, {1, 1}, {0, 0, 0, 0}, "NOTSET", false},
      {1, 12, 18, 3, {1, 1}, {1, 1}, {1, 1}, {1, 1}, {0, 0, 0, 0}},
      // 1x1 stride 2 (wide path, one phase used)
      {1, 24, 40, 1, {15, 14}, {1, 1}, {2, 2}, {1, 1}, {0, 0, 0, 0}},
      // 3x3 stride 2, asymmetric pads
      {1, 12, 20, 1, {23, 18}, {3, 3}, {2, 2}, {1, 1}, {1, 0, 2, 1}},
      // 7x7 stride 2 pad 3 (a ResNet stem)
      {1, 3, 16, 1, {45, 46}, {7, 7}, {2, 2}, {1, 1}, {3, 3, 3, 3}},
      // small map: im2col path, K over several blocks
      {1, 64, 50, 1, {7, 7}, {3, 3}, {1, 1}, {1, 1}, {1, 1, 1, 1}},
      {2, 40, 13, 1, {3, 4}, {3, 3}, {1, 1}, {1, 1}, {2, 1, 0, 3}},
      // dilations
      {1, 8, 12, 1, {21, 20}, {3, 3}, {1, 1}, {2, 3}, {2, 3, 2, 3}},
      {1, 8, 12, 1, {21, 20}, {3, 2}, {2, 3}, {2, 2}, {0, 1, 1, 0}},
      // groups
      {1, 12, 18, 3, {11, 13}, {3, 3}, {1, 1}, {1, 1}, {1, 1, 1, 1}},
      {2, 32, 32, 4, {9, 9}, {3, 3}, {2, 2}, {1, 1}, {1, 1, 1, 1}},
      {1, 16, 8, 2, {10, 12}, {1, 1}, {1, 1}, {1, 1}, {0, 0, 0, 0}},
      // depthwise, with and without channel multiplier, strides, 5x5
      {1, 24, 24, 24, {17, 19}, {3, 3}, {1, 1}, {1, 1}, {1, 1, 1, 1}},
      {2, 10, 10, 10, {16, 15}, {3, 3}, {2, 2}, {1, 1}, {1, 1, 1, 1}, "NOTSET", false},
      {1, 6, 18, 6, {13, 40}, {5, 5}, {1, 1}, {1, 1}, {2, 2, 2, 2}},
      {1, 8, 8, 8, {20, 21}, {5, 5}, {2, 2}, {1, 1}, {1, 2, 2, 1}},
      {1, 5, 5, 5, {14, 37}, {3, 3}, {1, 1}, {2, 2}, {2, 2, 2, 2}},
      {1, 4, 4, 4, {12, 12}, {7, 7}, {1, 1}, {1, 1}, {3, 3, 3, 3}},
      {1, 3, 3, 3, {20, 20}, {9, 9}, {1, 1}, {1, 1}, {4, 4, 4, 4}}, // 81 taps: GEMM path
      {1, 4, 4, 4, {9, 70}, {3, 3}, {1, 1}, {1, 1}, {1, 1, 1, 1}},   // several column chunks
      {1, 4, 8, 4, {7, 75}, {5, 5}, {2, 2}, {1, 1}, {2, 2, 2, 2}},
      {1, 2, 2, 2, {11, 133}, {3, 3}, {2, 2}, {1, 1}, {1, 0, 0, 1}},
      {1, 3, 3, 3, {10, 30}, {3, 17}, {1, 1}, {1, 1}, {1, 8, 1, 8}}, // wide kernel
      {1, 3, 3, 3, {10, 31}, {3, 3}, {1, 3}, {1, 1}, {1, 1, 1, 1}},  // column stride 3
      // single input channel (depthwise path with group 1)
      {1, 1, 7, 1, {19, 18}, {3, 3}, {1, 1}, {1, 1}, {1, 1, 1, 1}},
      // auto_pad
      {1, 7, 9, 1, {14, 15}, {3, 3}, {2, 2}, {1, 1}, {}, "SAME_UPPER"},
      {1, 7, 9, 1, {14, 15}, {4, 4}, {1, 1}, {1, 1}, {}, "SAME_UPPER"},
      {1, 7, 9, 1, {13, 16}, {4, 3}, {2, 1}, {1, 1}, {}, "SAME_LOWER"},
      {1, 6, 6, 6, {13, 16}, {3, 3}, {2, 2}, {1, 1}, {}, "SAME_UPPER"},
      {1, 7, 9, 1, {14, 15}, {3, 3}, {1, 1}, {1, 1}, {}, "VALID"},
      // large spatial: several N blocks and wide bands
      {1, 8, 16, 1, {70, 66}, {3, 3}, {1, 1}, {1, 1}, {1, 1, 1, 1}},
      // 1-D and 3-D
      {2, 6, 10, 1, {37}, {3}, {1}, {1}, {1, 1}},
      {1, 6, 10, 2, {40}, {5}, {2}, {2}, {3, 1}},
      {1, 8, 8, 8, {33}, {3}, {1}, {1}, {1, 1}},
      {1, 4, 6, 1, {5, 6, 7}, {3, 3, 3}, {1, 1, 1}, {1, 1, 1}, {1, 1, 1, 1, 1, 1}},
      {1, 4, 6, 2, {6, 7, 5}, {2, 3, 1}, {2, 1, 1}, {1, 1, 1}, {0, 1, 0, 1, 1, 0}},
      {1, 5, 7, 1, {4, 5, 6}, {1, 1, 1}, {1, 1, 1}, {1, 1, 1}, {0, 0, 0, 0, 0, 0}},
  };
  int compared = 0;
  for (const ConvCase &k : cases)
    compared += runConv(rng, k);
  EXPECT_GE(compared, int(cases.size()));
}

TEST(OptimizedConv, Random) {
  std::mt19937 rng(12345);
  auto pick = [&](int lo, int hi) {
    return int64_t(std::uniform_int_distribution<int>(lo, hi)(rng));
  };
  int compared = 0;
  for (int iter = 0; iter < 150; ++iter) {
    ConvCase k;
    k.n = pick(1, 2);
    int kind = int(pick(0, 3)); // 0 dense, 1 grouped, 2 depthwise, 3 pointwise
    k.group = kind == 1 ? pick(2, 4) : 1;
    int64_t cpg = pick(1, 12), mpg = pick(1, 14);
    if (kind == 2) {
      k.group = pick(1, 16);
      cpg = 1;
      mpg = pick(1, 3);
    }
    k.c = k.group * cpg;
    k.m = k.group * mpg;
    int64_t kh = kind == 3 ? 1 : pick(1, 5), kw = kind == 3 ? 1 : pick(1, 5);
    k.kernel = {kh, kw};
    k.strides = {kind == 3 ? 1 : pick(1, 3), kind == 3 ? 1 : pick(1, 3)};
    k.dilations = {pick(1, 2), pick(1, 2)};
    int64_t eh = (kh - 1) * k.dilations[0] + 1, ew = (kw - 1) * k.dilations[1] + 1;
    k.in = {pick(int(eh), 24), pick(int(ew), 40)};
    int pad = int(pick(0, 3));
    if (kind == 3 || pad == 0)
      k.pads = {0, 0, 0, 0};
    else if (pad == 1)
      k.autoPad = pick(0, 1) ? "SAME_UPPER" : "SAME_LOWER";
    else
      k.pads = {pick(0, 2), pick(0, 2), pick(0, 2), pick(0, 2)};
    k.bias = pick(0, 3) != 0;
    compared += runConv(rng, k);
  }
  EXPECT_GE(compared, 150);
}

TEST(OptimizedConv, ChecksMatchReference) {
  // The optimized prepare rejects what the reference one rejects.
  OwnedTensor x(DType::F32, {1, 3, 5, 5}), w(DType::F32, {4, 2, 3, 3}), y(DType::F32, {1, 4, 3, 3});
  KernelRunner runner("Conv", {});
  EXPECT_EQ(runner.run(findKernel("Conv"), {&x, &w}, {&y}), Status::KernelError);
  EXPECT_EQ(runner.run(findReferenceKernel("Conv"), {&x, &w}, {&y}), Status::KernelError);
  OwnedTensor w2(DType::F32, {4, 3, 3, 3}), bad(DType::F32, {1, 4, 4, 4});
  EXPECT_EQ(runner.run(findKernel("Conv"), {&x, &w2}, {&bad}), Status::KernelError);
  EXPECT_NE(runner.message().find("output spatial dim"), std::string::npos) << runner.message();
}

//===----------------------------------------------------------------------===//
// MatMul
//===----------------------------------------------------------------------===//

std::vector<int64_t> matMulOut(std::vector<int64_t> a, std::vector<int64_t> b) {
  bool aVec = a.size() == 1, bVec = b.size() == 1;
  if (aVec)
    a.insert(a.begin(), 1);
  if (bVec)
    b.push_back(1);
  size_t ra = a.size() - 2, rb = b.size() - 2, r = ra > rb ? ra : rb;
  std::vector<int64_t> y;
  for (size_t i = 0; i < r; ++i) {
    int64_t da = i + ra >= r ? a[i + ra - r] : 1, db = i + rb >= r ? b[i + rb - r] : 1;
    y.push_back(da == 1 ? db : da);
  }
  if (!aVec)
    y.push_back(a[a.size() - 2]);
  if (!bVec)
    y.push_back(b.back());
  return y;
}

int runMatMul(std::mt19937 &rng, std::vector<int64_t> as, std::vector<int64_t> bs) {
  OwnedTensor a = randomTensor(rng, as), b = randomTensor(rng, bs);
  return compareKernels("MatMul", {}, {&a, &b}, matMulOut(as, bs),
                        "MatMul " + shapeString(as) + " x " + shapeString(bs));
}

TEST(OptimizedMatMul, Shapes) {
  std::mt19937 rng(7);
  std::vector<std::pair<std::vector<int64_t>, std::vector<int64_t>>> cases = {
      {{1, 1}, {1, 1}},
      {{5, 7}, {7, 3}},
      {{13, 29}, {29, 47}},
      {{64, 64}, {64, 64}},
      {{33, 300}, {300, 65}},        // several K blocks
      {{250, 17}, {17, 40}},         // several M blocks
      {{31, 19}, {19, 1100}},        // several N blocks
      {{260, 530}, {530, 1030}},     // all of them
      {{2, 3, 17, 9}, {9, 23}},      // stacked batches, 2-D B
      {{4, 1, 6, 5}, {3, 5, 7}},     // broadcast both ways
      {{3, 5, 8}, {1, 8, 6}},        // B batch of 1
      {{6, 8}, {2, 3, 8, 5}},        // 2-D A against batched B
      {{1, 12, 20, 16}, {1, 12, 16, 20}}, // attention-like
      {{7}, {7, 9}},                 // 1-D A
      {{3, 7}, {7}},                 // 1-D B
      {{4, 2, 7}, {7}},              // batched A, 1-D B
      {{7}, {3, 7, 9}},              // 1-D A, batched B
      {{300}, {300, 70}},            // vector-matrix, long
      {{70, 300}, {300}},            // matrix-vector, long
      {{11}, {11}},                  // dot product
      {{1, 9}, {9, 33}},             // m == 1
      {{33, 9}, {9, 1}},             // n == 1
      {{2, 1, 9}, {2, 9, 18}},       // m == 1 per batch
      {{5, 1, 9}, {9, 18}},          // m == 1, stacked batches
      {{1, 1, 9}, {9, 18}},          // one row in all
      {{3, 4, 9}, {9}},              // stacked rows times a vector
      {{3, 4, 9}, {9, 1}},           // n == 1, stacked
      {{4, 0}, {0, 5}},              // k == 0
      {{0, 4}, {4, 5}},              // m == 0
  };
  int compared = 0;
  for (auto &c : cases)
    compared += runMatMul(rng, c.first, c.second);
  EXPECT_GE(compared, int(cases.size()) - 1);
}

TEST(OptimizedMatMul, Random) {
  std::mt19937 rng(99);
  auto pick = [&](int lo, int hi) {
    return int64_t(std::uniform_int_distribution<int>(lo, hi)(rng));
  };
  int compared = 0;
  for (int iter = 0; iter < 100; ++iter) {
    int64_t m = pick(1, 70), k = pick(1, 90), n = pick(1, 80);
    std::vector<int64_t> as = {m, k}, bs = {k, n};
    int batch = int(pick(0, 3));
    if (batch == 1) {
      as.insert(as.begin(), pick(1, 3));
    } else if (batch == 2) {
      int64_t b0 = pick(1, 3);
      as.insert(as.begin(), b0);
      bs.insert(bs.begin(), pick(0, 1) ? b0 : 1);
    } else if (batch == 3) {
      as.insert(as.begin(), {pick(1, 2), 1});
      bs.insert(bs.begin(), pick(1, 3));
    }
    compared += runMatMul(rng, as, bs);
  }
  EXPECT_GE(compared, 100);
}

//===----------------------------------------------------------------------===//
// Gemm
//===----------------------------------------------------------------------===//

int runGemm(std::mt19937 &rng, int64_t m, int64_t n, int64_t k, bool ta, bool tb, float alpha,
            float beta, std::vector<int64_t> cShape, bool hasC) {
  OwnedTensor a = randomTensor(rng, ta ? std::vector<int64_t>{k, m} : std::vector<int64_t>{m, k});
  OwnedTensor b = randomTensor(rng, tb ? std::vector<int64_t>{n, k} : std::vector<int64_t>{k, n});
  OwnedTensor c = randomTensor(rng, cShape);
  std::vector<const OwnedTensor *> inputs = {&a, &b};
  if (hasC)
    inputs.push_back(&c);
  std::ostringstream what;
  what << "Gemm " << m << "x" << n << "x" << k << " transA " << ta << " transB " << tb
       << " alpha " << alpha << " beta " << beta << " C " << (hasC ? shapeString(cShape) : "none");
  return compareKernels("Gemm",
                        {integer("transA", ta), integer("transB", tb), real("alpha", alpha),
                         real("beta", beta)},
                        inputs, {m, n}, what.str());
}

TEST(OptimizedGemm, TransposesAndBroadcasts) {
  std::mt19937 rng(3);
  int compared = 0, cases = 0;
  const int64_t dims[][3] = {{1, 1, 1},  {1, 37, 19}, {23, 1, 19},  {17, 29, 13},
                             {64, 48, 80}, {45, 70, 300}, {250, 33, 20}, {3, 1030, 7}};
  for (auto &d : dims) {
    int64_t m = d[0], n = d[1], k = d[2];
    std::vector<std::vector<int64_t>> cShapes = {{m, n}, {n}, {1, n}, {m, 1}, {1, 1}, {1}};
    for (int ta = 0; ta < 2; ++ta)
      for (int tb = 0; tb < 2; ++tb) {
        int ci = (ta * 2 + tb + int(m)) % int(cShapes.size());
        compared += runGemm(rng, m, n, k, ta, tb, 1.0f, 1.0f, cShapes[ci], true);
        compared += runGemm(rng, m, n, k, ta, tb, 0.5f, -2.0f, cShapes[(ci + 1) % 6], true);
        compared += runGemm(rng, m, n, k, ta, tb, 1.5f, 1.0f, {}, false);
        compared += runGemm(rng, m, n, k, ta, tb, 1.0f, 0.0f, {m, n}, true);
        cases += 4;
      }
  }
  EXPECT_GE(compared, cases);
}

TEST(OptimizedGemm, Random) {
  std::mt19937 rng(2024);
  auto pick = [&](int lo, int hi) {
    return int64_t(std::uniform_int_distribution<int>(lo, hi)(rng));
  };
  int compared = 0;
  for (int iter = 0; iter < 60; ++iter) {
    int64_t m = pick(1, 60), n = pick(1, 70), k = pick(1, 100);
    std::vector<std::vector<int64_t>> cShapes = {{m, n}, {n}, {1, n}, {m, 1}, {1, 1}, {1}};
    compared += runGemm(rng, m, n, k, pick(0, 1), pick(0, 1), pick(0, 1) ? 1.0f : 0.75f,
                        pick(0, 1) ? 1.0f : -0.5f, cShapes[pick(0, 5)], pick(0, 4) != 0);
  }
  EXPECT_GE(compared, 60);
}

TEST(OptimizedGemm, ZeroK) {
  std::mt19937 rng(5);
  int compared = runGemm(rng, 4, 5, 0, false, false, 1.0f, 2.0f, {5}, true);
  compared += runGemm(rng, 4, 5, 0, true, true, 1.0f, 1.0f, {}, false);
  EXPECT_GE(compared, 2);
}

//===----------------------------------------------------------------------===//
// The SGEMM core directly: row-pointer B, row bias, accumulate.
//===----------------------------------------------------------------------===//

TEST(OptimizedSgemm, RowPointersBiasAccumulate) {
  std::mt19937 rng(11);
  for (opt::Isa isa : isas()) {
    opt::Isa saved = opt::forceIsa(isa);
    for (auto d : std::vector<std::array<int64_t, 3>>{{1, 1, 1}, {13, 37, 300}, {250, 70, 41}}) {
      int64_t m = d[0], n = d[1], k = d[2];
      OwnedTensor a = randomTensor(rng, {m, k}), b = randomTensor(rng, {k, n + 3});
      OwnedTensor bias = randomTensor(rng, {m}), c0 = randomTensor(rng, {m, n});
      std::vector<const float *> rows(k);
      for (int64_t p = 0; p < k; ++p) // rows in reverse order, offset by 3
        rows[p] = b.view.as<float>() + (k - 1 - p) * (n + 3) + 3;
      std::vector<float> expect(m * n), got(m * n);
      for (int accumulate = 0; accumulate < 2; ++accumulate) {
        for (int64_t i = 0; i < m; ++i)
          for (int64_t j = 0; j < n; ++j) {
            double s = 0;
            for (int64_t p = 0; p < k; ++p)
              s += double(a.view.as<float>()[i * k + p]) * rows[p][j];
            float base = accumulate ? c0.view.as<float>()[i * n + j] : bias.view.as<float>()[i];
            expect[i * n + j] = float(0.5 * s) + base;
            got[i * n + j] = accumulate ? c0.view.as<float>()[i * n + j] : 1e30f;
          }
        opt::GemmArgs g;
        g.m = m;
        g.n = n;
        g.k = k;
        g.a = a.view.as<float>();
        g.lda = k;
        g.b.kind = opt::BKind::RowPointers;
        g.b.rows = rows.data();
        g.c = got.data();
        g.ldc = n;
        g.alpha = 0.5f;
        g.rowBias = bias.view.as<float>();
        g.accumulate = accumulate;
        std::vector<uint8_t> scratch(opt::sgemmScratchBytes(m, n, k));
        opt::sgemm(g, scratch.data());
        for (int64_t i = 0; i < m * n; ++i)
          ASSERT_NEAR(got[i], expect[i], 1e-4 * (1 + std::fabs(expect[i])))
              << opt::isaName(isa) << " " << m << "x" << n << "x" << k << " acc " << accumulate
              << " at " << i;
      }
    }
    opt::forceIsa(saved);
  }
}

/// Adds 1 to every element of C it is called on: a test of which elements
/// an epilogue covers, and how often.
void countingEpilogue(const void *, float *c, int64_t ldc, int64_t i0, int64_t rows, int64_t j0,
                      int64_t cols) {
  for (int64_t i = i0; i < i0 + rows; ++i)
    for (int64_t j = j0; j < j0 + cols; ++j)
      c[i * ldc + j] += 1.0f;
}

// One column of C (a 1x1 convolution on a 1x1 map) takes the dot-product
// path: B row-major with unit stride or transposed, with bias, accumulate
// and an epilogue that must see every row exactly once.
TEST(OptimizedSgemm, OneColumn) {
  std::mt19937 rng(12);
  for (opt::Isa isa : isas()) {
    opt::Isa saved = opt::forceIsa(isa);
    for (auto d : std::vector<std::array<int64_t, 2>>{{1, 1}, {1152, 48}, {7, 300}, {96, 4}}) {
      int64_t m = d[0], k = d[1];
      OwnedTensor a = randomTensor(rng, {m, k}), x = randomTensor(rng, {k});
      OwnedTensor bias = randomTensor(rng, {m}), c0 = randomTensor(rng, {m});
      for (opt::BKind kind : {opt::BKind::RowMajor, opt::BKind::Transposed})
        for (int accumulate = 0; accumulate < 2; ++accumulate) {
          std::vector<float> expect(m), got(m);
          for (int64_t i = 0; i < m; ++i) {
            double s = 0;
            for (int64_t p = 0; p < k; ++p)
              s += double(a.view.as<float>()[i * k + p]) * x.view.as<float>()[p];
            float base = accumulate ? c0.view.as<float>()[i] : bias.view.as<float>()[i];
            expect[i] = float(0.5 * s) + base + 1.0f;
            got[i] = accumulate ? c0.view.as<float>()[i] : 1e30f;
          }
          opt::GemmArgs g;
          g.m = m;
          g.n = 1;
          g.k = k;
          g.a = a.view.as<float>();
          g.lda = k;
          g.b.kind = kind;
          g.b.data = x.view.as<float>();
          g.b.ld = kind == opt::BKind::RowMajor ? 1 : k;
          g.c = got.data();
          g.ldc = 1;
          g.alpha = 0.5f;
          g.rowBias = bias.view.as<float>();
          g.accumulate = accumulate;
          g.epilogue = countingEpilogue;
          std::vector<uint8_t> scratch(opt::sgemmScratchBytes(m, 1, k));
          opt::sgemm(g, scratch.data());
          for (int64_t i = 0; i < m; ++i)
            ASSERT_NEAR(got[i], expect[i], 1e-4 * (1 + std::fabs(expect[i])))
                << opt::isaName(isa) << " " << m << "x1x" << k << " transposed "
                << (kind == opt::BKind::Transposed) << " acc " << accumulate << " at " << i;
        }
    }
    opt::forceIsa(saved);
  }
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

struct PoolCase {
  const char *kind;
  int64_t n, c;
  std::vector<int64_t> in, kernel, strides, pads; // pads: begins then ends
  bool ceil = false, includePad = false;
};

/// ONNX's output dim: floor or ceil, and with ceil a last window that
/// starts inside the end pads is dropped.
int64_t poolOut(int64_t in, int64_t k, int64_t s, int64_t padBegin, int64_t padEnd, bool ceil) {
  int64_t span = in + padBegin + padEnd - k;
  int64_t o = (ceil ? (span + s - 1) / s : span / s) + 1;
  if (ceil && (o - 1) * s >= in + padBegin)
    --o;
  return o;
}

int runPool(std::mt19937 &rng, const PoolCase &k) {
  size_t nsp = k.in.size();
  std::vector<int64_t> xs = {k.n, k.c}, ys = {k.n, k.c};
  for (size_t i = 0; i < nsp; ++i) {
    xs.push_back(k.in[i]);
    ys.push_back(poolOut(k.in[i], k.kernel[i], k.strides[i], k.pads[i], k.pads[i + nsp], k.ceil));
  }
  OwnedTensor x = randomTensor(rng, xs);
  std::vector<AttrSpec> attrs = {ints("kernel_shape", k.kernel), ints("strides", k.strides),
                                 ints("pads", k.pads), integer("ceil_mode", k.ceil)};
  if (!std::strcmp(k.kind, "AveragePool"))
    attrs.push_back(integer("count_include_pad", k.includePad));
  std::ostringstream what;
  what << k.kind << " N" << k.n << " C" << k.c << " in" << shapeString(k.in) << " k"
       << shapeString(k.kernel) << " s" << shapeString(k.strides) << " p" << shapeString(k.pads)
       << (k.ceil ? " ceil" : "") << (k.includePad ? " include_pad" : "");
  return compareKernels(k.kind, attrs, {&x}, ys, what.str());
}

TEST(OptimizedPool, Windows) {
  std::mt19937 rng(3);
  std::vector<PoolCase> cases = {
      // The zoo's shapes: ResNet's 3x3/2 stem pool, SqueezeNet's ceil_mode
      // pools, KWS's whole-map average, CIFAR ResNet's 8x8 average.
      {"MaxPool", 1, 8, {112, 112}, {3, 3}, {2, 2}, {1, 1, 1, 1}},
      {"MaxPool", 1, 5, {55, 55}, {3, 3}, {2, 2}, {0, 0, 0, 0}, true},
      {"MaxPool", 2, 3, {13, 13}, {3, 3}, {2, 2}, {0, 0, 0, 0}, true},
      {"AveragePool", 1, 64, {25, 5}, {25, 5}, {1, 1}, {0, 0, 0, 0}},
      {"AveragePool", 1, 16, {8, 8}, {8, 8}, {1, 1}, {0, 0, 0, 0}},
      {"MaxPool", 2, 7, {5, 9}, {5, 9}, {1, 1}, {0, 0, 0, 0}},
      {"AveragePool", 1, 5, {6, 6}, {6, 6}, {1, 1}, {0, 0, 0, 0}, false, true},
      // Pads, asymmetric pads, pads as large as the kernel allows, odd
      // sizes, windows that overhang only with ceil_mode.
      {"AveragePool", 1, 4, {14, 14}, {3, 3}, {1, 1}, {1, 1, 1, 1}},
      {"AveragePool", 1, 4, {14, 14}, {3, 3}, {1, 1}, {1, 1, 1, 1}, false, true},
      {"AveragePool", 2, 3, {17, 9}, {4, 2}, {3, 2}, {1, 0, 2, 1}, true},
      {"AveragePool", 2, 3, {17, 9}, {4, 2}, {3, 2}, {1, 0, 2, 1}, true, true},
      {"MaxPool", 2, 3, {17, 9}, {4, 2}, {3, 2}, {3, 1, 0, 1}, true},
      {"MaxPool", 1, 2, {1, 1}, {2, 2}, {2, 2}, {1, 1, 1, 1}},
      {"MaxPool", 1, 3, {7, 31}, {1, 5}, {1, 3}, {0, 2, 0, 2}},
      // 1-D.
      {"MaxPool", 2, 3, {29}, {4}, {3}, {2, 1}, true},
      {"AveragePool", 2, 3, {29}, {5}, {2}, {2, 2}, false, true},
  };
  for (int i = 0; i < 40; ++i) {
    std::uniform_int_distribution<int64_t> size(1, 24), kdim(1, 5), sdim(1, 3);
    PoolCase k{i % 2 ? "MaxPool" : "AveragePool", 1, 3, {size(rng), size(rng)}, {}, {}, {}};
    for (int j = 0; j < 2; ++j) {
      k.kernel.push_back(std::min(kdim(rng), k.in[j]));
      k.strides.push_back(sdim(rng));
    }
    for (int j = 0; j < 4; ++j)
      k.pads.push_back(std::uniform_int_distribution<int64_t>(0, k.kernel[j % 2] - 1)(rng));
    k.ceil = rng() % 2;
    k.includePad = rng() % 2;
    cases.push_back(k);
  }
  int compared = 0;
  for (const PoolCase &k : cases)
    compared += runPool(rng, k);
  EXPECT_GE(compared, int(cases.size()));
}

TEST(OptimizedPool, Global) {
  std::mt19937 rng(4);
  int compared = 0;
  for (const char *kind : {"GlobalAveragePool", "GlobalMaxPool"})
    for (std::vector<int64_t> shape : std::vector<std::vector<int64_t>>{
             {1, 256, 3, 3}, {2, 5, 56, 56}, {1, 3, 7}, {1, 2, 3, 4, 5}, {1, 4, 1, 1}, {1, 3, 17, 1}}) {
      OwnedTensor x = randomTensor(rng, shape);
      std::vector<int64_t> out(shape.size(), 1);
      out[0] = shape[0];
      out[1] = shape[1];
      compared += compareKernels(kind, {}, {&x}, out, std::string(kind) + " " + shapeString(shape));
    }
  EXPECT_GE(compared, 12);
}

} // namespace
