//===- Target.h - Deployment target descriptions ------------------*- C++
//-*-===//
//
// A target description is the data half of Iron's cost model: what work costs
// on one device (peak rates per precision, memory levels with capacity,
// bandwidth and energy, per-kernel overhead, power modes, which ops an NPU
// runs natively). The descriptions live in targets/*.yaml, one file per
// device, every number next to its source; targets/README.md documents every
// field. This header only loads and checks them: no device number is written
// in C++.
//
//===----------------------------------------------------------------------===//
#ifndef IRON_TARGET_TARGET_H
#define IRON_TARGET_TARGET_H

#include "iron/Support/Precision.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace iron {

/// One number of a target file with its unit carried by the field name, its
/// uncertainty and its provenance. A field written as a bare number has
/// low == high == value and hasRange == false.
struct Quantity {
  double value = 0;
  double low = 0, high = 0;
  bool hasRange = false;
  /// The citation: the number's own `source`, or the one of the nearest
  /// enclosing block. Never empty in a loaded target.
  std::string source;
  /// How the number was derived or estimated (empty for a value read
  /// straight off a datasheet).
  std::string derivation;
  std::string note;
  /// Dotted path of the field ("compute[0].peak_ops_per_s.int8") and the
  /// line it was read from, for diagnostics and reports.
  std::string field;
  unsigned line = 0;
};

enum class TargetKind { GPU, Jetson, NPU, MCU, CPU };
llvm::StringRef stringifyTargetKind(TargetKind k);

/// What a compute unit is good at: `matrix` units (tensor cores, NPU MAC
/// arrays) run contractions, `vector` units (SIMT/SIMD lanes) run everything
/// at lower rates, `general` units (an MCU core, a host CPU) run everything.
enum class UnitClass { Matrix, Vector, General };
llvm::StringRef stringifyUnitClass(UnitClass c);

/// Shape quantization of a contraction (docs/cost-model.md): the unit
/// computes output tiles of m x n elements over k-deep slices, `parallel`
/// tiles at a time (SMs, cores, MAC-array columns). Absent dimensions do not
/// quantize.
struct TilingModel {
  std::optional<Quantity> m, n, k, parallel;
  /// Convolutions vectorized along output rows: each row of `width`
  /// outputs is padded to whole vectors of `w`.
  std::optional<Quantity> w;
  /// A product with M = 1 or N = 1 runs as a matrix-vector product, which
  /// the software stack computes with its own kernel: no padding along M
  /// or N.
  bool gemvUnpadded = false;
  std::string source;

  /// Fraction of the tiled work that is useful for `batch` products of
  /// (m x k) by (k x n): padding to whole tiles times the fill of the last
  /// wave, times the row padding (`width` > 0 only). 1 when nothing
  /// quantizes.
  double utilization(int64_t batch, int64_t m, int64_t n, int64_t k,
                     int64_t width = 0) const;
};

/// The element counts a saturating curve's optional per-element costs apply
/// to: a contraction's operands; for other kernels only `output`.
struct CurveElements {
  /// batch x K x N: `weight_ops` each (reading and packing it once).
  double weight = 0;
  /// batch x M x K: `input_ops` each (packing it, an im2col).
  double input = 0;
  /// batch x M x N: `output_ops` each (storing it, the epilogue; what a
  /// product with a short K spends most on). Other kernels: their result
  /// elements (what a reduction pays per output).
  double output = 0;
};

/// eta(ops) of the Iron Law's compute term O / (R_peak * eta) for one kernel.
struct EfficiencyCurve {
  enum class Kind {
    /// eta = params["eta"].
    Fixed,
    /// eta = eta_max * ops / (ops + half_ops): small kernels cannot fill the
    /// machine, large ones approach eta_max.
    Saturating,
  };
  Kind kind = Kind::Fixed;
  std::map<std::string, Quantity> params;
  /// Clamp on the result: eta is kept in [low, high].
  std::optional<std::pair<double, double>> range;
  /// Applied to contractions on top of the curve.
  std::optional<TilingModel> tiling;
  std::string source;

