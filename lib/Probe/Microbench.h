//===- Microbench.h - Timing runtime kernels on synthetic graphs -*- C++
//-*-===//
//
// A microbenchmark is a tiny ONNX graph (in ONNX's text syntax) that is
// imported, compiled into an artifact in memory and run by Iron's runtime
// with its profiler hook: the kernel times are exactly what
// `iron-run --profile` reports for the same kernels.
//
//===----------------------------------------------------------------------===//
#ifndef IRON_LIB_PROBE_MICROBENCH_H
#define IRON_LIB_PROBE_MICROBENCH_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace iron::probe {

/// One synthetic graph. Graph inputs named in `weights` become constants
/// (with random data) after import, so the cost model and the memory planner
/// treat them as the weights of a real model.
struct GraphSpec {
  std::string label;
  /// Which efficiency class (or "overhead", "peak.int8") the graph measures.
  std::string group;
  /// "float[1,64,56,56] x".
  std::vector<std::string> inputs;
  std::vector<std::string> weights;
  /// Small constants in the text syntax: "int64[1] axes = {1}".
  std::vector<std::string> initializers;
  /// "y = Relu (x)".
  std::vector<std::string> nodes;
  /// "float[?,?,?,?] y" (ranks only: ONNX's inference fills in the dims).
  std::vector<std::string> outputs;
  /// Multiply-accumulates, for measured rates of contractions.
  double macs = 0;
  /// Also time whole invocations without the profiler.
  bool timeInvoke = false;
  /// Fill float inputs with positive values (Sqrt, Pow: the domain real
  /// models use them on).
  bool positiveInputs = false;
  /// Compile through the fusion pipeline (every legal fusion, as `ironc
  /// compile` without a target), to time Iron's fused kernels.
  bool fuse = false;

  std::string onnxText() const;
};

struct KernelTime {
  std::string kind;
  /// The kernel's time: the mean over the timed runs (seconds). Means add
  /// up: a model's kernels' means sum to its mean end-to-end time, which
  /// a run's skew (a few slow runs per kernel) puts 2-6% above the sum of
  /// their medians.
  double seconds = 0;
  /// Median, 10th and 90th percentile over the same runs.
  double median = 0, low = 0, high = 0;
};

struct BenchResult {
  std::vector<KernelTime> kernels;
  /// Median wall time of one invoke() without the profiler installed.
  double invokeS = 0;
  /// Timed runs the medians are over; `quietRuns` of them ran without
  /// losing the core (when too few did, every run counts, scaled by its
  /// CPU time / wall time).
  int runs = 0, quietRuns = 0;
  /// The imported module (weights as constants), kept for the cost model.
  mlir::OwningOpRef<mlir::ModuleOp> module;
};

struct BenchBudget {
  /// Seconds of timed runs to aim for, and the bounds on their count.
  double seconds = 0.05;
  int minRuns = 5, maxRuns = 200;
  /// A fixed count instead (--repeats).
  int fixedRuns = 0;
};

/// A chain of `length` Relu kernels on one element: nothing but the cost of
/// running a kernel.
GraphSpec launchChain(int length);

/// The fixed grid of graphs, smaller with `quick`.
std::vector<GraphSpec> buildGrid(bool quick);

/// Kernels whose in-model cost of cold data the probe measures: each is
/// timed alone (its data stays in the caches from run to run) and through
/// `evicted`.
std::vector<GraphSpec> buildStallGrid(bool quick);

/// The kernel whose cache reach the probe sweeps, and its footprint.
GraphSpec cacheReachKernel(double &footprintBytes);

/// `g` followed by a product that streams `evictBytes` of weights: from
/// one run to the next the kernel's data leaves the caches, as in a model
/// whose footprint exceeds them.
GraphSpec evicted(GraphSpec g, uint64_t evictBytes);

/// Imports, compiles and times `spec`. Modules live in `context`.
llvm::Expected<BenchResult> runBench(mlir::MLIRContext &context,
                                     const GraphSpec &spec,
                                     const BenchBudget &budget);

/// Only imports `spec` (with its weights as constants).
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
importBench(mlir::MLIRContext &context, const GraphSpec &spec);

} // namespace iron::probe

#endif // IRON_LIB_PROBE_MICROBENCH_H
