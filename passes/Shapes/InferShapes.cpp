//===- InferShapes.cpp - Refine result types with ONNX's inference --------===//

#include "iron/Passes/Passes.h"

#include "iron/Dialect/OnnxInference.h"

#include "mlir/Pass/PassManager.h"

namespace iron {
#define GEN_PASS_DEF_INFERSHAPES
#include "passes/Passes.h.inc"
} // namespace iron

using namespace mlir;

namespace iron {
namespace {

struct InferShapesPass : impl::InferShapesBase<InferShapesPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    bool failedAny = false;
    func.walk([&](Operation *op) {
      if (!isa<IronDialect>(op->getDialect()))
        return;
      SmallVector<Type> inferred;
      std::string error;
      if (failed(inferWithOnnx(op, inferred, error))) {
        op->emitOpError("violates ONNX's rules for ")
            << op->getName().stripDialect() << ": " << error;
        failedAny = true;
        return;
      }
      for (auto [result, type] : llvm::zip(op->getResults(), inferred)) {
        if (!type)
          continue;
        if (!isCompatibleRefinement(result.getType(), type)) {
          op->emitOpError("result #")
              << result.getResultNumber() << " has type " << result.getType()
              << ", but ONNX's shape inference gives " << type;
          failedAny = true;
          continue;
        }
        result.setType(refineType(result.getType(), type));
      }
    });
    if (failedAny)
      return signalPassFailure();
    // The signature follows what the function returns.
    auto ret = cast<func::ReturnOp>(func.getBody().back().getTerminator());
    auto newType = FunctionType::get(&getContext(), func.getArgumentTypes(),
                                     ret.getOperandTypes());
    if (newType != func.getFunctionType())
      func.setFunctionType(newType);
  }
};

} // namespace

void buildImportCleanupPipeline(OpPassManager &pm) {
  // Folding a shape subgraph can make a Reshape's target static, which in
  // turn makes the next shape computation foldable: a few rounds settle it.
  for (int round = 0; round < 3; ++round) {
    pm.addNestedPass<func::FuncOp>(createInferShapes());
    pm.addNestedPass<func::FuncOp>(createFoldConstants());
  }
  pm.addNestedPass<func::FuncOp>(createInferShapes());
}

} // namespace iron
