//===- KernelOps.cpp - Iron's own kernels: verifiers and work counts ------===//
//
// The rules of the kernels fusion makes (IronOps.td): each verifier states
// the shape rules of its op in its messages, and each work count reuses the
// counting rules of the ONNX operators the kernel replaces (WorkCountRules.h)
// so that fusing never changes the arithmetic a model is charged for, only
// the bytes: a fused kernel reads its inputs and writes its output once,
// and its intermediates never reach memory.
//
//===----------------------------------------------------------------------===//

#include "iron/Dialect/IronDialect.h"
#include "iron/Dialect/WorkCountRules.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>

using namespace mlir;

namespace iron {
namespace {

//===----------------------------------------------------------------------===//
// Shapes
//===----------------------------------------------------------------------===//

RankedTensorType rankedType(Value v) {
  return v ? dyn_cast<RankedTensorType>(v.getType()) : RankedTensorType();
}

std::string shapeStr(ArrayRef<int64_t> shape) {
  if (shape.empty())
    return "[] (a scalar)";
  std::string s;
  llvm::raw_string_ostream os(s);
  llvm::interleave(
      shape, os,
      [&](int64_t d) {
        os << (ShapedType::isDynamic(d) ? std::string("?") : std::to_string(d));
      },
      "x");
  return s;
}

bool sameDim(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

bool sameShape(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  return a.size() == b.size() && llvm::all_of(llvm::zip(a, b), [](auto p) {
           return sameDim(std::get<0>(p), std::get<1>(p));
         });
}

/// Whether `in` broadcasts to `out` (ONNX multidirectional broadcasting,
/// dims aligned from the right) without changing `out`: every dim of `in`
/// is 1 or `out`'s dim.
bool broadcastsTo(ArrayRef<int64_t> in, ArrayRef<int64_t> out) {
  if (in.size() > out.size())
    return false;
  size_t offset = out.size() - in.size();
  for (auto [i, d] : llvm::enumerate(in))
    if (d != 1 && !sameDim(d, out[offset + i]))
      return false;
  return true;
}

/// numpy's broadcast of two shapes (dynamic where unknown); false when
/// they conflict.
bool broadcastShapes(ArrayRef<int64_t> a, ArrayRef<int64_t> b,
                     SmallVectorImpl<int64_t> &out) {
  size_t rank = std::max(a.size(), b.size());
  out.assign(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da == 1)
      out[i] = db;
    else if (db == 1)
      out[i] = da;
    else if (ShapedType::isDynamic(da))
      out[i] = db;
    else if (ShapedType::isDynamic(db) || da == db)
      out[i] = da;
    else
      return false;
  }
  return true;
}

int64_t product(ArrayRef<int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims)
    n *= d;
  return n;
}

double staticElems(Value v) {
  return static_cast<double>(product(cast<ShapedType>(v.getType()).getShape()));
}

//===----------------------------------------------------------------------===//
// Epilogue activations
//===----------------------------------------------------------------------===//

/// An activation of FusedConv/FusedMatMul: how many activation_params it
/// takes, its cost per element (the ONNX ops' rules: Relu 1; Clip two
/// compares; LeakyRelu mul + select; HardSigmoid 4; HardSwish 5; SiLU one
/// sigmoid and a mul; Gelu scale, erf, add 1, two muls; GeluTanh two muls
/// for x^3, mul-add, scale, tanh, add 1, two muls) and the ONNX ops it
/// stands for (what an exporter writes).
struct ActivationRule {
  const char *name;
  unsigned params;
  const char *paramNames;
  double ops, transcendentals;
  const char *kinds[4];
};

const ActivationRule kActivations[] = {
    {"", 0, "", 0, 0, {}},
    {"Relu", 0, "", 1, 0, {"Relu"}},
    {"Clip", 2, "[min, max]", 2, 0, {"Clip"}},
    {"LeakyRelu", 1, "[alpha]", 2, 0, {"LeakyRelu"}},
    {"Sigmoid", 0, "", 0, 1, {"Sigmoid"}},
    {"HardSigmoid", 2, "[alpha, beta]", 4, 0, {"HardSigmoid"}},
    {"HardSwish", 0, "", 5, 0, {"HardSwish"}},
    {"SiLU", 0, "", 1, 1, {"Sigmoid", "Mul"}},
    {"Gelu", 0, "", 4, 1, {"Div", "Erf", "Add", "Mul"}},
    {"GeluTanh", 0, "", 8, 1, {"Pow", "Mul", "Add", "Tanh"}},
    {"Tanh", 0, "", 0, 1, {"Tanh"}},
};

const ActivationRule *activationRule(StringRef name) {
  for (const ActivationRule &r : kActivations)
    if (name == r.name)
      return &r;
  return nullptr;
}

LogicalResult verifyActivation(Operation *op, StringRef activation,
                               std::optional<ArrayAttr> params) {
  const ActivationRule *rule = activationRule(activation);
  if (!rule) {
    std::string names;
    for (const ActivationRule &r : kActivations)
      names += std::string(names.empty() ? "" : ", ") +
               (*r.name ? r.name : "\"\" (none)");
    return op->emitOpError("activation '")
           << activation << "' is not one of " << names;
  }
  size_t given = params ? params->size() : 0;
  if (given != rule->params) {
    if (rule->params == 0)
      return op->emitOpError("activation '")
             << (*rule->name ? rule->name : "")
             << "' takes no activation_params, got " << given;
    return op->emitOpError(llvm::formatv(
        "activation '{0}' takes {1} activation_params {2}, got {3}",
        rule->name, rule->params, rule->paramNames, given));
  }
  return success();
}

/// Checks that an optional residual Z has Y's shape.
LogicalResult verifyResidual(Operation *op, Value z, Value y) {
  auto zt = rankedType(z), yt = rankedType(y);
  if (zt && yt && !sameShape(zt.getShape(), yt.getShape()))
    return op->emitOpError("residual Z must have Y's shape ")
           << shapeStr(yt.getShape()) << ", got " << shapeStr(zt.getShape());
  return success();
}

void addKinds(WorkCount &wc, ArrayRef<const char *> kinds) {
  for (const char *k : kinds)
    if (k && !llvm::is_contained(wc.onnxKinds, k))
      wc.onnxKinds.push_back(k);
}

/// Byte counts of every operand and result; false when a shape is dynamic.
bool countBytes(Operation *op, WorkCount &wc) {
  for (Value v : op->getOperands()) {
    std::optional<double> b = valueBytes(v);
    if (!b)
      return false;
    wc.operandBytes.push_back(*b);
  }
  for (Value v : op->getResults()) {
    std::optional<double> b = valueBytes(v);
    if (!b)
      return false;
    wc.resultBytes.push_back(*b);
  }
  return true;
}

WorkCount unknownWork() {
  WorkCount wc;
  wc.known = false;
  return wc;
}

/// The epilogue of a fused contraction: one add per output element for a
/// bias and for a residual, then the activation.
void countEpilogue(WorkCount &wc, double out, bool bias, bool residual,
                   StringRef activation) {
  // The bias is added where the contraction stores its accumulators, as an
  // unfused Conv or Gemm does: contraction work, not epilogue work.
  double biasOps = bias ? out : 0;
  double ops = residual ? out : 0, transc = 0;
  if (residual)
    addKinds(wc, {"Add"});
  if (const ActivationRule *rule = activationRule(activation)) {
    ops += out * rule->ops;
    transc += out * rule->transcendentals;
    addKinds(wc, rule->kinds);
  }
  wc.otherOps += biasOps + ops;
  wc.transcendentals += transc;
  wc.epilogueOps += ops;
  wc.epilogueTranscendentals += transc;
}

//===----------------------------------------------------------------------===//
// Elementwise programs
//===----------------------------------------------------------------------===//

struct ProgramOpRule {
  const char *name;
  unsigned sources, immediates;
};

const ProgramOpRule kProgramOps[] = {
    {"Add", 2, 0},        {"Sub", 2, 0},        {"Mul", 2, 0},
    {"Div", 2, 0},        {"Min", 2, 0},        {"Max", 2, 0},
    {"Pow", 2, 0},        {"Neg", 1, 0},        {"Abs", 1, 0},
    {"Relu", 1, 0},       {"Sigmoid", 1, 0},    {"Tanh", 1, 0},
    {"Exp", 1, 0},        {"Log", 1, 0},        {"Sqrt", 1, 0},
    {"Erf", 1, 0},        {"Reciprocal", 1, 0}, {"Clip", 1, 2},
    {"LeakyRelu", 1, 1},  {"HardSigmoid", 1, 2}, {"HardSwish", 1, 0},
    {"Mov", 1, 0},
};

const ProgramOpRule *programOpRule(StringRef name) {
  for (const ProgramOpRule &r : kProgramOps)
    if (name == r.name)
      return &r;
  return nullptr;
}

/// {other ops, transcendentals} per element of one instruction: the ONNX
/// operator's rule; a register move is free, Min/Max one compare, Clip two.
std::pair<double, double> programOpCost(StringRef name) {
  if (name == "Mov")
    return {0, 0};
  if (name == "Min" || name == "Max")
    return {1, 0};
  if (name == "Clip")
    return {2, 0};
  return elementwiseCostPerElement(name).value_or(std::make_pair(1.0, 0.0));
}

struct Register {
  bool input = false;
  unsigned index = 0;
};

bool parseRegister(StringRef token, Register &reg) {
  if (token.size() < 2 || (token[0] != 'i' && token[0] != 't'))
    return false;
  StringRef digits = token.drop_front();
  if (!llvm::all_of(digits, llvm::isDigit) || digits.getAsInteger(10, reg.index))
    return false;
  reg.input = token[0] == 'i';
  return true;
}

/// Checks every instruction of an Elementwise program: a known OP, a
/// temporary DST, registers that exist (inputs) or were written before
/// (temporaries), and numeric immediates. Returns the ops in order.
LogicalResult verifyProgram(Operation *op, ArrayAttr program,
                            unsigned numInputs,
                            SmallVectorImpl<const ProgramOpRule *> *ops) {
  if (program.empty())
    return op->emitOpError(
        "program must have at least one instruction (the last one's DST is "
        "the result)");
  llvm::SmallDenseSet<unsigned> defined;
  for (auto [n, attr] : llvm::enumerate(program)) {
    StringRef text = cast<StringAttr>(attr).getValue();
    auto fail = [&, n = n]() {
      return op->emitOpError("instruction #") << n << " '" << text << "': ";
    };
    SmallVector<StringRef> tokens;
    text.split(tokens, ' ', -1, /*KeepEmpty=*/false);
    if (tokens.empty())
      return fail() << "is empty";
    const ProgramOpRule *rule = programOpRule(tokens[0]);
    if (!rule)
      return fail() << "unknown OP '" << tokens[0]
                    << "' (Add, Sub, Mul, Div, Min, Max, Pow, Neg, Abs, Relu, "
                       "Sigmoid, Tanh, Exp, Log, Sqrt, Erf, Reciprocal, Clip, "
                       "LeakyRelu, HardSigmoid, HardSwish, Mov)";
    size_t expected = 2 + rule->sources + rule->immediates;
    if (tokens.size() != expected)
      return fail() << llvm::formatv(
                 "{0} takes {1} operands (a DST, {2} source register(s), {3} "
                 "immediate(s)), got {4}",
                 rule->name, expected - 1, rule->sources, rule->immediates,
                 tokens.size() - 1);
    for (size_t s = 2; s < 2 + rule->sources; ++s) {
      Register src;
      if (!parseRegister(tokens[s], src))
        return fail() << "'" << tokens[s]
                      << "' is not a register (i<N> or t<N>)";
      if (src.input && src.index >= numInputs)
        return fail() << "'" << tokens[s] << "' reads input " << src.index
                      << " but the op has " << numInputs << " input(s)";
      if (!src.input && !defined.contains(src.index))
        return fail() << "register '" << tokens[s]
                      << "' is read before it is defined";
    }
    for (size_t s = 2 + rule->sources; s < tokens.size(); ++s) {
      double value;
      if (tokens[s].getAsDouble(value))
        return fail() << "immediate '" << tokens[s] << "' is not a number";
    }
    Register dst;
    if (!parseRegister(tokens[1], dst) || dst.input)
      return fail() << "DST must be a temporary t<N>, got '" << tokens[1]
                    << "'";
    defined.insert(dst.index);
    if (ops)
      ops->push_back(rule);
  }
  return success();
}

} // namespace

