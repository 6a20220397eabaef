//===- Fold.cpp - Evaluating iron ops on small constant tensors -----------===//
//
// Exporters spell out shape arithmetic as small ONNX subgraphs
// (Shape -> Gather -> Unsqueeze -> Concat -> Reshape). Once input shapes are
// static these compute constants; the fold hooks below evaluate them so that
// canonicalization leaves only the model's real computation. Only dense
// tensors up to kMaxFoldElements are evaluated: weights are never touched.
//
//===----------------------------------------------------------------------===//

#include "iron/Dialect/IronDialect.h"
#include "iron/Dialect/OnnxInference.h"
#include "iron/Dialect/ShapeMath.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

#include <cmath>
#include <functional>

using namespace mlir;

namespace iron {
namespace {

constexpr int64_t kMaxFoldElements = 1 << 16;

/// A small tensor of either integers (bool included) or floating values.
struct Tensor {
  SmallVector<int64_t> shape;
  bool isFloat = false;
  std::vector<int64_t> ints;
  std::vector<double> floats;

  int64_t size() const { return isFloat ? floats.size() : ints.size(); }
  double f(int64_t k) const { return isFloat ? floats[k] : double(ints[k]); }
  int64_t i(int64_t k) const { return isFloat ? int64_t(floats[k]) : ints[k]; }
  static Tensor like(const SmallVector<int64_t> &shape, bool isFloat) {
    Tensor t;
    t.shape = shape;
    t.isFloat = isFloat;
    return t;
  }
  void push(const Tensor &src, int64_t k) {
    if (isFloat)
      floats.push_back(src.f(k));
    else
      ints.push_back(src.i(k));
  }
};

double toDouble(APFloat v) {
  bool lost;
  v.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
  return v.convertToDouble();
}

std::optional<Tensor> fromAttr(Attribute attr) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(attr);
  if (!dense || dense.getNumElements() > kMaxFoldElements)
    return std::nullopt;
  Tensor t;
  auto type = dense.getType();
  t.shape.assign(type.getShape().begin(), type.getShape().end());
  Type elt = type.getElementType();
  if (isa<FloatType>(elt)) {
    t.isFloat = true;
    for (APFloat v : dense.getValues<APFloat>())
      t.floats.push_back(toDouble(v));
  } else if (auto it = dyn_cast<IntegerType>(elt)) {
    for (APInt v : dense.getValues<APInt>()) {
      if (it.isUnsigned() && it.getWidth() == 64 && v.isNegative())
        return std::nullopt; // beyond int64: the evaluator would get it wrong
      t.ints.push_back(it.isUnsigned() || it.getWidth() == 1
                           ? int64_t(v.getZExtValue())
                           : v.getSExtValue());
    }
  } else {
    return std::nullopt;
  }
  return t;
}

/// Builds the attribute for `t` with the op's declared result type, which
/// must be static and hold as many elements.
Attribute toAttr(const Tensor &t, Type resultType) {
  auto type = dyn_cast<RankedTensorType>(resultType);
  if (!type || !type.hasStaticShape() || type.getNumElements() != t.size())
    return {};
  Type elt = type.getElementType();
  if (auto ft = dyn_cast<FloatType>(elt)) {
    SmallVector<APFloat> values;
    for (int64_t k = 0; k < t.size(); ++k) {
      APFloat v(t.f(k));
      bool lost;
      v.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
      values.push_back(v);
    }
    return DenseElementsAttr::get(type, values);
  }
  auto it = dyn_cast<IntegerType>(elt);
  if (!it)
    return {};
  SmallVector<APInt> values;
  for (int64_t k = 0; k < t.size(); ++k) {
    int64_t v = t.isFloat ? int64_t(t.floats[k]) : t.ints[k];
    if (it.getWidth() == 1)
      v = t.isFloat ? t.floats[k] != 0.0 : v != 0;
    values.push_back(APInt(it.getWidth(), uint64_t(v), !it.isUnsigned()));
  }
  return DenseElementsAttr::get(type, values);
}

int64_t intAttr(Operation *op, StringRef name, int64_t dflt) {
  if (auto a = op->getAttrOfType<IntegerAttr>(name))
    return a.getInt();
  return dflt;
}

std::optional<SmallVector<int64_t>> intsAttr(Operation *op, StringRef name) {
  auto a = op->getAttrOfType<ArrayAttr>(name);
  if (!a)
    return std::nullopt;
  SmallVector<int64_t> v;
  for (Attribute e : a)
    v.push_back(cast<IntegerAttr>(e).getInt());
  return v;
}

/// Multidirectional (numpy) broadcasting of `ins` with an elementwise `fn`.
std::optional<Tensor>
broadcast(ArrayRef<const Tensor *> ins, bool floatResult,
          const std::function<void(Tensor &, ArrayRef<int64_t> idx)> &fn) {
  size_t rank = 0;
  for (auto *t : ins)
    rank = std::max(rank, t->shape.size());
  SmallVector<int64_t> shape(rank, 1);
  for (auto *t : ins)
    for (size_t d = 0; d < t->shape.size(); ++d) {
      int64_t &o = shape[rank - t->shape.size() + d];
      int64_t v = t->shape[d];
      if (o == 1)
        o = v;
      else if (v != 1 && v != o)
        return std::nullopt;
    }
  Tensor out = Tensor::like(shape, floatResult);
  int64_t n = numElements(shape);
  if (n > kMaxFoldElements)
    return std::nullopt;
  auto outStrides = stridesOf(shape);
  SmallVector<SmallVector<int64_t>> inStrides;
  for (auto *t : ins) {
    auto s = stridesOf(t->shape);
    SmallVector<int64_t> full(rank, 0);
    for (size_t d = 0; d < t->shape.size(); ++d)
      full[rank - t->shape.size() + d] = t->shape[d] == 1 ? 0 : s[d];
    inStrides.push_back(full);
  }
  SmallVector<int64_t> idx(ins.size());
  for (int64_t k = 0; k < n; ++k) {
    for (size_t j = 0; j < ins.size(); ++j) {
      int64_t off = 0, rem = k;
      for (size_t d = 0; d < rank; ++d) {
        off += (rem / outStrides[d]) * inStrides[j][d];
        rem %= outStrides[d];
      }
      idx[j] = off;
    }
    fn(out, idx);
  }
  return out;
}

std::optional<Tensor> binary(StringRef name, const Tensor &a, const Tensor &b,
                             Operation *op) {
  bool compare = name == "Equal" || name == "Less" || name == "Greater";
  bool logical = name == "And" || name == "Or";
  bool isFloat = (a.isFloat || b.isFloat) && !compare && !logical;
  bool fmodMode = intAttr(op, "fmod", 0) != 0;
  return broadcast({&a, &b}, isFloat, [&](Tensor &out, ArrayRef<int64_t> ix) {
    if (isFloat) {
      double x = a.f(ix[0]), y = b.f(ix[1]), r = 0;
      if (name == "Add") r = x + y;
      else if (name == "Sub") r = x - y;
      else if (name == "Mul") r = x * y;
      else if (name == "Div") r = x / y;
      else if (name == "Max") r = std::max(x, y);
      else if (name == "Min") r = std::min(x, y);
      else if (name == "Mod") r = fmodMode ? std::fmod(x, y) : x - y * std::floor(x / y);
      out.floats.push_back(r);
      return;
    }
    if (compare && (a.isFloat || b.isFloat)) {
      double x = a.f(ix[0]), y = b.f(ix[1]);
      out.ints.push_back(name == "Equal" ? x == y : name == "Less" ? x < y : x > y);
      return;
    }
    int64_t x = a.i(ix[0]), y = b.i(ix[1]), r = 0;
    if (name == "Add") r = x + y;
    else if (name == "Sub") r = x - y;
    else if (name == "Mul") r = x * y;
    else if (name == "Div") r = y == 0 ? 0 : x / y;
    else if (name == "Max") r = std::max(x, y);
    else if (name == "Min") r = std::min(x, y);
    else if (name == "Mod") {
      r = y == 0 ? 0 : x % y;
      if (!fmodMode && r != 0 && ((r < 0) != (y < 0)))
        r += y; // the sign of the divisor, as Python's %
    }
    else if (name == "Equal") r = x == y;
    else if (name == "Less") r = x < y;
    else if (name == "Greater") r = x > y;
    else if (name == "And") r = x && y;
    else if (name == "Or") r = x || y;
    out.ints.push_back(r);
  });
}

std::optional<Tensor> unary(StringRef name, const Tensor &a) {
  Tensor out = Tensor::like(a.shape, a.isFloat);
  for (int64_t k = 0; k < a.size(); ++k) {
    if (a.isFloat) {
      double x = a.floats[k];
      double r = name == "Neg" ? -x : name == "Abs" ? std::fabs(x)
               : name == "Floor" ? std::floor(x) : name == "Ceil" ? std::ceil(x)
               : name == "Sqrt" ? std::sqrt(x) : x;
      out.floats.push_back(r);
    } else {
      int64_t x = a.ints[k];
      if (name == "Sqrt" || name == "Floor" || name == "Ceil") {
        out.ints.push_back(name == "Sqrt" ? int64_t(std::sqrt(double(x))) : x);
        continue;
      }
      out.ints.push_back(name == "Neg" ? -x : name == "Abs" ? std::llabs(x)
                         : name == "Not" ? !x : x);
    }
  }
  return out;
}

/// Elements of `a` in row-major order re-laid by a gather along `axis`.
std::optional<Tensor> gather(const Tensor &data, const Tensor &indices,
                             int64_t axis) {
  int64_t rank = data.shape.size();
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    return std::nullopt;
  int64_t outer = numElements(ArrayRef<int64_t>(data.shape).take_front(axis));
  int64_t inner = numElements(ArrayRef<int64_t>(data.shape).drop_front(axis + 1));
  int64_t dim = data.shape[axis];
  SmallVector<int64_t> shape(data.shape.begin(), data.shape.begin() + axis);
  shape.append(indices.shape.begin(), indices.shape.end());
  shape.append(data.shape.begin() + axis + 1, data.shape.end());
  Tensor out = Tensor::like(shape, data.isFloat);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < indices.size(); ++j) {
      int64_t ix = indices.i(j);
      if (ix < 0)
        ix += dim;
      if (ix < 0 || ix >= dim)
        return std::nullopt;
      for (int64_t in = 0; in < inner; ++in)
        out.push(data, (o * dim + ix) * inner + in);
    }
  return out;
}