  using Elements = CurveElements;
  /// The curve for a kernel of `ops` operations (clamped to `range` where
  /// given). `corner` picks the parameters: 0 their nominal values, +1 the
  /// ends of their ranges that make eta largest, -1 smallest. A saturating
  /// curve's per-element costs add to half_ops.
  double evaluate(double ops, int corner = 0,
                  const Elements &elements = {}) const;
  /// The optional `stall` parameter (0 when absent): the time an activation
  /// byte that no cache holds adds to the compute term, in units of its level's
  /// transfer time. `corner` as for evaluate (+1: the fast end).
  double stall(int corner = 0) const;
};

/// A unit's efficiency: a default curve plus overrides per kernel class.
struct EfficiencyModel : EfficiencyCurve {
  /// Keyed by kernel class name ("contraction.depthwise", "elementwise",
  /// see WorkCount.h). A curve here does not inherit the default's tiling.
  std::map<std::string, EfficiencyCurve> classes;
  /// Keyed by kernel variant (targets/README.md, `efficiency.kernels`): an
  /// op kind ("MaxPool", "Elementwise"), a binary op with a broadcast input
  /// ("Mul.broadcast"), or the epilogue of a fused contraction
  /// ("epilogue.SiLU"). Takes precedence over the class curve.
  std::map<std::string, EfficiencyCurve> kernels;

  /// The curve for a kernel class: the exact name, then its dotted prefixes
  /// ("contraction.conv" -> "contraction"), then the default curve. With
  /// `withParam`, only a class curve that states that parameter counts
  /// (the nearest `stall` up the prefixes).
  const EfficiencyCurve &forClass(llvm::StringRef kernelClass,
                                  llvm::StringRef withParam = {}) const;
  /// The curve of a kernel variant: the exact key, then the key without a
  /// ".broadcast" suffix or, for "epilogue.X", "epilogue"; nullptr when
  /// `kernels` has none of them.
  const EfficiencyCurve *forVariant(llvm::StringRef variant) const;
  /// forVariant, else forClass.
  const EfficiencyCurve &forKernel(llvm::StringRef variant,
                                   llvm::StringRef kernelClass) const;
};

/// Where ops a unit cannot run go, and what the round trip costs.
struct FallbackSpec {
  std::string unit;
  Quantity transferBytesPerS;
  std::optional<Quantity> overheadS;
};

struct OpSupport {
  /// True when the unit runs every op (the default when `ops` is absent).
  bool all = true;
  /// ONNX op types run natively when `all` is false.
  std::vector<std::string> native;
  std::optional<FallbackSpec> fallback;

  bool supports(llvm::StringRef opType) const;
};

struct ComputeUnit {
  std::string name;
  UnitClass unitClass = UnitClass::General;
  std::optional<Quantity> count;
  /// Absent for fixed-function accelerators whose vendor gives only a rate.
  std::optional<Quantity> clockHz;
  /// Dense peak in operations per second; one multiply-accumulate = 2 ops.
  std::map<Precision, Quantity> peakOpsPerS;
  /// Present when 2:4 structured sparsity is supported: the peak multiplier.
  std::optional<Quantity> sparsity24Speedup;
  std::optional<Quantity> vectorWidthBits;
  /// Ops one transcendental call (exp, tanh, erf, ...) costs on this unit;
  /// 1 when absent.
  std::optional<Quantity> transcendentalOps;
  std::optional<EfficiencyModel> efficiency;
  OpSupport ops;
  std::string source;

  /// The peak for `p`, or nullptr when the unit does not support `p`.
  const Quantity *peak(Precision p) const;
};

enum class MemoryRole { Activations, Weights, Code };
llvm::StringRef stringifyMemoryRole(MemoryRole r);

