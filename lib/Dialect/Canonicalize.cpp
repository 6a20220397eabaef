//===- Canonicalize.cpp - Canonicalization patterns of iron ops -----------===//

#include "iron/Dialect/IronDialect.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace iron {
namespace {

/// Dropout outside training is the identity: its output is its input and its
/// optional mask is all true. Training mode, or a mode that is not a known
/// constant, keeps the op.
struct DropoutInInference : OpRewritePattern<DropoutOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DropoutOp op,
                                PatternRewriter &rewriter) const override {
    if (Value mode = op.getTrainingMode()) {
      DenseElementsAttr attr;
      if (!matchPattern(mode, m_Constant(&attr)) || attr.getNumElements() != 1 ||
          !attr.getValues<APInt>()[0].isZero())
        return rewriter.notifyMatchFailure(op, "training mode may be on");
    }
    Value input = op.getData();
    if (input.getType() != op.getOutput().getType())
      return rewriter.notifyMatchFailure(op, "output type differs from input");
    Value mask = op.getMask();
    if (mask && !mask.use_empty()) {
      auto type = dyn_cast<RankedTensorType>(mask.getType());
      if (!type || !type.hasStaticShape())
        return rewriter.notifyMatchFailure(op, "mask is used and not static");
      Value ones = rewriter.create<ConstantOp>(
          op.getLoc(), type, DenseElementsAttr::get(type, true));
      rewriter.replaceAllUsesWith(mask, ones);
    }
    rewriter.replaceAllUsesWith(op.getOutput(), input);
    rewriter.eraseOp(op);
    return success();
  }
};

} // namespace

void DropoutOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                            MLIRContext *context) {
  patterns.add<DropoutInInference>(context);
}

} // namespace iron