std::optional<Tensor> slice(Operation *op, const Tensor &data,
                            ArrayRef<std::optional<Tensor>> in) {
  int64_t rank = data.shape.size();
  const Tensor &starts = *in[1], &ends = *in[2];
  SmallVector<int64_t> lo(rank, 0), step(rank, 1), shape(data.shape);
  SmallVector<int64_t> hi(data.shape);
  for (int64_t k = 0; k < starts.size(); ++k) {
    int64_t axis = in.size() > 3 && in[3] ? in[3]->i(k) : k;
    if (axis < 0)
      axis += rank;
    if (axis < 0 || axis >= rank)
      return std::nullopt;
    int64_t st = in.size() > 4 && in[4] ? in[4]->i(k) : 1;
    if (st == 0)
      return std::nullopt;
    int64_t dim = data.shape[axis];
    int64_t s = starts.i(k), e = ends.i(k);
    if (s < 0) s += dim;
    if (e < 0) e += dim;
    if (st > 0) {
      s = std::clamp<int64_t>(s, 0, dim);
      e = std::clamp<int64_t>(e, 0, dim);
    } else {
      s = std::clamp<int64_t>(s, 0, dim - 1);
      e = std::clamp<int64_t>(e, -1, dim - 1);
    }
    lo[axis] = s;
    hi[axis] = e;
    step[axis] = st;
    int64_t n = st > 0 ? (e - s + st - 1) / st : (s - e - st - 1) / -st;
    shape[axis] = std::max<int64_t>(0, n);
  }
  Tensor out = Tensor::like(shape, data.isFloat);
  auto inStrides = stridesOf(data.shape), outStrides = stridesOf(shape);
  int64_t n = numElements(shape);
  for (int64_t k = 0; k < n; ++k) {
    int64_t off = 0, rem = k;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t i = rem / outStrides[d];
      rem %= outStrides[d];
      off += (lo[d] + i * step[d]) * inStrides[d];
    }
    out.push(data, off);
  }
  return out;
}

