//===- FusionUtils.cpp - Helpers shared by the fusion passes --------------===//

#include "FusionUtils.h"

#include "iron/Cost/CostModel.h"
#include "iron/Dialect/OnnxBridge.h"
#include "iron/Passes/MemoryPlan.h"

#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstring>

using namespace mlir;

namespace iron {
namespace fusion {

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

namespace {

constexpr double kMaxExactInt = 9007199254740992.0; // 2^53

double toDouble(APFloat v) {
  bool lost;
  v.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
  return v.convertToDouble();
}

/// Bytes per element in a resource blob (0: unsupported).
size_t elementBytes(Type elt) {
  if (elt.isInteger(1))
    return 1;
  if (isa<FloatType, IntegerType>(elt))
    return (elt.getIntOrFloatBitWidth() + 7) / 8;
  return 0;
}

/// Decodes little-endian raw elements of type `elt`.
bool decodeRaw(Type elt, ArrayRef<char> bytes, int64_t n,
               std::vector<double> &out) {
  size_t size = elementBytes(elt);
  if (!size || bytes.size() != size * size_t(n))
    return false;
  out.resize(n);
  const char *p = bytes.data();
  if (elt.isF32()) {
    for (int64_t k = 0; k < n; ++k) {
      float f;
      std::memcpy(&f, p + 4 * k, 4);
      out[k] = f;
    }
    return true;
  }
  if (elt.isF64()) {
    for (int64_t k = 0; k < n; ++k)
      std::memcpy(&out[k], p + 8 * k, 8);
    return true;
  }
  if (auto ft = dyn_cast<FloatType>(elt)) {
    unsigned bits = ft.getWidth();
    for (int64_t k = 0; k < n; ++k) {
      uint64_t raw = 0;
      std::memcpy(&raw, p + size * k, size);
      out[k] = toDouble(APFloat(ft.getFloatSemantics(), APInt(bits, raw)));
    }
    return true;
  }
  auto it = cast<IntegerType>(elt);
  unsigned width = it.getWidth();
  bool isSigned = !it.isUnsigned() && width != 1;
  for (int64_t k = 0; k < n; ++k) {
    uint64_t raw = 0;
    std::memcpy(&raw, p + size * k, size);
    if (width == 1) {
      out[k] = raw != 0;
      continue;
    }
    APInt v(width, raw);
    double d = isSigned ? double(v.getSExtValue()) : double(v.getZExtValue());
    if (std::fabs(d) > kMaxExactInt)
      return false;
    out[k] = d;
  }
  return true;
}

/// Encodes `values` as little-endian raw elements of type `elt`.
std::string encodeRaw(Type elt, ArrayRef<double> values) {
  size_t size = elementBytes(elt);
  std::string raw(size * values.size(), '\0');
  char *p = raw.data();
  for (size_t k = 0; k < values.size(); ++k) {
    double v = values[k];
    if (elt.isF32()) {
      float f = float(v);
      std::memcpy(p + 4 * k, &f, 4);
    } else if (elt.isF64()) {
      std::memcpy(p + 8 * k, &v, 8);
    } else if (auto ft = dyn_cast<FloatType>(elt)) {
      APFloat f(v);
      bool lost;
      f.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
      uint64_t bits = f.bitcastToAPInt().getZExtValue();
      std::memcpy(p + size * k, &bits, size);
    } else {
      // Integers wrap in their width, as a cast would.
      int64_t i = std::isfinite(v) ? int64_t(std::trunc(v)) : 0;
      if (elt.isInteger(1))
        i = v != 0;
      std::memcpy(p + size * k, &i, size);
    }
  }
  return raw;
}

} // namespace

std::optional<Tensor> readElements(ElementsAttr attr) {
  auto type = dyn_cast<RankedTensorType>(attr.getType());
  if (!type || !type.hasStaticShape())
    return std::nullopt;
  Type elt = type.getElementType();
  Tensor t;
  t.shape.assign(type.getShape().begin(), type.getShape().end());
  int64_t n = type.getNumElements();
  if (auto res = dyn_cast<DenseResourceElementsAttr>(attr)) {
    const AsmResourceBlob *blob = res.getRawHandle().getBlob();
    if (!blob || !decodeRaw(elt, blob->getData(), n, t.data))
      return std::nullopt;
    return t;
  }
  auto dense = dyn_cast<DenseElementsAttr>(attr);
  if (!dense)
    return std::nullopt;
  t.data.reserve(n);
  if (isa<FloatType>(elt)) {
    for (APFloat v : dense.getValues<APFloat>())
      t.data.push_back(toDouble(v));
    return t;
  }
  auto it = dyn_cast<IntegerType>(elt);
  if (!it)
    return std::nullopt;
  for (APInt v : dense.getValues<APInt>()) {
    double d = it.isUnsigned() || it.getWidth() == 1 ? double(v.getZExtValue())
                                                     : double(v.getSExtValue());
    if (std::fabs(d) > kMaxExactInt)
      return std::nullopt;
    t.data.push_back(d);
  }
  return t;
}

bool isConstant(Value v) { return v && v.getDefiningOp<ConstantOp>(); }

std::optional<Tensor> readConstant(Value v) {
  auto c = v ? v.getDefiningOp<ConstantOp>() : ConstantOp();
  if (!c || !c.getValueAttr())
    return std::nullopt;
  return readElements(*c.getValue());
}

std::optional<double> readScalar(Value v) {
  auto type = staticType(v);
  if (!type || type.getNumElements() != 1)
    return std::nullopt;
  auto t = readConstant(v);
  if (!t || t->size() != 1)
    return std::nullopt;
  return t->data[0];
}

bool isScalar(Value v, double x, double tolerance) {
  auto s = readScalar(v);
  return s && std::fabs(*s - x) <= tolerance * std::max(1.0, std::fabs(x));
}

ElementsAttr makeElements(RankedTensorType type, ArrayRef<double> values,
                          StringRef name) {
  onnx::TensorProto proto;
  proto.set_data_type(onnxDataTypeOf(type.getElementType()));
  for (int64_t d : type.getShape())
    proto.add_dims(d);
  proto.set_raw_data(encodeRaw(type.getElementType(), values));
  auto attr = tensorFromOnnx(type.getContext(), proto, name);
  if (!attr) {
    llvm::consumeError(attr.takeError());
    return {};
  }
  return *attr;
}

Value createConstant(OpBuilder &b, Location loc, RankedTensorType type,
                     ArrayRef<double> values) {
  std::string name = nameOf(loc);
  ElementsAttr attr = makeElements(type, values, name.empty() ? "w" : name);
  if (!attr)
    return {};
  return b.create<ConstantOp>(loc, type, attr);
}

//===----------------------------------------------------------------------===//
// Types, attributes, locations
//===----------------------------------------------------------------------===//

RankedTensorType staticType(Value v) {
  auto t = v ? dyn_cast<RankedTensorType>(v.getType()) : RankedTensorType();
  return t && t.hasStaticShape() ? t : RankedTensorType();
}

bool isF32(Value v) {
  auto t = v ? dyn_cast<TensorType>(v.getType()) : TensorType();
  return t && t.getElementType().isF32();
}

bool broadcastsTo(ArrayRef<int64_t> from, ArrayRef<int64_t> to) {
  if (from.size() > to.size())
    return false;
  size_t lead = to.size() - from.size();
  for (size_t d = 0; d < from.size(); ++d)
    if (from[d] != 1 && from[d] != to[lead + d])
      return false;
  return true;
}

StringRef opName(Operation *op) {
  if (!op || !isa<IronDialect>(op->getDialect()))
    return "";
  return op->getName().stripDialect();
}

bool isOp(Operation *op, StringRef name) { return opName(op) == name; }

std::optional<SmallVector<int64_t>> getI64s(Operation *op, StringRef name) {
  auto a = op->getAttrOfType<ArrayAttr>(name);
  if (!a)
    return std::nullopt;
  SmallVector<int64_t> v;
  for (Attribute e : a) {
    auto i = dyn_cast<IntegerAttr>(e);
    if (!i)
      return std::nullopt;
    v.push_back(i.getInt());
  }
  return v;
}

int64_t getI64(Operation *op, StringRef name, int64_t dflt) {
  if (auto a = op->getAttrOfType<IntegerAttr>(name))
    return a.getInt();
  return dflt;
}

double getF64(Operation *op, StringRef name, double dflt) {
  if (auto a = op->getAttrOfType<FloatAttr>(name))
    return a.getValueAsDouble();
  return dflt;
}

std::string getStr(Operation *op, StringRef name, StringRef dflt) {
  if (auto a = op->getAttrOfType<StringAttr>(name))
    return a.str();
  return dflt.str();
}

std::optional<SmallVector<int64_t>> reductionAxes(Operation *op) {
  if (auto axes = getI64s(op, "axes"))
    return axes;
  if (op->getNumOperands() > 1) {
    auto t = readConstant(op->getOperand(1));
    if (!t)
      return std::nullopt;
    SmallVector<int64_t> axes;
    for (double d : t->data)
      axes.push_back(int64_t(d));
    return axes;
  }
  return SmallVector<int64_t>();
}

Location fusedLoc(ArrayRef<Operation *> ops) {
  SmallVector<Location> locs;
  for (Operation *op : ops)
    locs.push_back(op->getLoc());
  return FusedLoc::get(ops.front()->getContext(), locs);
}

std::string nameOf(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location l : fused.getLocations()) {
      std::string n = nameOf(l);
      if (!n.empty())
        return n;
    }
  return "";
}

bool usedOnlyInside(ArrayRef<Operation *> ops, Operation *root) {
  llvm::SmallPtrSet<Operation *, 16> set(ops.begin(), ops.end());
  for (Operation *op : ops) {
    if (op == root)
      continue;
    for (Operation *user : op->getUsers())
      if (!set.contains(user))
        return false;
  }
  return true;
}

void eraseDeadOps(Block &body) {
  SmallVector<Operation *> ops;
  for (Operation &op : llvm::reverse(body.without_terminator()))
    ops.push_back(&op);
  for (Operation *op : ops)
    if (isOpTriviallyDead(op))
      op->erase();
}

//===----------------------------------------------------------------------===//
// Activations and GELU
//===----------------------------------------------------------------------===//

namespace {

/// The single activation op `op` applied to its first operand.
std::optional<Activation> singleOpActivation(Operation *op) {
  StringRef name = opName(op);
  if (!op || op->getNumResults() != 1 || op->getNumOperands() == 0)
    return std::nullopt;
  Activation a;
  a.ops.push_back(op);
  a.result = op->getResult(0);
  if (name == "Relu" || name == "Sigmoid" || name == "Tanh" ||
      name == "HardSwish") {
    a.name = name.str();
    return a;
  }
  if (name == "LeakyRelu") {
    a.name = "LeakyRelu";
    a.params = {float(getF64(op, "alpha", 0.01))};
    return a;
  }
  if (name == "HardSigmoid") {
    a.name = "HardSigmoid";
    a.params = {float(getF64(op, "alpha", 0.2)),
                float(getF64(op, "beta", 0.5))};
    return a;
  }
  if (auto clip = dyn_cast<ClipOp>(op)) {
    double lo = -INFINITY, hi = INFINITY;
    if (Value min = clip.getMin()) {
      auto s = readScalar(min);
      if (!s)
        return std::nullopt;
      lo = *s;
    }
    if (Value max = clip.getMax()) {
      auto s = readScalar(max);
      if (!s)
        return std::nullopt;
      hi = *s;
    }
    if (lo == 0 && std::isinf(hi) && hi > 0) {
      a.name = "Relu";
      return a;
    }
    a.name = "Clip";
    a.params = {float(lo), float(hi)};
    return a;
  }
  if (auto gelu = dyn_cast<GeluOp>(op)) {
    a.name = gelu.getApproximate() == "tanh" ? "GeluTanh" : "Gelu";
    return a;
  }
  return std::nullopt;
}

/// A product of factors: constant scalars multiply into `coef`; other
/// values are kept. Mul (and Div by a constant, Pow by 2 or 3) ops are
/// expanded when their result is the root or used once.
struct Product {
  double coef = 1;
  SmallVector<Value> factors;
  SmallVector<Operation *> ops;
};

void flatten(Value v, bool isRoot, Product &p, int depth = 0) {
  if (auto s = readScalar(v)) {
    p.coef *= *s;
    return;
  }
  Operation *op = v.getDefiningOp();
  if (op && depth < 8 && (isRoot || v.hasOneUse()) && isF32(v)) {
    StringRef name = opName(op);
    if (name == "Mul") {
      p.ops.push_back(op);
      flatten(op->getOperand(0), false, p, depth + 1);
      flatten(op->getOperand(1), false, p, depth + 1);
      return;
    }
    if (name == "Div") {
      if (auto s = readScalar(op->getOperand(1)); s && *s != 0) {
        p.ops.push_back(op);
        p.coef /= *s;
        flatten(op->getOperand(0), false, p, depth + 1);
        return;
      }
    }
    if (name == "Pow") {
      auto e = readScalar(op->getOperand(1));
      if (e && (*e == 2 || *e == 3)) {
        p.ops.push_back(op);
        for (int k = 0; k < int(*e); ++k)
          p.factors.push_back(op->getOperand(0));
        return;
      }
    }
  }
  p.factors.push_back(v);
}

bool near(double a, double b, double rel = 1e-4) {
  return std::fabs(a - b) <= rel * std::fabs(b);
}

/// `v` = Add(f(...), 1) with f = `inner` used once; returns f's operand 0.
Operation *onePlus(Value v, StringRef inner) {
  auto add = v.getDefiningOp();
  if (!isOp(add, "Add") || !v.hasOneUse())
    return nullptr;
  for (int k = 0; k < 2; ++k) {
    Value a = add->getOperand(k), b = add->getOperand(1 - k);
    if (!isScalar(b, 1.0))
      continue;
    Operation *f = a.getDefiningOp();
    if (isOp(f, inner) && a.hasOneUse())
      return f;
  }
  return nullptr;
}

} // namespace

std::optional<GeluMatch> matchGelu(Operation *root) {
  if (!isOp(root, "Mul") || !isF32(root->getResult(0)))
    return std::nullopt;
  Product outer;
  flatten(root->getResult(0), true, outer);
  if (outer.factors.size() != 2 || !near(outer.coef, 0.5))
    return std::nullopt;
  for (int k = 0; k < 2; ++k) {
    Value x = outer.factors[k], a = outer.factors[1 - k];
    if (x.getType() != root->getResult(0).getType())
      continue;
    SetVector<Operation *> ops(outer.ops.begin(), outer.ops.end());
    ops.insert(a.getDefiningOp());
    GeluMatch m;
    m.input = x;
    if (Operation *erf = onePlus(a, "Erf")) {
      // erf(x / sqrt 2)
      Product arg;
      flatten(erf->getOperand(0), false, arg);
      if (arg.factors.size() != 1 || arg.factors[0] != x ||
          !near(arg.coef, M_SQRT1_2))
        continue;
      ops.insert(erf);
      ops.insert(arg.ops.begin(), arg.ops.end());
    } else if (Operation *tanh = onePlus(a, "Tanh")) {
      // tanh(sqrt(2/pi) * (x + 0.044715 x^3))
      Product arg;
      flatten(tanh->getOperand(0), false, arg);
      if (arg.factors.size() != 1 || !near(arg.coef, std::sqrt(2.0 / M_PI)))
        continue;
      Value w = arg.factors[0];
      Operation *add = w.getDefiningOp();
      if (!isOp(add, "Add") || !w.hasOneUse())
        continue;
      bool ok = false;
      Product cube;
      for (int j = 0; j < 2 && !ok; ++j) {
        if (add->getOperand(j) != x)
          continue;
        cube = Product();
        flatten(add->getOperand(1 - j), false, cube);
        ok = cube.factors.size() == 3 && llvm::all_equal(cube.factors) &&
             cube.factors[0] == x && near(cube.coef, 0.044715);
      }
      if (!ok)
        continue;
      m.tanh = true;
      ops.insert(tanh);
      ops.insert(arg.ops.begin(), arg.ops.end());
      ops.insert(add);
      ops.insert(cube.ops.begin(), cube.ops.end());
    } else {
      continue;
    }
    m.ops.assign(ops.begin(), ops.end());
    llvm::sort(m.ops, [](Operation *l, Operation *r) {
      return l->isBeforeInBlock(r);
    });
    for (Operation *op : m.ops)
      if (op->getBlock() != root->getBlock() || !isF32(op->getResult(0)))
        return std::nullopt;
    if (!usedOnlyInside(m.ops, root))
      return std::nullopt;
    return m;
  }
  return std::nullopt;
}

std::optional<Activation> matchActivationOf(Value v) {
  if (!v || v.use_empty())
    return std::nullopt;
  SmallVector<Operation *> users(v.getUsers().begin(), v.getUsers().end());
  // One user: a single activation op reading v.
  if (v.hasOneUse()) {
    auto a = singleOpActivation(users[0]);
    if (a && users[0]->getOperand(0) == v && a->result.getType() == v.getType())
      return a;
  }
  // x * Sigmoid(x) and x * HardSigmoid(x): v is read by the gate and the Mul.
  if (llvm::range_size(v.getUses()) == 2 && users.size() == 2) {
    for (int k = 0; k < 2; ++k) {
      Operation *gate = users[k], *mul = users[1 - k];
      if (!isOp(mul, "Mul") || gate->getNumResults() != 1 ||
          gate->getOperand(0) != v || !gate->getResult(0).hasOneUse() ||
          *gate->getResult(0).getUsers().begin() != mul)
        continue;
      bool silu = isOp(gate, "Sigmoid");
      bool hswish = isOp(gate, "HardSigmoid") &&
                    near(getF64(gate, "alpha", 0.2), 1.0 / 6, 1e-5) &&
                    near(getF64(gate, "beta", 0.5), 0.5, 1e-6);
      if (!silu && !hswish)
        continue;
      if (mul->getResult(0).getType() != v.getType())
        continue;
      Activation a;
      a.name = silu ? "SiLU" : "HardSwish";
      a.ops = {gate, mul};
      llvm::sort(a.ops, [](Operation *l, Operation *r) {
        return l->isBeforeInBlock(r);
      });
      a.result = mul->getResult(0);
      return a;
    }
  }
  // A spelled-out GELU: its root is a Mul a few ops down from v.
  SmallVector<Operation *> frontier(users.begin(), users.end());
  llvm::SmallPtrSet<Operation *, 16> seen;
  for (int depth = 0; depth < 10 && !frontier.empty(); ++depth) {
    SmallVector<Operation *> next;
    for (Operation *op : frontier) {
      if (!seen.insert(op).second || op->getNumResults() != 1)
        continue;
      if (auto m = matchGelu(op); m && m->input == v) {
        llvm::SmallPtrSet<Operation *, 16> inside(m->ops.begin(), m->ops.end());
        if (llvm::all_of(v.getUsers(),
                         [&](Operation *u) { return inside.contains(u); })) {
          Activation a;
          a.name = m->tanh ? "GeluTanh" : "Gelu";
          a.ops = m->ops;
          a.result = op->getResult(0);
          return a;
        }
      }
      for (Operation *u : op->getUsers())
        next.push_back(u);
    }
    frontier = std::move(next);
  }
  return std::nullopt;
}

std::string formatImmediate(double v) {
  if (std::isinf(v))
    return v > 0 ? "inf" : "-inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", float(v));
  return buf;
}

