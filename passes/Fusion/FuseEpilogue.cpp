//===- FuseEpilogue.cpp - Bias, residual and activation epilogues ---------===//
//
// A convolution or matrix product is followed, in nearly every network, by
// a bias Add, a residual Add and an activation, each an extra pass over the
// output. iron.FusedConv and iron.FusedMatMul apply them while the output
// is stored. Starting at a Conv, MatMul or Gemm (or a fused op with free
// slots) the chain is extended while each intermediate has exactly one
// user and no Add changes the output's shape; with a target, the longest
// prefix of the chain that the cost model accepts is fused.
//
//===----------------------------------------------------------------------===//

#include "FusionUtils.h"

#include "iron/Passes/Passes.h"

namespace iron {
#define GEN_PASS_DEF_FUSEEPILOGUE
#include "passes/Passes.h.inc"
} // namespace iron

using namespace mlir;

namespace iron {
namespace {

using fusion::isOp;

/// What a fused op computes so far.
struct Chain {
  Value bias, z;
  std::string act;
  SmallVector<float> params;
  /// The ops it replaces, the anchor first, and the value it produces.
  SmallVector<Operation *> ops;
  Value result;
};

/// Explicit pads of a Conv (auto_pad resolved with static shapes).
std::optional<SmallVector<int64_t>> explicitPads(Operation *conv,
                                                 ArrayRef<int64_t> kernel,
                                                 ArrayRef<int64_t> strides,
                                                 ArrayRef<int64_t> dilations) {
  size_t n = kernel.size();
  std::string autoPad = fusion::getStr(conv, "auto_pad", "NOTSET");
  if (autoPad == "NOTSET") {
    if (auto p = fusion::getI64s(conv, "pads")) {
      if (p->size() != 2 * n)
        return std::nullopt;
      return *p;
    }
    return SmallVector<int64_t>(2 * n, 0);
  }
  if (autoPad == "VALID")
    return SmallVector<int64_t>(2 * n, 0);
  auto xType = fusion::staticType(conv->getOperand(0));
  if (!xType || size_t(xType.getRank()) != n + 2)
    return std::nullopt;
  SmallVector<int64_t> pads(2 * n, 0);
  for (size_t d = 0; d < n; ++d) {
    int64_t in = xType.getDimSize(d + 2);
    int64_t out = (in + strides[d] - 1) / strides[d];
    int64_t total = std::max<int64_t>(
        0, (out - 1) * strides[d] + (kernel[d] - 1) * dilations[d] + 1 - in);
    int64_t small = total / 2;
    bool upper = autoPad == "SAME_UPPER";
    pads[d] = upper ? small : total - small;
    pads[d + n] = total - pads[d];
  }
  return pads;
}

struct FuseEpiloguePass : impl::FuseEpilogueBase<FuseEpiloguePass> {
  using FuseEpilogueBase::FuseEpilogueBase;

  LogicalResult initialize(MLIRContext *ctx) override {
    return gate.init(target, precision, ctx);
  }

  void runOnOperation() override {
    Block &body = getOperation().getBody().front();
    Operation *op = body.empty() ? nullptr : &body.front();
    while (op && !op->hasTrait<OpTrait::IsTerminator>()) {
      Operation *prev = op->getPrevNode();
      if (tryFuse(op)) {
        op = prev ? prev->getNextNode() : &body.front();
        continue;
      }
      op = op->getNextNode();
    }
    fusion::eraseDeadOps(body);
  }

  bool isConvLike(Operation *op) { return isa<ConvOp, FusedConvOp>(op); }

