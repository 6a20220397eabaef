//===- Artifact.h - Writing the deployable artifact --------------*- C++ -*-===//
#ifndef IRON_EMIT_ARTIFACT_H
#define IRON_EMIT_ARTIFACT_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace iron {

struct EmitOptions {
  std::string target = "host";
  std::string producer = "ironc 0.1.0";
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
