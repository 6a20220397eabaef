//===- WorkCount.cpp - Counting rules of the ONNX operators ---------------===//

#include "iron/Dialect/WorkCount.h"
#include "iron/Dialect/WorkCountRules.h"

#include "iron/Dialect/IronDialect.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <cctype>
#include <cmath>

using namespace mlir;

namespace iron {

namespace {
const char *const kClassNames[] = {
    "none",          "contraction.gemm",      "contraction.conv",
    "contraction.conv_pointwise", "contraction.depthwise",
    "contraction.recurrent", "elementwise",   "pooling",
    "reduction",     "normalization",         "data_movement",
    "other"};
} // namespace

llvm::StringRef stringifyKernelClass(KernelClass c) {
  return kClassNames[static_cast<int>(c)];
}

std::optional<KernelClass> parseKernelClass(llvm::StringRef name) {
  for (KernelClass c : allKernelClasses())
    if (name == stringifyKernelClass(c))
      return c;
  return std::nullopt;
}

const std::vector<KernelClass> &allKernelClasses() {
  static const std::vector<KernelClass> all = [] {
    std::vector<KernelClass> v;
    for (int i = 0; i <= static_cast<int>(KernelClass::Other); ++i)
      v.push_back(static_cast<KernelClass>(i));
    return v;
  }();
  return all;
}

double WorkCount::totalMACs() const {
  double n = 0;
  for (const auto &kv : macs)
    n += kv.second;
  return n;
}
double WorkCount::arithmeticOps() const { return 2 * totalMACs() + otherOps; }
double WorkCount::bytesRead() const {
  double n = 0;
  for (double b : operandBytes)
    n += b;
  return n;
}
double WorkCount::bytesWritten() const {
  double n = 0;
  for (double b : resultBytes)
    n += b;
  return n;
}

//===----------------------------------------------------------------------===//
// Element types
//===----------------------------------------------------------------------===//

std::optional<Precision> precisionOfElementType(Type type) {
  if (auto f = dyn_cast<FloatType>(type)) {
    if (isa<FloatTF32Type>(f))
      return Precision::TF32;
    if (f.isBF16())
      return Precision::BF16;
    unsigned width = f.getWidth();
    if (width <= 8)
      return Precision::FP8;
    if (width <= 16)
      return Precision::FP16;
    if (width <= 32)
      return Precision::FP32;
    return Precision::FP64;
  }
  if (auto i = dyn_cast<IntegerType>(type)) {
    unsigned width = i.getWidth();
    // Bools are stored and compared as bytes.
    if (width == 1)
      return Precision::INT8;
    if (width <= 4)
      return Precision::INT4;
    if (width <= 8)
      return Precision::INT8;
    if (width <= 16)
      return Precision::INT16;
    // 64-bit integers in ONNX models are shapes, indices and counters; their
    // arithmetic is address arithmetic, which devices quote (and run) at 32
    // bits, and no target has an int64 peak.
    return Precision::INT32;
  }
  if (isa<IndexType>(type))
    return Precision::INT32;
  // Complex numbers and strings have no precision of their own.
  return std::nullopt;
}

namespace {

//===----------------------------------------------------------------------===//
// Shapes and attributes
//===----------------------------------------------------------------------===//

/// Bytes one element takes in memory: sub-byte types take a whole byte,
/// complex numbers two of their parts; strings and opaque types count 0.
double elementBytes(Type t) {
  if (auto c = dyn_cast<ComplexType>(t))
    return 2 * elementBytes(c.getElementType());
  if (isa<IndexType>(t))
    return 8;
  if (t.isIntOrFloat())
    return (t.getIntOrFloatBitWidth() + 7) / 8;
  return 0;
}

/// An optional operand ONNX leaves out (the importer drops it; a `none`
/// value stands for it in hand-written IR).
bool isAbsent(Value v) { return !v || isa<NoneType>(v.getType()); }

int64_t product(ArrayRef<int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims)
    n *= d;
  return n;
}

/// The shape of a present value; countOnnxWork has checked it is static.
ArrayRef<int64_t> shapeOf(Value v) {
  return cast<ShapedType>(v.getType()).getShape();
}
double elems(Value v) {
  return isAbsent(v) ? 0 : static_cast<double>(product(shapeOf(v)));
}
double resultElems(Operation *op) {
  double n = 0;
  for (Value r : op->getResults())
    n += elems(r);
  return n;
}

Precision precisionOf(Value v) {
  if (isAbsent(v))
    return Precision::FP32;
  Type t = getElementTypeOrSelf(v.getType());
  return precisionOfElementType(t).value_or(Precision::FP32);
}

int64_t intAttr(Operation *op, StringRef name, int64_t dflt) {
  if (auto a = op->getAttrOfType<IntegerAttr>(name))
    return a.getValue().getSExtValue();
  return dflt;
}
StringRef strAttr(Operation *op, StringRef name, StringRef dflt) {
  if (auto a = op->getAttrOfType<StringAttr>(name))
    return a.getValue();
  return dflt;
}
std::optional<SmallVector<int64_t>> intsAttr(Operation *op, StringRef name) {
  auto a = op->getAttrOfType<ArrayAttr>(name);
  if (!a)
    return std::nullopt;
  SmallVector<int64_t> v;
  for (Attribute e : a)
    if (auto i = dyn_cast<IntegerAttr>(e))
      v.push_back(i.getValue().getSExtValue());
  return v;
}

/// A possibly negative ONNX axis as an index into `rank` dims.
int64_t normAxis(int64_t axis, int64_t rank) {
  axis = axis < 0 ? axis + rank : axis;
  return std::clamp<int64_t>(axis, 0, std::max<int64_t>(rank - 1, 0));
}

/// Elements in one row along `axis` and the number of rows.
std::pair<double, double> rowsAlong(Value v, int64_t axis) {
  ArrayRef<int64_t> s = shapeOf(v);
  double total = elems(v);
  if (s.empty())
    return {1, total};
  double len = s[normAxis(axis, s.size())];
  return {len, len > 0 ? total / len : 0};
}

double log2AtLeast1(double n) { return std::max(1.0, std::ceil(std::log2(n))); }

/// Operands whose values are not read, only their shape or type.
bool readsOnlyShape(StringRef name, unsigned operand) {
  if (name == "CastLike")
    return operand == 1;
  return operand == 0 &&
         (name == "Shape" || name == "Size" || name == "EyeLike" ||
          name == "RandomNormalLike" || name == "RandomUniformLike");
}

bool isOneOf(StringRef name, std::initializer_list<StringRef> names) {
  return llvm::is_contained(names, name);
}

//===----------------------------------------------------------------------===//
// Contractions
//
// MACs are keyed by the precision of the multiplied operands. Zero points of
// the integer forms cost one subtraction per element of the operand they
// apply to; QLinear outputs cost 4 per element to requantize (scale, round,
// add the zero point, clamp); a bias costs one add per output element.
//===----------------------------------------------------------------------===//

/// Conv, ConvInteger, QLinearConv: every output element sums
/// C/group x window products, which is the product of W's dims after the
/// first. As matrix products: `group` products of (N x output spatial) by
/// (C/group x window) by (M/group).
void countConv(Operation *op, Value x, Value w, WorkCount &wc) {
  ArrayRef<int64_t> xs = shapeOf(x), ws = shapeOf(w),
                    ys = shapeOf(op->getResult(0));
  int64_t group = intAttr(op, "group", 1);
  int64_t perOutput = product(ws.drop_front());
  double outElems = elems(op->getResult(0));
  wc.macs[precisionOf(x)] += outElems * perOutput;
  ContractionShape c;
  c.batch = group;
  c.m = (ys.empty() ? 1 : ys[0]) *
        product(ys.drop_front(std::min<size_t>(2, ys.size())));
  c.n = ws.empty() ? 0 : ws[0] / std::max<int64_t>(group, 1);
  c.k = perOutput;
  auto strides = intsAttr(op, "strides");
  if (ys.size() >= 3)
    c.width = ys.back();
  if (strides)
    for (int64_t s : *strides)
      c.stride = std::max(c.stride, s);
  wc.contraction = c;

  int64_t channels = xs.size() > 1 ? xs[1] : 1;
  ArrayRef<int64_t> window = ws.drop_front(std::min<size_t>(2, ws.size()));
  auto isOne = [](int64_t v) { return v == 1; };
  auto isZero = [](int64_t v) { return v == 0; };
  auto pads = intsAttr(op, "pads");
  if (group > 1 && group == channels && ws.size() > 1 && ws[1] == 1)
    wc.kernelClass = KernelClass::Depthwise;
  else if (group == 1 && llvm::all_of(window, isOne) &&
           (!strides || llvm::all_of(*strides, isOne)) &&
           (!pads || llvm::all_of(*pads, isZero)))
    // Any auto_pad gives a 1x1 stride-1 window no padding.
    wc.kernelClass = KernelClass::ConvPointwise;
  else
    wc.kernelClass = KernelClass::Conv;
}

/// ConvTranspose: every input element is scattered through
/// (M/group) x window weights. As matrix products (GEMM, then col2im):
/// `group` products of (N x input spatial) by C/group by (M/group x window).
void countConvTranspose(ConvTransposeOp op, WorkCount &wc) {
  ArrayRef<int64_t> xs = shapeOf(op.getX()), ws = shapeOf(op.getW());
  int64_t group = std::max<int64_t>(op.getGroup(), 1);
  int64_t perInput = product(ws.drop_front());
  wc.kernelClass = KernelClass::Conv;
  wc.macs[precisionOf(op.getX())] += elems(op.getX()) * perInput;
  ContractionShape c;
  c.batch = group;
  c.m = (xs.empty() ? 1 : xs[0]) *
        product(xs.drop_front(std::min<size_t>(2, xs.size())));
  c.n = perInput;
  c.k = (xs.size() > 1 ? xs[1] : 1) / group;
  wc.contraction = c;
  if (!isAbsent(op.getB()))
    wc.otherOps += elems(op.getY());
}

/// MatMul and its integer forms, with numpy's rules: a 1-D A is a row
/// ([1, K]), a 1-D B a column ([K, 1]); the batch is the product of the
/// output's broadcast batch dims.
void countMatMul(Operation *op, Value a, Value b, WorkCount &wc) {
  ArrayRef<int64_t> as = shapeOf(a), bs = shapeOf(b),
                    ys = shapeOf(op->getResult(0));
  int64_t k = as.empty() ? 1 : as.back();
  int64_t m = as.size() >= 2 ? as[as.size() - 2] : 1;
  int64_t n = bs.size() >= 2 ? bs.back() : 1;
  size_t matrixDims = (as.size() >= 2) + (bs.size() >= 2);
  int64_t batch = product(ys.drop_back(std::min(matrixDims, ys.size())));
  wc.kernelClass = KernelClass::Gemm;
  wc.macs[precisionOf(a)] += static_cast<double>(batch) * m * n * k;
  wc.contraction = ContractionShape{batch, m, n, k};
}

/// Gemm: Y = alpha * A' B' + beta * C. One add per output element for C,
/// and one scaling per output element for each of alpha, beta that is not 1.
void countGemm(GemmOp op, WorkCount &wc) {
  ArrayRef<int64_t> as = shapeOf(op.getA()), bs = shapeOf(op.getB());
  bool ta = op.getTransA() != 0, tb = op.getTransB() != 0;
  int64_t m = ta ? as[1] : as[0], k = ta ? as[0] : as[1];
  int64_t n = tb ? bs[0] : bs[1];
  wc.kernelClass = KernelClass::Gemm;
  wc.macs[precisionOf(op.getA())] += static_cast<double>(m) * n * k;
  wc.contraction = ContractionShape{1, m, n, k};
  double out = elems(op.getY());
  if (op.getAlpha().convertToDouble() != 1.0)
    wc.otherOps += out;
  if (!isAbsent(op.getC())) {
    wc.otherOps += out;
    if (op.getBeta().convertToDouble() != 1.0)
      wc.otherOps += out;
  }
}

/// RNN, GRU, LSTM: every step multiplies the input by W and the hidden state
/// by R, per direction: seq x batch x (|W| + |R|) MACs (W and R hold all
/// directions). As matrix products: directions x seq products of
/// batch by (input + hidden) by (gates x hidden). Per hidden unit and step,
/// the cell's elementwise work:
///   RNN:  1 add (Wx + Rh), 1 tanh;
///   GRU:  3 adds, r * (Rh), (1 - z) * h~ + z * h (4), 2 sigmoid + 1 tanh;
///   LSTM: 4 adds, c = f*c + i*g (3), h = o * tanh(c) (1), 3 sigmoid + 2 tanh;
/// biases add 2 per gate, LSTM peepholes 2 per gate for 3 gates.
void countRecurrent(Operation *op, Value x, Value w, Value r, Value b,
                    int64_t gates, double cellOps, double cellTrans,
                    double peepholeOps, WorkCount &wc) {
  ArrayRef<int64_t> xs = shapeOf(x), ws = shapeOf(w), rs = shapeOf(r);
  bool batchFirst = intAttr(op, "layout", 0) != 0;
  int64_t seq = batchFirst ? xs[1] : xs[0];
  int64_t batch = batchFirst ? xs[0] : xs[1];
  int64_t dirs = ws[0], hidden = rs[2];
  wc.kernelClass = KernelClass::Recurrent;
  wc.macs[precisionOf(x)] +=
      static_cast<double>(seq) * batch * (elems(w) + elems(r));
  wc.contraction =
      ContractionShape{dirs * seq, batch, gates * hidden, ws[2] + hidden};
  double units = static_cast<double>(dirs) * seq * batch * hidden;
  double ops = cellOps + peepholeOps + (isAbsent(b) ? 0 : 2 * gates);
  wc.otherOps += units * ops;
  wc.transcendentals += units * cellTrans;
}

/// Einsum: the loop nest runs over every distinct index once; each point
/// multiplies the n operands (n - 1 MACs). A single operand only sums.
void countEinsum(EinsumOp op, WorkCount &wc) {
  StringRef eq = op.getEquation();
  StringRef lhs = eq.split("->").first;
  SmallVector<StringRef> terms;
  lhs.split(terms, ',');
  std::map<char, int64_t> sizes;
  SmallVector<int64_t> ellipsis; // broadcast dims of "...", right-aligned
  for (auto [term, operand] : llvm::zip(terms, op.getInputs())) {
    ArrayRef<int64_t> s = shapeOf(operand);
    term = term.trim();
    size_t dots = term.find("...");
    size_t letters = term.size() - (dots == StringRef::npos ? 0 : 3);
    size_t ellipsisRank = s.size() > letters ? s.size() - letters : 0;
    size_t dim = 0;
    for (size_t i = 0; i < term.size() && dim < s.size();) {
      if (i == dots) {
        ArrayRef<int64_t> e = s.slice(dim, ellipsisRank);
        if (e.size() > ellipsis.size())
          ellipsis.insert(ellipsis.begin(), e.size() - ellipsis.size(), 1);
        for (size_t j = 0; j < e.size(); ++j) {
          int64_t &d = ellipsis[ellipsis.size() - e.size() + j];
          d = std::max(d, e[j]);
        }
        dim += ellipsisRank;
        i += 3;
        continue;
      }
      if (std::isalpha(static_cast<unsigned char>(term[i])))
        sizes[term[i]] = std::max(sizes[term[i]], s[dim++]);
      ++i;
    }
  }
  double space = product(ellipsis);
  for (const auto &kv : sizes)
    space *= kv.second;
  size_t n = op.getInputs().size();
  if (n >= 2)
    wc.macs[precisionOf(op.getInputs()[0])] += space * (n - 1);
  else
    wc.otherOps += space;
}

//===----------------------------------------------------------------------===//
// Elementwise
//
// One op per output element per elementary operation; an op counts as
// transcendental when it calls exp, log, tanh, erf, sigmoid, a trigonometric
// or hyperbolic function, pow or sqrt. A select on the sign or a min/max
// counts one op (so Relu = 1, LeakyRelu = mul + select = 2).
//===----------------------------------------------------------------------===//

struct ElementwiseRule {
  const char *name;
  double otherOps, transcendentals;
};

// clang-format off
const ElementwiseRule kElementwise[] = {
    // One operation.
    {"Abs", 1, 0}, {"Neg", 1, 0}, {"Ceil", 1, 0}, {"Floor", 1, 0},
    {"Round", 1, 0}, {"Sign", 1, 0}, {"Not", 1, 0}, {"Relu", 1, 0},
    {"Reciprocal", 1, 0}, {"IsNaN", 1, 0}, {"IsInf", 1, 0},
    {"ThresholdedRelu", 1, 0}, {"Cast", 1, 0}, {"CastLike", 1, 0},
    {"Dropout", 1, 0}, {"Add", 1, 0}, {"Sub", 1, 0}, {"Mul", 1, 0},
    {"Div", 1, 0}, {"Mod", 1, 0}, {"BitShift", 1, 0}, {"And", 1, 0},
    {"Or", 1, 0}, {"Xor", 1, 0}, {"Equal", 1, 0}, {"Greater", 1, 0},
    {"GreaterOrEqual", 1, 0}, {"Less", 1, 0}, {"LessOrEqual", 1, 0},
    {"Where", 1, 0},
    // One transcendental call.
    {"Exp", 0, 1}, {"Log", 0, 1}, {"Sqrt", 0, 1}, {"Pow", 0, 1},
    {"Erf", 0, 1}, {"Tanh", 0, 1}, {"Sigmoid", 0, 1}, {"Sin", 0, 1},
    {"Cos", 0, 1}, {"Tan", 0, 1}, {"Asin", 0, 1}, {"Acos", 0, 1},
    {"Atan", 0, 1}, {"Sinh", 0, 1}, {"Cosh", 0, 1}, {"Asinh", 0, 1},
    {"Acosh", 0, 1}, {"Atanh", 0, 1},
    // Composites.
    {"LeakyRelu", 2, 0},   // mul, select
    {"PRelu", 2, 0},       // mul, select
    {"HardSigmoid", 4, 0}, // mul, add, clamp (2)
    {"HardSwish", 5, 0},   // HardSigmoid, mul
    {"Shrink", 3, 0},      // 2 compares, add/sub of the bias
    {"Softsign", 3, 0},    // abs, add, div
    {"Softplus", 1, 2},    // log(exp(x) + 1)
    {"Elu", 3, 1},         // exp, sub 1, mul alpha, select
    {"Selu", 4, 1},        // exp, mul alpha, sub alpha, select, mul gamma
    {"Celu", 6, 1},        // div, exp, sub, mul, min, max, add
    {"QuantizeLinear", 4, 0},        // div, round, add zero point, clamp
    {"DequantizeLinear", 2, 0},      // sub zero point, mul
    {"DynamicQuantizeLinear", 6, 0}, // min, max, QuantizeLinear
};
// clang-format on

const ElementwiseRule *elementwiseRule(StringRef name) {
  for (const ElementwiseRule &r : kElementwise)
    if (name == r.name)
      return &r;
  return nullptr;
}

//===----------------------------------------------------------------------===//
// Pooling
//
// Windowed pooling costs one op per window element per output element
// (AveragePool +1 per output for the divide; LpPool 2 per window element,
// power and add, and a root per output). Global pooling: one op per input
// element (+1 per output for the average's divide).
//===----------------------------------------------------------------------===//

bool countPooling(Operation *op, StringRef name, WorkCount &wc) {
  Value x = op->getOperand(0);
  double in = elems(x), out = elems(op->getResult(0));
  double window = 1;
  if (auto k = intsAttr(op, "kernel_shape"))
    window = product(*k);
  if (name == "MaxPool") {
    wc.otherOps = out * window;
  } else if (name == "AveragePool") {
    wc.otherOps = out * window + out;
  } else if (name == "LpPool") {
    wc.otherOps = 2 * out * window;
    wc.transcendentals = out;
  } else if (name == "GlobalMaxPool") {
    wc.otherOps = in;
  } else if (name == "GlobalAveragePool") {
    wc.otherOps = in + out;
  } else if (name == "GlobalLpPool") {
    wc.otherOps = 2 * in;
    wc.transcendentals = out;
  } else if (name == "MaxUnpool") {
    // Zero the output, then scatter every input element.
    wc.otherOps = out + in;
  } else if (name == "MaxRoiPool") {
    // The ROIs are data: assume each covers the whole feature map, so a bin
    // spans (H x W) / (pooled H x pooled W) inputs.
    ArrayRef<int64_t> xs = shapeOf(x);
    double spatial = xs.size() > 2 ? product(xs.drop_front(2)) : 1;
    double bins = 1;
    if (auto p = intsAttr(op, "pooled_shape"))
      bins = std::max<int64_t>(product(*p), 1);
    wc.otherOps = out * std::ceil(spatial / bins);
  } else if (name == "RoiAlign") {
    // Every output averages (or maxes) s x s bilinear samples of 4 reads and
    // 3 ops each; an adaptive ratio (0) is taken as the usual 2.
    int64_t s = intAttr(op, "sampling_ratio", 0);
    s = s > 0 ? s : 2;
    wc.otherOps = out * (s * s * 12 + 1);
  } else {
    return false;
  }
  wc.kernelClass = KernelClass::Pooling;
  return true;
}

//===----------------------------------------------------------------------===//
// Reductions and row operations
//
// One op per input element (the accumulate); ReduceMean +1 per output for the
// divide; ReduceL1/L2/SumSquare +1 per input for the abs or square;
// ReduceL2 a sqrt and ReduceLogSum a log per output; ReduceLogSumExp an exp
// per input and a log per output. ArgMax/ArgMin one compare per input.
// Softmax: max, subtract, sum, divide (4 per element) and an exp per element;
// LogSoftmax subtracts instead of dividing and adds a log per row. Hardmax:
// compare and write (2). TopK: log2(K) compares per input (a heap). CumSum:
// one add per element.
//===----------------------------------------------------------------------===//

bool countReduction(Operation *op, StringRef name, WorkCount &wc) {
  Value x = op->getOperand(0);
  double in = elems(x), out = elems(op->getResult(0));
  if (name == "ReduceSum" || name == "ReduceMax" || name == "ReduceMin" ||
      name == "ReduceProd" || name == "ArgMax" || name == "ArgMin" ||
      name == "CumSum") {
    wc.otherOps = in;
  } else if (name == "ReduceMean") {
    wc.otherOps = in + out;
  } else if (name == "ReduceL1" || name == "ReduceSumSquare") {
    wc.otherOps = 2 * in;
  } else if (name == "ReduceL2") {
    wc.otherOps = 2 * in;
    wc.transcendentals = out;
  } else if (name == "ReduceLogSum") {
    wc.otherOps = in;
    wc.transcendentals = out;
  } else if (name == "ReduceLogSumExp") {
    wc.otherOps = in;
    wc.transcendentals = in + out;
  } else if (name == "Softmax") {
    wc.otherOps = 4 * in;
    wc.transcendentals = in;
  } else if (name == "LogSoftmax") {
    wc.otherOps = 4 * in;
    wc.transcendentals = in + rowsAlong(x, intAttr(op, "axis", -1)).second;
  } else if (name == "Hardmax") {
    wc.otherOps = 2 * in;
  } else if (name == "TopK") {
    ArrayRef<int64_t> vs = shapeOf(op->getResult(0));
    int64_t axis = normAxis(intAttr(op, "axis", -1), vs.size());
    double k = vs.empty() ? 1 : vs[axis];
    wc.otherOps = in * log2AtLeast1(k);
  } else {
    return false;
  }
  wc.kernelClass = KernelClass::Reduction;
  return true;
}

//===----------------------------------------------------------------------===//
// Normalization
//
// Row statistics then an affine map. Per element: sum for the mean,
// subtract, square, sum for the variance, multiply by 1/std, scale, shift
// (7; 6 without a shift); per normalized row: 2 divides and the epsilon add
// (3) and one reciprocal sqrt. BatchNormalization (inference) folds its
// statistics per channel (4 ops and a sqrt) into a scale and shift per
// element (2); in training mode the statistics cost 4 per element and the
// running averages 4 per channel more.
//===----------------------------------------------------------------------===//

bool countNormalization(Operation *op, StringRef name, WorkCount &wc) {
  Value x = op->getOperand(0);
  ArrayRef<int64_t> xs = shapeOf(x);
  double n = elems(x);
  if (name == "BatchNormalization") {
    double channels = xs.size() > 1 ? xs[1] : 1;
    wc.otherOps = 2 * n + 4 * channels;
    wc.transcendentals = channels;
    if (intAttr(op, "training_mode", 0) != 0)
      wc.otherOps += 4 * n + 4 * channels;
  } else if (name == "LayerNormalization") {
    int64_t axis = normAxis(intAttr(op, "axis", -1), xs.size());
    double rows = product(xs.take_front(axis));
    bool shift = !isAbsent(cast<LayerNormalizationOp>(op).getB());
    wc.otherOps = (shift ? 7 : 6) * n + 3 * rows;
    wc.transcendentals = rows;
  } else if (name == "InstanceNormalization") {
    double rows = product(xs.take_front(std::min<size_t>(2, xs.size())));
    wc.otherOps = 7 * n + 3 * rows;
    wc.transcendentals = rows;
  } else if (name == "MeanVarianceNormalization") {
    // No scale or shift: 5 per element.
    SmallVector<int64_t> axes =
        intsAttr(op, "axes").value_or(SmallVector<int64_t>{0, 2, 3});
    double rowLen = 1;
    for (int64_t a : axes)
      if (!xs.empty())
        rowLen *= xs[normAxis(a, xs.size())];
    double rows = rowLen > 0 ? n / rowLen : 0;
    wc.otherOps = 5 * n + 3 * rows;
    wc.transcendentals = rows;
  } else if (name == "LpNormalization") {
    // |x| or x^2, sum, multiply by the reciprocal norm (3 per element); one
    // reciprocal per row, and a sqrt for p = 2.
    double rows = rowsAlong(x, intAttr(op, "axis", -1)).second;
    wc.otherOps = 3 * n + rows;
    wc.transcendentals = intAttr(op, "p", 2) == 2 ? rows : 0;
  } else if (name == "LRN") {
    // Square, sum over `size` channels, scale, add bias, divide; one pow.
    wc.otherOps = (intAttr(op, "size", 1) + 4) * n;
    wc.transcendentals = n;
  } else {
    return false;
  }
  wc.kernelClass = KernelClass::Normalization;
  return true;
}

//===----------------------------------------------------------------------===//
// Data movement
//
// One op per element written (the index arithmetic and the move), no
// transcendentals. Scatters write the copied data and then every update
// (once more with a reduction). Resize and GridSample interpolate: nearest
// is one op per output element; linear reads 2^d inputs and cubic 4^d, for
// the d interpolated dims, at 3 ops each (weight, multiply, add).
//===----------------------------------------------------------------------===//

bool isDataMovement(StringRef name) {
  return isOneOf(name, {"Transpose",       "Concat",
                        "Split",           "Slice",
                        "Gather",          "GatherElements",
                        "GatherND",        "ScatterElements",
                        "ScatterND",       "Pad",
                        "Expand",          "Tile",
                        "Resize",          "GridSample",
                        "DepthToSpace",    "SpaceToDepth",
                        "Shape",           "Size",
                        "ConstantOfShape", "Range",
                        "OneHot",          "ReverseSequence",
                        "Trilu",           "EyeLike",
                        "Compress"});
}

double interpolationOps(StringRef mode, int64_t dims) {
  if (mode.contains("linear"))
    return dims > 0 ? 3 * std::pow(2.0, dims) : 1;
  if (mode.contains("cubic"))
    return dims > 0 ? 3 * std::pow(4.0, dims) : 1;
  return 1;
}

void countDataMovement(Operation *op, StringRef name, WorkCount &wc) {
  wc.kernelClass = KernelClass::DataMovement;
  double written = resultElems(op);
  if (name == "ScatterElements" || name == "ScatterND") {
    double updates = elems(op->getOperand(2));
    bool reduce = strAttr(op, "reduction", "none") != "none";
    wc.otherOps = written + updates * (reduce ? 2 : 1);
  } else if (name == "Resize") {
    ArrayRef<int64_t> xs = shapeOf(op->getOperand(0)),
                      ys = shapeOf(op->getResult(0));
    int64_t dims = 0;
    for (auto [a, b] : llvm::zip(xs, ys))
      dims += a != b;
    wc.otherOps =
        written * interpolationOps(strAttr(op, "mode", "nearest"), dims);
  } else if (name == "GridSample") {
    int64_t dims = std::max<int64_t>(shapeOf(op->getOperand(0)).size() - 2, 0);
    wc.otherOps =
        written * interpolationOps(strAttr(op, "mode", "bilinear"), dims);
  } else {
    wc.otherOps = written;
  }
}

//===----------------------------------------------------------------------===//
// Other
//
// Signal processing, losses, detection post-processing, random numbers and
// set operations, each with a textbook operation count.
//===----------------------------------------------------------------------===//

/// A radix-2 FFT of length n costs about 5 n log2 n real operations.
double fftOps(double n) { return n > 1 ? 5 * n * std::log2(n) : n; }

void countOther(Operation *op, StringRef name, WorkCount &wc) {
  wc.kernelClass = KernelClass::Other;
  double out = resultElems(op);
  Value x = op->getNumOperands() ? op->getOperand(0) : Value();
  double in = elems(x);
  if (name == "Einsum") {
    countEinsum(cast<EinsumOp>(op), wc);
  } else if (name == "Det") {
    // LU decomposition: M^3 / 3 MACs per matrix.
    ArrayRef<int64_t> xs = shapeOf(x);
    double m = xs.empty() ? 1 : xs.back();
    double matrices = m > 0 ? in / (m * m) : 0;
    wc.macs[precisionOf(x)] += matrices * m * m * m / 3;
  } else if (name == "DFT") {
    // input [batch, n, 1 or 2]: one transform per row along `axis`.
    auto [n, rows] = rowsAlong(x, intAttr(op, "axis", 1));
    ArrayRef<int64_t> xs = shapeOf(x);
    double parts = xs.empty() ? 1 : xs.back();
    wc.otherOps = (parts > 0 ? rows / parts : 0) * fftOps(n);
  } else if (name == "STFT") {
    // output [batch, frames, bins, 2]; frames of the window's length (or
    // the length the bins imply), windowed then transformed.
    auto stft = cast<STFTOp>(op);
    ArrayRef<int64_t> ys = shapeOf(stft.getOutput());
    double bins = ys[2];
    double len = !isAbsent(stft.getWindow())
                     ? shapeOf(stft.getWindow())[0]
                     : (intAttr(op, "onesided", 1) ? 2 * (bins - 1) : bins);
    wc.otherOps = static_cast<double>(ys[0]) * ys[1] * (len + fftOps(len));
  } else if (name == "HannWindow" || name == "HammingWindow") {
    wc.otherOps = 3 * out; // phase, scale, offset
    wc.transcendentals = out;
  } else if (name == "BlackmanWindow") {
    wc.otherOps = 5 * out;
    wc.transcendentals = 2 * out;
  } else if (name == "MelWeightMatrix") {
    wc.otherOps = 4 * out; // two compares, a subtract and a scale
  } else if (name == "NegativeLogLikelihoodLoss") {
    // Per target element: gather, weight, accumulate.
    wc.otherOps = 3 * elems(op->getOperand(1));
  } else if (name == "SoftmaxCrossEntropyLoss") {
    // LogSoftmax over the classes (dim 1), then the NLL loss.
    ArrayRef<int64_t> xs = shapeOf(x);
    double classes = xs.size() > 1 ? xs[1] : 1;
    double rows = classes > 0 ? in / classes : 0;
    wc.otherOps = 4 * in + 3 * elems(op->getOperand(1));
    wc.transcendentals = in + rows;
  } else if (name == "NonMaxSuppression") {
    // boxes [B, S, 4], scores [B, K, S]: per batch and class, sort the S
    // scores and compare every pair of boxes (an IoU is about 12 ops).
    ArrayRef<int64_t> ss = shapeOf(op->getOperand(1));
    double lists = static_cast<double>(ss[0]) * ss[1], s = ss[2];
    wc.otherOps = lists * (s * log2AtLeast1(s) + 6 * s * (s - 1) + s);
  } else if (name == "TfIdfVectorizer") {
    // One n-gram lookup per input element and gram length, a weight per
    // output.
    wc.otherOps = in * intAttr(op, "max_gram_length", 1) + out;
  } else if (name == "Unique") {
    wc.otherOps = in * log2AtLeast1(in); // a sort
  } else if (name == "NonZero") {
    wc.otherOps = in + out;
  } else if (name == "RandomUniform" || name == "RandomUniformLike" ||
             name == "Bernoulli") {
    // Scale and shift a generator's output (Bernoulli: draw, compare).
    wc.otherOps = 2 * out;
  } else if (name == "RandomNormal" || name == "RandomNormalLike") {
    // Box-Muller: log, sqrt and cos per pair, then scale and shift.
    wc.otherOps = 2 * out;
    wc.transcendentals = 2 * out;
  } else if (name == "Multinomial") {
    // exp and a running sum per input, a binary search per sample.
    ArrayRef<int64_t> xs = shapeOf(x);
    double classes = xs.empty() ? 1 : xs.back();
    wc.otherOps = in + out * log2AtLeast1(classes);
    wc.transcendentals = in;
  } else {
    wc.otherOps = out;
  }
}

/// The precision the op's non-MAC arithmetic runs at: its first result's,
/// except where the result is a bool or an index computed from the input
/// (comparisons, ArgMax, NonMaxSuppression) or where the arithmetic happens
/// before the conversion (QuantizeLinear).
Precision arithmeticPrecisionOf(Operation *op, StringRef name) {
  Value first = op->getNumOperands() ? op->getOperand(0) : Value();
  if (op->getNumResults() == 0)
    return precisionOf(first);
  Type out = getElementTypeOrSelf(op->getResult(0).getType());
  bool fromInput =
      out.isInteger(1) ||
      isOneOf(name, {"ArgMax", "ArgMin", "NonZero", "NonMaxSuppression",
                     "QuantizeLinear", "DynamicQuantizeLinear"});
  if (fromInput && first && !isAbsent(first))
    return precisionOf(first);
  return precisionOf(op->getResult(0));
}

} // namespace

