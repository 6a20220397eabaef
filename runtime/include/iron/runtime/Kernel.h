//===- Kernel.h - The interface every runtime kernel implements -----------===//
//
// A kernel is a pair of functions keyed by its kind (an ONNX operator type):
// `prepare` runs once when a model is loaded (checks shapes and attributes,
// asks for scratch memory), `eval` runs at every inference and must not
// allocate. Output shapes are known before either runs: the compiler planned
// them, and the runtime hands kernels views of already-placed memory.
//
//===----------------------------------------------------------------------===//
#ifndef IRON_RUNTIME_KERNEL_H
#define IRON_RUNTIME_KERNEL_H

#include "iron/runtime/Tensor.h"

#include <cstdarg>

namespace iron::fb {
struct Operator;
struct Attribute;
} // namespace iron::fb

namespace iron::rt {

enum class Status : uint8_t {
  Ok = 0,
  InvalidModel,       // the artifact fails verification or is inconsistent
  VersionMismatch,    // the artifact's schema major differs from ours
  UnsupportedKernel,  // no kernel of this kind (or for these types)
  ArenaTooSmall,      // the caller's arena is smaller than the plan needs
  BadArgument,        // wrong input index, size or type from the caller
  KernelError,        // a kernel rejected its operands or attributes
};
const char *statusName(Status s);

/// The attributes of one operator, read from the artifact (sorted by name,
/// looked up by binary search). Absent attributes yield the default given.
class Attributes {
public:
  Attributes() = default;
  explicit Attributes(const fb::Operator *op) : op_(op) {}

  bool has(const char *name) const { return find(name) != nullptr; }
  int64_t getInt(const char *name, int64_t dflt) const;
  float getFloat(const char *name, float dflt) const;
  /// A string attribute (not NUL-terminated-safe across the artifact: use
  /// the returned length).
  const char *getString(const char *name, const char *dflt,
                        size_t *length = nullptr) const;
  /// An int list: returns its length (0 when absent) and sets `values`.
  int getInts(const char *name, const int64_t **values) const;
  int getFloats(const char *name, const float **values) const;
  /// A string list: returns its length (0 when absent) and stores up to
  /// `max` NUL-terminated entries in `out`.
  int getStrings(const char *name, const char **out, int max) const;
  /// The index (into the model's tensors) of a tensor attribute, or -1.
  int getTensorIndex(const char *name) const;

private:
  const fb::Attribute *find(const char *name) const;
  const fb::Operator *op_ = nullptr;
};

struct KernelContext {
  const char *kind = "";
  /// The ONNX node name the kernel came from (for messages).
  const char *node = "";
  /// Inputs in ONNX order; nullptr for an absent optional input.
  const TensorView *const *inputs = nullptr;
  int numInputs = 0;
  /// Outputs in ONNX order; nullptr for an absent optional output.
  TensorView *const *outputs = nullptr;
  int numOutputs = 0;
  Attributes attrs;
  /// Scratch memory requested by prepare; valid during eval.
  void *scratch = nullptr;
  size_t scratchBytes = 0;
  /// All tensors of the model, for tensor-valued attributes.
  const TensorView *tensors = nullptr;
  int numTensors = 0;
  /// Where fail() writes its message.
  char *message = nullptr;
  size_t messageSize = 0;

  const TensorView *input(int i) const {
    return i >= 0 && i < numInputs ? inputs[i] : nullptr;
  }
  TensorView *output(int i) const {
    return i >= 0 && i < numOutputs ? outputs[i] : nullptr;
  }
  /// The constant tensor of a tensor-valued attribute, or nullptr.
  const TensorView *attrTensor(const char *name) const {
    int i = attrs.getTensorIndex(name);
    return i >= 0 && i < numTensors ? &tensors[i] : nullptr;
  }
  /// Records a message ("Conv 'conv1': ...") and returns KernelError.
  Status fail(const char *format, ...) const
#if defined(__GNUC__)
      __attribute__((format(printf, 2, 3)))
#endif
      ;
};

struct KernelDef {
  const char *kind;
  /// Optional. Validates operands and attributes once, before any
  /// inference, and sets *scratchBytes to the scratch memory eval needs.
  Status (*prepare)(KernelContext &ctx, size_t *scratchBytes);
  Status (*eval)(KernelContext &ctx);
};

/// The kernel of a kind, or nullptr. Optimized kernels, where built, take
/// precedence over the reference ones.
const KernelDef *findKernel(const char *kind);
/// The reference kernel of a kind, or nullptr (for checking optimized ones).
const KernelDef *findReferenceKernel(const char *kind);
/// Every kind with a reference kernel, for listings and coverage checks.
int numReferenceKernels();
const KernelDef &referenceKernel(int i);

} // namespace iron::rt

#endif // IRON_RUNTIME_KERNEL_H
