//===- FoldBatchNorm.cpp - Fold inference BatchNormalization --------------===//
//
// In inference, BatchNormalization is y = s * x + t per channel (dimension
// 1) with s = scale / sqrt(var + epsilon) and t = B - mean * s. After a
// Conv, ConvTranspose, Gemm or 2-D MatMul with constant weights, s scales
// the weights of each output channel and t becomes (part of) the bias, so
// the normalization costs nothing. A MatMul has no bias operand: it gets a
// following Add of a [N] constant, which iron-fuse-epilogue makes the bias
// of a FusedMatMul (so this pass needs no fused op and works on its own).
// Elsewhere the normalization becomes a Mul and an Add by [C,1,...]
// constants, which elementwise fusion merges with its neighbours.
//
//===----------------------------------------------------------------------===//

#include "FusionUtils.h"

#include "iron/Passes/Passes.h"

#include <cmath>

namespace iron {
#define GEN_PASS_DEF_FOLDBATCHNORM
#include "passes/Passes.h.inc"
} // namespace iron

using namespace mlir;

namespace iron {
namespace {

using fusion::Tensor;

/// y = s * x + t per channel.
struct Affine {
  std::vector<double> s, t;
};

/// The affine form of an inference BatchNormalization with constant
/// statistics whose running mean/var results are unused.
std::optional<Affine> affineOf(BatchNormalizationOp bn) {
  if (bn.getTrainingMode() != 0)
    return std::nullopt;
  for (unsigned k = 1; k < bn->getNumResults(); ++k)
    if (!bn->getResult(k).use_empty())
      return std::nullopt;
  auto xType = fusion::staticType(bn.getX());
  if (!xType || xType.getRank() < 2)
    return std::nullopt;
  int64_t c = xType.getDimSize(1);
  SmallVector<Tensor> p;
  for (Value v :
       {bn.getScale(), bn.getB(), bn.getInputMean(), bn.getInputVar()}) {
    auto t = fusion::readConstant(v);
    if (!t || t->size() != c)
      return std::nullopt;
    p.push_back(std::move(*t));
  }
  double eps = bn.getEpsilon().convertToDouble();
  Affine a;
  for (int64_t k = 0; k < c; ++k) {
    double s = p[0].data[k] / std::sqrt(p[3].data[k] + eps);
    a.s.push_back(s);
    a.t.push_back(p[1].data[k] - p[2].data[k] * s);
  }
  return a;
}

Operation *cloneWith(OpBuilder &b, Operation *op, ValueRange operands,
                     Type resultType, Location loc) {
  OperationState state(loc, op->getName());
  state.addOperands(operands);
  state.addAttributes(op->getAttrs());
  state.addTypes(resultType);
  return b.create(state);
}

struct FoldBatchNormPass : impl::FoldBatchNormBase<FoldBatchNormPass> {
  using FoldBatchNormBase::FoldBatchNormBase;

  LogicalResult initialize(MLIRContext *ctx) override {
    return gate.init(target, precision, ctx);
  }

  void runOnOperation() override {
    Block &body = getOperation().getBody().front();
    SmallVector<BatchNormalizationOp> bns;
    for (Operation &op : body)
      if (auto bn = dyn_cast<BatchNormalizationOp>(op))
        bns.push_back(bn);
    for (BatchNormalizationOp bn : bns) {
      std::optional<Affine> a = affineOf(bn);
      if (!a)
        continue;
      if (!foldIntoProducer(bn, *a))
        toScaleShift(bn, *a);
    }
    fusion::eraseDeadOps(body);
  }

  /// Replaces `bn` and its producer by `replacement` (already built) when
  /// the gate agrees; erases what was built otherwise.
  bool commit(BatchNormalizationOp bn, Operation *producer,
              ArrayRef<Operation *> built, Value replacement) {
    if (!gate.accept({producer, bn}, built)) {
      for (Operation *op : llvm::reverse(built))
        op->erase();
      return false;
    }
    bn.getY().replaceAllUsesWith(replacement);
    bn.erase();
    producer->erase();
    return true;
  }

