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

//===----------------------------------------------------------------------===//
// Fusion (passes/Fusion, pipeline in include/iron/Passes/Fusion.h)
//===----------------------------------------------------------------------===//

// The cost-model option shared by the passes that make fusion decisions.
class IronFusionPass<string arg> : Pass<arg, "mlir::func::FuncOp"> {
  let dependentDialects = ["::iron::IronDialect"];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"\"",
           "Fuse only where the cost model predicts a gain on this target "
           "(bundled name or path); empty: every legal fusion">,
    Option<"precision", "precision", "std::string", /*default=*/"\"\"",
           "Cost kernels as if computed at this precision (int8, fp16, ...), "
           "as ironc's --assume-precision">,
  ];
}

def FoldWeights : Pass<"iron-fold-weights", "mlir::func::FuncOp"> {
  let summary = "Evaluate weight-only subgraphs into new constants";
  let description = [{
    Replaces every op whose operands are all constants by a constant holding
    its result, whatever the size: Transpose, Reshape and friends, Cast,
    DequantizeLinear, Gather, Concat, elementwise arithmetic and comparisons
    of weights. Unlike `iron-fold` (small shape subgraphs only), this reads
    resource blobs. A result much larger than its operands (an Expand of a
    scalar) is not materialized. The new constant takes the location (the
    ONNX node name) of the op it replaces. Unused ops are erased afterwards.
  }];
  let dependentDialects = ["::iron::IronDialect"];
}

def FoldBatchNorm : IronFusionPass<"iron-fold-batchnorm"> {
  let summary = "Fold inference BatchNormalization into weights";
  let description = [{
    A BatchNormalization whose scale, bias, mean and variance are constants
    and whose only used result is Y is folded into the Conv, ConvTranspose,
    Gemm or MatMul producing its input, when that op's weights are constants
    and its output has no other user: the weights are scaled per output
    channel and the bias rewritten (new constants; the producer's location
    becomes a fused location of both nodes). A 2-D MatMul gets its bias as a
    following Add of a [N] constant, which `iron-fuse-epilogue` turns into a
    FusedMatMul bias. Any other such BatchNormalization becomes a per-channel
    scale and shift (Mul and Add by [C,1,...] constants) for elementwise
    fusion to absorb.
  }];
}

def FoldPad : IronFusionPass<"iron-fold-pad"> {
  let summary = "Fold explicit Pad ops into the pads of their consumers";
  let description = [{
    A constant-mode Pad with constant, non-negative pads on spatial
    dimensions only is folded into each Conv that reads it when its value is
    zero, into each AveragePool when its value is zero and the pool counts
    padding (count_include_pad = 1, or no pads of its own), and into each
    MaxPool (no Indices result, floor mode) when its value is -inf.
  }];
}

def CancelTransposeReshape
    : Pass<"iron-cancel-transpose-reshape", "mlir::func::FuncOp"> {
  let summary = "Remove layout round trips";
  let description = [{
    Transpose(Transpose(x)) becomes x when the permutations compose to the
    identity, one Transpose otherwise; Reshape(Reshape(x)) becomes one
    Reshape; a Reshape or Flatten to its input's own shape disappears. A
    Flatten or Reshape feeding a Gemm that only drops trailing 1-dims of a
    ReduceMean/ReduceSum/ReduceMax/ReduceMin with keepdims = 1 is absorbed by
    clearing keepdims, so the Gemm reads the reduction's [N, C] directly.
  }];
  let dependentDialects = ["::iron::IronDialect"];
}

