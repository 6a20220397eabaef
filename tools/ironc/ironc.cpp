//===- ironc.cpp - The Iron compiler driver --------------------------------===//
//
//   ironc check  MODEL [--input-shape N=D0xD1...] [--dim N=V]
//   ironc import MODEL [-o out.mlir] [--input-shape ...] [--dim ...]
//   ironc compile MODEL -o out.iron [--emit=iron|c] [--input-shape ...] [--dim ...]
//
// Exit codes are those of iron/Support/ExitCodes.h (docs/cli.md).
//
//===----------------------------------------------------------------------===//

#include "iron/Analysis/ModelSummary.h"
#include "iron/Emit/Artifact.h"
#include "iron/Import/OnnxImporter.h"
#include "iron/Support/FileUtils.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;

static cl::SubCommand checkCmd(
    "check", "Report everything that keeps a model from importing: unsupported "
             "operators (with node names), unpinned dynamic dimensions, opset "
             "problems");
static cl::SubCommand importCmd(
    "import", "Import a model into the iron dialect and print a summary (op "
              "counts, parameters, MACs)");

static cl::SubCommand compileCmd(
    "compile", "Compile a model into a deployable artifact (.iron, or C source "
               "for firmware) and print its memory plan");

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.onnx>"),
                                      cl::Required, cl::sub(checkCmd),
                                      cl::sub(importCmd), cl::sub(compileCmd));
static cl::list<std::string> inputShapes(
    "input-shape", cl::desc("Pin an input's shape: NAME=D0xD1x..."),
    cl::value_desc("name=shape"), cl::sub(checkCmd), cl::sub(importCmd),
    cl::sub(compileCmd));
static cl::list<std::string> dimParams(
    "dim", cl::desc("Pin a symbolic dimension (dim_param): NAME=VALUE"),
    cl::value_desc("name=value"), cl::sub(checkCmd), cl::sub(importCmd),
    cl::sub(compileCmd));
static cl::opt<std::string> artifactFile(
    "o", cl::desc("The artifact to write (.iron; .c with --emit=c)"),
    cl::value_desc("file"), cl::sub(compileCmd), cl::Required);
enum class EmitKind { Iron, C };
static cl::opt<EmitKind> emitKind(
    "emit", cl::desc("Artifact form"), cl::init(EmitKind::Iron),
    cl::values(clEnumValN(EmitKind::Iron, "iron", "FlatBuffer for Iron's runtime"),
               clEnumValN(EmitKind::C, "c",
                          "C source (array + header) for firmware builds")),
    cl::sub(compileCmd));
static cl::opt<std::string> symbolName(
    "symbol", cl::desc("C array name with --emit=c (default: from the file name)"),
    cl::sub(compileCmd));
static cl::opt<std::string> outputFile(
    "o", cl::desc("Write the imported module (MLIR text) to this file"),
    cl::value_desc("file"), cl::sub(importCmd));
static cl::opt<bool> quiet("quiet", cl::desc("Do not print the summary"),
                           cl::sub(importCmd));

static int fail(const Twine &message, int code) {
  WithColor::error(errs(), "ironc") << message << "\n";
  return code;
}

static std::string cIdentifier(StringRef path) {
  std::string name = sys::path::stem(path).str();
  for (char &c : name)
    if (!isAlnum(c))
      c = '_';
  if (name.empty() || isDigit(name[0]))
    name = "model_" + name;
  return name;
}

enum class Mode { Check, Import, Compile };

static int run(Mode mode) {
  iron::ImportOptions options;
  if (Error e = iron::parseShapeOptions(inputShapes, dimParams, options))
    return fail(toString(std::move(e)), iron::ExitUsage);

  mlir::DialectRegistry registry;
  iron::registerImportDialects(registry);
  mlir::MLIRContext context(registry);
  iron::ImportReport report;
  auto module = iron::importOnnxModel(context, inputFile, options, report);
  if (!module) {
    report.print(errs());
    return report.exitCode();
  }
  iron::ModelSummary summary = iron::summarizeModel(*module);
  if (mode == Mode::Compile) {
    auto artifact = iron::emitArtifact(*module, {});
    if (!artifact)
      return fail(toString(artifact.takeError()), iron::ExitInternal);
    if (emitKind == EmitKind::C) {
      std::string symbol = symbolName.empty() ? cIdentifier(artifactFile) : symbolName.getValue();
      if (Error e = iron::writeArtifactAsC(artifactFile, symbol, *artifact))
        return fail(toString(std::move(e)), iron::ExitOutput);
    } else if (Error e = iron::writeFileAtomically(artifactFile, [&](raw_ostream &os) {
                 os.write(reinterpret_cast<const char *>(artifact->bytes.data()),
                          artifact->bytes.size());
                 return Error::success();
               })) {
      return fail(toString(std::move(e)), iron::ExitOutput);
    }
    double over = artifact->arenaLowerBound
                      ? 100.0 * (double(artifact->arenaBytes) / artifact->arenaLowerBound - 1)
                      : 0.0;
    outs() << "compiled " << inputFile << " -> " << artifactFile << " ("
           << artifact->bytes.size() << " bytes)\n"
           << "  kernels: " << artifact->kernels << ", tensors: " << artifact->tensors
           << ", weights: " << artifact->weightBytes << " bytes\n"
           << "  arena: " << artifact->arenaBytes << " bytes (lower bound "
           << artifact->arenaLowerBound << " bytes, +" << format("%.1f", over) << "%)\n";
    return iron::ExitSuccess;
  }
  if (mode == Mode::Check) {
    outs() << inputFile << ": OK: ai.onnx opset " << report.opsetVersion
           << ", " << summary.ops << " ops of " << summary.opCounts.size()
           << " types, " << summary.parameters << " parameters\n";
    return iron::ExitSuccess;
  }
  if (!outputFile.empty())
    if (Error e = iron::writeFileAtomically(outputFile, [&](raw_ostream &os) {
          module->print(os);
          return Error::success();
        }))
      return fail(toString(std::move(e)), iron::ExitOutput);
  if (!quiet)
    iron::printSummary(summary, outs());
  return iron::ExitSuccess;
}

int main(int argc, char **argv) {
  InitLLVM y(argc, argv);
  cl::SetVersionPrinter([](raw_ostream &os) { os << "ironc 0.1.0\n"; });
  if (!cl::ParseCommandLineOptions(argc, argv, "Iron model compiler\n", &errs()))
    return iron::ExitUsage;
  if (checkCmd)
    return run(Mode::Check);
  if (importCmd)
    return run(Mode::Import);
  if (compileCmd)
    return run(Mode::Compile);
  errs() << "ironc: give a subcommand (check, import, compile); see ironc --help\n";
  return iron::ExitUsage;
}
