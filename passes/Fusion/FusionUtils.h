//===- FusionUtils.h - Helpers shared by the fusion passes ---*- C++ -*-===//
//
// Reading and writing constant tensors of any size (dense attributes and
// resource blobs), fused locations, the activation and GELU matchers that
// several passes use, and the cost-model gate that decides whether a
// candidate fusion is made on a target.
//
//===----------------------------------------------------------------------===//
#ifndef IRON_PASSES_FUSION_FUSIONUTILS_H
#define IRON_PASSES_FUSION_FUSIONUTILS_H

#include "iron/Dialect/ShapeMath.h"
#include "iron/Dialect/IronDialect.h"
#include "iron/Target/Target.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

#include <optional>
#include <string>
#include <vector>

namespace iron {
namespace fusion {

/// A constant's elements in row-major order, widened to double (exact for
/// every float type and for integers up to 2^53).
struct Tensor {
  llvm::SmallVector<int64_t> shape;
  std::vector<double> data;
  int64_t size() const { return int64_t(data.size()); }
};

using iron::numElements;
using iron::stridesOf;

/// The elements of a dense attribute or resource blob; nullopt when the data
/// is missing (elided weights) or of a type without arithmetic.
std::optional<Tensor> readElements(mlir::ElementsAttr attr);
/// The elements of `v` when it is defined by an iron.Constant.
std::optional<Tensor> readConstant(mlir::Value v);
bool isConstant(mlir::Value v);
/// The value of a constant holding exactly one element.
std::optional<double> readScalar(mlir::Value v);
/// Whether `v` is a one-element constant equal to `x` (relative tolerance).
bool isScalar(mlir::Value v, double x, double tolerance = 1e-6);

/// An attribute of `type` holding `values` (converted to its element type):
/// dense when small, a resource blob named after `name` otherwise, as the
/// importer makes them.
mlir::ElementsAttr makeElements(mlir::RankedTensorType type,
                                llvm::ArrayRef<double> values,
                                llvm::StringRef name);
/// A new iron.Constant of `type` holding `values`, named by `loc`.
mlir::Value createConstant(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::RankedTensorType type,
                           llvm::ArrayRef<double> values);

/// `v`'s type when it is a ranked tensor with a static shape, else null.
mlir::RankedTensorType staticType(mlir::Value v);
/// Whether `v` is a tensor of f32 (the element type of Iron's kernels).
bool isF32(mlir::Value v);
/// Whether `from` broadcasts (numpy rules) to `to` without changing it.
bool broadcastsTo(llvm::ArrayRef<int64_t> from, llvm::ArrayRef<int64_t> to);

/// Iron op names without the dialect prefix ("Conv").
llvm::StringRef opName(mlir::Operation *op);
bool isOp(mlir::Operation *op, llvm::StringRef name);
std::optional<llvm::SmallVector<int64_t>> getI64s(mlir::Operation *op,
                                                  llvm::StringRef name);
int64_t getI64(mlir::Operation *op, llvm::StringRef name, int64_t dflt);
double getF64(mlir::Operation *op, llvm::StringRef name, double dflt);
std::string getStr(mlir::Operation *op, llvm::StringRef name,
                   llvm::StringRef dflt);
/// The axes of a reduction: its `axes` attribute or constant operand
/// (empty: all axes, or none with noop_with_empty_axes).
std::optional<llvm::SmallVector<int64_t>> reductionAxes(mlir::Operation *op);

/// The location of a fused op: the locations of `ops` in order (the anchor
/// first), nested fused locations flattened.
mlir::Location fusedLoc(llvm::ArrayRef<mlir::Operation *> ops);
/// The first node name in `loc` ("" if none).
std::string nameOf(mlir::Location loc);

/// Whether every user of every result of `ops` other than `root` is in
/// `ops`: the intermediates of a pattern are used only inside it.
bool usedOnlyInside(llvm::ArrayRef<mlir::Operation *> ops,
                    mlir::Operation *root);

/// Erases ops without users or side effects, users before producers.
void eraseDeadOps(mlir::Block &body);

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

/// An activation a kernel epilogue applies (IronOps.td): name and params.
struct Activation {
  std::string name;
  llvm::SmallVector<float> params;
  /// The ops that compute it, in order, and the value they produce.
  llvm::SmallVector<mlir::Operation *> ops;
  mlir::Value result;
};

/// The activation computed from `v` by its users, when every use of `v` is
/// inside it: a single op (Relu, Clip with constant bounds, LeakyRelu,
/// Sigmoid, HardSigmoid, HardSwish, Tanh, iron.Gelu), x * Sigmoid(x) (SiLU),
/// x * HardSigmoid(x; 1/6, 1/2) (HardSwish) or a spelled-out GELU.
std::optional<Activation> matchActivationOf(mlir::Value v);

/// A spelled-out GELU ending at `root`: x * 0.5 * (1 + erf(x / sqrt 2)) or
/// 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))), in any of the
/// operand orders exporters write.
struct GeluMatch {
  mlir::Value input;
  bool tanh = false;
  /// The matched ops in block order; the root is the last.
  llvm::SmallVector<mlir::Operation *> ops;
};
std::optional<GeluMatch> matchGelu(mlir::Operation *root);

/// Formats an immediate of an Elementwise program so that it reads back as
/// the same float.
std::string formatImmediate(double v);

//===----------------------------------------------------------------------===//
// Cost gate
//===----------------------------------------------------------------------===//

/// Decides whether a candidate fusion pays off on a target: without a
/// target every legal fusion does; with one, the fused kernels must be
/// predicted faster than the ops they replace, or as fast (within 0.1%)
/// while removing an intermediate tensor from the arena.
class CostGate {
public:
  /// Loads `target` (a bundled name or a path; empty: no target). A
  /// non-empty `precision` costs every kernel as if computed at it.
  mlir::LogicalResult init(llvm::StringRef target, llvm::StringRef precision,
                           mlir::MLIRContext *ctx);
  bool hasTarget() const { return target.has_value(); }
  /// Both sets must be in the function; `fused` may still be unused.
  bool accept(llvm::ArrayRef<mlir::Operation *> unfused,
              llvm::ArrayRef<mlir::Operation *> fused) const;

private:
  std::optional<TargetDescription> target;
  std::optional<Precision> precision;
};

} // namespace fusion
} // namespace iron

#endif // IRON_PASSES_FUSION_FUSIONUTILS_H
