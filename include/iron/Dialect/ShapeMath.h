//===- ShapeMath.h - Element counts and strides of static shapes -*- C++ -*-===//
//
// Small helpers the dialect's folders and the fusion passes share.
//
//===----------------------------------------------------------------------===//
#ifndef IRON_DIALECT_SHAPEMATH_H
#define IRON_DIALECT_SHAPEMATH_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>

namespace iron {

/// The number of elements of a static shape (1 for a scalar).
inline int64_t numElements(llvm::ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

/// Row-major strides, in elements, of a static shape.
inline llvm::SmallVector<int64_t> stridesOf(llvm::ArrayRef<int64_t> shape) {
  llvm::SmallVector<int64_t> s(shape.size(), 1);
  for (int i = int(shape.size()) - 2; i >= 0; --i)
    s[i] = s[i + 1] * shape[i + 1];
  return s;
}

} // namespace iron

#endif // IRON_DIALECT_SHAPEMATH_H
