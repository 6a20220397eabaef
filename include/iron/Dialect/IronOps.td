//===- IronOps.td - The iron dialect's ops -------------------*- tablegen -*-===//
//
// The ONNX operators come from the generated IronOnnxOps.td (see
// tools/iron-onnx-odsgen); ops that are Iron's own are declared here.
//
//===----------------------------------------------------------------------===//

#ifndef IRON_OPS_TD
#define IRON_OPS_TD

include "iron/Dialect/IronBase.td"
include "iron/Dialect/IronOnnxOps.td"

//===----------------------------------------------------------------------===//
// Iron's own kernels: what fusion makes of several ONNX operators. Each is
// one kernel of the runtime (one loop nest, launch or delegate call), counts
// its own work, and is checked by its own verifier (lib/Dialect/KernelOps.cpp).
//===----------------------------------------------------------------------===//

/// An activation applied in a kernel's epilogue: "" (none), Relu, Clip
/// (activation_params = [min, max]), LeakyRelu ([alpha]), Sigmoid,
/// HardSigmoid ([alpha, beta]), HardSwish, SiLU (x * sigmoid(x)), Gelu (erf
/// form), GeluTanh (tanh approximation), Tanh.
class Iron_KernelOp<string mnemonic, list<Trait> traits = []>
    : Op<Iron_Dialect, mnemonic,
         !listconcat(traits, [Pure, DeclareOpInterfaceMethods<
                                  Iron_WorkCountOpInterface, ["countWork"]>])> {
  let hasVerifier = 1;
}

def Iron_FusedConvOp : Iron_KernelOp<"FusedConv", [AttrSizedOperandSegments]> {
  let summary = "Convolution with bias, residual add and activation epilogue";
  let description = [{
    Y = activation(Conv(X, W, B) + Z): an ONNX Conv (explicit pads; no
    auto_pad) whose output gets the optional residual Z (of Y's shape) added
    and then the activation applied, element by element, before it is
    stored. The intermediate tensors never exist.
  }];
  let arguments = (ins
    TensorOf<[F32]>:$X,
    TensorOf<[F32]>:$W,
    Optional<TensorOf<[F32]>>:$B,
    Optional<TensorOf<[F32]>>:$Z,
    OptionalAttr<I64ArrayAttr>:$dilations,
    DefaultValuedAttr<I64Attr, "1">:$group,
    OptionalAttr<I64ArrayAttr>:$kernel_shape,
    OptionalAttr<I64ArrayAttr>:$pads,
    OptionalAttr<I64ArrayAttr>:$strides,
    DefaultValuedAttr<StrAttr, "\"\"">:$activation,
    OptionalAttr<F32ArrayAttr>:$activation_params
  );
  let results = (outs TensorOf<[F32]>:$Y);
}

def Iron_FusedMatMulOp : Iron_KernelOp<"FusedMatMul",
                                       [AttrSizedOperandSegments]> {
  let summary = "Matrix product with bias, residual add and activation";
  let description = [{
    Y = activation(MatMul(A, B) + bias + Z): ONNX MatMul semantics
    (broadcast batch dimensions), an optional bias of shape [N] added to
    every row, an optional residual Z of Y's shape, then the activation.
  }];
  let arguments = (ins
    TensorOf<[F32]>:$A,
    TensorOf<[F32]>:$B,
    Optional<TensorOf<[F32]>>:$bias,
    Optional<TensorOf<[F32]>>:$Z,
    DefaultValuedAttr<StrAttr, "\"\"">:$activation,
    OptionalAttr<F32ArrayAttr>:$activation_params
  );
  let results = (outs TensorOf<[F32]>:$Y);
}

def Iron_ElementwiseOp : Iron_KernelOp<"Elementwise"> {
  let summary = "A chain of elementwise operations in one loop";
  let description = [{
    Evaluates `program` once per element of the result. Inputs have the
    result's shape or broadcast to it (ONNX multidirectional broadcasting)
    without changing it. Each instruction is a string
    "OP DST SRC1 [SRC2] [IMM...]": registers are inputs `i0, i1, ...` and
    temporaries `t0, t1, ...`; the last instruction's DST is the result.
    OP is one of Add, Sub, Mul, Div, Min, Max, Pow, Neg, Abs, Relu, Sigmoid,
    Tanh, Exp, Log, Sqrt, Erf, Reciprocal, Clip (IMM min max), LeakyRelu
    (IMM alpha), HardSigmoid (IMM alpha beta), HardSwish, and Mov.
    Example (SiLU): ["Sigmoid t0 i0", "Mul t1 i0 t0"].
  }];
  let arguments = (ins
    Variadic<TensorOf<[F32]>>:$inputs,
    StrArrayAttr:$program
  );
  let results = (outs TensorOf<[F32]>:$Y);
}

def Iron_GeluOp : Iron_KernelOp<"Gelu"> {
  let summary = "Gaussian error linear unit";
  let description = [{
    Y = 0.5 * X * (1 + erf(X / sqrt(2))) for approximate = "none", or
    0.5 * X * (1 + tanh(sqrt(2/pi) * (X + 0.044715 * X^3))) for "tanh":
    what exporters spell out in five to eight small ops.
  }];
  let arguments = (ins
    TensorOf<[F32]>:$X,
    DefaultValuedAttr<StrAttr, "\"none\"">:$approximate
  );
  let results = (outs TensorOf<[F32]>:$Y);
}

def Iron_AttentionOp : Iron_KernelOp<"Attention"> {
  let summary = "Scaled dot-product attention";
  let description = [{
    Y = Softmax(MatMul(Q, Kt) * scale + mask, axis = -1) x V with
    Q: [..., S, D], Kt: [..., D, T] (the keys already transposed, as the
    exported graph multiplies them), V: [..., T, Dv] and an optional
    additive mask broadcastable to [..., S, T]. The S x T scores never reach
    memory as a whole tensor.
  }];
  let arguments = (ins
    TensorOf<[F32]>:$Q,
    TensorOf<[F32]>:$Kt,
    TensorOf<[F32]>:$V,
    Optional<TensorOf<[F32]>>:$mask,
    DefaultValuedAttr<F32Attr, "1.0">:$scale
  );
  let results = (outs TensorOf<[F32]>:$Y);
}

#endif // IRON_OPS_TD
