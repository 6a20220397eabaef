//===- Fusion.h - The fusion pipeline ------------------------*- C++ -*-===//
//
// Fusion turns the ONNX operators of an imported graph into fewer, larger
// kernels (iron.FusedConv, iron.FusedMatMul, iron.Elementwise, iron.Gelu,
// iron.Attention, LayerNormalization) and folds what weights make constant.
// Each step is a pass of its own (passes/Passes.td); this header builds them
// into one pipeline. With a target, a candidate fusion is made only when the
// cost model (include/iron/Cost/CostModel.h) predicts it pays off there.
//
//===----------------------------------------------------------------------===//
#ifndef IRON_PASSES_FUSION_H
#define IRON_PASSES_FUSION_H

#include "mlir/Pass/PassManager.h"

#include <string>

namespace iron {

struct FusionOptions {
  /// A bundled target name or a path; empty makes every legal fusion.
  std::string target;
  /// Cost kernels as if computed at this precision ("int8"; empty: the
  /// model's own), as `ironc analyze --assume-precision` does.
  std::string precision;
  bool foldWeights = true;
  bool cancelTransposeReshape = true;
  bool foldBatchNorm = true;
  bool foldPad = true;
  bool recognizePatterns = true;
  bool layerNorm = true, gelu = true, attention = true;
  bool fuseEpilogue = true;
  bool residual = true;
  bool fuseElementwise = true;
};

/// Adds the fusion passes to a pass manager anchored on func.func.
void addFusionPasses(mlir::OpPassManager &funcPM,
                     const FusionOptions &options = {});

/// Adds the fusion passes, nested on every function, to a module-level pass
/// manager (as ironc runs them after import).
void buildFusionPipeline(mlir::OpPassManager &pm,
                         const FusionOptions &options = {});

} // namespace iron

#endif // IRON_PASSES_FUSION_H
