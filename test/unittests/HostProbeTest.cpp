//===- HostProbeTest.cpp - ironc target probe and its fits ----------------===//

#include "iron/Probe/HostProbe.h"
#include "iron/Target/Target.h"

#include <gtest/gtest.h>

#include <cmath>
#include <initializer_list>
#include <string>
#include <vector>

using namespace iron;
using namespace iron::probe;

namespace {

/// Samples whose "measured" times come from a known curve, spanning six
/// decades of operation counts; `jitter` multiplies every other time by
/// (1 + jitter) and the rest by (1 - jitter).
std::vector<FitSample> samplesFrom(const EfficiencyCurve &truth, double peak,
                                   double t, double jitter = 0) {
  std::vector<FitSample> out;
  int i = 0;
  for (double ops = 1e3; ops <= 1e9; ops *= 2.5, ++i) {
    FitSample s;
    s.ops = ops;
    s.memoryS = ops * 1e-14; // far below compute: the curve decides
    s.overheadS = 3e-8;
    s.measuredS =
        predictSeconds(s, truth, peak, t) * (1 + (i % 2 ? jitter : -jitter));
    out.push_back(s);
  }
  return out;
}

EfficiencyCurve saturating(double etaMax, double half) {
  EfficiencyCurve c;
  c.kind = EfficiencyCurve::Kind::Saturating;
  c.params["eta_max"].value = etaMax;
  c.params["half_ops"].value = half;
  return c;
}

EfficiencyCurve fixedCurve(double eta) {
  EfficiencyCurve c;
  c.params["eta"].value = eta;
  return c;
}

/// Products of every m x n x k in the lists, timed exactly as `truth`
/// predicts them at `peak`.
std::vector<FitSample> productSamples(const EfficiencyCurve &truth, double peak,
                                      std::initializer_list<int64_t> ms,
                                      std::initializer_list<int64_t> ns,
                                      std::initializer_list<int64_t> ks) {
  std::vector<FitSample> samples;
  for (int64_t m : ms)
    for (int64_t n : ns)
      for (int64_t k : ks) {
        FitSample s;
        s.ops = 2.0 * double(m * n * k);
        s.shape = ContractionShape{1, m, n, k};
        s.measuredS = predictSeconds(s, truth, peak, 1);
        samples.push_back(s);
      }
  return samples;
}

TEST(HostProbe, FitRecoversSaturatingCurve) {
  FitOptions o;
  o.peakOpsPerS = 2e11;
  CurveFit fit =
      fitCurve(samplesFrom(saturating(0.7, 5e5), o.peakOpsPerS, 1), o);
  ASSERT_EQ(fit.kind, EfficiencyCurve::Kind::Saturating);
  EXPECT_NEAR(fit.eta, 0.7, 0.7 * 0.01);
  EXPECT_NEAR(fit.halfOps, 5e5, 5e5 * 0.02);
  EXPECT_LT(fit.rmsLogError, 1e-3);
  EXPECT_FALSE(fit.tiling);
  // The range holds the value and stays within (0, 1].
  EXPECT_LE(fit.etaLow, fit.eta);
  EXPECT_GE(fit.etaHigh, fit.eta);
  EXPECT_LE(fit.etaHigh, 1.0);
}

TEST(HostProbe, FitRecoversFixedCurveFromNoisyTimes) {
  FitOptions o;
  o.peakOpsPerS = 1e11;
  CurveFit fit =
      fitCurve(samplesFrom(fixedCurve(0.04), o.peakOpsPerS, 1, 0.05), o);
  // +-5% noise does not buy the saturating curve's extra parameter.
  ASSERT_EQ(fit.kind, EfficiencyCurve::Kind::Fixed);
  EXPECT_NEAR(fit.eta, 0.04, 0.04 * 0.02);
  EXPECT_NEAR(fit.medianAbsError, 0.05, 0.01);
  // The written curve predicts what the fit says.
  EfficiencyCurve c = toCurve(fit);
  EXPECT_EQ(c.kind, EfficiencyCurve::Kind::Fixed);
  EXPECT_DOUBLE_EQ(c.evaluate(1e6), fit.eta);
}

TEST(HostProbe, FitRecoversTiling) {
  // Matrix products whose N pads to whole tiles of 16 columns, except a
  // matrix-vector product (N = 1), as in Iron's runtime.
  EfficiencyCurve truth = fixedCurve(0.8);
  TilingModel tiling;
  tiling.n = Quantity();
  tiling.n->value = 16;
  tiling.gemvUnpadded = true;
  truth.tiling = tiling;
  double peak = 1e11;
  std::vector<FitSample> samples =
      productSamples(truth, peak, {8, 64, 256},
                     {1, 5, 17, 24, 40, 64, 100, 255}, {64, 300});
  FitOptions o;
  o.peakOpsPerS = peak;
  o.tileCandidates = {{0, 32, 0}, {0, 16, 0}, {12, 0, 0}};
  CurveFit fit = fitCurve(samples, o);
  ASSERT_TRUE(fit.tiling);
  EXPECT_EQ(fit.tiling->n, 16);
  EXPECT_EQ(fit.tiling->m, 0);
  EXPECT_NEAR(fit.eta, 0.8, 0.8 * 0.01);
  EXPECT_LT(fit.medianAbsError, 1e-3);
}

TEST(HostProbe, FitRecoversTranscendentalCost) {
  // Two classes with their own curves, sharing t = 20.
  double peak = 1e11, t = 20;
  std::vector<std::vector<FitSample>> classes(2);
  EfficiencyCurve curves[2] = {fixedCurve(0.03), saturating(0.01, 1e5)};
  for (int c = 0; c < 2; ++c)
    for (double n = 1e3; n <= 1e7; n *= 3)
      for (double perElement : {0.0, 1.0}) {
        FitSample s;
        s.ops = (c ? 4 : 1) * n;
        s.transcendentals = perElement * n;
        s.measuredS = predictSeconds(s, curves[c], peak, t);
        classes[c].push_back(s);
      }
  FitOptions o;
  o.peakOpsPerS = peak;
  double rms = 1;
  double fitted = fitTranscendentalOps(classes, o, &rms);
  EXPECT_NEAR(fitted, t, t * 0.02);
  EXPECT_LT(rms, 1e-2);
}

TEST(HostProbe, MemoryBoundKernelsLeaveEtaAlone) {
  // A kernel limited by bandwidth takes T_m + T_o whatever eta is.
  FitSample s;
  s.ops = 1e3;
  s.memoryS = 1e-3;
  s.overheadS = 1e-7;
  EXPECT_DOUBLE_EQ(predictSeconds(s, fixedCurve(0.5), 1e11, 1), 1e-3 + 1e-7);
  EXPECT_DOUBLE_EQ(predictSeconds(s, fixedCurve(0.9), 1e11, 1), 1e-3 + 1e-7);
}

TEST(HostProbe, StreamBandwidthIsPositive) {
  Rate r = streamBandwidth(64 << 10, 3);
  EXPECT_GT(r.value, 0);
  EXPECT_LE(r.low, r.value);
  EXPECT_GE(r.high, r.value);
}

/// Fits `samples` with and without per-element costs and checks that the
/// fit finds the cost `param` (written as `name`) in (low, high) and that
/// it explains them: at most `improvement` of the error without it.
CurveFit expectElementCost(const std::vector<FitSample> &samples, double peak,
                           double CurveFit::*param, const char *name,
                           double low, double high, double improvement) {
  FitOptions o;
  o.peakOpsPerS = peak;
  CurveFit without = fitCurve(samples, o);
  o.fitElementCosts = true;
  CurveFit fit = fitCurve(samples, o);
  EXPECT_EQ(fit.kind, EfficiencyCurve::Kind::Saturating);
  EXPECT_GT(fit.*param, low) << name;
  EXPECT_LT(fit.*param, high) << name;
  EXPECT_LT(fit.rmsLogError, improvement * without.rmsLogError) << name;
  EXPECT_EQ(toCurve(fit).params.count(name), 1u) << name;
  return fit;
}

TEST(HostProbe, FitRecoversWeightCost) {
  // Thin products pay for their K x N operand: eta = 0.8 W / (W + 1e3 +
  // 4 K N).
  EfficiencyCurve truth = saturating(0.8, 1e3);
  truth.params["weight_ops"].value = 4;
  double peak = 1e11;
  std::vector<FitSample> samples =
      productSamples(truth, peak, {1, 4, 16, 64, 256}, {64, 512}, {64, 1024});
  // The grid of candidates has 10^(1/4) steps: 4 lies between 3.16 and 5.6.
  expectElementCost(samples, peak, &CurveFit::weightOps, "weight_ops", 3, 6,
                    0.5);
}

TEST(HostProbe, FitRecoversInputCost) {
  // Convolutions with few output channels pay for packing their M x K
  // operand (an im2col): eta = 0.7 W / (W + 1e4 + 8 M K).
  EfficiencyCurve truth = saturating(0.7, 1e4);
  truth.params["input_ops"].value = 8;
  double peak = 1e11;
  std::vector<FitSample> samples =
      productSamples(truth, peak, {49, 784, 3136, 12544}, {16, 64, 256}, {27, 144, 576});
  FitOptions o;
  o.peakOpsPerS = peak;
  o.fitElementCosts = true;
  CurveFit fit = fitCurve(samples, o);
  ASSERT_EQ(fit.kind, EfficiencyCurve::Kind::Saturating);
  // Candidates step by 10^(1/4): 8 lies between 5.6 and 10.
  EXPECT_GT(fit.inputOps, 5);
  EXPECT_LT(fit.inputOps, 11);
  EXPECT_LT(fit.rmsLogError, 0.05);
  EfficiencyCurve c = toCurve(fit);
  EXPECT_EQ(c.params.count("input_ops"), 1u);
  // The curve as the target file states it charges the M x K operand.
  EXPECT_LT(c.evaluate(2e6, 0, {0, 1e5}), c.evaluate(2e6));
}

TEST(HostProbe, FitRecoversOutputCost) {
  // Products with a short K spend their time storing the output:
  // eta = 0.9 W / (W + 1e4 + 30 M N).
  EfficiencyCurve truth = saturating(0.9, 1e4);
  truth.params["output_ops"].value = 30;
  double peak = 1e11;
  std::vector<FitSample> samples =
      productSamples(truth, peak, {196, 3136, 12544}, {16, 64, 256},
                     {8, 27, 144, 1152});
  // Candidates step by 10^(1/4): 30 lies between 17.8 and 31.6.
  CurveFit fit = expectElementCost(samples, peak, &CurveFit::outputOps,
                                   "output_ops", 17, 57, 0.2);
  EXPECT_LT(fit.rmsLogError, 0.05);
  EfficiencyCurve c = toCurve(fit);
  EXPECT_LT(c.evaluate(2e6, 0, {0, 0, 1e5}), c.evaluate(2e6));
}

TEST(HostProbe, FitRecoversPerResultCostOfAReduction) {
  // Global average pools: ops = inputs + outputs, and each output (channel)
  // costs 100 ops more: eta = 0.2 W / (W + 1e4 + 100 C).
  EfficiencyCurve truth = saturating(0.2, 1e4);
  truth.params["output_ops"].value = 100;
  double peak = 1e11;
  std::vector<FitSample> samples;
  for (int64_t c : {32, 96, 256, 576, 1280, 2048})
    for (int64_t hw : {7, 14, 28, 56}) {
      if (c * hw * hw > 4e6)
        continue;
      FitSample s;
      s.ops = double(c * hw * hw + c);
      s.outputElements = double(c);
      s.measuredS = predictSeconds(s, truth, peak, 1);
      samples.push_back(s);
    }
  // Candidates step by 10^(1/4): 100 is one of them.
  CurveFit fit = expectElementCost(samples, peak, &CurveFit::outputOps,
                                   "output_ops", 56, 178, 0.2);
  EXPECT_LT(fit.rmsLogError, 0.05);
  EXPECT_EQ(fit.weightOps, 0);
  EXPECT_EQ(fit.inputOps, 0);
  // The curve as the target file states it charges the results.
  EfficiencyCurve curve = toCurve(fit);
  FitSample many;
  many.ops = 2048 * 49 + 2048;
  many.outputElements = 2048;
  FitSample few = many;
  few.outputElements = 0;
  EXPECT_GT(predictSeconds(many, curve, peak, 1),
            1.5 * predictSeconds(few, curve, peak, 1));
}

TEST(HostProbe, FitRecoversRowTiling) {
  // Depthwise-like kernels whose output rows pad to vectors of 16.
  EfficiencyCurve truth = fixedCurve(0.3);
  TilingModel tiling;
  tiling.w = Quantity();
  tiling.w->value = 16;
  truth.tiling = tiling;
  double peak = 1e11;
  std::vector<FitSample> samples;
  for (int64_t width : {4, 7, 14, 16, 28, 56, 112})
    for (int64_t c : {16, 96}) {
      FitSample s;
      s.shape = ContractionShape{c, width * width, 1, 9, width, 1};
      s.ops = 2.0 * double(c * width * width * 9);
      s.measuredS = predictSeconds(s, truth, peak, 1);
      samples.push_back(s);
    }
  FitOptions o;
  o.peakOpsPerS = peak;
  o.tileCandidates = {{0, 0, 0, 8}, {0, 0, 0, 16}};
  CurveFit fit = fitCurve(samples, o);
  ASSERT_TRUE(fit.tiling);
  EXPECT_EQ(fit.tiling->w, 16);
  EXPECT_NEAR(fit.eta, 0.3, 0.3 * 0.01);
}

TEST(HostProbe, FitOfAnEpilogueKeepsTheContractionFixed) {
  // A fused kernel: 1 ms of contraction, then an epilogue of W ops at
  // eta 0.05 of 1e10 ops/s.
  double peak = 1e10;
  std::vector<FitSample> samples;
  for (double w : {1e4, 1e5, 1e6}) {
    FitSample s;
    s.ops = w;
    s.fixedComputeS = 1e-3;
    s.measuredS = 1e-3 + w / (peak * 0.05);
    samples.push_back(s);
  }
  FitOptions o;
  o.peakOpsPerS = peak;
  o.allowSaturating = false;
  CurveFit fit = fitCurve(samples, o);
  EXPECT_NEAR(fit.eta, 0.05, 0.05 * 0.01);
  EXPECT_LT(fit.medianAbsError, 1e-3);
}

TEST(HostProbe, QuickProbeWritesALoadableTarget) {
  ProbeOptions options;
  options.quick = true;
  options.name = "probe-test";
  auto yaml = probeHost(options);
  ASSERT_TRUE(bool(yaml)) << llvm::toString(yaml.takeError());
  auto target = parseTarget(*yaml, "probe-test.yaml");
  ASSERT_TRUE(bool(target)) << llvm::toString(target.takeError()) << "\n"
                            << *yaml;
  EXPECT_EQ(target->name, "probe-test");
  EXPECT_EQ(target->kind, TargetKind::CPU);
  ASSERT_EQ(target->compute.size(), 1u);
  const Quantity *fp32 = target->compute[0].peak(Precision::FP32);
  ASSERT_TRUE(fp32);
  EXPECT_GT(fp32->value, 0);
  EXPECT_FALSE(target->compute[0].peak(Precision::FP16));
  ASSERT_TRUE(target->compute[0].efficiency);
  EXPECT_FALSE(target->compute[0].efficiency->classes.empty());
  // The quick grid times Iron's fused kernels and per-op variants too.
  const EfficiencyModel &e = *target->compute[0].efficiency;
  EXPECT_TRUE(e.forVariant("Elementwise")) << *yaml;
  EXPECT_TRUE(e.forVariant("epilogue.Relu") || e.forVariant("epilogue.Clip") ||
              e.forVariant("epilogue.SiLU"))
      << *yaml;
  // Fastest first, each level larger than the one before, all measured.
  ASSERT_GE(target->memory.size(), 2u);
  for (size_t i = 0; i < target->memory.size(); ++i) {
    const MemoryLevel &l = target->memory[i];
    ASSERT_TRUE(l.bandwidthBytesPerS) << l.name;
    EXPECT_GT(l.bandwidthBytesPerS->value, 0) << l.name;
    EXPECT_TRUE(l.holdsRole(MemoryRole::Activations));
    EXPECT_TRUE(l.holdsRole(MemoryRole::Weights));
    if (i > 0)
      EXPECT_GT(l.capacityBytes.value,
                target->memory[i - 1].capacityBytes.value)
          << l.name;
  }
  EXPECT_EQ(target->memory.back().name, "dram");
  EXPECT_GT(target->overhead.kernelLaunchS.value, 0);
  EXPECT_FALSE(target->energy);
  for (const Quantity *q : target->allQuantities())
    EXPECT_FALSE(q->source.empty()) << q->field;
}

} // namespace

// The probe pins each pass of its grid to one CPU and gives the thread its
// previous CPUs back afterwards.
TEST(HostProbe, CpuPinPinsAndRestores) {
  std::vector<int> before = iron::probe::allowedCpus();
  if (before.empty())
    GTEST_SKIP() << "the OS reports no affinity mask";
  {
    iron::probe::CpuPin pin(before.back());
    ASSERT_TRUE(pin.pinned());
    EXPECT_EQ(iron::probe::allowedCpus(), std::vector<int>{before.back()});
  }
  EXPECT_EQ(iron::probe::allowedCpus(), before);
  // A CPU the process may not use is refused, and nothing changes.
  {
    iron::probe::CpuPin pin(-1);
    EXPECT_FALSE(pin.pinned());
    EXPECT_EQ(iron::probe::allowedCpus(), before);
  }
}
