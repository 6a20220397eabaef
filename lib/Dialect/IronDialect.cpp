//===- IronDialect.cpp - The iron dialect ---------------------------------===//

#include "iron/Dialect/IronDialect.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace iron;

#include "iron/Dialect/IronDialect.cpp.inc"

void IronDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "iron/Dialect/IronOps.cpp.inc"
      >();
}

Operation *IronDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                            Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return builder.create<ConstantOp>(loc, type, elements);
}
