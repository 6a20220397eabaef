//===- FoldWeights.cpp - Evaluate weight-only subgraphs -------------------===//
//
// Exporters leave work on weights in the graph: a Transpose or Reshape of a
// weight matrix, a Cast of fp16 weights, DequantizeLinear of int8 weights, a
// Gather of position embeddings by constant indices, a Mul by a constant
// scale. iron-fold only evaluates small shape subgraphs; this pass
// evaluates such ops whatever their size and replaces them by constants.
//
//===----------------------------------------------------------------------===//

#include "FusionUtils.h"

#include "iron/Passes/Passes.h"

#include "mlir/IR/Matchers.h"

#include <cmath>
#include <functional>

namespace iron {
#define GEN_PASS_DEF_FOLDWEIGHTS
#include "passes/Passes.h.inc"
} // namespace iron

using namespace mlir;

namespace iron {
namespace {

using fusion::numElements;
using fusion::stridesOf;
using fusion::Tensor;

/// A result is materialized only when it is no larger than this, or than
/// the constants it is computed from (so an Expand of a scalar stays).
constexpr int64_t kFreeElements = 1 << 18;

/// Elementwise `fn` over operands broadcast to `shape` (numpy rules).
Tensor mapBroadcast(ArrayRef<const Tensor *> ins, ArrayRef<int64_t> shape,
                    llvm::function_ref<double(ArrayRef<double>)> fn) {
  size_t rank = shape.size();
  SmallVector<SmallVector<int64_t>> strides;
  for (const Tensor *t : ins) {
    auto s = stridesOf(t->shape);
    SmallVector<int64_t> full(rank, 0);
    size_t lead = rank - t->shape.size();
    for (size_t d = 0; d < t->shape.size(); ++d)
      full[lead + d] = t->shape[d] == 1 ? 0 : s[d];
    strides.push_back(full);
  }
  Tensor out;
  out.shape.assign(shape.begin(), shape.end());
  int64_t n = numElements(shape);
  out.data.resize(n);
  SmallVector<int64_t> idx(rank, 0), off(ins.size(), 0);
  SmallVector<double> args(ins.size());
  for (int64_t k = 0; k < n; ++k) {
    for (size_t j = 0; j < ins.size(); ++j)
      args[j] = ins[j]->data[off[j]];
    out.data[k] = fn(args);
    for (int d = int(rank) - 1; d >= 0; --d) {
      ++idx[d];
      for (size_t j = 0; j < ins.size(); ++j)
        off[j] += strides[j][d];
      if (idx[d] < shape[d])
        break;
      for (size_t j = 0; j < ins.size(); ++j)
        off[j] -= strides[j][d] * shape[d];
      idx[d] = 0;
    }
  }
  return out;
}

std::optional<Tensor> transpose(const Tensor &x, ArrayRef<int64_t> perm) {
  size_t rank = x.shape.size();
  if (perm.size() != rank)
    return std::nullopt;
  SmallVector<int64_t> shape, inStrides = stridesOf(x.shape), strides;
  for (int64_t p : perm) {
    if (p < 0 || p >= int64_t(rank))
      return std::nullopt;
    shape.push_back(x.shape[p]);
    strides.push_back(inStrides[p]);
  }
  Tensor out;
  out.shape = shape;
  int64_t n = x.size();
  out.data.resize(n);
  SmallVector<int64_t> idx(rank, 0);
  int64_t off = 0;
  for (int64_t k = 0; k < n; ++k) {
    out.data[k] = x.data[off];
    for (int d = int(rank) - 1; d >= 0; --d) {
      ++idx[d];
      off += strides[d];
      if (idx[d] < shape[d])
        break;
      off -= strides[d] * shape[d];
      idx[d] = 0;
    }
  }
  return out;
}

double unaryFn(StringRef name, double x) {
  if (name == "Neg")
    return -x;
  if (name == "Abs")
    return std::fabs(x);
  if (name == "Sqrt")
    return std::sqrt(x);
  if (name == "Reciprocal")
    return 1.0 / x;
  if (name == "Exp")
    return std::exp(x);
  if (name == "Log")
    return std::log(x);
  if (name == "Relu")
    return x > 0 ? x : 0;
  if (name == "Sigmoid")
    return 1.0 / (1.0 + std::exp(-x));
  if (name == "Tanh")
    return std::tanh(x);
  if (name == "Erf")
    return std::erf(x);
  if (name == "Floor")
    return std::floor(x);
  if (name == "Ceil")
    return std::ceil(x);
  if (name == "Not")
    return x == 0;
  return NAN;
}

bool isUnary(StringRef name) {
  return llvm::is_contained({"Neg", "Abs", "Sqrt", "Reciprocal", "Exp", "Log",
                             "Relu", "Sigmoid", "Tanh", "Erf", "Floor", "Ceil",
                             "Not"},
                            name);
}

bool isBinary(StringRef name) {
  return llvm::is_contained({"Add", "Sub", "Mul", "Div", "Pow", "Min", "Max",
                             "Equal", "Less", "Greater", "LessOrEqual",
                             "GreaterOrEqual", "And", "Or", "Xor"},
                            name);
}

double binaryFn(StringRef name, double a, double b, bool integer) {
  if (name == "Add")
    return a + b;
  if (name == "Sub")
    return a - b;
  if (name == "Mul")
    return a * b;
  if (name == "Div")
    return integer ? (b == 0 ? 0 : std::trunc(a / b)) : a / b;
  if (name == "Pow")
    return std::pow(a, b);
  if (name == "Min")
    return std::min(a, b);
  if (name == "Max")
    return std::max(a, b);
  if (name == "Equal")
    return a == b;
  if (name == "Less")
    return a < b;
  if (name == "Greater")
    return a > b;
  if (name == "LessOrEqual")
    return a <= b;
  if (name == "GreaterOrEqual")
    return a >= b;
  if (name == "And")
    return a != 0 && b != 0;
  if (name == "Or")
    return a != 0 || b != 0;
  if (name == "Xor")
    return (a != 0) != (b != 0);
  return NAN;
}

/// Rounds like a store to `elt` would (float precision, integer wrap).
double roundTo(Type elt, double v) {
  if (elt.isF32())
    return double(float(v));
  if (auto it = dyn_cast<IntegerType>(elt)) {
    if (it.getWidth() == 1)
      return v != 0;
    if (!std::isfinite(v))
      return 0;
    APInt i(64, uint64_t(int64_t(std::trunc(v))), true);
    APInt w = i.trunc(it.getWidth());
    return it.isUnsigned() ? double(w.getZExtValue())
                           : double(w.getSExtValue());
  }
  return v;
}

std::optional<Tensor> gather(const Tensor &data, const Tensor &indices,
                             int64_t axis) {
  int64_t rank = data.shape.size();
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    return std::nullopt;
  int64_t outer = numElements(ArrayRef<int64_t>(data.shape).take_front(axis));
  int64_t inner =
      numElements(ArrayRef<int64_t>(data.shape).drop_front(axis + 1));
  int64_t dim = data.shape[axis];
  Tensor out;
  out.shape.assign(data.shape.begin(), data.shape.begin() + axis);
  out.shape.append(indices.shape.begin(), indices.shape.end());
  out.shape.append(data.shape.begin() + axis + 1, data.shape.end());
  out.data.reserve(numElements(out.shape));
  for (int64_t o = 0; o < outer; ++o)
    for (double d : indices.data) {
      int64_t ix = int64_t(d);
      if (ix < 0)
        ix += dim;
      if (ix < 0 || ix >= dim)
        return std::nullopt;
      auto begin = data.data.begin() + (o * dim + ix) * inner;
      out.data.insert(out.data.end(), begin, begin + inner);
    }
  return out;
}

std::optional<Tensor> concat(ArrayRef<Tensor> ins, int64_t axis) {
  int64_t rank = ins[0].shape.size();
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    return std::nullopt;
  Tensor out;
  out.shape = ins[0].shape;
  out.shape[axis] = 0;
  for (const Tensor &t : ins) {
    if (int64_t(t.shape.size()) != rank)
      return std::nullopt;
    out.shape[axis] += t.shape[axis];
  }
  int64_t outer = numElements(ArrayRef<int64_t>(out.shape).take_front(axis));
  for (int64_t o = 0; o < outer; ++o)
    for (const Tensor &t : ins) {
      int64_t chunk = numElements(ArrayRef<int64_t>(t.shape).drop_front(axis));
      auto begin = t.data.begin() + o * chunk;
      out.data.insert(out.data.end(), begin, begin + chunk);
    }
  return out;
}

/// y = (x - zero_point) * scale, per tensor or per `axis`.
std::optional<Tensor> dequantize(Operation *op, const Tensor &x,
                                 const Tensor &scale, const Tensor *zp) {
  int64_t rank = x.shape.size();
  Tensor s = scale, z;
  z.shape = scale.shape;
  z.data.assign(scale.size(), 0.0);
  if (zp) {
    if (zp->size() != scale.size())
      return std::nullopt;
    z.data = zp->data;
  }
  if (scale.size() == 1) {
    s.shape.clear();
    z.shape.clear();
  } else {
    int64_t axis = fusion::getI64(op, "axis", 1);
    if (axis < 0)
      axis += rank;
    if (axis < 0 || axis >= rank || scale.shape.size() != 1 ||
        scale.shape[0] != x.shape[axis])
      return std::nullopt;
    SmallVector<int64_t> shape(rank - axis, 1);
    shape[0] = x.shape[axis];
    s.shape = shape;
    z.shape = shape;
  }
  return mapBroadcast({&x, &s, &z}, x.shape, [](ArrayRef<double> a) {
    return double(float((a[0] - a[2]) * a[1]));
  });
}

/// Evaluates `op` on constant operands; the result has `type`'s shape.
std::optional<Tensor> evaluate(Operation *op, ArrayRef<Tensor> in,
                               RankedTensorType type) {
  StringRef name = fusion::opName(op);
  Type resultElt = type.getElementType();
  ArrayRef<int64_t> shape = type.getShape();
  auto rounded = [&](std::optional<Tensor> t) -> std::optional<Tensor> {
    if (t)
      for (double &v : t->data)
        v = roundTo(resultElt, v);
    return t;
  };
  if (llvm::is_contained(
          {"Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity"}, name)) {
    Tensor t = in[0];
    t.shape.assign(shape.begin(), shape.end());
    return t;
  }
  if (name == "Transpose") {
    SmallVector<int64_t> perm;
    if (auto p = fusion::getI64s(op, "perm"))
      perm = *p;
    else
      for (int64_t d = int64_t(in[0].shape.size()) - 1; d >= 0; --d)
        perm.push_back(d);
    return transpose(in[0], perm);
  }
  if (name == "Cast")
    return rounded(in[0]);
  if (isUnary(name) && in.size() == 1) {
    Tensor t = in[0];
    for (double &v : t.data)
      v = unaryFn(name, v);
    return rounded(t);
  }
  if (isBinary(name) && in.size() == 2) {
    bool integer = isa<IntegerType>(
        cast<ShapedType>(op->getOperand(0).getType()).getElementType());
    return rounded(
        mapBroadcast({&in[0], &in[1]}, shape, [&](ArrayRef<double> a) {
          return binaryFn(name, a[0], a[1], integer);
        }));
  }
  if (name == "Where" && in.size() == 3)
    return mapBroadcast({&in[0], &in[1], &in[2]}, shape,
                        [](ArrayRef<double> a) { return a[0] ? a[1] : a[2]; });
  if (name == "DequantizeLinear" && in.size() >= 2)
    return dequantize(op, in[0], in[1], in.size() > 2 ? &in[2] : nullptr);
  if (name == "Gather" && in.size() == 2)
    return gather(in[0], in[1], fusion::getI64(op, "axis", 0));
  if (name == "Concat" && !in.empty())
    return concat(in, fusion::getI64(op, "axis", 0));
  if (name == "Expand" && in.size() == 2)
    return mapBroadcast({&in[0]}, shape,
                        [](ArrayRef<double> a) { return a[0]; });
  return std::nullopt;
}

struct FoldWeightsPass : impl::FoldWeightsBase<FoldWeightsPass> {
  void runOnOperation() override {
    Block &body = getOperation().getBody().front();
    OpBuilder b(&getContext());
    SmallVector<Operation *> ops;
    for (Operation &op : body.without_terminator())
      ops.push_back(&op);
    // The block is in topological order: one sweep folds whole chains.
    for (Operation *op : ops) {
      if (!isa<IronDialect>(op->getDialect()) || isa<ConstantOp>(op) ||
          op->getNumResults() != 1 || op->getNumOperands() == 0 ||
          op->hasTrait<OpTrait::ConstantLike>())
        continue;
      if (!llvm::all_of(op->getOperands(), fusion::isConstant))
        continue;
      auto type = fusion::staticType(op->getResult(0));
      if (!type)
        continue;
      Value replacement = fold(op, type, b);
      if (!replacement)
        continue;
      op->getResult(0).replaceAllUsesWith(replacement);
      op->erase();
    }
    fusion::eraseDeadOps(body);
  }

