//===- Passes.td - Iron's transformations ---------------------*- tablegen -*-===//

#ifndef IRON_PASSES_TD
#define IRON_PASSES_TD

include "mlir/Pass/PassBase.td"

def InferShapes : Pass<"iron-infer-shapes", "mlir::func::FuncOp"> {
  let summary = "Refine result types with ONNX's type and shape inference";
  let description = [{
    Walks each function in order and asks ONNX's own inference functions for
    the result types of every iron op, given its operand types and its small
    constant operands. Where ONNX knows more (a static dimension where the IR
    has `?`, a rank where the IR is unranked), the result type is refined; the
    function's signature follows its returned values. A result type that
    contradicts ONNX's inference is an error.
  }];
  let dependentDialects = ["::iron::IronDialect"];
}

#endif // IRON_PASSES_TD