def RecognizePatterns : IronFusionPass<"iron-recognize-patterns"> {
  let summary = "Recognize LayerNorm, GELU and attention spelled out in ops";
  let description = [{
    Replaces the subgraphs exporters write for operators older opsets lack:
    ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div[/Mul/Add] over the last axis
    becomes LayerNormalization (axis -1, the constant epsilon); the erf and
    tanh forms of GELU become iron.Gelu; MatMul(Q, Kt), scaled by a constant,
    an optional additive mask (or a Where with a constant condition and a
    large negative fill), Softmax over the last axis and a MatMul with V
    become iron.Attention. Every intermediate must be used only inside the
    pattern.
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"\"",
           "Fuse only where the cost model predicts a gain on this target">,
    Option<"precision", "precision", "std::string", /*default=*/"\"\"",
           "Cost kernels as if computed at this precision (int8, fp16, ...), "
           "as ironc's --assume-precision">,
    Option<"layerNorm", "layernorm", "bool", /*default=*/"true",
           "Recognize LayerNormalization">,
    Option<"gelu", "gelu", "bool", /*default=*/"true", "Recognize GELU">,
    Option<"attention", "attention", "bool", /*default=*/"true",
           "Recognize scaled dot-product attention">,
  ];
}

def FuseEpilogue : IronFusionPass<"iron-fuse-epilogue"> {
  let summary = "Fuse bias, residual and activation into Conv and MatMul";
  let description = [{
    Conv becomes iron.FusedConv, MatMul and Gemm (alpha = beta = 1,
    transA = 0; transB = 1 only with a constant B, which is transposed)
    become iron.FusedMatMul, absorbing in this order a per-channel bias Add
    (a constant [C,1,...] for Conv, a [N] vector for MatMul), a residual Add
    of a tensor of the output's shape, and one activation: Relu, Clip with
    constant bounds, LeakyRelu, Sigmoid, HardSigmoid, HardSwish, SiLU
    (x * Sigmoid(x)), x * HardSigmoid(x) as HardSwish, GELU (iron.Gelu or
    its erf/tanh spelled-out forms) and Tanh. Existing fused ops with free
    slots are extended the same way. Every absorbed intermediate must have
    exactly one user and no Add may change the output's shape.
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"\"",
           "Fuse only where the cost model predicts a gain on this target">,
    Option<"precision", "precision", "std::string", /*default=*/"\"\"",
           "Cost kernels as if computed at this precision (int8, fp16, ...), "
           "as ironc's --assume-precision">,
    Option<"residual", "residual", "bool", /*default=*/"true",
           "Absorb residual Adds">,
  ];
}

def FuseElementwise : IronFusionPass<"iron-fuse-elementwise"> {
  let summary = "Fuse chains of elementwise ops into iron.Elementwise";
  let description = [{
    Groups trees of unary and broadcast-binary elementwise ops (Add, Sub,
    Mul, Div, Min, Max, Pow, Neg, Abs, Relu, Sigmoid, Tanh, Exp, Log, Sqrt,
    Erf, Reciprocal, Clip with constant bounds, LeakyRelu, HardSigmoid,
    HardSwish, and existing iron.Elementwise ops) whose intermediates have
    one user each and the result's shape into one iron.Elementwise, provided
    every input broadcasts to the result's shape without changing it. An Elementwise or activation op that is exactly
    one supported activation of a FusedConv or FusedMatMul without one
    becomes that op's activation.
  }];
}

def IronFuse : Pass<"iron-fuse", "mlir::func::FuncOp"> {
  let summary = "The fusion pipeline";
  let description = [{
    Runs the fusion passes in order (see buildFusionPipeline in
    include/iron/Passes/Fusion.h): weight folding, layout clean-up,
    BatchNormalization and Pad folding, pattern recognition, epilogue and
    elementwise fusion, then dead-code removal. Each part can be turned off.
  }];
  let dependentDialects = ["::iron::IronDialect"];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"\"",
           "Fuse only where the cost model predicts a gain on this target "
           "(bundled name or path); empty: every legal fusion">,
    Option<"precision", "precision", "std::string", /*default=*/"\"\"",
           "Cost kernels as if computed at this precision (int8, fp16, ...), "
           "as ironc's --assume-precision">,
    Option<"foldWeights", "fold-weights", "bool", "true",
           "Run iron-fold-weights">,
    Option<"cancelTransposeReshape", "cancel-transpose-reshape", "bool",
           "true", "Run iron-cancel-transpose-reshape">,
    Option<"foldBatchNorm", "fold-batchnorm", "bool", "true",
           "Run iron-fold-batchnorm">,
    Option<"foldPad", "fold-pad", "bool", "true", "Run iron-fold-pad">,
    Option<"recognizePatterns", "recognize-patterns", "bool", "true",
           "Run iron-recognize-patterns">,
    Option<"layerNorm", "layernorm", "bool", "true",
           "Recognize LayerNormalization">,
    Option<"gelu", "gelu", "bool", "true", "Recognize GELU">,
    Option<"attention", "attention", "bool", "true",
           "Recognize scaled dot-product attention">,
    Option<"fuseEpilogue", "fuse-epilogue", "bool", "true",
           "Run iron-fuse-epilogue">,
    Option<"residual", "residual", "bool", "true",
           "Absorb residual Adds into fused ops">,
    Option<"fuseElementwise", "fuse-elementwise", "bool", "true",
           "Run iron-fuse-elementwise">,
  ];
}

#endif // IRON_PASSES_TD
