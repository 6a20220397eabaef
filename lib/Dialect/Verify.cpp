//===- Verify.cpp - Verification of iron ops --------------------------------===//
//
// An iron op is checked in two layers: the rules Iron states itself for the
// ops where a precise message helps most (convolution, GEMM, concatenation),
// and then ONNX's own schema check and type/shape inference, whose verdict on
// the op's result types is final.
//
//===----------------------------------------------------------------------===//

#include "iron/Dialect/IronDialect.h"
#include "iron/Dialect/OnnxInference.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;

namespace iron {
namespace {

RankedTensorType rankedType(Value v) {
  return dyn_cast<RankedTensorType>(v.getType());
}

std::string shapeStr(ShapedType t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  llvm::interleave(
      t.getShape(), os,
      [&](int64_t d) { os << (ShapedType::isDynamic(d) ? std::string("?") : std::to_string(d)); },
      "x");
  return s;
}

LogicalResult verifyConvLike(Operation *op, bool transposed) {
  auto x = rankedType(op->getOperand(0)), w = rankedType(op->getOperand(1));
  if (!x || !w)
    return success();
  if (x.getRank() < 3)
    return op->emitOpError("input X must have rank >= 3 (N x C x D1 ... Dn), got rank ")
           << x.getRank();
  if (w.getRank() != x.getRank())
    return op->emitOpError("weight W must have the same rank as X (")
           << x.getRank() << "), got rank " << w.getRank();
  int64_t group = 1;
  if (auto g = op->getAttrOfType<IntegerAttr>("group"))
    group = g.getInt();
  if (group < 1)
    return op->emitOpError("attribute 'group' must be >= 1, got ") << group;
  int64_t c = x.getDimSize(1);
  if (!transposed) {
    if (!ShapedType::isDynamic(c) && !w.isDynamicDim(1) &&
        c != w.getDimSize(1) * group)
      return op->emitOpError(llvm::formatv(
          "input channels ({0}) must equal W's dim 1 ({1}) times group ({2})",
          c, w.getDimSize(1), group));
    if (!w.isDynamicDim(0) && w.getDimSize(0) % group != 0)
      return op->emitOpError(llvm::formatv(
          "output channels ({0}) must be divisible by group ({1})",
          w.getDimSize(0), group));
  } else if (!ShapedType::isDynamic(c) && !w.isDynamicDim(0) &&
             c != w.getDimSize(0)) {
    return op->emitOpError(llvm::formatv(
        "input channels ({0}) must equal W's dim 0 ({1})", c, w.getDimSize(0)));
  }
  unsigned spatial = x.getRank() - 2;
  for (StringRef name : {"strides", "dilations", "kernel_shape"})
    if (auto a = op->getAttrOfType<ArrayAttr>(name))
      if (!a.empty() && a.size() != spatial)
        return op->emitOpError("attribute '")
               << name << "' must have one entry per spatial axis (" << spatial
               << "), got " << a.size();
  if (auto pads = op->getAttrOfType<ArrayAttr>("pads"))
    if (!pads.empty() && pads.size() != 2 * spatial)
      return op->emitOpError("attribute 'pads' must have two entries per spatial axis (")
             << 2 * spatial << "), got " << pads.size();
  if (op->getNumOperands() > 2) {
    auto b = rankedType(op->getOperand(2));
    int64_t m = transposed ? ShapedType::kDynamic : w.getDimSize(0);
    if (b && (b.getRank() != 1 ||
              (!ShapedType::isDynamic(m) && !b.isDynamicDim(0) && b.getDimSize(0) != m)))
      return op->emitOpError("bias B must be 1-D with one value per output channel, got shape ")
             << shapeStr(b);
  }
  return success();
}

LogicalResult verifyGemm(Operation *op) {
  auto a = rankedType(op->getOperand(0)), b = rankedType(op->getOperand(1));
  if (!a || !b)
    return success();
  if (a.getRank() != 2 || b.getRank() != 2)
    return op->emitOpError("A and B must be 2-D, got shapes ")
           << shapeStr(a) << " and " << shapeStr(b);
  auto flag = [&](StringRef n) {
    auto attr = op->getAttrOfType<IntegerAttr>(n);
    return attr && attr.getInt() != 0;
  };
  int64_t ka = a.getDimSize(flag("transA") ? 0 : 1);
  int64_t kb = b.getDimSize(flag("transB") ? 1 : 0);
  if (!ShapedType::isDynamic(ka) && !ShapedType::isDynamic(kb) && ka != kb)
    return op->emitOpError(llvm::formatv(
        "inner dimensions must agree (K of A is {0}, K of B is {1})", ka, kb));
  // C broadcasts one way to [M, N].
  if (op->getNumOperands() > 2) {
    auto c = rankedType(op->getOperand(2));
    int64_t m = a.getDimSize(flag("transA") ? 1 : 0);
    int64_t n = b.getDimSize(flag("transB") ? 0 : 1);
    int64_t mn[2] = {m, n};
    if (c && c.getRank() > 2)
      return op->emitOpError("C must have rank <= 2, got shape ") << shapeStr(c);
    for (int64_t i = 0; c && i < c.getRank(); ++i) {
      int64_t d = c.getDimSize(c.getRank() - 1 - i), want = mn[1 - i];
      if (!ShapedType::isDynamic(d) && !ShapedType::isDynamic(want) && d != 1 && d != want)
        return op->emitOpError("C of shape ")
               << shapeStr(c) << " does not broadcast to [M, N] = [" << m << ", " << n
               << "]";
    }
  }
  return success();
}

/// Reshape-like ops keep every element.
LogicalResult verifyElementCountKept(Operation *op) {
  auto in = rankedType(op->getOperand(0));
  auto out = rankedType(op->getResult(0));
  if (in && out && in.hasStaticShape() && out.hasStaticShape() &&
      in.getNumElements() != out.getNumElements())
    return op->emitOpError(llvm::formatv(
        "must keep the element count: input has {0} elements, result {1}",
        in.getNumElements(), out.getNumElements()));
  return success();
}

LogicalResult verifyMatMul(Operation *op) {
  auto a = rankedType(op->getOperand(0)), b = rankedType(op->getOperand(1));
  if (!a || !b)
    return success();
  if (a.getRank() < 1 || b.getRank() < 1)
    return op->emitOpError("operands must have rank >= 1");
  int64_t ka = a.getDimSize(a.getRank() - 1);
  int64_t kb = b.getDimSize(b.getRank() == 1 ? 0 : b.getRank() - 2);
  if (!ShapedType::isDynamic(ka) && !ShapedType::isDynamic(kb) && ka != kb)
    return op->emitOpError(llvm::formatv(
        "inner dimensions must agree (A's last dim is {0}, B's contracted dim is {1})",
        ka, kb));
  return success();
}

LogicalResult verifyConcat(Operation *op) {
  if (op->getNumOperands() == 0)
    return op->emitOpError("needs at least one input");
  auto first = rankedType(op->getOperand(0));
  if (!first)
    return success();
  int64_t rank = first.getRank();
  if (rank == 0)
    return op->emitOpError("inputs must have rank >= 1, got a scalar");
  int64_t axis = op->getAttrOfType<IntegerAttr>("axis").getInt();
  if (axis < -rank || axis >= rank)
    return op->emitOpError(llvm::formatv(
        "axis {0} is out of range for rank {1} (must be in [{2}, {3}])", axis,
        rank, -rank, rank - 1));
  if (axis < 0)
    axis += rank;
  for (Value v : op->getOperands().drop_front()) {
    auto t = rankedType(v);
    if (!t)
      continue;
    if (t.getRank() != rank)
      return op->emitOpError("all inputs must have the same rank");
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis && !t.isDynamicDim(d) && !first.isDynamicDim(d) &&
          t.getDimSize(d) != first.getDimSize(d))
        return op->emitOpError(llvm::formatv(
            "inputs must agree on every dim except the axis ({0}); dim {1} is {2} and {3}",
            axis, d, first.getDimSize(d), t.getDimSize(d)));
  }
  return success();
}

} // namespace

