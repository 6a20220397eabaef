//===- RecognizePatterns.cpp - Operators that exporters spell out ---------===//
//
// Opsets before 17 have no LayerNormalization and ONNX has no GELU or
// attention operator before opset 20/23, so exporters write them as chains
// of small ops (see `iron-translate build/zoo/bert_encoder.opset13.onnx`).
// This pass finds those chains and replaces each by one op: the ONNX
// LayerNormalization, iron.Gelu and iron.Attention.
//
//===----------------------------------------------------------------------===//

#include "FusionUtils.h"

#include "iron/Passes/Passes.h"

#include "llvm/ADT/SetVector.h"

namespace iron {
#define GEN_PASS_DEF_RECOGNIZEPATTERNS
#include "passes/Passes.h.inc"
} // namespace iron

using namespace mlir;

namespace iron {
namespace {

using fusion::isOp;

/// The single user of `v`, if it has exactly one use.
Operation *soleUser(Value v) {
  return v.hasOneUse() ? *v.getUsers().begin() : nullptr;
}

/// The operand of binary `op` other than `v` (null if `v` is not one).
Value otherOperand(Operation *op, Value v) {
  if (op->getNumOperands() != 2)
    return {};
  if (op->getOperand(0) == v)
    return op->getOperand(1);
  if (op->getOperand(1) == v)
    return op->getOperand(0);
  return {};
}

/// A ReduceMean over exactly the last axis, keeping dims.
bool isLastAxisMean(Operation *op) {
  if (!isOp(op, "ReduceMean") || fusion::getI64(op, "keepdims", 1) != 1)
    return false;
  auto type = fusion::staticType(op->getOperand(0));
  auto axes = fusion::reductionAxes(op);
  if (!type || !axes || axes->size() != 1)
    return false;
  int64_t ax = (*axes)[0];
  return ax == -1 || ax == type.getRank() - 1;
}

/// `v` as a [D] vector for LayerNormalization's Scale or B: itself, or a
/// constant [1,..,1,D] reshaped.
Value asVector(Value v, int64_t d, OpBuilder &b) {
  auto type = fusion::staticType(v);
  if (!type || type.getNumElements() != d || type.getRank() == 0 ||
      type.getShape().back() != d || !fusion::isF32(v))
    return {};
  if (type.getRank() == 1)
    return v;
  auto t = fusion::readConstant(v);
  if (!t)
    return {};
  return fusion::createConstant(
      b, v.getLoc(), RankedTensorType::get({d}, type.getElementType()),
      t->data);
}

struct RecognizePatternsPass
    : impl::RecognizePatternsBase<RecognizePatternsPass> {
  using RecognizePatternsBase::RecognizePatternsBase;

  LogicalResult initialize(MLIRContext *ctx) override {
    return gate.init(target, precision, ctx);
  }

  void runOnOperation() override {
    Block &body = getOperation().getBody().front();
    Operation *op = body.empty() ? nullptr : &body.front();
    while (op && !op->hasTrait<OpTrait::IsTerminator>()) {
      bool changed = (layerNorm && isLastAxisMean(op) && matchLayerNorm(op)) ||
                     (gelu && isOp(op, "Mul") && rewriteGelu(op)) ||
                     (attention && isOp(op, "MatMul") && matchAttention(op));
      if (changed) {
        // Revisit from before the match: the ops between its first op
        // and its root may start other patterns.
        op = resume ? resume->getNextNode() : &body.front();
        continue;
      }
      op = op->getNextNode();
    }
    fusion::eraseDeadOps(body);
  }

  /// Replaces `root`'s result by `fused` when the gate agrees; erases the
  /// matched ops (users first) or the fused op.
  bool commit(ArrayRef<Operation *> matched, Operation *root,
              Operation *fused) {
    if (!gate.accept(matched, {fused})) {
      fused->erase();
      return false;
    }
    root->getResult(0).replaceAllUsesWith(fused->getResult(0));
    SmallVector<Operation *> dead(matched.begin(), matched.end());
    llvm::sort(
        dead, [](Operation *l, Operation *r) { return r->isBeforeInBlock(l); });
    resume = dead.back()->getPrevNode();
    for (Operation *op : dead)
      op->erase();
    return true;
  }

  /// mean = ReduceMean(x); d = x - mean; var = ReduceMean(d^2);
  /// y = d / Sqrt(var + eps) [* gamma] [+ beta], all over the last axis.
  bool matchLayerNorm(Operation *mean) {
    Value x = mean->getOperand(0);
    auto xType = fusion::staticType(x);
    if (!xType || !fusion::isF32(x) || !mean->getResult(0).hasOneUse())
      return false;
    int64_t dim = xType.getShape().back();
    SmallVector<Operation *> ops = {mean};
    Operation *sub = soleUser(mean->getResult(0));
    if (!isOp(sub, "Sub") || sub->getOperand(0) != x ||
        sub->getOperand(1) != mean->getResult(0))
      return false;
    ops.push_back(sub);
    Value d = sub->getResult(0);
    // d feeds the square and the division, nothing else.
    Operation *sq = nullptr, *div = nullptr;
    for (Operation *u : d.getUsers()) {
      if (isOp(u, "Div") && u->getOperand(0) == d)
        div = u;
      else if ((isOp(u, "Pow") && u->getOperand(0) == d &&
                fusion::isScalar(u->getOperand(1), 2.0)) ||
               (isOp(u, "Mul") && u->getOperand(0) == d &&
                u->getOperand(1) == d))
        sq = u;
      else
        return false;
    }
    if (!sq || !div)
      return false;
    ops.push_back(sq);
    Operation *var = soleUser(sq->getResult(0));
    if (!var || !isLastAxisMean(var))
      return false;
    ops.push_back(var);
    Operation *addEps = soleUser(var->getResult(0));
    if (!isOp(addEps, "Add"))
      return false;
    Value epsVal = otherOperand(addEps, var->getResult(0));
    auto eps = epsVal ? fusion::readScalar(epsVal) : std::nullopt;
    if (!eps)
      return false;
    ops.push_back(addEps);
    Operation *sqrt = soleUser(addEps->getResult(0));
    if (!isOp(sqrt, "Sqrt") || soleUser(sqrt->getResult(0)) != div ||
        div->getOperand(1) != sqrt->getResult(0))
      return false;
    ops.push_back(sqrt);
    ops.push_back(div);
    Operation *root = div;
    OpBuilder b(div);
    Value gamma, beta;
    if (Operation *mul = soleUser(div->getResult(0)); isOp(mul, "Mul")) {
      Value g = otherOperand(mul, div->getResult(0));
      if (g && mul->getResult(0).getType() == xType &&
          (gamma = asVector(g, dim, b))) {
        ops.push_back(mul);
        root = mul;
      }
    }
    if (Operation *add = soleUser(root->getResult(0)); isOp(add, "Add")) {
      Value bv = otherOperand(add, root->getResult(0));
      if (bv && add->getResult(0).getType() == xType &&
          (beta = asVector(bv, dim, b))) {
        ops.push_back(add);
        root = add;
      }
    }
    if (root->getResult(0).getType() != xType)
      return false;
    if (!gamma) {
      gamma = fusion::createConstant(
          b, mean->getLoc(),
          RankedTensorType::get({dim}, xType.getElementType()),
          std::vector<double>(dim, 1.0));
      if (!gamma)
        return false;
    }
    b.setInsertionPoint(root);
    OperationState state(fusion::fusedLoc(ops),
                         LayerNormalizationOp::getOperationName());
    state.addOperands({x, gamma});
    if (beta)
      state.addOperands(beta);
    state.addTypes(xType);
    state.addAttribute("axis", b.getI64IntegerAttr(-1));
    state.addAttribute("epsilon", b.getF32FloatAttr(float(*eps)));
    state.addAttribute("resultSegmentSizes", b.getDenseI32ArrayAttr({1, 0, 0}));
    Operation *ln = b.create(state);
    return commit(ops, root, ln);
  }

  bool rewriteGelu(Operation *root) {
    std::optional<fusion::GeluMatch> m = fusion::matchGelu(root);
    if (!m)
      return false;
    OpBuilder b(root);
    auto gelu =
        b.create<GeluOp>(fusion::fusedLoc(m->ops), root->getResult(0).getType(),
                         m->input, m->tanh ? "tanh" : "none");
    return commit(m->ops, root, gelu);
  }

  /// MatMul(Softmax(MatMul(Q, Kt) * scale [+ mask], -1), V).
  bool matchAttention(Operation *root) {
    Value p = root->getOperand(0), v = root->getOperand(1);
    Operation *softmax = p.getDefiningOp();
    if (!isOp(softmax, "Softmax") || !p.hasOneUse())
      return false;
    auto sType = fusion::staticType(p);
    if (!sType || sType.getRank() < 2)
      return false;
    int64_t axis = fusion::getI64(softmax, "axis", -1);
    if (axis != -1 && axis != sType.getRank() - 1)
      return false;
    SmallVector<Operation *> ops = {softmax, root};
    Value s = softmax->getOperand(0);
    // The mask: an Add, or a Where with a constant condition filling a
    // large negative value (the same softmax as adding it).
    Value mask;
    Operation *maskOp = s.getDefiningOp();
    OpBuilder b(root);
    if (isOp(maskOp, "Add") && s.hasOneUse()) {
      for (int k = 0; k < 2 && !mask; ++k) {
        Value a = maskOp->getOperand(k), m = maskOp->getOperand(1 - k);
        auto mType = fusion::staticType(m);
        if (a.getType() == sType && mType && fusion::isF32(m) &&
            fusion::broadcastsTo(mType.getShape(), sType.getShape()) &&
            isScaledScores(a)) {
          mask = m;
          s = a;
        }
      }
      if (!mask)
        return false;
      ops.push_back(maskOp);
    } else if (isOp(maskOp, "Where") && s.hasOneUse()) {
      auto cond = fusion::readConstant(maskOp->getOperand(0));
      auto fill = fusion::readScalar(maskOp->getOperand(1));
      auto cType = fusion::staticType(maskOp->getOperand(0));
      Value a = maskOp->getOperand(2);
      if (!cond || !fill || *fill > -1e4 || !cType || a.getType() != sType ||
          !fusion::broadcastsTo(cType.getShape(), sType.getShape()) ||
          !isScaledScores(a))
        return false;
      std::vector<double> data(cond->size());
      for (int64_t k = 0; k < cond->size(); ++k)
        data[k] = cond->data[k] ? *fill : 0.0;
      mask = fusion::createConstant(
          b, maskOp->getOperand(0).getLoc(),
          RankedTensorType::get(cType.getShape(), sType.getElementType()),
          data);
      if (!mask)
        return false;
      s = a;
      ops.push_back(maskOp);
    }
    // The scale.
    double scale = 1.0;
    Operation *scaleOp = s.getDefiningOp();
    if (isOp(scaleOp, "Mul") || isOp(scaleOp, "Div")) {
      Value qk = scaleOp->getOperand(0), c = scaleOp->getOperand(1);
      if (isOp(scaleOp, "Mul") && !fusion::readScalar(c))
        std::swap(qk, c);
      auto cv = fusion::readScalar(c);
      if (!cv || *cv == 0 || !s.hasOneUse())
        return false;
      scale = isOp(scaleOp, "Mul") ? *cv : 1.0 / *cv;
      s = qk;
      ops.push_back(scaleOp);
    }
    Operation *qk = s.getDefiningOp();
    if (!isOp(qk, "MatMul") || !s.hasOneUse() || s.getType() != sType)
      return false;
    ops.push_back(qk);
    Value q = qk->getOperand(0), kt = qk->getOperand(1);
    auto qType = fusion::staticType(q), kType = fusion::staticType(kt),
         vType = fusion::staticType(v);
    // Batch dims broadcast as the two MatMuls did; 1-D operands (which
    // MatMul promotes) are left alone.
    if (!qType || !kType || !vType || qType.getRank() < 2 ||
        kType.getRank() < 2 || vType.getRank() < 2)
      return false;
    if (!llvm::all_of(ValueRange{q, kt, v}, fusion::isF32))
      return false;
    llvm::sort(
        ops, [](Operation *l, Operation *r) { return l->isBeforeInBlock(r); });
    if (!fusion::usedOnlyInside(ops, root))
      return false;
    auto attn = b.create<AttentionOp>(fusion::fusedLoc(ops),
                                      root->getResult(0).getType(), q, kt, v,
                                      mask, b.getF32FloatAttr(float(scale)));
    return commit(ops, root, attn);
  }

  /// Whether `v` is MatMul(Q, Kt), possibly scaled by a constant.
  static bool isScaledScores(Value v) {
    Operation *op = v.getDefiningOp();
    if (isOp(op, "Mul") || isOp(op, "Div")) {
      Value a = op->getOperand(0), c = op->getOperand(1);
      if (isOp(op, "Mul") && !fusion::readScalar(c))
        std::swap(a, c);
      if (!fusion::readScalar(c))
        return false;
      op = a.getDefiningOp();
    }
    return isOp(op, "MatMul");
  }

  fusion::CostGate gate;
  /// The op before the last match, where the walk resumes.
  Operation *resume = nullptr;
};

} // namespace
} // namespace iron
