//===- WorkCount.h - How much work one op does --------------------*- C++ -*-===//
//
// The counting half of Iron's cost model. Every op of the iron dialect
// implements WorkCountOpInterface (IronInterfaces.td); ONNX operators share
// one implementation, countOnnxWork(), and ops Iron adds (fused kernels)
// override it. Counts are pure functions of the op's static shapes and
// attributes: no device number appears here. docs/cost-model.md states the
// counting rules.
//
//===----------------------------------------------------------------------===//
#ifndef IRON_DIALECT_WORKCOUNT_H
#define IRON_DIALECT_WORKCOUNT_H

#include "iron/Support/Precision.h"

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mlir {
class Operation;
class Type;
} // namespace mlir

namespace iron {

/// What kind of loop nest an op becomes. Efficiency models in target files
/// are keyed by these names; a dotted name falls back to its prefix
/// ("contraction.depthwise" -> "contraction" -> the unit's default model).
enum class KernelClass {
  /// No kernel at all: constants, and views the memory planner aliases
  /// (Reshape, Flatten, Squeeze, Unsqueeze, Identity).
  None,
  /// Matrix products: MatMul, Gemm, and their integer/QLinear forms.
  Gemm,
  /// Convolutions that are matrix products over a window (Conv with
  /// groups < channels, ConvTranspose, ConvInteger, QLinearConv).
  Conv,
  /// 1x1, stride-1, ungrouped convolutions: a plain matrix product.
  ConvPointwise,
  /// Grouped convolutions with one input channel per group.
  Depthwise,
  /// Recurrent cells (RNN, GRU, LSTM).
  Recurrent,
  /// Unary and broadcast binary arithmetic, activations, comparisons, casts.
  Elementwise,
  /// Window reductions: MaxPool, AveragePool, LpPool, global pooling.
  Pooling,
  /// Reductions over axes, Softmax-like row operations, ArgMax, TopK.
  Reduction,
  /// BatchNormalization, LayerNormalization, InstanceNormalization, LRN, ...
  Normalization,
  /// Copies and rearrangements: Transpose, Concat, Split, Slice, Gather, Pad,
  /// Expand, Tile, Resize, DepthToSpace, ...
  DataMovement,
  /// Everything else (DFT, NonMaxSuppression, ...).
  Other,
};

/// The dotted name of a class: "none", "contraction.gemm",
/// "contraction.conv", "contraction.conv_pointwise", "contraction.depthwise",
/// "contraction.recurrent", "elementwise", "pooling", "reduction",
/// "normalization", "data_movement", "other".
llvm::StringRef stringifyKernelClass(KernelClass c);
std::optional<KernelClass> parseKernelClass(llvm::StringRef name);
/// Every class, in the order of the enum.
const std::vector<KernelClass> &allKernelClasses();

/// A contraction seen as `batch` independent matrix products of an MxK by a
/// KxN matrix (for a convolution: batch = groups, M = N*OH*OW of one group,
/// N = output channels per group, K = input channels per group x window).
struct ContractionShape {
  int64_t batch = 1, m = 0, n = 0, k = 0;
  /// Convolutions only: the length of an output row (the last spatial dim;
  /// M is a whole number of rows) and the largest stride; 0 and 1 else.
  int64_t width = 0, stride = 1;

  /// batch x K x N: the weight-side operand's elements (what `weight_ops`
  /// is charged on).
  double weightElements() const {
    return double(batch) * double(k) * double(n);
  }
  /// batch x M x K: the input-side operand's elements (`input_ops`).
  double inputElements() const {
    return double(batch) * double(m) * double(k);
  }
  /// batch x M x N: the output's elements (`output_ops`).
  double outputElements() const {
    return double(batch) * double(m) * double(n);
  }
};

struct WorkCount {
  /// False when a shape the count needs is dynamic; the count is then empty.
  bool known = true;
  KernelClass kernelClass = KernelClass::Other;
  /// Multiply-accumulates (one MAC = 2 ops) by the precision of the
  /// multiplied operands.
  std::map<Precision, double> macs;
  /// Arithmetic outside the MACs (adds, compares, scales, selects): one per
  /// elementary operation on one element, at `arithmeticPrecision`.
  double otherOps = 0;
  /// Calls of exp, log, tanh, erf, sin/cos, pow, sqrt and friends, at
  /// `arithmeticPrecision` (a target says what one costs in ops).
  double transcendentals = 0;
  /// The part of otherOps and transcendentals a fused kernel's epilogue
  /// (bias, residual, activation) applies to each output element as it is
  /// stored: elementwise work, costed at the target's elementwise rate.
  double epilogueOps = 0, epilogueTranscendentals = 0;
  Precision arithmeticPrecision = Precision::FP32;
  /// Bytes read from each operand (0 for an absent optional operand) and
  /// written to each result. An operand is read in full unless the op only
  /// touches part of it (Slice, Gather).
  std::vector<double> operandBytes;
  std::vector<double> resultBytes;
  /// For contraction classes.
  std::optional<ContractionShape> contraction;
  /// For a fused kernel: the ONNX operator types it implements ("Conv",
  /// "Relu", "Add"). A unit that runs only some ops (an NPU) runs the
  /// kernel when it runs all of them. Empty for a plain ONNX op.
  std::vector<std::string> onnxKinds;

  double totalMACs() const;
  /// 2 x MACs + otherOps (transcendentals counted separately).
  double arithmeticOps() const;
  double bytesRead() const;
  double bytesWritten() const;
};

/// The counting rules for the ONNX operators of the iron dialect.
WorkCount countOnnxWork(mlir::Operation *op);

/// The precision that values of an MLIR element type are computed at
/// (f32 -> fp32, i8/ui8 -> int8, i64 -> int32 for index arithmetic, ...).
/// std::nullopt for types with no arithmetic (strings); bools count as int8.
std::optional<Precision> precisionOfElementType(mlir::Type type);

} // namespace iron

#endif // IRON_DIALECT_WORKCOUNT_H