LogicalResult verifyOnnxOp(Operation *op) {
  StringRef name = op->getName().stripDialect();
  LogicalResult own = success();
  if (name == "Conv")
    own = verifyConvLike(op, /*transposed=*/false);
  else if (name == "ConvTranspose")
    own = verifyConvLike(op, /*transposed=*/true);
  else if (name == "Gemm")
    own = verifyGemm(op);
  else if (name == "MatMul")
    own = verifyMatMul(op);
  else if (name == "Concat")
    own = verifyConcat(op);
  else if (name == "Reshape" || name == "Flatten" || name == "Squeeze" ||
           name == "Unsqueeze")
    own = verifyElementCountKept(op);
  if (failed(own))
    return failure();
  if (auto constant = dyn_cast<ConstantOp>(op)) {
    // The import normalizes every constant to `value`; its type is the
    // result's. (ONNX's inference would only restate this.)
    if (!constant.getValueAttr())
      return op->emitOpError("must carry its tensor in 'value' (value_float, "
                             "value_ints, ... are normalized on import)");
    if (constant.getValueAttr().getType() != constant.getResult().getType())
      return op->emitOpError("result type ")
             << constant.getResult().getType()
             << " differs from the type of its value "
             << constant.getValueAttr().getType();
    return success();
  }

  SmallVector<Type> inferred;
  std::string error;
  if (failed(inferWithOnnx(op, inferred, error)))
    return op->emitOpError("violates ONNX's rules for ")
           << name << ": " << error;
  for (auto [i, pair] : llvm::enumerate(llvm::zip(op->getResultTypes(), inferred))) {
    auto [declared, onnx] = pair;
    if (onnx && !isCompatibleRefinement(declared, onnx))
      return op->emitOpError("result #")
             << i << " has type " << declared
             << ", but ONNX's shape inference gives " << onnx;
  }
  return success();
}

} // namespace iron
