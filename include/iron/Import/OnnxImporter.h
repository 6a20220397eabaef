//===- OnnxImporter.h - ONNX models into the iron dialect ---------*- C++ -*-===//
#ifndef IRON_IMPORT_ONNXIMPORTER_H
#define IRON_IMPORT_ONNXIMPORTER_H

#include "iron/Support/ExitCodes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <map>
#include <string>
#include <vector>

namespace mlir {
class DialectRegistry;
}

namespace iron {

struct ImportOptions {
  /// Shapes that replace the declared shapes of graph inputs.
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// Values for symbolic dimensions (dim_param), e.g. batch=1.
  std::map<std::string, int64_t> dimParams;
  /// Fold shape subgraphs, remove Identity and inference-mode Dropout, and
  /// refine types after import.
  bool cleanup = true;
  /// Report every dimension that is still dynamic after import as an error.
  bool requireStaticShapes = true;
};

/// Parses "name=1x3x224x224" into `options.inputShapes`.
llvm::Error parseInputShapeOption(llvm::StringRef text, ImportOptions &options);
/// Parses "name=value" into `options.dimParams`.
llvm::Error parseDimParamOption(llvm::StringRef text, ImportOptions &options);
/// Parses every --input-shape and --dim value of a command line.
llvm::Error parseShapeOptions(llvm::ArrayRef<std::string> inputShapes,
                              llvm::ArrayRef<std::string> dimParams,
                              ImportOptions &options);

/// Every problem found while importing one model, gathered so that a user
/// sees them all at once.
struct ImportReport {
  struct UnsupportedOp {
    std::string opType, domain, reason;
    std::vector<std::string> nodes;
  };
  std::string path;
  int64_t irVersion = 0;
  int64_t opsetVersion = 0;
  std::string producer;
  /// The file cannot be read or is not valid ONNX (one line each).
  std::vector<std::string> malformed;
  /// Opsets that cannot be handled or converted.
  std::vector<std::string> opsetProblems;
  /// Operator types (or domains, element types) the dialect lacks.
  std::vector<UnsupportedOp> unsupported;
  /// Other unsupported features (string tensors, sequence inputs, ...).
  std::vector<std::string> unsupportedFeatures;
  /// Dimensions left dynamic.
  std::vector<std::string> dynamicDims;
  /// IR verification failures after import (bugs).
  std::vector<std::string> internal;

  bool ok() const {
    return malformed.empty() && opsetProblems.empty() && unsupported.empty() &&
           unsupportedFeatures.empty() && dynamicDims.empty() && internal.empty();
  }
  /// The documented exit code for the most serious problem.
  ExitCode exitCode() const;
  /// Prints the problems, one section per kind.
  void print(llvm::raw_ostream &os) const;
  UnsupportedOp &unsupportedOp(const std::string &opType,
                               const std::string &domain,
                               const std::string &reason);
};

/// Registers what an imported module uses (iron, func).
void registerImportDialects(mlir::DialectRegistry &registry);

/// Imports a binary (.onnx) or textual ONNX model. Returns null and fills
/// `report` when the model cannot be imported; diagnostics about the IR go to
/// the context's handlers.
mlir::OwningOpRef<mlir::ModuleOp> importOnnxModel(mlir::MLIRContext &context,
                                                  llvm::StringRef path,
                                                  const ImportOptions &options,
                                                  ImportReport &report);

} // namespace iron

#endif // IRON_IMPORT_ONNXIMPORTER_H
