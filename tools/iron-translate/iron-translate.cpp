//===- iron-translate.cpp - ONNX (binary or text) to MLIR text -------------===//

#include "iron/Import/OnnxImporter.h"
#include "iron/Support/FileUtils.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.onnx>"),
                                      cl::Required);
static cl::opt<std::string> outputFile("o", cl::desc("Output file (default: stdout)"),
                                       cl::value_desc("file"), cl::init("-"));
static cl::list<std::string> inputShapes(
    "input-shape", cl::desc("Pin an input's shape: NAME=D0xD1x..."),
    cl::value_desc("name=shape"));
static cl::list<std::string> dimParams(
    "dim", cl::desc("Pin a symbolic dimension: NAME=VALUE"),
    cl::value_desc("name=value"));
static cl::opt<bool> noCleanup(
    "no-cleanup",
    cl::desc("Keep the graph as imported (no folding or shape refinement)"));
static cl::opt<bool> allowDynamic(
    "allow-dynamic", cl::desc("Accept dimensions that stay dynamic"));
static cl::opt<bool> elideWeights(
    "elide-weights", cl::desc("Print large weight blobs as placeholders"));

int main(int argc, char **argv) {
  InitLLVM y(argc, argv);
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  cl::ParseCommandLineOptions(argc, argv, "Iron: ONNX to MLIR translation\n");

  iron::ImportOptions options;
  if (Error e = iron::parseShapeOptions(inputShapes, dimParams, options)) {
    WithColor::error(errs(), "iron-translate") << toString(std::move(e)) << "\n";
    return iron::ExitUsage;
  }
  options.cleanup = !noCleanup;
  options.requireStaticShapes = !allowDynamic;

  mlir::DialectRegistry registry;
  iron::registerImportDialects(registry);
  mlir::MLIRContext context(registry);
  iron::ImportReport report;
  auto module = iron::importOnnxModel(context, inputFile, options, report);
  if (!module) {
    report.print(errs());
    return report.exitCode();
  }
  mlir::OpPrintingFlags flags;
  if (elideWeights)
    flags.elideLargeResourceString(64);
  if (Error e = iron::writeFileAtomically(outputFile, [&](raw_ostream &os) {
        module->print(os, flags);
        return Error::success();
      })) {
    WithColor::error(errs(), "iron-translate") << toString(std::move(e)) << "\n";
    return iron::ExitOutput;
  }
  return iron::ExitSuccess;
}