std::optional<Tensor> transpose(Operation *op, const Tensor &data) {
  int64_t rank = data.shape.size();
  SmallVector<int64_t> perm;
  if (auto p = intsAttr(op, "perm"))
    perm = *p;
  else
    for (int64_t d = rank - 1; d >= 0; --d)
      perm.push_back(d);
  if (int64_t(perm.size()) != rank)
    return std::nullopt;
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(data.shape[p]);
  Tensor out = Tensor::like(shape, data.isFloat);
  auto inStrides = stridesOf(data.shape), outStrides = stridesOf(shape);
  for (int64_t k = 0; k < data.size(); ++k) {
    int64_t off = 0, rem = k;
    for (int64_t d = 0; d < rank; ++d) {
      off += (rem / outStrides[d]) * inStrides[perm[d]];
      rem %= outStrides[d];
    }
    out.push(data, off);
  }
  return out;
}

std::optional<Tensor> evaluate(Operation *op, ArrayRef<Attribute> operands) {
  StringRef name = op->getName().stripDialect();
  Type resultType = op->getResult(0).getType();

  // Ops that need only static operand types.
  if (name == "Shape" || name == "Size") {
    auto type = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
    if (!type || !type.hasStaticShape())
      return std::nullopt;
    if (name == "Size") {
      Tensor t;
      t.ints.push_back(type.getNumElements());
      return t;
    }
    int64_t rank = type.getRank();
    int64_t start = intAttr(op, "start", 0), end = intAttr(op, "end", rank);
    if (start < 0) start += rank;
    if (end < 0) end += rank;
    start = std::clamp<int64_t>(start, 0, rank);
    end = std::clamp<int64_t>(end, 0, rank);
    Tensor t;
    for (int64_t d = start; d < end; ++d)
      t.ints.push_back(type.getDimSize(d));
    t.shape = {int64_t(t.ints.size())};
    return t;
  }

  SmallVector<std::optional<Tensor>> in;
  for (Attribute a : operands)
    in.push_back(fromAttr(a));
  auto all = [&](size_t n) {
    if (in.size() < n)
      return false;
    for (size_t k = 0; k < n; ++k)
      if (!in[k])
        return false;
    return true;
  };

  // Ops whose result is the data re-laid into the (static) result type.
  if (name == "Reshape" || name == "Unsqueeze" || name == "Squeeze" ||
      name == "Flatten" || name == "Identity") {
    if (!all(1))
      return std::nullopt;
    return in[0];
  }
  if (name == "ConstantOfShape") {
    if (!all(1))
      return std::nullopt;
    auto type = dyn_cast<RankedTensorType>(resultType);
    std::optional<Tensor> value;
    if (auto v = op->getAttr("value"))
      value = fromAttr(v);
    Tensor fill;
    fill.isFloat = !value ? true : value->isFloat;
    SmallVector<int64_t> shape;
    for (int64_t k = 0; k < in[0]->size(); ++k)
      shape.push_back(in[0]->i(k));
    if (numElements(shape) > kMaxFoldElements || !type)
      return std::nullopt;
    Tensor out = Tensor::like(shape, fill.isFloat);
    for (int64_t k = 0; k < numElements(shape); ++k) {
      if (out.isFloat)
        out.floats.push_back(value ? value->f(0) : 0.0);
      else
        out.ints.push_back(value ? value->i(0) : 0);
    }
    return out;
  }
  if (name == "Cast") {
    if (!all(1))
      return std::nullopt;
    auto type = cast<ShapedType>(resultType);
    bool toBool = type.getElementType().isInteger(1);
    Tensor out = Tensor::like(in[0]->shape, isa<FloatType>(type.getElementType()));
    for (int64_t k = 0; k < in[0]->size(); ++k) {
      if (out.isFloat)
        out.floats.push_back(in[0]->f(k));
      else if (toBool) // nonzero is true, before any truncation
        out.ints.push_back(in[0]->isFloat ? in[0]->floats[k] != 0.0 : in[0]->ints[k] != 0);
      else
        out.ints.push_back(in[0]->isFloat ? int64_t(std::trunc(in[0]->floats[k]))
                                          : in[0]->ints[k]);
    }
    return out;
  }
  if (name == "Neg" || name == "Abs" || name == "Floor" || name == "Ceil" ||
      name == "Sqrt" || name == "Not") {
    if (!all(1))
      return std::nullopt;
    return unary(name, *in[0]);
  }
  if (name == "Add" || name == "Sub" || name == "Mul" || name == "Div" ||
      name == "Mod" || name == "Equal" || name == "Less" ||
      name == "Greater" || name == "And" || name == "Or") {
    if (!all(2))
      return std::nullopt;
    return binary(name, *in[0], *in[1], op);
  }
  if (name == "Max" || name == "Min") {
    if (in.empty() || !all(in.size()))
      return std::nullopt;
    std::optional<Tensor> acc = in[0];
    for (size_t k = 1; k < in.size() && acc; ++k)
      acc = binary(name, *acc, *in[k], op);
    return acc;
  }
  if (name == "Where") {
    if (!all(3))
      return std::nullopt;
    const Tensor &c = *in[0], &x = *in[1], &y = *in[2];
    bool isFloat = x.isFloat || y.isFloat;
    return broadcast({&c, &x, &y}, isFloat, [&](Tensor &out, ArrayRef<int64_t> ix) {
      const Tensor &src = c.i(ix[0]) ? x : y;
      out.push(src, c.i(ix[0]) ? ix[1] : ix[2]);
    });
  }
  if (name == "Expand") {
    if (!all(2))
      return std::nullopt;
    Tensor ones;
    for (int64_t k = 0; k < in[1]->size(); ++k)
      ones.shape.push_back(in[1]->i(k));
    ones.ints.assign(numElements(ones.shape) > kMaxFoldElements ? 0 : numElements(ones.shape), 0);
    if (int64_t(ones.ints.size()) != numElements(ones.shape))
      return std::nullopt;
    const Tensor &x = *in[0];
    return broadcast({&x, &ones}, x.isFloat, [&](Tensor &out, ArrayRef<int64_t> ix) {
      out.push(x, ix[0]);
    });
  }
  if (name == "Gather") {
    if (!all(2))
      return std::nullopt;
    return gather(*in[0], *in[1], intAttr(op, "axis", 0));
  }
  if (name == "Concat") {
    if (in.empty() || !all(in.size()))
      return std::nullopt;
    int64_t rank = in[0]->shape.size();
    int64_t axis = intAttr(op, "axis", 0);
    if (axis < 0)
      axis += rank;
    if (axis < 0 || axis >= rank)
      return std::nullopt;
    SmallVector<int64_t> shape(in[0]->shape);
    shape[axis] = 0;
    bool isFloat = false;
    for (auto &t : in) {
      if (int64_t(t->shape.size()) != rank)
        return std::nullopt;
      shape[axis] += t->shape[axis];
      isFloat |= t->isFloat;
    }
    int64_t outer = numElements(ArrayRef<int64_t>(shape).take_front(axis));
    Tensor out = Tensor::like(shape, isFloat);
    for (int64_t o = 0; o < outer; ++o)
      for (auto &t : in) {
        int64_t chunk = numElements(ArrayRef<int64_t>(t->shape).drop_front(axis));
        for (int64_t k = 0; k < chunk; ++k)
          out.push(*t, o * chunk + k);
      }
    return out;
  }
  if (name == "Slice") {
    // Optional axes/steps: bind operands to ONNX's formal parameters, so
    // steps without axes are not read as axes.
    const onnx::OpSchema *schema = getOnnxSchema(op);
    if (!schema)
      return std::nullopt;
    SmallVector<std::optional<Tensor>> formal(5);
    for (auto [f, group] : llvm::enumerate(getOnnxOperandGroups(op, *schema))) {
      if (group.second == 0)
        continue;
      if (!in[group.first])
        return std::nullopt; // a present operand that is not constant
      formal[f] = in[group.first];
    }
    if (!formal[0] || !formal[1] || !formal[2])
      return std::nullopt;
    return slice(op, *formal[0], formal);
  }
  if (name == "Range") {
    if (!all(3))
      return std::nullopt;
    const Tensor &s = *in[0], &l = *in[1], &d = *in[2];
    bool isFloat = s.isFloat;
    double start = s.f(0), limit = l.f(0), delta = d.f(0);
    if (delta == 0)
      return std::nullopt;
    int64_t n = std::max<int64_t>(0, int64_t(std::ceil((limit - start) / delta)));
    if (n > kMaxFoldElements)
      return std::nullopt;
    Tensor out = Tensor::like({n}, isFloat);
    for (int64_t k = 0; k < n; ++k) {
      if (isFloat)
        out.floats.push_back(start + k * delta);
      else
        out.ints.push_back(s.i(0) + k * d.i(0));
    }
    return out;
  }
  if (name == "Transpose") {
    if (!all(1))
      return std::nullopt;
    return transpose(op, *in[0]);
  }
  if (name == "ReduceProd") {
    if (!all(1))
      return std::nullopt;
    const Tensor &x = *in[0];
    int64_t rank = x.shape.size();
    SmallVector<int64_t> axes;
    if (auto a = intsAttr(op, "axes"))
      axes = *a;
    if (axes.empty())
      for (int64_t d = 0; d < rank; ++d)
        axes.push_back(d);
    SmallVector<bool> reduced(rank, false);
    for (int64_t a : axes)
      reduced[a < 0 ? a + rank : a] = true;
    SmallVector<int64_t> outShape;
    for (int64_t d = 0; d < rank; ++d)
      outShape.push_back(reduced[d] ? 1 : x.shape[d]);
    Tensor out = Tensor::like(outShape, x.isFloat);
    int64_t n = numElements(outShape);
    out.floats.assign(x.isFloat ? n : 0, 1.0);
    out.ints.assign(x.isFloat ? 0 : n, 1);
    auto inStrides = stridesOf(x.shape), outStrides = stridesOf(outShape);
    for (int64_t k = 0; k < x.size(); ++k) {
      int64_t off = 0, rem = k;
      for (int64_t d = 0; d < rank; ++d) {
        int64_t i = rem / inStrides[d];
        rem %= inStrides[d];
        if (!reduced[d])
          off += i * outStrides[d];
      }
      if (x.isFloat)
        out.floats[off] *= x.floats[k];
      else
        out.ints[off] *= x.ints[k];
    }
    return out; // keepdims only changes the (static) result type
  }
  return std::nullopt;
}

} // namespace

OpFoldResult foldOnnxOp(Operation *op, ArrayRef<Attribute> operands) {
  StringRef name = op->getName().stripDialect();
  if (name == "Constant")
    return op->getAttr("value");
  if (name == "Identity" && op->getOperand(0).getType() == op->getResult(0).getType())
    return op->getOperand(0);
  std::optional<Tensor> t = evaluate(op, operands);
  if (!t)
    return {};
  return toAttr(*t, op->getResult(0).getType());
}

} // namespace iron
