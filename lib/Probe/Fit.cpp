//===- Fit.cpp - Efficiency curves that reproduce measured kernel times ---===//
//
// The cost model predicts a kernel's latency as
//   T = max((ops + transcendentals x t) / (peak x eta(ops) x tiling), T_m) +
//   T_o
// (docs/cost-model.md). Given measured times and the other terms, the fit
// picks the curve eta(ops) (fixed or saturating), optionally a tiling, and t,
// minimising the squared error of ln T over the samples: relative errors
// count alike for a 1 us and a 100 ms kernel. The search is a coarse grid in
// log space refined by golden-section steps; two parameters do not need
// more.
//
//===----------------------------------------------------------------------===//

#include "iron/Probe/HostProbe.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

namespace iron::probe {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// The element counts a curve's per-element costs apply to (as the cost
/// model takes them): a contraction's operands, another kernel's results.
EfficiencyCurve::Elements elementsOf(const FitSample &s) {
  if (!s.shape)
    return {0, 0, s.outputElements};
  return {s.shape->weightElements(), s.shape->inputElements(),
          s.shape->outputElements()};
}

/// A sample with everything that does not depend on the curve precomputed.
struct Prepared {
  double lnMeasured;
  double ops;
  double work; // ops + transcendentals x t
  double memoryS, overheadS, fixedComputeS;
  double weightElements; // batch x K x N of a contraction, else 0
  double inputElements;  // batch x M x K of a contraction, else 0
  double outputElements; // batch x M x N of a contraction, else the results
  double tiling; // utilization of the tiling being tried
};

struct Params {
  bool saturating = false;
  double eta = 1, halfOps = 0;
  /// Per-element costs of a contraction's operands (0: none).
  double weightOps = 0, inputOps = 0, outputOps = 0;
};

double etaOf(const Params &p, const Prepared &s) {
  if (!p.saturating)
    return p.eta;
  return s.ops <= 0 ? 0
                    : p.eta * s.ops /
                          (s.ops + p.halfOps + p.weightOps * s.weightElements +
                           p.inputOps * s.inputElements +
                           p.outputOps * s.outputElements);
}

double predictPrepared(const Prepared &s, const Params &p, double peak) {
  double tc = s.fixedComputeS;
  if (s.work > 0) {
    double eta = etaOf(p, s) * s.tiling;
    tc += eta > 0 ? s.work / (peak * eta) : kInf;
  }
  return std::max(tc, s.memoryS) + s.overheadS;
}

double sumSquaredLogError(const std::vector<Prepared> &samples, const Params &p,
                          double peak) {
  double sum = 0;
  for (const Prepared &s : samples) {
    double t = predictPrepared(s, p, peak);
    if (!(t > 0) || !std::isfinite(t))
      return kInf;
    double d = std::log(t) - s.lnMeasured;
    sum += d * d;
  }
  return sum;
}

/// Minimises f over x in [lo, hi] (log space): a grid of `steps` points,
/// then golden-section refinement around the best one.
double minimizeLog(const std::function<double(double)> &f, double lo, double hi,
                   int steps, double *best = nullptr) {
  double llo = std::log(lo), lhi = std::log(hi);
  double bestX = lo, bestF = kInf;
  int bestI = 0;
  for (int i = 0; i <= steps; ++i) {
    double x = std::exp(llo + (lhi - llo) * i / steps);
    double v = f(x);
    if (v < bestF)
      bestF = v, bestX = x, bestI = i;
  }
  double a = llo + (lhi - llo) * std::max(0, bestI - 1) / steps;
  double b = llo + (lhi - llo) * std::min(steps, bestI + 1) / steps;
  const double g = 0.6180339887498949;
  double c = b - g * (b - a), d = a + g * (b - a);
  double fc = f(std::exp(c)), fd = f(std::exp(d));
  for (int it = 0; it < 40 && b - a > 1e-4; ++it) {
    if (fc < fd) {
      b = d, d = c, fd = fc;
      c = b - g * (b - a), fc = f(std::exp(c));
    } else {
      a = c, c = d, fc = fd;
      d = a + g * (b - a), fd = f(std::exp(d));
    }
  }
  double x = std::exp(fc < fd ? c : d), v = std::min(fc, fd);
  if (v < bestF)
    bestF = v, bestX = x;
  if (best)
    *best = bestF;
  return bestX;
}

std::optional<TilingModel> tilingFor(const TileChoice &tile) {
  auto dim = [](int64_t v) -> std::optional<Quantity> {
    if (v <= 1)
      return std::nullopt;
    Quantity x;
    x.value = x.low = x.high = double(v);
    return x;
  };
  TilingModel t;
  t.m = dim(tile.m);
  t.n = dim(tile.n);
  t.k = dim(tile.k);
  t.w = dim(tile.w);
  if (!t.m && !t.n && !t.k && !t.w)
    return std::nullopt;
  // Iron's runtime runs every product with M = 1 or N = 1 through its
  // matrix-vector kernel (runtime/kernels/optimized/Gemm.cpp, MatMul.cpp).
  t.gemvUnpadded = true;
  return t;
}

std::vector<Prepared> prepare(llvm::ArrayRef<FitSample> samples, double t,
                              const std::optional<TileChoice> &tile) {
  std::optional<TilingModel> tiling;
  if (tile)
    tiling = tilingFor(*tile);
  std::vector<Prepared> out;
  for (const FitSample &s : samples) {
    if (!(s.measuredS > 0))
      continue;
    Prepared p;
    p.lnMeasured = std::log(s.measuredS);
    p.ops = s.ops;
    p.work = s.ops + s.transcendentals * t;
    p.memoryS = s.memoryS;
    p.overheadS = s.overheadS;
    p.fixedComputeS = s.fixedComputeS;
    EfficiencyCurve::Elements e = elementsOf(s);
    p.weightElements = e.weight;
    p.inputElements = e.input;
    p.outputElements = e.output;
    p.tiling = 1;
    if (tiling && s.shape)
      p.tiling = tiling->utilization(s.shape->batch, s.shape->m, s.shape->n,
                                     s.shape->k, s.shape->width);
    out.push_back(p);
  }
  return out;
}

/// The best curve for prepared samples, with the per-element costs of
/// `extras` held fixed; returns the sum of squared errors.
double fitPrepared(const std::vector<Prepared> &samples, double peak,
                   bool allowSaturating, Params &out,
                   const Params &extras = Params()) {
  Params fixed;
  double fixedErr = kInf;
  fixed.eta = minimizeLog(
      [&](double eta) {
        Params p;
        p.eta = eta;
        return sumSquaredLogError(samples, p, peak);
      },
      1e-7, 1.0, 70, &fixedErr);
  out = fixed;
  if (!allowSaturating)
    return fixedErr;
  // For each half_ops, the best eta_max; then the best half_ops.
  auto bestEtaMax = [&](double half, double *err) {
    return minimizeLog(
        [&](double eta) {
          Params p;
          p = extras;
          p.saturating = true, p.eta = eta, p.halfOps = half;
          return sumSquaredLogError(samples, p, peak);
        },
        1e-7, 1.0, 35, err);
  };
  double satErr = kInf;
  double half = minimizeLog(
      [&](double h) {
        double err;
        bestEtaMax(h, &err);
        return err;
      },
      1e1, 1e13, 48, &satErr);
  double err;
  Params sat = extras;
  sat.saturating = true, sat.halfOps = half;
  sat.eta = bestEtaMax(half, &err);
  // The saturating curve has one parameter more: keep it only when it
  // explains clearly more (rms log error at least 10% lower).
  if (err < 0.81 * fixedErr) {
    out = sat;
    return err;
  }
  return fixedErr;
}

double median(std::vector<double> v) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double quantile(std::vector<double> v, double q) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  return v[size_t(q * double(v.size() - 1) + 0.5)];
}

} // namespace

