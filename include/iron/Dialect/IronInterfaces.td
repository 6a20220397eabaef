//===- IronInterfaces.td - Interfaces of iron ops ------------*- tablegen -*-===//

#ifndef IRON_INTERFACES_TD
#define IRON_INTERFACES_TD

include "mlir/IR/OpBase.td"

def Iron_WorkCountOpInterface : OpInterface<"WorkCountOpInterface"> {
  let cppNamespace = "::iron";
  let description = [{
    How much work an op does, from its static shapes and attributes:
    multiply-accumulates per precision, other arithmetic, transcendental
    calls, bytes read per operand and written per result, and the kind of
    loop nest it becomes. The cost model multiplies these counts by a
    target's costs; every op, fused or not, is counted through this one
    interface. ONNX operators share countOnnxWork(); an op Iron adds
    overrides countWork().
  }];
  let methods = [
    InterfaceMethod<
      "Counts the op's work (WorkCount::known is false for dynamic shapes).",
      "::iron::WorkCount", "countWork", (ins), [{}],
      [{ return ::iron::countOnnxWork($_op.getOperation()); }]>,
  ];
}

#endif // IRON_INTERFACES_TD