  /// The chain the anchor starts with, or nullopt when it cannot anchor.
  std::optional<Chain> start(Operation *op) {
    if (op->getNumResults() != 1 || !fusion::isF32(op->getResult(0)) ||
        !fusion::staticType(op->getResult(0)))
      return std::nullopt;
    Chain c;
    c.ops = {op};
    c.result = op->getResult(0);
    if (auto conv = dyn_cast<ConvOp>(op)) {
      if (!fusion::staticType(conv.getW()))
        return std::nullopt;
      c.bias = conv.getB();
      return c;
    }
    if (auto conv = dyn_cast<FusedConvOp>(op)) {
      c.bias = conv.getB();
      c.z = conv.getZ();
      c.act = conv.getActivation().str();
      if (auto p = conv.getActivationParams())
        for (Attribute a : *p)
          c.params.push_back(cast<FloatAttr>(a).getValueAsDouble());
      return c;
    }
    // (1-D operands drop a dim of the result: no [N] bias to speak of.)
    if (isa<MatMulOp>(op)) {
      auto a = fusion::staticType(op->getOperand(0));
      auto b = fusion::staticType(op->getOperand(1));
      if (!a || !b || a.getRank() < 2 || b.getRank() < 2)
        return std::nullopt;
      return c;
    }
    if (auto gemm = dyn_cast<GemmOp>(op)) {
      if (gemm.getAlpha().convertToDouble() != 1.0 || gemm.getTransA() != 0)
        return std::nullopt;
      if (gemm.getTransB() != 0 && !fusion::isConstant(gemm.getB()))
        return std::nullopt;
      if (Value cv = gemm.getC()) {
        if (gemm.getBeta().convertToDouble() != 1.0)
          return std::nullopt;
        auto yType = cast<RankedTensorType>(gemm.getY().getType());
        if (cv.getType() == yType)
          c.z = cv;
        else if (!(c.bias = rowBias(cv, yType.getShape().back())))
          return std::nullopt;
      }
      return c;
    }
    if (auto mm = dyn_cast<FusedMatMulOp>(op)) {
      c.bias = mm.getBias();
      c.z = mm.getZ();
      c.act = mm.getActivation().str();
      if (auto p = mm.getActivationParams())
        for (Attribute a : *p)
          c.params.push_back(cast<FloatAttr>(a).getValueAsDouble());
      return c;
    }
    return std::nullopt;
  }

  /// `v` as a bias of shape [n]: itself, or a constant row ([1,..,1,n],
  /// a scalar) rewritten as one. Null when it is not a row vector.
  Value rowBias(Value v, int64_t n) {
    auto type = fusion::staticType(v);
    if (!type || !fusion::isF32(v))
      return {};
    if (type.getRank() == 1 && type.getDimSize(0) == n)
      return v;
    int64_t count = type.getNumElements();
    if (count != n && count != 1)
      return {};
    if (count == n && (type.getRank() == 0 || type.getShape().back() != n))
      return {};
    auto t = fusion::readConstant(v);
    if (!t)
      return {};
    std::vector<double> data(n, t->data[0]);
    if (count == n)
      data = t->data;
    OpBuilder b(v.getDefiningOp());
    return fusion::createConstant(
        b, v.getLoc(), RankedTensorType::get({n}, type.getElementType()), data);
  }

  /// A per-channel bias of a convolution output: a constant [C,1,...] or
  /// [1,C,1,...], as a [C] constant (added to `existing` when present).
  Value channelBias(Value v, RankedTensorType out, Value existing) {
    auto type = fusion::staticType(v);
    if (!type || !fusion::isF32(v) || out.getRank() < 3)
      return {};
    int64_t c = out.getDimSize(1);
    ArrayRef<int64_t> shape = type.getShape();
    // Align to the output's dims: the channel must be dim 1, the rest 1.
    if (!fusion::broadcastsTo(shape, out.getShape()) ||
        type.getNumElements() != c)
      return {};
    size_t lead = out.getRank() - shape.size();
    for (size_t d = 0; d < shape.size(); ++d)
      if (lead + d != 1 && shape[d] != 1)
        return {};
    if (c != 1 && (lead > 1 || shape[1 - lead] != c))
      return {};
    auto t = fusion::readConstant(v);
    if (!t)
      return {};
    std::vector<double> data = t->data;
    Location loc = v.getLoc();
    if (existing) {
      auto e = fusion::readConstant(existing);
      if (!e || e->size() != c)
        return {};
      for (int64_t k = 0; k < c; ++k)
        data[k] += e->data[k];
      loc = existing.getLoc();
    }
    OpBuilder b(v.getDefiningOp());
    return fusion::createConstant(
        b, loc, RankedTensorType::get({c}, type.getElementType()), data);
  }

  /// The Add consuming `v` as its only use, and the other operand.
  std::optional<std::pair<Operation *, Value>> addOf(Value v) {
    if (!v.hasOneUse())
      return std::nullopt;
    Operation *add = *v.getUsers().begin();
    if (!isOp(add, "Add") || add->getResult(0).getType() != v.getType())
      return std::nullopt;
    Value other =
        add->getOperand(0) == v ? add->getOperand(1) : add->getOperand(0);
    if (other == v)
      return std::nullopt;
    return std::make_pair(add, other);
  }