EfficiencyCurve toCurve(const CurveFit &fit) {
  EfficiencyCurve c;
  c.kind = fit.kind;
  auto q = [](double v, double lo, double hi) {
    Quantity x;
    x.value = v;
    x.low = std::min(lo, v);
    x.high = std::max(hi, v);
    x.hasRange = x.low < x.high;
    return x;
  };
  if (fit.kind == EfficiencyCurve::Kind::Fixed) {
    c.params["eta"] = q(fit.eta, fit.etaLow, fit.etaHigh);
  } else {
    c.params["eta_max"] = q(fit.eta, fit.etaLow, fit.etaHigh);
    c.params["half_ops"] = q(fit.halfOps, fit.halfOpsLow, fit.halfOpsHigh);
    if (fit.weightOps > 0)
      c.params["weight_ops"] =
          q(fit.weightOps, fit.weightOpsLow, fit.weightOpsHigh);
    if (fit.inputOps > 0)
      c.params["input_ops"] =
          q(fit.inputOps, fit.inputOpsLow, fit.inputOpsHigh);
    if (fit.outputOps > 0)
      c.params["output_ops"] =
          q(fit.outputOps, fit.outputOpsLow, fit.outputOpsHigh);
  }
  if (fit.stall > 0)
    c.params["stall"] = q(fit.stall, fit.stallLow, fit.stallHigh);
  if (fit.tiling)
    c.tiling = tilingFor(*fit.tiling);
  return c;
}

