//===- HostProbe.h - Describe the host from microbenchmarks -------*- C++
//-*-===//
//
// `ironc target probe` writes a target description (targets/README.md) of
// the machine it runs on. Every number comes from a measurement: cache sizes
// from the OS, memory bandwidth from a streaming sweep, and everything else
// from Iron's own runtime kernels run on synthetic single-op graphs of a
// fixed shape grid (never a user model). The efficiency curves are fitted so
// that the cost model (docs/cost-model.md) predicts the measured kernel
// times.
//
//===----------------------------------------------------------------------===//
#ifndef IRON_PROBE_HOSTPROBE_H
#define IRON_PROBE_HOSTPROBE_H

#include "iron/Dialect/WorkCount.h"
#include "iron/Target/Target.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace iron::probe {

struct ProbeOptions {
  /// The target's `name`.
  std::string name = "host";
  /// A small grid and short timings (seconds instead of about a minute).
  bool quick = false;
  /// Timed runs per microbenchmark; 0 picks them from a time budget.
  int repeats = 0;
  /// Where each microbenchmark's result is logged (null: nowhere).
  llvm::raw_ostream *log = nullptr;
};

//===----------------------------------------------------------------------===//
// The host as the OS describes it
//===----------------------------------------------------------------------===//

struct CacheInfo {
  int level = 0;
  /// "Data" or "Unified" (instruction caches are left out).
  std::string type;
  uint64_t bytes = 0;
};

struct HostInfo {
  /// /proc/cpuinfo's model name (or "unknown CPU").
  std::string cpuModel;
  /// Data and unified caches of CPU 0, fastest first.
  std::vector<CacheInfo> caches;
  /// Where the cache sizes came from (sysfs, sysconf).
  std::string cacheSource;
  uint64_t dramBytes = 0;
  /// The instruction set the runtime's optimized kernels use, and their
  /// SGEMM micro-kernel (rows x columns of C per step).
  std::string isa;
  int microRows = 0, microCols = 0;
  /// SIMD register width of that path in bits.
  int vectorBits = 0;
};

HostInfo detectHost();

/// The CPUs this process may run on (its affinity mask), lowest first;
/// empty where the OS does not say.
std::vector<int> allowedCpus();

/// Pins the calling thread to one CPU while it lives, and restores the
/// thread's previous affinity after. On a shared machine (a VM whose
/// virtual CPUs share cores with other tenants) each CPU's speed moves on
/// its own, so a measurement that migrates between them mixes two
/// machines.
class CpuPin {
public:
  explicit CpuPin(int cpu);
  ~CpuPin();
  CpuPin(const CpuPin &) = delete;
  CpuPin &operator=(const CpuPin &) = delete;
  /// Whether the thread runs on `cpu` only now.
  bool pinned() const { return ok; }

private:
  bool ok = false;
  std::vector<int> previous;
};

/// Bytes per second of a streaming copy (y = a * x: one read and one write
/// stream, both counted) whose two buffers total `workingSetBytes`; the
/// median, 10th and 90th percentile over `repeats` passes.
struct Rate {
  double value = 0, low = 0, high = 0;
};

/// Memory for streamBandwidth that a sweep allocates (and page-faults)
/// once, for its largest working set.
class StreamBuffers {
public:
  explicit StreamBuffers(uint64_t maxWorkingSetBytes);
  ~StreamBuffers();
  StreamBuffers(const StreamBuffers &) = delete;
  StreamBuffers &operator=(const StreamBuffers &) = delete;
  /// Two 64-byte aligned arrays of `floats` floats each.
  bool get(size_t floats, float *&x, float *&y);

private:
  float *storage = nullptr;
  float *x = nullptr, *y = nullptr;
  size_t capacity = 0;
};

Rate streamBandwidth(uint64_t workingSetBytes, int repeats,
                     StreamBuffers *buffers = nullptr);

//===----------------------------------------------------------------------===//
// Fitting efficiency curves
//===----------------------------------------------------------------------===//

