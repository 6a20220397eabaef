//===- FoldConstants.cpp - Fold iron ops, keeping node names --------------===//
//
// MLIR's canonicalizer hoists and uniques constants, erasing their locations;
// Iron's constants carry ONNX node and initializer names that reports and
// artifacts rely on. This pass folds iron ops through their fold hooks and
// applies the dialect's canonicalization patterns, creating each folded
// constant at the location of the op it replaces and never merging
// constants.
//
//===----------------------------------------------------------------------===//

#include "iron/Passes/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Rewrite/PatternApplicator.h"

namespace iron {
#define GEN_PASS_DEF_FOLDCONSTANTS
#include "passes/Passes.h.inc"
} // namespace iron

using namespace mlir;

namespace iron {
namespace {

/// Folds `op` through its fold hook: folded values replace its results,
/// folded attributes become constants at the op's own location.
bool foldInPlace(Operation *op, RewriterBase &rewriter) {
  SmallVector<Attribute> operands;
  for (Value v : op->getOperands()) {
    Attribute attr;
    matchPattern(v, m_Constant(&attr));
    operands.push_back(attr);
  }
  SmallVector<OpFoldResult> folded;
  if (failed(op->fold(operands, folded)) || folded.empty())
    return false;
  SmallVector<Value> replacements;
  rewriter.setInsertionPoint(op);
  for (auto [result, fold] : llvm::zip(op->getResults(), folded)) {
    if (auto value = dyn_cast<Value>(fold)) {
      if (value.getType() != result.getType())
        return false;
      replacements.push_back(value);
      continue;
    }
    auto attr = dyn_cast<ElementsAttr>(cast<Attribute>(fold));
    if (!attr || attr.getType() != result.getType())
      return false;
    replacements.push_back(rewriter.create<ConstantOp>(op->getLoc(), result.getType(), attr));
  }
  rewriter.replaceOp(op, replacements);
  return true;
}

/// Applies patterns with a plain rewriter (no folding, no constant merging).
struct Rewriter : PatternRewriter {
  explicit Rewriter(MLIRContext *ctx) : PatternRewriter(ctx) {}
};

struct FoldConstantsPass : impl::FoldConstantsBase<FoldConstantsPass> {
  LogicalResult initialize(MLIRContext *ctx) override {
    RewritePatternSet set(ctx);
    for (RegisteredOperationName name : ctx->getRegisteredOperations())
      if (name.getDialectNamespace() == IronDialect::getDialectNamespace())
        name.getCanonicalizationPatterns(set, ctx);
    patterns = FrozenRewritePatternSet(std::move(set));
    return success();
  }

  void runOnOperation() override {
    // An imported graph is a DAG in topological order: one forward sweep
    // folds every chain of constants; patterns may expose more, so repeat.
    Block &body = getOperation().getBody().front();
    PatternApplicator applicator(patterns);
    applicator.applyDefaultCostModel();
    Rewriter rewriter(&getContext());
    for (int round = 0; round < 8; ++round) {
      bool changed = false;
      SmallVector<Operation *> ops;
      for (Operation &op : body.without_terminator())
        ops.push_back(&op);
      for (Operation *op : ops) {
        if (!isa<IronDialect>(op->getDialect()) || isa<ConstantOp>(op))
          continue;
        if (foldInPlace(op, rewriter)) {
          changed = true;
          continue;
        }
        rewriter.setInsertionPoint(op);
        changed |= succeeded(applicator.matchAndRewrite(op, rewriter));
      }
      // Dead code, users before producers.
      SmallVector<Operation *> dead;
      for (Operation &op : llvm::reverse(body.without_terminator()))
        if (isOpTriviallyDead(&op))
          dead.push_back(&op);
      for (Operation *op : dead)
        if (isOpTriviallyDead(op)) {
          rewriter.eraseOp(op);
          changed = true;
        }
      if (!changed)
        break;
    }
  }
  FrozenRewritePatternSet patterns;
};

} // namespace
} // namespace iron
