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

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace iron {

/// Number formats a peak rate or an energy per op can be given for.
enum class Precision {
  FP64,
  FP32,
  TF32,
  FP16,
  BF16,
  FP8,
  INT32,
  INT16,
  INT8,
  INT4
};

/// The key used in target files ("fp32", "int8", ...).
llvm::StringRef stringifyPrecision(Precision p);
/// Parses a precision key; std::nullopt for an unknown one.
std::optional<Precision> parsePrecision(llvm::StringRef key);
/// Every precision, in the order of the enum.
const std::vector<Precision> &allPrecisions();

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

/// eta(ops) of the Iron Law's compute term O / (R_peak * eta) for one kernel.
struct EfficiencyModel {
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
  std::string source;

  /// The model evaluated at the parameters' nominal values for a kernel of
  /// `ops` operations (clamped to `range` where given).
  double evaluate(double ops) const;
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

/// $IRON_TARGETS_DIR when set and non-empty, else the source tree's targets/
/// directory recorded at build time.
std::string defaultTargetsDir();

} // namespace iron

#endif // IRON_TARGET_TARGET_H