//===----------------------------------------------------------------------===//
// FusedConv
//===----------------------------------------------------------------------===//

LogicalResult FusedConvOp::verify() {
  if (failed(verifyActivation(*this, getActivation(), getActivationParams())))
    return failure();
  if (failed(verifyResidual(*this, getZ(), getY())))
    return failure();
  auto x = rankedType(getX()), w = rankedType(getW());
  if (!x || !w)
    return success();
  if (x.getRank() < 3)
    return emitOpError(
               "input X must have rank >= 3 (N x C x D1 ... Dn), got rank ")
           << x.getRank();
  if (w.getRank() != x.getRank())
    return emitOpError("weight W must have the same rank as X (")
           << x.getRank() << "), got rank " << w.getRank();
  int64_t group = getGroupAttr().getInt();
  if (group < 1)
    return emitOpError("attribute 'group' must be >= 1, got ") << group;
  int64_t c = x.getDimSize(1), m = w.getDimSize(0);
  if (!ShapedType::isDynamic(c) && !w.isDynamicDim(1) &&
      c != w.getDimSize(1) * group)
    return emitOpError(llvm::formatv(
        "input channels ({0}) must equal W's dim 1 ({1}) times group ({2})", c,
        w.getDimSize(1), group));
  if (!ShapedType::isDynamic(m) && m % group != 0)
    return emitOpError(llvm::formatv(
        "output channels ({0}) must be divisible by group ({1})", m, group));

  // The window: one stride, dilation and kernel size per spatial axis, two
  // pads; the kernel is W's spatial shape.
  int64_t spatial = x.getRank() - 2;
  auto ints = [](std::optional<ArrayAttr> a, size_t n, int64_t dflt) {
    SmallVector<int64_t> v(n, dflt);
    if (a && !a->empty())
      for (auto [i, e] : llvm::enumerate(*a))
        if (i < n)
          v[i] = cast<IntegerAttr>(e).getInt();
    return v;
  };
  for (auto [name, attr] :
       {std::make_pair("strides", getStrides()),
        std::make_pair("dilations", getDilations()),
        std::make_pair("kernel_shape", getKernelShape())}) {
    if (attr && !attr->empty() && int64_t(attr->size()) != spatial)
      return emitOpError("attribute '")
             << name << "' must have one entry per spatial axis (" << spatial
             << "), got " << attr->size();
    for (int64_t v : ints(attr, spatial, 1))
      if (v < 1)
        return emitOpError("attribute '")
               << name << "' must have entries >= 1, got " << v;
  }
  if (auto pads = getPads(); pads && !pads->empty()) {
    if (int64_t(pads->size()) != 2 * spatial)
      return emitOpError(
                 "attribute 'pads' must have two entries per spatial axis (")
             << 2 * spatial << "), got " << pads->size();
    for (int64_t v : ints(pads, 2 * spatial, 0))
      if (v < 0)
        return emitOpError("attribute 'pads' must have entries >= 0, got ")
               << v;
  }
  SmallVector<int64_t> strides = ints(getStrides(), spatial, 1),
                       dilations = ints(getDilations(), spatial, 1),
                       pads = ints(getPads(), 2 * spatial, 0);
  if (auto k = getKernelShape(); k && !k->empty()) {
    SmallVector<int64_t> kernel = ints(k, spatial, 1);
    if (!sameShape(kernel, w.getShape().drop_front(2)))
      return emitOpError("attribute 'kernel_shape' ")
             << shapeStr(kernel) << " must equal W's spatial shape "
             << shapeStr(w.getShape().drop_front(2));
  }

  if (Value b = getB())
    if (auto bt = rankedType(b);
        bt && (bt.getRank() != 1 || !sameDim(bt.getDimSize(0), m)))
      return emitOpError(
                 "bias B must be 1-D with one value per output channel (")
             << m << "), got shape " << shapeStr(bt.getShape());

  // Y = [N, M, O1 ... On], Oi = floor((Di + pads - dilated kernel) / stride)
  // + 1.
  if (auto y = rankedType(getY())) {
    SmallVector<int64_t> expected = {x.getDimSize(0), m};
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t in = x.getDimSize(2 + i), k = w.getDimSize(2 + i);
      if (ShapedType::isDynamic(in) || ShapedType::isDynamic(k)) {
        expected.push_back(ShapedType::kDynamic);
        continue;
      }
      int64_t window = dilations[i] * (k - 1) + 1;
      int64_t padded = in + pads[i] + pads[spatial + i];
      if (padded < window)
        return emitOpError(llvm::formatv(
            "spatial axis {0}: the dilated kernel ({1}) is larger than the "
            "padded input ({2})",
            i, window, padded));
      expected.push_back((padded - window) / strides[i] + 1);
    }
    if (!sameShape(y.getShape(), expected))
      return emitOpError("result Y must have shape ")
             << shapeStr(expected) << " (N, output channels, spatial output), got "
             << shapeStr(y.getShape());
  }
  return success();
}