/// One measured kernel as the fit sees it: the cost model's terms (at the
/// probe's peak, bandwidths and overhead) and the time it took.
struct FitSample {
  double measuredS = 0;
  /// 2 x MACs + other ops: the argument of the efficiency curve.
  double ops = 0;
  double transcendentals = 0;
  /// The memory term T_m and the overhead term T_o.
  double memoryS = 0, overheadS = 0;
  /// Compute time the curve does not scale, added to its own (the
  /// contraction of a fused kernel when the curve is its epilogue's).
  double fixedComputeS = 0;
  /// For contractions: the matrix products the tiling pads.
  std::optional<ContractionShape> shape;
  /// For other kernels: their result elements (`output_ops` applies).
  double outputElements = 0;
  std::string label;
};

/// A tile size to try for a contraction class (0 = that dimension does not
/// quantize).
struct TileChoice {
  int64_t m = 0, n = 0, k = 0;
  /// Output-row vector (TilingModel::w).
  int64_t w = 0;
};

struct CurveFit {
  EfficiencyCurve::Kind kind = EfficiencyCurve::Kind::Fixed;
  /// `eta` of a fixed curve, `eta_max` of a saturating one.
  double eta = 1;
  double etaLow = 1, etaHigh = 1;
  /// Saturating curves only.
  double halfOps = 0, halfOpsLow = 0, halfOpsHigh = 0;
  /// Saturating contraction curves: ops per element of the K x N operand
  /// (0: none).
  double weightOps = 0, weightOpsLow = 0, weightOpsHigh = 0;
  /// Saturating contraction curves: ops per element of the M x K operand
  /// (0: none).
  double inputOps = 0, inputOpsLow = 0, inputOpsHigh = 0;
  /// Saturating curves: ops per element of a contraction's M x N output,
  /// or of another kernel's results (0: none).
  double outputOps = 0, outputOpsLow = 0, outputOpsHigh = 0;
  std::optional<TileChoice> tiling;
  /// The curve's `stall` (0: none) and how it was measured.
  double stall = 0, stallLow = 0, stallHigh = 0;
  std::string stallDerivation;
  /// Quality over the samples: root mean square of ln(predicted/measured)
  /// and the median of |predicted/measured - 1|.
  double rmsLogError = 0, medianAbsError = 0;
  size_t samples = 0;
};

struct FitOptions {
  double peakOpsPerS = 0;
  /// Ops one transcendental call costs.
  double transcendentalOps = 1;
  bool allowSaturating = true;
  /// Tilings tried besides none; one is kept only when it lowers the error.
  std::vector<TileChoice> tileCandidates;
  /// Try per-element costs: of a contraction's K x N, M x K and M x N
  /// operands; of another kernel's results (`output_ops` only).
  bool fitElementCosts = false;
  /// The least half-width of a fitted parameter's range, in ln units.
  double minRangeLog = 0.02;
};

/// The curve (and tiling) as the target file states it.
EfficiencyCurve toCurve(const CurveFit &fit);

/// The cost model's latency of one kernel (docs/cost-model.md, "One
/// kernel"): max(T_c, T_m) + T_o with T_c = (ops + transcendentals x t) /
/// (peak x eta(ops) x tiling).
double predictSeconds(const FitSample &s, const EfficiencyCurve &curve,
                      double peakOpsPerS, double transcendentalOps);

/// Least squares in log time: the fixed curve, the saturating one, and each
/// tiling candidate; the simpler form wins unless the other clearly fits
/// better. Ranges cover the spread of the samples around the fit.
CurveFit fitCurve(llvm::ArrayRef<FitSample> samples, const FitOptions &options);

/// The transcendental cost t that best predicts `classes` (the samples of
/// several kernel classes, each fitted with its own curve): the sum of the
/// classes' squared log errors is minimised. `rmsLogError` receives the
/// error at that t.
double fitTranscendentalOps(llvm::ArrayRef<std::vector<FitSample>> classes,
                            const FitOptions &options,
                            double *rmsLogError = nullptr);

//===----------------------------------------------------------------------===//
// The probe
//===----------------------------------------------------------------------===//

/// Runs every microbenchmark and returns the target description as YAML
/// text (already checked with parseTarget).
llvm::Expected<std::string> probeHost(const ProbeOptions &options);

} // namespace iron::probe

namespace iron {
/// `ironc target probe -o FILE [--name N] [--quick] [--repeats N] [-v]`.
/// argv[0] is the program; "target" and "probe" may follow it. Returns an
/// exit code of ExitCodes.h.
int runTargetProbe(int argc, char **argv);
} // namespace iron

#endif // IRON_PROBE_HOSTPROBE_H
