//===- ironc.cpp - The Iron compiler driver --------------------------------===//
//
//   ironc check  MODEL [--input-shape N=D0xD1...] [--dim N=V]
//   ironc import MODEL [-o out.mlir] [--input-shape ...] [--dim ...]
//
// Exit codes are those of iron/Support/ExitCodes.h (docs/cli.md).
//
//===----------------------------------------------------------------------===//

#include "iron/Analysis/ModelSummary.h"
#include "iron/Import/OnnxImporter.h"
#include "iron/Support/FileUtils.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;

static cl::SubCommand checkCmd(
    "check", "Report everything that keeps a model from importing: unsupported "
             "operators (with node names), unpinned dynamic dimensions, opset "
             "problems");
static cl::SubCommand importCmd(
    "import", "Import a model into the iron dialect and print a summary (op "
              "counts, parameters, MACs)");

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.onnx>"),
                                      cl::Required, cl::sub(checkCmd),
                                      cl::sub(importCmd));
static cl::list<std::string> inputShapes(
    "input-shape", cl::desc("Pin an input's shape: NAME=D0xD1x..."),
    cl::value_desc("name=shape"), cl::sub(checkCmd), cl::sub(importCmd));
static cl::list<std::string> dimParams(
    "dim", cl::desc("Pin a symbolic dimension (dim_param): NAME=VALUE"),
    cl::value_desc("name=value"), cl::sub(checkCmd), cl::sub(importCmd));
static cl::opt<std::string> outputFile(
    "o", cl::desc("Write the imported module (MLIR text) to this file"),
    cl::value_desc("file"), cl::sub(importCmd));
static cl::opt<bool> quiet("quiet", cl::desc("Do not print the summary"),
                           cl::sub(importCmd));

static int fail(const Twine &message, int code) {
  WithColor::error(errs(), "ironc") << message << "\n";
  return code;
}

static int importModel(bool checkOnly) {
  iron::ImportOptions options;
  for (const auto &s : inputShapes)
    if (Error e = iron::parseInputShapeOption(s, options))
      return fail(toString(std::move(e)), iron::ExitUsage);
  for (const auto &s : dimParams)
    if (Error e = iron::parseDimParamOption(s, options))
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
  if (checkOnly) {
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
    return importModel(/*checkOnly=*/true);
  if (importCmd)
    return importModel(/*checkOnly=*/false);
  errs() << "ironc: give a subcommand (check, import); see ironc --help\n";
  return iron::ExitUsage;
}
