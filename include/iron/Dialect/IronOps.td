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

#endif // IRON_OPS_TD
