//===- iron-opt.cpp - The mlir-opt of Iron ---------------------------------===//
//
// Parses MLIR with Iron's dialects, runs passes, prints the result; the
// driver of Iron's lit tests.
//
//===----------------------------------------------------------------------===//

#include "iron/Dialect/IronDialect.h"
#include "iron/Passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  registry.insert<iron::IronDialect, mlir::func::FuncDialect>();
  mlir::registerTransformsPasses();
  iron::registerIronPasses();
  mlir::PassPipelineRegistration<>(
      "iron-import-cleanup", "The clean-up pipeline run after import",
      [](mlir::OpPassManager &pm) { iron::buildImportCleanupPipeline(pm); });
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Iron optimizer driver\n", registry));
}
