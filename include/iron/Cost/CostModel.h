//===- CostModel.h - Predicted latency, energy and memory ---------*- C++ -*-===//
//
// The small piece of code between the work counts (WorkCount.h) and a target
// description (Target.h): per kernel, a roofline over the memory levels the
// kernel touches with a shape-aware efficiency, plus the fixed overhead; per
// model, the sum, the memory verdicts and the budgets. docs/cost-model.md
// states every formula; no device number is written here.
//
//===----------------------------------------------------------------------===//
#ifndef IRON_COST_COSTMODEL_H
#define IRON_COST_COSTMODEL_H

#include "iron/Dialect/WorkCount.h"
#include "iron/Target/Target.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace iron {

/// A predicted number with the interval the target's parameter ranges allow.
struct Interval {
  double value = 0, low = 0, high = 0;
};

enum class Bound { Compute, Memory, Overhead };
llvm::StringRef stringifyBound(Bound b);

struct CostOptions {
  /// Analyse as if every floating-point tensor and MAC ran at this precision.
  std::optional<Precision> assumePrecision;
  /// Inferences per batch; counts that scale with activations are multiplied
  /// by it, weight traffic is not.
  int64_t batch = 1;
  /// A power mode of the target (its clock scale applies); empty = none.
  std::string powerMode;
  /// Budgets (absent = not checked).
  std::optional<double> latencyBudgetS, energyBudgetJ, memoryBudgetBytes;
  /// Compute sensitivities even when every budget passes.
  bool sensitivities = true;
};

struct KernelCost {
  unsigned index = 0;
  /// Op kind ("Conv") and the ONNX node names it came from.
  std::string kind;
  std::vector<std::string> nodes;
  KernelClass kernelClass = KernelClass::Other;
  /// Result types, printed ("1x64x56x56xf32"), and their bytes (at the
  /// analysed batch and precision).
  std::vector<std::string> outputShapes;
  double outputBytes = 0;
  std::string unit;
  Precision precision = Precision::FP32;
  /// True when the unit that runs the kernel is a fallback (an NPU op the
  /// NPU does not support).
  bool fallback = false;
  double macs = 0, ops = 0, transcendentals = 0;
  /// Bytes moved, in total and per memory level.
  double bytes = 0;
  std::map<std::string, double> bytesByLevel;
  /// ops / bytes (0 when nothing moves).
  double intensity = 0;
  double eta = 0;
  /// The kernel's key for per-kernel curves ("MaxPool", "Mul.broadcast"),
  /// and the entry of the unit's efficiency model that gave `eta`
  /// ("kernels.MaxPool", "classes.pooling", "default"; empty: no model).
  std::string variant, curve;
  /// The key of a fused epilogue's curve ("epilogue.SiLU"; empty: none).
  std::string epilogueVariant;
  /// The class name the curve was looked up by (the kernel class, or a
  /// refinement of it such as "contraction.depthwise.strided").
  std::string curveClass;
  /// A fused epilogue's own work (part of `ops`/`transcendentals`) and the
  /// part of computeS it takes.
  double epilogueOps = 0, epilogueTranscendentals = 0, epilogueS = 0;
  /// Terms in seconds (nominal): latency = max(compute + stall, memory) +
  /// overhead. memoryS is the slowest level's transfer time; memoryStallS
  /// what the activation bytes no cache holds add to the compute (the
  /// curve's `stall`).
  double computeS = 0, memoryS = 0, memoryStallS = 0, overheadS = 0;
  /// Transfer time of the activation bytes no cache holds (what `stall`
  /// multiplies; 0 without simulated caches).
  double stallBaseS = 0;
  Bound bound = Bound::Compute;
  Interval latencyS, energyJ;
  /// Share of the model's nominal latency.
  double share = 0;
};

struct MemoryVerdict {
  std::string level;
  /// "weights", "activations" or "weights+activations".
  std::string holds;
  double capacityBytes = 0, requiredBytes = 0;
  bool fits = true;
};

struct BudgetResult {
  /// "latency", "energy" or "memory".
  std::string kind;
  double limit = 0, predicted = 0;
  bool pass = true;
  /// For a missed latency/energy budget: the term that binds ("compute",
  /// "memory", "overhead", "static") and what the target would need.
  std::string bindingTerm;
  /// Human-readable requirements from the inverse roofline, e.g.
  /// {"parameter": "compute[0].peak_ops_per_s.fp16", "required": 1.2e15,
  ///  "current": 9.9e14} (required < 0: unreachable by that parameter alone).
  struct Requirement {
    std::string parameter;
    double current = 0, required = -1;
  };
  std::vector<Requirement> requirements;
};

struct Sensitivity {
  /// Dotted target field ("memory[1].bandwidth_bytes_per_s").
  std::string parameter;
  /// d ln(total latency) / d ln(parameter).
  double elasticity = 0;
};