double predictSeconds(const FitSample &s, const EfficiencyCurve &curve,
                      double peakOpsPerS, double transcendentalOps) {
  double work = s.ops + s.transcendentals * transcendentalOps;
  double tc = s.fixedComputeS;
  if (work > 0) {
    double eta = curve.evaluate(s.ops, 0, elementsOf(s));
    if (curve.tiling && s.shape)
      eta *= curve.tiling->utilization(s.shape->batch, s.shape->m, s.shape->n,
                                       s.shape->k, s.shape->width);
    tc += eta > 0 ? work / (peakOpsPerS * eta) : kInf;
  }
  return std::max(tc, s.memoryS) + s.overheadS;
}

CurveFit fitCurve(llvm::ArrayRef<FitSample> samples,
                  const FitOptions &options) {
  CurveFit fit;
  double peak = options.peakOpsPerS;
  // The whole curve on one tiling: eta (and half_ops), then the per-element
  // costs of the operands by coordinate search: the K x N operand (packing
  // it; for a thin product, streaming it), the M x K operand (packing the
  // input, an im2col) and the M x N output (storing it, the epilogue). Each
  // is one parameter more: a cost the curve does not have yet is taken only
  // when it lowers the rms log error by at least 5% (a few short-K kernels
  // among many long-K ones must be able to earn it); one it has moves for
  // any improvement. A cost whose elements no sample has (a
  // non-contraction's operands) is skipped.
  auto fitOn = [&](const std::optional<TileChoice> &tile, Params &best) {
    auto prepared = prepare(samples, options.transcendentalOps, tile);
    double bestErr = fitPrepared(prepared, peak, options.allowSaturating, best);
    if (!options.fitElementCosts || !options.allowSaturating)
      return bestErr;
    struct Cost {
      double Params::*param;
      double Prepared::*elements;
    } costs[] = {{&Params::weightOps, &Prepared::weightElements},
                 {&Params::inputOps, &Prepared::inputElements},
                 {&Params::outputOps, &Prepared::outputElements}};
    for (int pass = 0; pass < 2; ++pass)
      for (const Cost &c : costs) {
        if (llvm::none_of(prepared, [&](const Prepared &s) {
              return s.*c.elements > 0;
            }))
          continue;
        double Params::*cost = c.param;
        Params round = best.saturating ? best : Params();
        double roundErr = bestErr;
        for (int i = 0; i <= 21; ++i) {
          Params extras = round;
          // 0 (drop it), then 0.01 .. 1e3 ops per element.
          extras.*cost = i == 0 ? 0.0 : 1e-2 * std::pow(10.0, (i - 1) * 0.25);
          Params p;
          double err = fitPrepared(prepared, peak, true, p, extras);
          bool adds = round.*cost <= 0 && extras.*cost > 0;
          double bar = adds ? std::min(bestErr, 0.9 * roundErr) : bestErr;
          if (p.saturating && err < bar)
            bestErr = err, best = p;
        }
      }
    return bestErr;
  };
  // Each tiling is compared as a whole curve (its own eta and per-element
  // costs), since padding and a per-element cost can explain the same slow
  // small kernels. A tiling is one more thing to believe: it must lower the
  // rms log error by at least 3%.
  Params best;
  std::optional<TileChoice> bestTile;
  double bestErr = fitOn(std::nullopt, best);
  for (const TileChoice &tile : options.tileCandidates) {
    Params p;
    double err = fitOn(tile, p);
    if (err < 0.94 * bestErr)
      bestErr = err, best = p, bestTile = tile;
  }
  fit.kind = best.saturating ? EfficiencyCurve::Kind::Saturating
                             : EfficiencyCurve::Kind::Fixed;
  fit.eta = best.eta;
  fit.halfOps = best.halfOps;
  fit.weightOps = best.saturating ? best.weightOps : 0;
  fit.inputOps = best.saturating ? best.inputOps : 0;
  fit.outputOps = best.saturating ? best.outputOps : 0;
  fit.tiling = bestTile;

  // Quality and ranges from the residuals of the chosen curve.
  EfficiencyCurve curve = toCurve(fit);
  std::vector<double> absLog, absRel;
  double sum = 0;
  for (const FitSample &s : samples) {
    if (!(s.measuredS > 0))
      continue;
    double t = predictSeconds(s, curve, peak, options.transcendentalOps);
    double d = std::log(t / s.measuredS);
    sum += d * d;
    absLog.push_back(std::fabs(d));
    absRel.push_back(std::fabs(t / s.measuredS - 1));
  }
  fit.samples = absLog.size();
  fit.rmsLogError = fit.samples ? std::sqrt(sum / double(fit.samples)) : 0;
  fit.medianAbsError = median(absRel);
  // Four in five kernels lie within the range's factor of the fit, and the
  // factor is at least the host's drift (FitOptions::minRangeLog).
  double q = std::max(options.minRangeLog, quantile(absLog, 0.8));
  fit.etaLow = fit.eta * std::exp(-q);
  fit.etaHigh = std::min(1.0, fit.eta * std::exp(q));
  if (fit.kind == EfficiencyCurve::Kind::Saturating) {
    fit.halfOpsLow = fit.halfOps * std::exp(-q);
    fit.halfOpsHigh = fit.halfOps * std::exp(q);
    fit.weightOpsLow = fit.weightOps * std::exp(-q);
    fit.weightOpsHigh = fit.weightOps * std::exp(q);
    fit.inputOpsLow = fit.inputOps * std::exp(-q);
    fit.inputOpsHigh = fit.inputOps * std::exp(q);
    fit.outputOpsLow = fit.outputOps * std::exp(-q);
    fit.outputOpsHigh = fit.outputOps * std::exp(q);
  }
  return fit;
}

double fitTranscendentalOps(llvm::ArrayRef<std::vector<FitSample>> classes,
                            const FitOptions &options, double *rmsLogError) {
  size_t count = 0;
  bool any = false;
  for (const std::vector<FitSample> &c : classes) {
    count += c.size();
    any = any || llvm::any_of(c, [](const FitSample &s) {
            return s.transcendentals > 0;
          });
  }
  // Each class keeps its own curve; t is what they share. The tiling does
  // not matter here (no contraction calls exp).
  auto errorFor = [&](double t) {
    double sum = 0;
    for (const std::vector<FitSample> &c : classes) {
      Params p;
      sum += fitPrepared(prepare(c, t, std::nullopt), options.peakOpsPerS,
                         options.allowSaturating, p);
    }
    return sum;
  };
  double err = 0;
  double t = any ? minimizeLog(errorFor, 1.0, 1e3, 24, &err) : 1.0;
  if (!any)
    err = errorFor(1.0);
  if (rmsLogError)
    *rmsLogError = count ? std::sqrt(err / double(count)) : 0;
  return t;
}

} // namespace iron::probe
