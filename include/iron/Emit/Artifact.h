//===- Artifact.h - Writing the deployable artifact --------------*- C++ -*-===//
#ifndef IRON_EMIT_ARTIFACT_H
#define IRON_EMIT_ARTIFACT_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace iron {

/// A kernel's or the model's predicted cost, as the artifact stores it
/// (schema/iron.fbs table Cost).
struct PredictedCost {
  double latencyMs = 0, latencyMsLow = 0, latencyMsHigh = 0, energyUj = 0;
  uint64_t macs = 0, bytesMoved = 0;
  /// "compute", "memory" or "overhead".
  std::string bound;
};

struct EmitOptions {
  std::string target = "host";
  /// A hash of the target description the costs were predicted with.
  std::string targetHash;
  std::string producer = "ironc 0.1.0";
  /// Predicted costs keyed by a kernel's (first) ONNX node name; kernels
  /// without an entry (views) store no cost.
  std::map<std::string, PredictedCost> kernelCosts;
  std::optional<PredictedCost> modelCost;
};

struct Artifact {
  std::vector<uint8_t> bytes;
  uint64_t arenaBytes = 0;
  uint64_t arenaLowerBound = 0;
  uint64_t weightBytes = 0;
  unsigned kernels = 0;
  unsigned tensors = 0;
};

/// Plans memory for @main and serializes the module as a .iron FlatBuffer
/// (schema/iron.fbs). Same module and options give the same bytes. Graph
/// outputs that are constants get an Identity op (added to the module) that
/// copies them into the arena.
llvm::Expected<Artifact> emitArtifact(mlir::ModuleOp module,
                                      const EmitOptions &options);

/// The artifact as C source for firmware: `<path>` (.c) defines
/// `const unsigned char SYMBOL[]` (64-byte aligned) and `SYMBOL_len`;
/// the header beside it (.h) declares them and SYMBOL_ARENA_BYTES.
llvm::Error writeArtifactAsC(llvm::StringRef path, llvm::StringRef symbol,
                             const Artifact &artifact);

} // namespace iron

#endif // IRON_EMIT_ARTIFACT_H
