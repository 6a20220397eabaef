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


def FoldConstants : Pass<"iron-fold", "mlir::func::FuncOp"> {
  let summary = "Fold iron ops on constants, keeping each constant's node name";
  let description = [{
    Evaluates iron ops whose operands are small constants (the shape
    subgraphs exporters produce), replaces Identity by its operand, applies
    the dialect's canonicalization patterns (inference-mode Dropout) and
    erases dead ops. Unlike `--canonicalize`, a folded constant is created at
    the location of the op it replaces, and constants are never hoisted or
    merged, so every constant keeps the ONNX node or initializer name it came
    from.
  }];
}

def PlanMemory : Pass<"iron-plan-memory", "mlir::func::FuncOp"> {
  let summary = "Assign every tensor an offset in one arena";
  let description = [{
    Plans the arena the runtime executes the function in (see
    include/iron/Passes/MemoryPlan.h) and records it as attributes:
    `iron.arena_bytes` and `iron.arena_lower_bound` on the function,
    `iron.arena_offset` on each argument and `iron.arena_offsets` (one per
    result) on each op. Weights (iron.Constant) take no arena space.
  }];
}

#endif // IRON_PASSES_TD
