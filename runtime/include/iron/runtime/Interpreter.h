//===- Interpreter.h - Loading and running a compiled model ---------------===//
//
//   iron::rt::Model model;
//   if (model.load(bytes, size) != Status::Ok) ... model.error()
//   iron::rt::Interpreter interp(model);
//   std::vector<uint8_t> arena(interp.requiredArenaBytes());   // setup only
//   interp.prepare(arena.data(), arena.size());
//   memcpy(interp.input(0).data, ...); interp.invoke(); interp.output(0)...
//
// Setup (load, prepare) validates everything once; invoke() never allocates.
//
//===----------------------------------------------------------------------===//
#ifndef IRON_RUNTIME_INTERPRETER_H
#define IRON_RUNTIME_INTERPRETER_H

#include "iron/runtime/Kernel.h"

#include <cstddef>
#include <cstdint>

namespace iron::fb {
struct Model;
}

namespace iron::rt {

/// The artifact schema this runtime reads: major * 1000 + minor.
constexpr uint32_t kSchemaVersion = 1000;

/// A verified view of an artifact's bytes (which the caller keeps alive).
class Model {
public:
  /// Verifies the buffer (FlatBuffers Verifier, file identifier, schema
  /// version, tensor and operator indices, buffer sizes) before any use.
  Status load(const void *data, size_t size);
  const fb::Model *get() const { return model_; }
  const char *error() const { return error_; }

private:
  Status fail(Status s, const char *format, ...);
  const fb::Model *model_ = nullptr;
  char error_[256] = "";
};

/// Hooks a caller may install. The profiler gets each kernel's wall time;
/// the observer gets each tensor a kernel produced.
struct KernelProfile {
  int index;
  const char *kind;
  const char *node; // the first ONNX node name
  double seconds;
};
using ProfilerHook = void (*)(void *user, const KernelProfile &profile);
using ObserverHook = void (*)(void *user, int tensorIndex, const char *name,
                              const TensorView &tensor);

class Interpreter {
public:
  /// Upper bound on operators and tensors handled without heap use at
  /// invoke time; views and kernel lookups are prepared up front.
  explicit Interpreter(const Model &model);
  ~Interpreter();
  Interpreter(const Interpreter &) = delete;
  Interpreter &operator=(const Interpreter &) = delete;

  /// Arena bytes needed: the planned activations plus kernel scratch.
  size_t requiredArenaBytes();
  /// Binds the arena, finds every kernel and runs its prepare step.
  Status prepare(void *arena, size_t arenaBytes);
  /// Runs all kernels in order. No allocation.
  Status invoke();

  int numInputs() const;
  int numOutputs() const;
  TensorView &input(int i);
  const TensorView &output(int i) const;
  const char *inputName(int i) const;
  const char *outputName(int i) const;

  void setProfiler(ProfilerHook hook, void *user) { profiler_ = hook; profilerUser_ = user; }
  void setObserver(ObserverHook hook, void *user) { observer_ = hook; observerUser_ = user; }
  const char *error() const { return error_; }

private:
  struct Op;
  Status fail(Status s, const char *format, ...);
  Status computeScratch();
  KernelContext contextFor(const Op &op);

  const Model &model_;
  TensorView *tensors_ = nullptr; // one view per tensor of the model
  Op *ops_ = nullptr;
  const TensorView **inputPtrs_ = nullptr;
  TensorView **outputPtrs_ = nullptr;
  size_t scratchBytes_ = 0;
  bool scratchKnown_ = false;
  bool prepared_ = false;
  void *scratch_ = nullptr;
  ProfilerHook profiler_ = nullptr;
  void *profilerUser_ = nullptr;
  ObserverHook observer_ = nullptr;
  void *observerUser_ = nullptr;
  char error_[256] = "";
};

} // namespace iron::rt

#endif // IRON_RUNTIME_INTERPRETER_H
