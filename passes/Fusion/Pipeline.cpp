//===- Pipeline.cpp - The fusion pipeline ---------------------------------===//
//
// The order matters: weights are folded first so that later patterns see
// constants (a transposed weight, a dequantized one); layout round trips
// and BatchNormalization/Pad go next, since they hide the producer of a
// Conv's or MatMul's consumer; patterns are recognized before epilogue
// fusion so that a spelled-out GELU becomes one activation and before
// elementwise fusion so that LayerNorm's ops are not swallowed by a
// generic Elementwise; elementwise fusion comes last and hands activations
// left after a fused kernel back to its epilogue.
//
//===----------------------------------------------------------------------===//

#include "iron/Passes/Fusion.h"
#include "iron/Passes/Passes.h"

namespace iron {
#define GEN_PASS_DEF_IRONFUSE
#include "passes/Passes.h.inc"
} // namespace iron

using namespace mlir;

namespace iron {

void addFusionPasses(OpPassManager &pm, const FusionOptions &o) {
  if (o.foldWeights)
    pm.addPass(createFoldWeights());
  if (o.cancelTransposeReshape)
    pm.addPass(createCancelTransposeReshape());
  if (o.foldBatchNorm)
    pm.addPass(createFoldBatchNorm({o.target, o.precision}));
  if (o.foldPad)
    pm.addPass(createFoldPad({o.target, o.precision}));
  if (o.recognizePatterns && (o.layerNorm || o.gelu || o.attention))
    pm.addPass(createRecognizePatterns(
        {o.target, o.precision, o.layerNorm, o.gelu, o.attention}));
  if (o.fuseEpilogue)
    pm.addPass(createFuseEpilogue({o.target, o.precision, o.residual}));
  if (o.fuseElementwise)
    pm.addPass(createFuseElementwise({o.target, o.precision}));
  // Clean-up: what the rewrites left unused, and small folds they exposed.
  pm.addPass(createFoldConstants());
}

void buildFusionPipeline(OpPassManager &pm, const FusionOptions &options) {
  addFusionPasses(pm.nest<func::FuncOp>(), options);
}

namespace {

struct IronFusePass : impl::IronFuseBase<IronFusePass> {
  using IronFuseBase::IronFuseBase;

  void runOnOperation() override {
    FusionOptions o;
    o.target = target;
    o.precision = precision;
    o.foldWeights = foldWeights;
    o.cancelTransposeReshape = cancelTransposeReshape;
    o.foldBatchNorm = foldBatchNorm;
    o.foldPad = foldPad;
    o.recognizePatterns = recognizePatterns;
    o.layerNorm = layerNorm;
    o.gelu = gelu;
    o.attention = attention;
    o.fuseEpilogue = fuseEpilogue;
    o.residual = residual;
    o.fuseElementwise = fuseElementwise;
    OpPassManager pm(func::FuncOp::getOperationName());
    addFusionPasses(pm, o);
    if (failed(runPipeline(pm, getOperation())))
      signalPassFailure();
  }
};

} // namespace
} // namespace iron