WorkCount FusedConvOp::countWork() {
  WorkCount wc;
  if (!countBytes(*this, wc))
    return unknownWork();
  double out = staticElems(getY());
  countConvContraction(*this, getX(), getW(), wc);
  addKinds(wc, {"Conv"});
  countEpilogue(wc, out, /*bias=*/getB() != nullptr,
                /*residual=*/getZ() != nullptr, getActivation());
  return wc;
}

//===----------------------------------------------------------------------===//
// FusedMatMul
//===----------------------------------------------------------------------===//

LogicalResult FusedMatMulOp::verify() {
  if (failed(verifyActivation(*this, getActivation(), getActivationParams())))
    return failure();
  if (failed(verifyResidual(*this, getZ(), getY())))
    return failure();
  auto a = rankedType(getA()), b = rankedType(getB());
  if (!a || !b)
    return success();
  if (a.getRank() < 1 || b.getRank() < 1)
    return emitOpError("A and B must have rank >= 1");
  int64_t ka = a.getShape().back();
  int64_t kb = b.getDimSize(b.getRank() == 1 ? 0 : b.getRank() - 2);
  if (!sameDim(ka, kb))
    return emitOpError(llvm::formatv(
        "inner dimensions must agree (A's last dim is {0}, B's contracted "
        "dim is {1})",
        ka, kb));
  int64_t n = b.getRank() == 1 ? 1 : b.getShape().back();
  if (Value bias = getBias())
    if (auto bt = rankedType(bias);
        bt && (bt.getRank() != 1 || !sameDim(bt.getDimSize(0), n)))
      return emitOpError("bias must be 1-D with one value per column (")
             << n << "), got shape " << shapeStr(bt.getShape());
  // numpy: the batch dims broadcast; a 1-D A loses its row dim, a 1-D B its
  // column dim.
  SmallVector<int64_t> batch;
  ArrayRef<int64_t> aBatch = a.getShape().drop_back(std::min<int64_t>(2, a.getRank()));
  ArrayRef<int64_t> bBatch = b.getShape().drop_back(std::min<int64_t>(2, b.getRank()));
  if (!broadcastShapes(aBatch, bBatch, batch))
    return emitOpError("batch dims of A ")
           << shapeStr(aBatch) << " and B " << shapeStr(bBatch)
           << " do not broadcast";
  if (a.getRank() >= 2)
    batch.push_back(a.getDimSize(a.getRank() - 2));
  if (b.getRank() >= 2)
    batch.push_back(n);
  if (auto y = rankedType(getY()); y && !sameShape(y.getShape(), batch))
    return emitOpError("result Y must have MatMul's shape ")
           << shapeStr(batch) << ", got " << shapeStr(y.getShape());
  return success();
}

