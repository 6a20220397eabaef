//===- IronOps.cpp - The iron dialect's op definitions ---------------------===//
//
// Only the generated op definitions live here (a large translation unit);
// verification, folding and the ONNX bridge live in their own files.
//
//===----------------------------------------------------------------------===//

#include "iron/Dialect/IronDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;

#define GET_OP_CLASSES
#include "iron/Dialect/IronInterfaces.cpp.inc"
#include "iron/Dialect/IronOps.cpp.inc"
