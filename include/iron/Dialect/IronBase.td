//===- IronBase.td - The iron dialect and its op base class -*- tablegen -*-===//

#ifndef IRON_BASE_TD
#define IRON_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "iron/Dialect/IronInterfaces.td"

def Iron_Dialect : Dialect {
  let name = "iron";
  let cppNamespace = "::iron";
  let summary = "ONNX operators as the input language of the Iron compiler";
  let description = [{
    The iron dialect holds a model as imported from ONNX: one op per ONNX
    operator, with ONNX's semantics (NCHW layout, multidirectional
    broadcasting, attribute defaults) and its operand, attribute and result
    names. The op definitions are generated from the ONNX library's operator
    registry at build time, for the opset the dialect speaks (17).
  }];
  let hasConstantMaterializer = 1;
}

/// An ONNX operator of the default (ai.onnx) domain.
class Iron_OnnxOp<string mnemonic, int sinceVersion, list<Trait> traits = []>
    : Op<Iron_Dialect, mnemonic,
         !listconcat(traits, [Iron_WorkCountOpInterface])> {
  let summary = "ONNX " # mnemonic # " (ai.onnx, version " # sinceVersion # ")";
  let description = [{
    The ONNX operator of the same name, with ONNX's semantics; see the
    operator's entry in the ONNX specification (Operators.md). Attributes
    absent from the op take ONNX's default values.
  }];
  let hasVerifier = 1;
  int onnxSinceVersion = sinceVersion;
}

#endif // IRON_BASE_TD