  bool foldIntoProducer(BatchNormalizationOp bn, const Affine &a) {
    Value x = bn.getX();
    Operation *p = x.getDefiningOp();
    if (!p || !x.hasOneUse() || p->getNumResults() != 1)
      return false;
    StringRef name = fusion::opName(p);
    auto yType = cast<RankedTensorType>(bn.getY().getType());
    int64_t c = int64_t(a.s.size());
    OpBuilder b(bn);
    Location loc = fusion::fusedLoc({p, bn});

    if (name == "Conv" || name == "ConvTranspose") {
      auto w = fusion::readConstant(p->getOperand(1));
      auto wType = fusion::staticType(p->getOperand(1));
      if (!w || !wType || w->shape.size() < 3)
        return false;
      std::optional<Tensor> bias;
      if (p->getNumOperands() > 2) {
        bias = fusion::readConstant(p->getOperand(2));
        if (!bias || bias->size() != c)
          return false;
      }
      int64_t group = fusion::getI64(p, "group", 1);
      int64_t inner =
          fusion::numElements(ArrayRef<int64_t>(w->shape).drop_front(2));
      // Output channel of weight element [d0, d1, ...].
      int64_t d0 = w->shape[0], d1 = w->shape[1];
      bool transposed = name == "ConvTranspose";
      if ((transposed ? d1 * group : d0) != c || (transposed && d0 % group))
        return false;
      std::vector<double> nw = w->data;
      for (int64_t i = 0; i < d0; ++i)
        for (int64_t j = 0; j < d1; ++j) {
          int64_t oc = transposed ? (i / (d0 / group)) * d1 + j : i;
          double *row = nw.data() + (i * d1 + j) * inner;
          for (int64_t k = 0; k < inner; ++k)
            row[k] *= a.s[oc];
        }
      std::vector<double> nb(c);
      for (int64_t k = 0; k < c; ++k)
        nb[k] = (bias ? bias->data[k] : 0.0) * a.s[k] + a.t[k];
      Value newW =
          fusion::createConstant(b, p->getOperand(1).getLoc(), wType, nw);
      Value biasRef = bias ? p->getOperand(2) : bn.getB();
      auto bType = RankedTensorType::get({c}, wType.getElementType());
      Value newB = fusion::createConstant(b, biasRef.getLoc(), bType, nb);
      if (!newW || !newB)
        return false;
      Operation *conv =
          cloneWith(b, p, {p->getOperand(0), newW, newB}, yType, loc);
      return commit(bn, p, {newW.getDefiningOp(), newB.getDefiningOp(), conv},
                    conv->getResult(0));
    }

    if (name == "Gemm" || name == "MatMul") {
      // Channels are dimension 1 of a 2-D result: the columns N.
      if (yType.getRank() != 2 || yType.getDimSize(1) != c)
        return false;
      Value bVal = p->getOperand(1);
      auto w = fusion::readConstant(bVal);
      auto wType = fusion::staticType(bVal);
      if (!w || !wType || w->shape.size() != 2)
        return false;
      bool transB = name == "Gemm" && fusion::getI64(p, "transB", 0) != 0;
      int64_t rows = w->shape[0], cols = w->shape[1];
      if ((transB ? rows : cols) != c)
        return false;
      std::vector<double> nw = w->data;
      for (int64_t i = 0; i < rows; ++i)
        for (int64_t j = 0; j < cols; ++j)
          nw[i * cols + j] *= a.s[transB ? i : j];
      // The bias: Gemm's beta * C (a row broadcast) folded, MatMul's new.
      std::vector<double> nb(c);
      double beta = fusion::getF64(p, "beta", 1.0);
      std::optional<Tensor> cIn;
      if (name == "Gemm" && p->getNumOperands() > 2) {
        cIn = fusion::readConstant(p->getOperand(2));
        if (!cIn || (cIn->size() != 1 && cIn->size() != c) ||
            (cIn->size() == c && cIn->shape.size() == 2 && cIn->shape[0] != 1))
          return false;
      }
      for (int64_t k = 0; k < c; ++k) {
        double cv = cIn ? cIn->data[cIn->size() == 1 ? 0 : k] * beta : 0.0;
        nb[k] = cv * a.s[k] + a.t[k];
      }
      Value newW = fusion::createConstant(b, bVal.getLoc(), wType, nw);
      auto bType = RankedTensorType::get({c}, wType.getElementType());
      Value biasRef = cIn ? p->getOperand(2) : bn.getB();
      Value newB = fusion::createConstant(b, biasRef.getLoc(), bType, nb);
      if (!newW || !newB)
        return false;
      if (name == "Gemm") {
        Operation *gemm =
            cloneWith(b, p, {p->getOperand(0), newW, newB}, yType, loc);
        gemm->setAttr("beta", b.getF32FloatAttr(1.0f));
        return commit(bn, p, {newW.getDefiningOp(), newB.getDefiningOp(), gemm},
                      gemm->getResult(0));
      }
      Operation *mm =
          cloneWith(b, p, {p->getOperand(0), newW}, yType, p->getLoc());
      auto add = b.create<AddOp>(bn.getLoc(), yType, mm->getResult(0), newB);
      return commit(bn, p,
                    {newW.getDefiningOp(), newB.getDefiningOp(), mm, add},
                    add.getResult());
    }
    return false;
  }

  /// y = x * s + t with [C,1,...] constants.
  void toScaleShift(BatchNormalizationOp bn, const Affine &a) {
    auto xType = fusion::staticType(bn.getX());
    if (!xType)
      return;
    SmallVector<int64_t> shape(xType.getRank() - 1, 1);
    shape[0] = int64_t(a.s.size());
    auto cType = RankedTensorType::get(shape, xType.getElementType());
    OpBuilder b(bn);
    std::string name = fusion::nameOf(bn.getLoc());
    auto scaleLoc = NameLoc::get(b.getStringAttr(name + "/scale"), bn.getLoc());
    Value s = fusion::createConstant(b, bn.getScale().getLoc(), cType, a.s);
    Value t = fusion::createConstant(b, bn.getB().getLoc(), cType, a.t);
    if (!s || !t)
      return;
    auto mul = b.create<MulOp>(scaleLoc, xType, bn.getX(), s);
    auto add = b.create<AddOp>(bn.getLoc(), bn.getY().getType(), mul, t);
    if (gate.hasTarget()) {
      // Judged as the one kernel elementwise fusion makes of the pair.
      auto tmp = b.create<ElementwiseOp>(
          bn.getLoc(), bn.getY().getType(), ValueRange{bn.getX(), s, t},
          b.getStrArrayAttr({"Mul t0 i0 i1", "Add t1 t0 i2"}));
      bool ok = gate.accept({bn}, {tmp});
      tmp->erase();
      if (!ok) {
        add->erase();
        mul->erase();
        return;
      }
    }
    bn.getY().replaceAllUsesWith(add.getResult());
    bn.erase();
  }

  fusion::CostGate gate;
};

} // namespace
} // namespace iron
