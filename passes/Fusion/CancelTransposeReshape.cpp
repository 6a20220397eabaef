//===- CancelTransposeReshape.cpp - Remove layout round trips -------------===//
//
// Exporters convert layouts back and forth (NHWC <-> NCHW around a block,
// a Reshape after a Reshape). A Transpose is a full copy; pairs that cancel
// are removed and consecutive ones merged. Reshapes are views (no kernel),
// but merging them lets other patterns see through them.
//
//===----------------------------------------------------------------------===//

#include "FusionUtils.h"

#include "iron/Passes/Passes.h"

namespace iron {
#define GEN_PASS_DEF_CANCELTRANSPOSERESHAPE
#include "passes/Passes.h.inc"
} // namespace iron

using namespace mlir;

namespace iron {
namespace {

SmallVector<int64_t> permOf(TransposeOp t) {
  if (auto p = fusion::getI64s(t, "perm"))
    return *p;
  int64_t rank = cast<ShapedType>(t.getData().getType()).getRank();
  SmallVector<int64_t> perm;
  for (int64_t d = rank - 1; d >= 0; --d)
    perm.push_back(d);
  return perm;
}

bool isView(Operation *op) {
  return isa<ReshapeOp, FlattenOp, SqueezeOp, UnsqueezeOp>(op);
}

struct CancelTransposeReshapePass
    : impl::CancelTransposeReshapeBase<CancelTransposeReshapePass> {
  void runOnOperation() override {
    Block &body = getOperation().getBody().front();
    SmallVector<Operation *> ops;
    for (Operation &op : body.without_terminator())
      ops.push_back(&op);
    // Producers come first, so chains collapse from the front; only the
    // op being visited is ever erased.
    for (Operation *op : ops) {
      if (auto t = dyn_cast<TransposeOp>(op))
        transposePair(t);
      else if (auto r = dyn_cast<ReshapeOp>(op))
        reshape(r);
      else if (isa<FlattenOp>(op))
        sameShape(op);
    }
    fusion::eraseDeadOps(body);
    for (Operation &op : body)
      if (isa<GemmOp>(op))
        reductionBeforeGemm(cast<GemmOp>(op));
    fusion::eraseDeadOps(body);
  }

  bool sameShape(Operation *op) {
    Value in = op->getOperand(0), out = op->getResult(0);
    if (in.getType() != out.getType() || !fusion::staticType(out))
      return false;
    out.replaceAllUsesWith(in);
    op->erase();
    return true;
  }

  void transposePair(TransposeOp outer) {
    auto inner = outer.getData().getDefiningOp<TransposeOp>();
    if (!inner)
      return;
    SmallVector<int64_t> p1 = permOf(inner), p2 = permOf(outer);
    if (p1.size() != p2.size())
      return;
    // out[i] = in[p1[p2[i]]]
    SmallVector<int64_t> composed;
    bool identity = true;
    for (size_t i = 0; i < p2.size(); ++i) {
      composed.push_back(p1[p2[i]]);
      identity &= composed.back() == int64_t(i);
    }
    Value x = inner.getData();
    if (identity) {
      if (x.getType() != outer.getType())
        return;
      outer.getResult().replaceAllUsesWith(x);
      outer.erase();
      return;
    }
    outer->setOperand(0, x);
    outer->setAttr("perm", OpBuilder(outer).getI64ArrayAttr(composed));
  }

  void reshape(ReshapeOp outer) {
    if (sameShape(outer))
      return;
    Operation *inner = outer.getData().getDefiningOp();
    auto type = fusion::staticType(outer.getResult());
    // (A 0 in the new shape would mean "copy the input's dim".)
    if (!inner || !isView(inner) || !type ||
        llvm::is_contained(type.getShape(), 0))
      return;
    // The new shape operand: the static result shape (no 0 or -1, which
    // would refer to the old input).
    OpBuilder b(outer);
    SmallVector<double> dims(type.getShape().begin(), type.getShape().end());
    auto shapeType =
        RankedTensorType::get({type.getRank()}, b.getIntegerType(64));
    Value shape = outer.getShape();
    auto current = fusion::readConstant(shape);
    if (!current ||
        current->data != std::vector<double>(dims.begin(), dims.end()))
      shape = fusion::createConstant(b, shape.getLoc(), shapeType, dims);
    if (!shape)
      return;
    outer->setOperand(0, inner->getOperand(0));
    outer->setOperand(1, shape);
    sameShape(outer);
  }

  /// Gemm(Flatten(ReduceX(x, keepdims=1))) where the reduced trailing dims
  /// are all the flatten drops: the reduction produces [N, C] itself.
  void reductionBeforeGemm(GemmOp gemm) {
    Value a = gemm.getA();
    Operation *view = a.getDefiningOp();
    if (!view || !isa<FlattenOp, ReshapeOp>(view) || !a.hasOneUse())
      return;
    Value in = view->getOperand(0);
    auto inType = fusion::staticType(in), outType = fusion::staticType(a);
    if (!inType || !outType || outType.getRank() != 2 || inType.getRank() < 2)
      return;
    // Only trailing 1-dims collapse.
    if (inType.getDimSize(0) != outType.getDimSize(0) ||
        inType.getDimSize(1) != outType.getDimSize(1) ||
        llvm::any_of(inType.getShape().drop_front(2),
                     [](int64_t d) { return d != 1; }))
      return;
    Operation *red = in.getDefiningOp();
    if (!red || !in.hasOneUse() ||
        !llvm::is_contained(
            {"ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin"},
            fusion::opName(red)) ||
        fusion::getI64(red, "keepdims", 1) != 1)
      return;
    auto axes = fusion::reductionAxes(red);
    if (!axes || axes->empty())
      return;
    int64_t rank = inType.getRank();
    SmallVector<int64_t> norm;
    for (int64_t ax : *axes)
      norm.push_back(ax < 0 ? ax + rank : ax);
    llvm::sort(norm);
    SmallVector<int64_t> trailing;
    for (int64_t d = 2; d < rank; ++d)
      trailing.push_back(d);
    if (norm != trailing)
      return;
    OpBuilder b(red);
    Operation *reduced = b.clone(*red);
    reduced->setAttr("keepdims", b.getI64IntegerAttr(0));
    reduced->getResult(0).setType(outType);
    reduced->setLoc(fusion::fusedLoc({red, view}));
    a.replaceAllUsesWith(reduced->getResult(0));
    view->erase();
    red->erase();
  }
};

} // namespace
} // namespace iron