//===----------------------------------------------------------------------===//
// Cost gate
//===----------------------------------------------------------------------===//

LogicalResult CostGate::init(StringRef name, StringRef prec, MLIRContext *ctx) {
  target.reset();
  precision.reset();
  if (!prec.empty()) {
    precision = parsePrecision(prec);
    if (!precision)
      return emitError(UnknownLoc::get(ctx))
             << "unknown precision '" << prec << "'";
  }
  if (name.empty())
    return success();
  auto t = loadTarget(name);
  if (!t) {
    std::string msg = llvm::toString(t.takeError());
    return emitError(UnknownLoc::get(ctx))
           << "cannot load target '" << name << "': " << msg;
  }
  target = std::move(*t);
  return success();
}

bool CostGate::accept(ArrayRef<Operation *> unfused,
                      ArrayRef<Operation *> fused) const {
  if (!target)
    return true;
  auto inOrder = [](ArrayRef<Operation *> ops) {
    SmallVector<Operation *> v(ops.begin(), ops.end());
    llvm::sort(
        v, [](Operation *l, Operation *r) { return l->isBeforeInBlock(r); });
    return v;
  };
  CostOptions options;
  options.assumePrecision = precision;
  options.sensitivities = false;
  auto before = predictKernelsSeconds(inOrder(unfused), *target, options);
  auto after = predictKernelsSeconds(inOrder(fused), *target, options);
  if (!before || !after) {
    // What cannot be costed (dynamic shapes) is not known to pay off.
    if (!before)
      llvm::consumeError(before.takeError());
    if (!after)
      llvm::consumeError(after.takeError());
    return false;
  }
  double tolerance = 1e-3 * std::max(*before, *after);
  if (*after < *before - tolerance)
    return true;
  if (*after > *before + tolerance)
    return false;
  // As fast: fuse when an intermediate tensor leaves the arena.
  llvm::SmallPtrSet<Operation *, 16> set(unfused.begin(), unfused.end());
  uint64_t removed = 0;
  for (Operation *op : unfused)
    for (Value r : op->getResults()) {
      auto type = staticType(r);
      if (!type || r.use_empty() ||
          !llvm::all_of(r.getUsers(),
                        [&](Operation *u) { return set.contains(u); }))
        continue;
      removed += tensorBytes(type);
    }
  return removed > 0;
}

} // namespace fusion
} // namespace iron
