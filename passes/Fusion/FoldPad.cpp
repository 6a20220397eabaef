//===- FoldPad.cpp - Explicit Pad folded into consumers' pads -------------===//
//
// Exporters write asymmetric or framework-specific padding (TensorFlow's
// SAME, ZeroPad2d) as a Pad before a Conv or pool: a whole copy of the
// input. A Conv pads with zeros itself, a MaxPool with -inf and an
// AveragePool that counts padding with zeros, so a Pad of that value on
// spatial dimensions moves into the consumer's own pads.
//
//===----------------------------------------------------------------------===//

#include "FusionUtils.h"

#include "iron/Passes/Passes.h"

#include <cmath>

namespace iron {
#define GEN_PASS_DEF_FOLDPAD
#include "passes/Passes.h.inc"
} // namespace iron

using namespace mlir;

namespace iron {
namespace {

/// A Pad's begin/end amounts on the spatial dims (2..rank-1) and value.
struct SpatialPad {
  SmallVector<int64_t> begin, end;
  double value = 0;
};

std::optional<SpatialPad> spatialPad(PadOp pad) {
  if (pad.getMode() != "constant")
    return std::nullopt;
  auto type = fusion::staticType(pad.getData());
  auto pads = fusion::readConstant(pad.getPads());
  if (!type || !pads || type.getRank() < 3 ||
      pads->size() != 2 * type.getRank())
    return std::nullopt;
  int64_t rank = type.getRank();
  SpatialPad p;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t b = int64_t(pads->data[d]), e = int64_t(pads->data[d + rank]);
    if (b < 0 || e < 0 || (d < 2 && (b || e)))
      return std::nullopt;
    if (d >= 2) {
      p.begin.push_back(b);
      p.end.push_back(e);
    }
  }
  if (Value v = pad.getConstantValue()) {
    auto s = fusion::readScalar(v);
    if (!s)
      return std::nullopt;
    p.value = *s;
  }
  return p;
}

struct FoldPadPass : impl::FoldPadBase<FoldPadPass> {
  using FoldPadBase::FoldPadBase;

  LogicalResult initialize(MLIRContext *ctx) override {
    return gate.init(target, precision, ctx);
  }

  void runOnOperation() override {
    Block &body = getOperation().getBody().front();
    SmallVector<PadOp> pads;
    for (Operation &op : body)
      if (auto pad = dyn_cast<PadOp>(op))
        pads.push_back(pad);
    for (PadOp pad : pads) {
      std::optional<SpatialPad> p = spatialPad(pad);
      if (!p)
        continue;
      SmallVector<Operation *> users(pad->getUsers().begin(),
                                     pad->getUsers().end());
      for (Operation *user : users)
        if (user->getNumOperands() > 0 && user->getOperand(0) == pad &&
            llvm::count(user->getOperands(), pad.getResult()) == 1)
          foldInto(pad, *p, user);
    }
    fusion::eraseDeadOps(body);
  }

  void foldInto(PadOp pad, const SpatialPad &p, Operation *user) {
    StringRef name = fusion::opName(user);
    size_t n = p.begin.size();
    bool maxPool = name == "MaxPool", avgPool = name == "AveragePool";
    if (name != "Conv" && !maxPool && !avgPool)
      return;
    // The value the consumer pads with itself.
    if (maxPool ? !(std::isinf(p.value) && p.value < 0) : p.value != 0)
      return;
    std::string autoPad = fusion::getStr(user, "auto_pad", "NOTSET");
    SmallVector<int64_t> pads(2 * n, 0);
    if (auto own = fusion::getI64s(user, "pads")) {
      if (own->size() != 2 * n)
        return;
      pads = *own;
    }
    bool ownPads = llvm::any_of(pads, [](int64_t v) { return v != 0; });
    if (autoPad != "NOTSET" && !(autoPad == "VALID" && !ownPads))
      return;
    if (maxPool || avgPool) {
      // Floor mode and no indices: the window grid is unchanged. Windows
      // must keep one real element, so pads stay below the kernel.
      if (fusion::getI64(user, "ceil_mode", 0) != 0)
        return;
      if (maxPool && user->getNumResults() > 1 &&
          !user->getResult(1).use_empty())
        return;
      if (auto d = fusion::getI64s(user, "dilations"))
        if (llvm::any_of(*d, [](int64_t v) { return v != 1; }))
          return;
      if (avgPool && fusion::getI64(user, "count_include_pad", 0) == 0 &&
          ownPads)
        return;
      auto kernel = fusion::getI64s(user, "kernel_shape");
      if (!kernel || kernel->size() != n)
        return;
      for (size_t d = 0; d < n; ++d)
        if (pads[d] + p.begin[d] >= (*kernel)[d] ||
            pads[d + n] + p.end[d] >= (*kernel)[d])
          return;
    }
    for (size_t d = 0; d < n; ++d) {
      pads[d] += p.begin[d];
      pads[d + n] += p.end[d];
    }
    OpBuilder b(user);
    Operation *folded = b.clone(*user);
    folded->setOperand(0, pad.getData());
    folded->setAttr("pads", b.getI64ArrayAttr(pads));
    if (autoPad != "NOTSET")
      folded->setAttr("auto_pad", b.getStringAttr("NOTSET"));
    if (avgPool)
      folded->setAttr("count_include_pad", b.getI64IntegerAttr(1));
    folded->setLoc(fusion::fusedLoc({user, pad}));
    // The Pad's own cost goes away only with its last consumer.
    SmallVector<Operation *> unfused = {user};
    if (pad->hasOneUse())
      unfused.push_back(pad);
    if (!gate.accept(unfused, {folded})) {
      folded->erase();
      return;
    }
    user->replaceAllUsesWith(folded);
    user->erase();
  }

  fusion::CostGate gate;
};

} // namespace
} // namespace iron