  bool tryFuse(Operation *anchor) {
    std::optional<Chain> c = start(anchor);
    if (!c)
      return false;
    bool conv = isConvLike(anchor);
    auto outType = cast<RankedTensorType>(c->result.getType());
    SmallVector<Chain> chains;
    // Bias: a per-channel (Conv) or per-column (MatMul) constant.
    if (c->act.empty() && !c->z)
      if (auto add = addOf(c->result)) {
        Value bias;
        if (conv)
          bias = channelBias(add->second, outType, c->bias);
        else if (!c->bias)
          bias = rowBias(add->second, outType.getShape().back());
        if (bias) {
          c->bias = bias;
          c->ops.push_back(add->first);
          c->result = add->first->getResult(0);
          chains.push_back(*c);
        }
      }
    // Residual: a tensor of the output's own type.
    if (residual && c->act.empty() && !c->z)
      if (auto add = addOf(c->result);
          add && add->second.getType() == outType) {
        c->z = add->second;
        c->ops.push_back(add->first);
        c->result = add->first->getResult(0);
        chains.push_back(*c);
      }
    if (c->act.empty())
      if (auto act = fusion::matchActivationOf(c->result)) {
        c->act = act->name;
        c->params = act->params;
        c->ops.append(act->ops.begin(), act->ops.end());
        c->result = act->result;
        chains.push_back(*c);
      }
    // The longest chain the gate accepts.
    for (const Chain &chain : llvm::reverse(chains))
      if (build(chain))
        return true;
    return false;
  }

  bool build(Chain c) {
    Operation *anchor = c.ops.front();
    Operation *last = c.result.getDefiningOp();
    OpBuilder b(last);
    Location loc = fusion::fusedLoc(c.ops);
    Type type = c.result.getType();
    StringAttr act = b.getStringAttr(c.act);
    ArrayAttr params =
        c.params.empty() ? ArrayAttr() : b.getF32ArrayAttr(c.params);
    Operation *fused = nullptr;
    SmallVector<Operation *> built;
    if (auto conv = dyn_cast<ConvOp>(anchor)) {
      auto wType = cast<RankedTensorType>(conv.getW().getType());
      SmallVector<int64_t> kernel(wType.getShape().drop_front(2));
      size_t n = kernel.size();
      SmallVector<int64_t> strides(n, 1), dilations(n, 1);
      if (auto s = fusion::getI64s(conv, "strides"))
        strides = *s;
      if (auto d = fusion::getI64s(conv, "dilations"))
        dilations = *d;
      if (strides.size() != n || dilations.size() != n)
        return false;
      auto pads = explicitPads(conv, kernel, strides, dilations);
      if (!pads)
        return false;
      fused = b.create<FusedConvOp>(
          loc, type, conv.getX(), conv.getW(), c.bias, c.z,
          b.getI64ArrayAttr(dilations), b.getI64IntegerAttr(conv.getGroup()),
          b.getI64ArrayAttr(kernel), b.getI64ArrayAttr(*pads),
          b.getI64ArrayAttr(strides), act, params);
    } else if (auto conv = dyn_cast<FusedConvOp>(anchor)) {
      fused = b.create<FusedConvOp>(
          loc, type, conv.getX(), conv.getW(), c.bias, c.z,
          conv.getDilationsAttr(), conv.getGroupAttr(),
          conv.getKernelShapeAttr(), conv.getPadsAttr(), conv.getStridesAttr(),
          act, params);
    } else {
      Value a = anchor->getOperand(0), w = anchor->getOperand(1);
      if (auto gemm = dyn_cast<GemmOp>(anchor); gemm && gemm.getTransB()) {
        auto t = fusion::readConstant(w);
        auto wType = fusion::staticType(w);
        if (!t || !wType || wType.getRank() != 2)
          return false;
        int64_t rows = wType.getDimSize(0), cols = wType.getDimSize(1);
        std::vector<double> data(t->size());
        for (int64_t i = 0; i < rows; ++i)
          for (int64_t j = 0; j < cols; ++j)
            data[j * rows + i] = t->data[i * cols + j];
        OpBuilder cb(w.getDefiningOp());
        w = fusion::createConstant(
            cb, w.getLoc(),
            RankedTensorType::get({cols, rows}, wType.getElementType()), data);
        if (!w)
          return false;
        built.push_back(w.getDefiningOp());
      }
      fused =
          b.create<FusedMatMulOp>(loc, type, a, w, c.bias, c.z, act, params);
    }
    if (!gate.accept(c.ops, {fused})) {
      fused->erase();
      for (Operation *op : built)
        op->erase();
      return false;
    }
    c.result.replaceAllUsesWith(fused->getResult(0));
    SmallVector<Operation *> dead(c.ops.begin(), c.ops.end());
    llvm::sort(
        dead, [](Operation *l, Operation *r) { return r->isBeforeInBlock(l); });
    for (Operation *op : dead)
      op->erase();
    return true;
  }

  fusion::CostGate gate;
};

} // namespace
} // namespace iron