struct MemoryLevel {
  std::string name;
  Quantity capacityBytes;
  /// Required on the slowest level; absent on a faster level means the
  /// level is not the one that limits traffic (or its bandwidth is unknown).
  std::optional<Quantity> bandwidthBytesPerS;
  std::optional<Quantity> energyPjPerByte;
  std::optional<Quantity> latencyS;
  std::optional<Quantity> waitStates;
  /// A hardware-managed cache (`cache: true`): it holds whatever the
  /// kernels touched most recently, not data placed there. The cost model
  /// simulates it over the model's kernel order to find which bytes each
  /// kernel finds in it (docs/cost-model.md).
  bool cache = false;
  std::vector<MemoryRole> holds;
  std::string source;

  bool holdsRole(MemoryRole r) const;
};

struct Overhead {
  /// Fixed cost of one kernel: a launch (GPU), a delegate call (NPU), a loop
  /// nest's setup (CPU/MCU).
  Quantity kernelLaunchS;
  /// Fixed cost of one inference on top of its kernels, where known.
  std::optional<Quantity> inferenceS;
  /// Fixed cost of one delegate call: charged once per run of consecutive
  /// kernels on a unit that runs only some ops (an NPU partition).
  std::optional<Quantity> delegateCallS;
  std::string source;
};

struct EnergyModel {
  /// Names the model the numbers feed; currently "actions+static":
  /// E = sum(ops * pj_per_op) + sum(bytes * energy_pj_per_byte) + P_static * T.
  std::string model;
  std::map<Precision, Quantity> pjPerOp;
  std::optional<Quantity> staticPowerW;
  std::optional<Quantity> tdpW;
  std::optional<Quantity> processNm;
  std::string source;
};

struct PowerMode {
  std::string name;
  std::optional<Quantity> powerW;
  /// Scale applied to every unit's clock (and so its peak) ...
  std::optional<Quantity> clockScale;
  /// ... or per unit name.
  std::map<std::string, Quantity> unitClockScale;
  std::string source;

  /// The clock scale of `unit` in this mode (1.0 when the mode says nothing).
  double scaleFor(llvm::StringRef unit) const;
};

struct SoftwareStack {
  std::string name;
  std::string source;
};

struct TargetDescription {
  int schemaVersion = 0;
  std::string name;
  TargetKind kind = TargetKind::CPU;
  std::string description;
  /// Citation keys used as "[key]" in `source` strings.
  std::map<std::string, std::string> references;
  SoftwareStack softwareStack;
  std::vector<ComputeUnit> compute;
  /// Fastest first.
  std::vector<MemoryLevel> memory;
  Overhead overhead;
  std::optional<EnergyModel> energy;
  std::vector<PowerMode> powerModes;
  std::string notes;
  /// The file it was loaded from.
  std::string path;

  const ComputeUnit *findUnit(llvm::StringRef name) const;
  const MemoryLevel *findMemory(llvm::StringRef name) const;
  const PowerMode *findPowerMode(llvm::StringRef name) const;
  /// Every number of the description (for reports and audits).
  std::vector<const Quantity *> allQuantities() const;
};

/// Parses and checks target text. `fileName` is used in diagnostics, which
/// read "<fileName>:<line>:<col>: <field>: <message>".
llvm::Expected<TargetDescription> parseTarget(llvm::StringRef text,
                                              llvm::StringRef fileName);

/// Loads a target. A bundled name ("st-stm32f746": no '/', no ".yaml")
/// resolves to <targetsDir>/<name>.yaml and must match the file's `name`;
/// anything else is read as a path. An empty `targetsDir` means
/// defaultTargetsDir().
llvm::Expected<TargetDescription> loadTarget(llvm::StringRef nameOrPath,
                                             llvm::StringRef targetsDir = {});

/// Names (file stems) of the *.yaml files in `targetsDir` (default:
/// defaultTargetsDir()), sorted.
std::vector<std::string> listBundledTargets(llvm::StringRef targetsDir = {});

/// A stable hash (hex) of the file a target was loaded from, so an artifact
/// can say which numbers its predictions used; empty when unreadable.
std::string hashTargetFile(const TargetDescription &target);

/// $IRON_TARGETS_DIR when set and non-empty, else the source tree's targets/
/// directory recorded at build time.
std::string defaultTargetsDir();

} // namespace iron

#endif // IRON_TARGET_TARGET_H