//===----------------------------------------------------------------------===//
// countOnnxWork
//===----------------------------------------------------------------------===//

WorkCount countOnnxWork(Operation *op) {
  WorkCount unknown;
  unknown.known = false;
  if (!op)
    return unknown;
  StringRef name = op->getName().stripDialect();

  // Bytes need every shape; so does every rule below, which may then assume
  // static shapes.
  WorkCount wc;
  for (auto [i, v] : llvm::enumerate(op->getOperands())) {
    if (readsOnlyShape(name, i)) {
      wc.operandBytes.push_back(0);
      continue;
    }
    std::optional<double> b = valueBytes(v);
    if (!b)
      return unknown;
    wc.operandBytes.push_back(*b);
  }
  for (Value r : op->getResults()) {
    std::optional<double> b = valueBytes(r);
    if (!b)
      return unknown;
    wc.resultBytes.push_back(*b);
  }
  // These read only the part of the data they return.
  if (isOneOf(name, {"Slice", "Gather", "GatherElements", "GatherND"}))
    wc.operandBytes[0] = wc.resultBytes[0];

  wc.arithmeticPrecision = arithmeticPrecisionOf(op, name);
  double out = op->getNumResults() ? elems(op->getResult(0)) : 0;

  // Constants, and views the memory planner aliases: no kernel.
  if (isOneOf(name, {"Constant", "Reshape", "Flatten", "Squeeze", "Unsqueeze",
                     "Identity"})) {
    wc.kernelClass = KernelClass::None;
    return wc;
  }

  // Contractions.
  if (auto conv = dyn_cast<ConvOp>(op)) {
    countConv(op, conv.getX(), conv.getW(), wc);
    if (!isAbsent(conv.getB()))
      wc.otherOps += out;
    return wc;
  }
  if (auto conv = dyn_cast<ConvIntegerOp>(op)) {
    countConv(op, conv.getX(), conv.getW(), wc);
    wc.otherOps += isAbsent(conv.getXZeroPoint()) ? 0 : elems(conv.getX());
    wc.otherOps += isAbsent(conv.getWZeroPoint()) ? 0 : elems(conv.getW());
    return wc;
  }
  if (auto conv = dyn_cast<QLinearConvOp>(op)) {
    countConv(op, conv.getX(), conv.getW(), wc);
    wc.otherOps += elems(conv.getX()) + elems(conv.getW()) + 4 * out;
    if (!isAbsent(conv.getB()))
      wc.otherOps += out;
    return wc;
  }
  if (auto convT = dyn_cast<ConvTransposeOp>(op)) {
    countConvTranspose(convT, wc);
    return wc;
  }
  if (auto gemm = dyn_cast<GemmOp>(op)) {
    countGemm(gemm, wc);
    return wc;
  }
  if (auto mm = dyn_cast<MatMulOp>(op)) {
    countMatMul(op, mm.getA(), mm.getB(), wc);
    return wc;
  }
  if (auto mm = dyn_cast<MatMulIntegerOp>(op)) {
    countMatMul(op, mm.getA(), mm.getB(), wc);
    wc.otherOps += isAbsent(mm.getAZeroPoint()) ? 0 : elems(mm.getA());
    wc.otherOps += isAbsent(mm.getBZeroPoint()) ? 0 : elems(mm.getB());
    return wc;
  }
  if (auto mm = dyn_cast<QLinearMatMulOp>(op)) {
    countMatMul(op, mm.getA(), mm.getB(), wc);
    wc.otherOps += elems(mm.getA()) + elems(mm.getB()) + 4 * out;
    return wc;
  }
  if (auto rnn = dyn_cast<RNNOp>(op)) {
    countRecurrent(op, rnn.getX(), rnn.getW(), rnn.getR(), rnn.getB(), 1, 1, 1,
                   0, wc);
    return wc;
  }
  if (auto gru = dyn_cast<GRUOp>(op)) {
    countRecurrent(op, gru.getX(), gru.getW(), gru.getR(), gru.getB(), 3, 8, 3,
                   0, wc);
    return wc;
  }
  if (auto lstm = dyn_cast<LSTMOp>(op)) {
    countRecurrent(op, lstm.getX(), lstm.getW(), lstm.getR(), lstm.getB(), 4, 8,
                   5, isAbsent(lstm.getP()) ? 0 : 6, wc);
    return wc;
  }

  // Elementwise.
  if (const ElementwiseRule *rule = elementwiseRule(name)) {
    wc.kernelClass = KernelClass::Elementwise;
    wc.otherOps = rule->otherOps * out;
    wc.transcendentals = rule->transcendentals * out;
    return wc;
  }
  if (auto clip = dyn_cast<ClipOp>(op)) {
    // One compare per bound given.
    wc.kernelClass = KernelClass::Elementwise;
    wc.otherOps = out * (!isAbsent(clip.getMin()) + !isAbsent(clip.getMax()));
    return wc;
  }
  if (isOneOf(name, {"Sum", "Max", "Min", "Mean"})) {
    // n inputs take n - 1 ops per output element; Mean divides once more.
    wc.kernelClass = KernelClass::Elementwise;
    double n = op->getNumOperands();
    wc.otherOps = out * (std::max(n - 1, 0.0) + (name == "Mean" ? 1 : 0));
    return wc;
  }

  if (countPooling(op, name, wc) || countReduction(op, name, wc) ||
      countNormalization(op, name, wc))
    return wc;
  if (isDataMovement(name)) {
    countDataMovement(op, name, wc);
    return wc;
  }
  countOther(op, name, wc);
  return wc;
}

//===----------------------------------------------------------------------===//
// Rules shared with Iron's own kernels (WorkCountRules.h)
//===----------------------------------------------------------------------===//

void countConvContraction(Operation *op, Value x, Value w, WorkCount &wc) {
  countConv(op, x, w, wc);
}

void countMatMulContraction(Operation *op, Value a, Value b, WorkCount &wc) {
  countMatMul(op, a, b, wc);
}

std::optional<std::pair<double, double>>
elementwiseCostPerElement(StringRef onnxName) {
  if (const ElementwiseRule *rule = elementwiseRule(onnxName))
    return std::make_pair(rule->otherOps, rule->transcendentals);
  return std::nullopt;
}

std::optional<double> valueBytes(Value v) {
  if (isAbsent(v))
    return 0.0;
  auto t = dyn_cast<ShapedType>(v.getType());
  if (!t)
    return elementBytes(v.getType());
  if (!t.hasStaticShape())
    return std::nullopt;
  return t.getNumElements() * elementBytes(t.getElementType());
}

} // namespace iron