WorkCount FusedMatMulOp::countWork() {
  WorkCount wc;
  if (!countBytes(*this, wc))
    return unknownWork();
  double out = staticElems(getY());
  countMatMulContraction(*this, getA(), getB(), wc);
  addKinds(wc, {"MatMul"});
  if (getBias())
    addKinds(wc, {"Add"});
  countEpilogue(wc, out, /*bias=*/getBias() != nullptr,
                /*residual=*/getZ() != nullptr, getActivation());
  return wc;
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

LogicalResult ElementwiseOp::verify() {
  if (failed(verifyProgram(*this, getProgram(), getInputs().size(), nullptr)))
    return failure();
  auto y = rankedType(getY());
  if (!y)
    return success();
  for (auto [i, v] : llvm::enumerate(getInputs()))
    if (auto t = rankedType(v); t && !broadcastsTo(t.getShape(), y.getShape()))
      return emitOpError("input #")
             << i << " of shape " << shapeStr(t.getShape())
             << " must broadcast to the result shape " << shapeStr(y.getShape())
             << " without changing it";
  return success();
}

WorkCount ElementwiseOp::countWork() {
  WorkCount wc;
  if (!countBytes(*this, wc))
    return unknownWork();
  wc.kernelClass = KernelClass::Elementwise;
  double out = staticElems(getY());
  for (Attribute attr : getProgram()) {
    StringRef name = cast<StringAttr>(attr).getValue().trim().split(' ').first;
    auto [ops, transcendentals] = programOpCost(name);
    wc.otherOps += out * ops;
    wc.transcendentals += out * transcendentals;
    if (name != "Mov" && !llvm::is_contained(wc.onnxKinds, name))
      wc.onnxKinds.push_back(name.str());
  }
  return wc;
}

//===----------------------------------------------------------------------===//
// Gelu
//===----------------------------------------------------------------------===//

LogicalResult GeluOp::verify() {
  StringRef approximate = getApproximate();
  if (approximate != "none" && approximate != "tanh")
    return emitOpError("attribute 'approximate' must be \"none\" or \"tanh\", "
                       "got \"")
           << approximate << "\"";
  auto x = rankedType(getX()), y = rankedType(getY());
  if (x && y && !sameShape(x.getShape(), y.getShape()))
    return emitOpError("result Y must have X's shape ")
           << shapeStr(x.getShape()) << ", got " << shapeStr(y.getShape());
  return success();
}

WorkCount GeluOp::countWork() {
  WorkCount wc;
  if (!countBytes(*this, wc))
    return unknownWork();
  wc.kernelClass = KernelClass::Elementwise;
  const ActivationRule *rule =
      activationRule(getApproximate() == "tanh" ? "GeluTanh" : "Gelu");
  double out = staticElems(getY());
  wc.otherOps = out * rule->ops;
  wc.transcendentals = out * rule->transcendentals;
  addKinds(wc, rule->kinds);
  return wc;
}

//===----------------------------------------------------------------------===//
// Attention
//===----------------------------------------------------------------------===//

LogicalResult AttentionOp::verify() {
  auto q = rankedType(getQ()), kt = rankedType(getKt()), v = rankedType(getV());
  if (!q || !kt || !v)
    return success();
  for (auto [name, t] : {std::make_pair("Q", q), std::make_pair("Kt", kt),
                         std::make_pair("V", v)})
    if (t.getRank() < 2)
      return emitOpError(name) << " must have rank >= 2, got rank "
                               << t.getRank();
  auto dim = [](RankedTensorType t, int fromEnd) {
    return t.getDimSize(t.getRank() - fromEnd);
  };
  int64_t s = dim(q, 2), d = dim(q, 1), t = dim(kt, 1), dv = dim(v, 1);
  if (!sameDim(dim(kt, 2), d))
    return emitOpError(llvm::formatv(
        "Kt must be [..., D, T] with Q's D ({0}), got shape {1}", d,
        shapeStr(kt.getShape())));
  if (!sameDim(dim(v, 2), t))
    return emitOpError(llvm::formatv(
        "V must be [..., T, Dv] with Kt's T ({0}), got shape {1}", t,
        shapeStr(v.getShape())));
  SmallVector<int64_t> batch, qk;
  if (!broadcastShapes(q.getShape().drop_back(2), kt.getShape().drop_back(2),
                       qk) ||
      !broadcastShapes(qk, v.getShape().drop_back(2), batch))
    return emitOpError("batch dims of Q, Kt and V must broadcast, got ")
           << shapeStr(q.getShape()) << ", " << shapeStr(kt.getShape())
           << " and " << shapeStr(v.getShape());
  SmallVector<int64_t> expected(batch);
  expected.append({s, dv});
  auto y = rankedType(getY());
  if (y && !sameShape(y.getShape(), expected))
    return emitOpError("result Y must have shape [..., S, Dv] = ")
           << shapeStr(expected) << ", got " << shapeStr(y.getShape());
  if (auto mask = rankedType(getMask())) {
    SmallVector<int64_t> scores(y ? y.getShape().drop_back(2) : batch);
    scores.append({s, t});
    if (!broadcastsTo(mask.getShape(), scores))
      return emitOpError("mask of shape ")
             << shapeStr(mask.getShape())
             << " must broadcast to the scores [..., S, T] = "
             << shapeStr(scores) << " without changing them";
  }
  return success();
}

WorkCount AttentionOp::countWork() {
  WorkCount wc;
  if (!countBytes(*this, wc))
    return unknownWork();
  ArrayRef<int64_t> qs = cast<ShapedType>(getQ().getType()).getShape();
  ArrayRef<int64_t> vs = cast<ShapedType>(getV().getType()).getShape();
  ArrayRef<int64_t> ks = cast<ShapedType>(getKt().getType()).getShape();
  ArrayRef<int64_t> ys = cast<ShapedType>(getY().getType()).getShape();
  int64_t batch = product(ys.drop_back(2));
  int64_t s = qs[qs.size() - 2], d = qs.back(), t = ks.back(), dv = vs.back();
  double scores = static_cast<double>(batch) * s * t;
  wc.kernelClass = KernelClass::Gemm;
  Type element = cast<ShapedType>(getQ().getType()).getElementType();
  wc.macs[precisionOfElementType(element).value_or(Precision::FP32)] +=
      scores * (d + dv);
  wc.contraction = ContractionShape{batch, s, t, d};
  // Softmax: max, subtract, sum, divide and an exp per score; the scale
  // and the mask one op per score each.
  bool scaled = getScale().convertToDouble() != 1.0;
  wc.otherOps = scores * (4 + (scaled ? 1 : 0) + (getMask() ? 1 : 0));
  wc.transcendentals = scores;
  addKinds(wc, {"MatMul"});
  if (scaled)
    addKinds(wc, {"Mul"});
  if (getMask())
    addKinds(wc, {"Add"});
  addKinds(wc, {"Softmax"});
  return wc;
}

} // namespace iron