  Value fold(Operation *op, RankedTensorType type, OpBuilder &b) {
    b.setInsertionPoint(op);
    int64_t inputElements = 0;
    SmallVector<Tensor> in;
    for (Value v : op->getOperands()) {
      auto t = fusion::readConstant(v);
      if (!t)
        return foldHook(op, type, b);
      inputElements += t->size();
      in.push_back(std::move(*t));
    }
    if (type.getNumElements() > std::max(kFreeElements, inputElements))
      return {};
    std::optional<Tensor> t = evaluate(op, in, type);
    if (!t || t->size() != type.getNumElements())
      return foldHook(op, type, b);
    return fusion::createConstant(b, op->getLoc(), type, t->data);
  }

  /// Ops this evaluator does not know: the dialect's own fold hooks.
  Value foldHook(Operation *op, RankedTensorType type, OpBuilder &b) {
    SmallVector<Attribute> operands;
    for (Value v : op->getOperands()) {
      Attribute attr;
      matchPattern(v, m_Constant(&attr));
      operands.push_back(attr);
    }
    SmallVector<OpFoldResult> folded;
    if (failed(op->fold(operands, folded)) || folded.size() != 1)
      return {};
    auto attr = dyn_cast_if_present<ElementsAttr>(
        dyn_cast_if_present<Attribute>(folded[0]));
    if (!attr || attr.getType() != type)
      return {};
    return b.create<ConstantOp>(op->getLoc(), type, attr);
  }
};

} // namespace
} // namespace iron