/// One kernel fusion made: which ONNX nodes became which kernel, and what
/// the cost model predicts it saves.
struct FusionRecord {
  /// The fused kernel: its op kind and every ONNX node it implements (the
  /// first names it in messages and profiles).
  std::string kind;
  std::vector<std::string> nodes;
  /// The kernels those nodes were before fusion (op kinds, in order).
  std::vector<std::string> kindsBefore;
  /// Nominal predicted seconds of those kernels and of the fused one.
  double beforeS = 0, afterS = 0;
  /// Bytes of the intermediate tensors that no longer exist.
  double intermediateBytes = 0;
};

/// What the fusion pipeline did to a model on one target.
struct FusionSummary {
  /// The per-pass switches turned off (ironc --fuse-skip).
  std::vector<std::string> skipped;
  unsigned kernelsBefore = 0, kernelsAfter = 0;
  /// Nominal predicted latency and planned arena without and with fusion.
  double latencyBeforeS = 0, latencyAfterS = 0;
  double arenaBytesBefore = 0, arenaBytesAfter = 0;
  std::vector<FusionRecord> fusions;
  /// Kernels that disappeared without becoming part of another (weights
  /// folded into constants, layout round trips cancelled).
  struct Removed {
    std::string kind, node;
    double seconds = 0;
  };
  std::vector<Removed> removed;
};

struct ModelCost {
  std::string targetName, targetKind, targetPath, softwareStack, powerMode;
  std::string energyModel;
  int64_t batch = 1;
  std::optional<Precision> assumedPrecision;
  std::vector<KernelCost> kernels;
  /// Latency of one batch and of batch 1, energy per batch, throughput.
  Interval latencyS, latencyBatch1S, energyJ;
  double throughputPerS = 0;
  double macs = 0, ops = 0, bytes = 0;
  double computeBoundS = 0, memoryBoundS = 0, overheadBoundS = 0;
  double inferenceOverheadS = 0;
  double weightBytes = 0, arenaBytes = 0;
  std::vector<MemoryVerdict> memory;
  std::vector<BudgetResult> budgets;
  std::vector<Sensitivity> sensitivities;
  /// Roofs for the roofline chart: (unit, precision, ops/s) and
  /// (level, bytes/s).
  struct ComputeRoof {
    std::string unit;
    Precision precision;
    double opsPerS;
  };
  struct MemoryRoof {
    std::string level;
    double bytesPerS;
  };
  std::vector<ComputeRoof> computeRoofs;
  std::vector<MemoryRoof> memoryRoofs;
  /// Statements the reader must see ("static power unknown: energy is a
  /// lower bound", "analysed as int8 (--assume-precision)").
  std::vector<std::string> notes;
  /// Set when the analysed module went through the fusion pipeline.
  std::optional<FusionSummary> fusion;
};

/// Predicts `module`'s cost on `target`. The module must hold one function
/// of iron ops with static shapes; it is not modified (the memory plan is
/// computed on the side). Errors name what could not be analysed.
llvm::Expected<ModelCost> analyzeModel(mlir::ModuleOp module,
                                       const TargetDescription &target,
                                       const CostOptions &options);

/// Predicted nominal seconds of `ops` (ops of one function, in order) run
/// as consecutive kernels on `target`, each with the fixed overheads of a
/// kernel, as analyzeModel would predict them in place. For fusion passes:
/// compare the ops a rewrite removes with the kernel it creates.
llvm::Expected<double> predictKernelsSeconds(llvm::ArrayRef<mlir::Operation *> ops,
                                             const TargetDescription &target,
                                             const CostOptions &options = {});

/// Matches the kernels of a model analysed before (`unfused`) and after
/// (`fused`) fusion on the same target by their ONNX node names.
FusionSummary summarizeFusion(const ModelCost &unfused,
                              const ModelCost &fused);

/// The report's JSON form (docs/report.md, schema "iron-report" 1.0).
llvm::json::Value reportToJSON(llvm::StringRef modelPath,
                               const CostOptions &options,
                               const std::vector<ModelCost> &costs);

/// The text table on stdout: one table per target, then a side-by-side
/// summary when several targets are compared.
void printReport(const std::vector<ModelCost> &costs, llvm::raw_ostream &os,
                 unsigned maxKernels = 0);

/// A self-contained HTML page (inline CSS and SVG, no scripts from
/// elsewhere) for a report in its JSON form: per target a roofline chart
/// with every kernel placed by arithmetic intensity under the target's
/// roofs, a latency breakdown, the kernel table, memory verdicts, budgets.
void writeHtmlReport(const llvm::json::Value &report, llvm::raw_ostream &os);

} // namespace iron

#endif // IRON_COST_COSTMODEL_H
