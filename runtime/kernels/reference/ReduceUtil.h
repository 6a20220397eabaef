//===- ReduceUtil.h - Walking reductions, reading small operands ----------===//
//
// Helpers of the reduction family (Reduce.cpp): the generic reduction walk
// over an arbitrary set of axes, single-axis splits, type dispatch with a
// message, and the scalar operands (K, axis, sizes) read from tensors.
//
//===----------------------------------------------------------------------===//
#ifndef IRON_RUNTIME_KERNELS_REFERENCE_REDUCEUTIL_H
#define IRON_RUNTIME_KERNELS_REFERENCE_REDUCEUTIL_H

#include "kernels/KernelUtil.h"

namespace iron::rt::reference {

/// Walks `n` dims (sizes and element strides), the last fastest, keeping the
/// element offset of the current position.
struct Odometer {
  int n;
  const int64_t *size, *stride;
  int64_t count[kMaxRank] = {};
  int64_t offset = 0;
  void next() {
    for (int d = n - 1; d >= 0; --d) {
      offset += stride[d];
      if (++count[d] < size[d])
        return;
      offset -= stride[d] * size[d];
      count[d] = 0;
    }
  }
};

/// How a reduction reads its input: the kept dims (in output order) and the
/// reduced dims, each as (size, input stride). Size-1 dims are dropped and
/// neighbours of one kind merged, so reducing axes {1, 2} of [A, B, C, D]
/// walks outer [A, D] and reduced [B*C].
struct ReducePlan {
  int nKept = 0, nRed = 0;
  int64_t keptSize[kMaxRank], keptStride[kMaxRank];
  int64_t redSize[kMaxRank], redStride[kMaxRank];
  int64_t outCount = 1, redCount = 1;
};

/// Plans reducing the axes whose bits are set in `mask`.
inline void planReduce(const TensorView &x, uint32_t mask, ReducePlan &p) {
  int64_t strides[kMaxRank];
  stridesOf(x, strides);
  p = ReducePlan();
  for (int d = 0; d < x.rank; ++d) {
    bool red = (mask >> d) & 1;
    int64_t size = x.shape[d];
    (red ? p.redCount : p.outCount) *= size;
    if (size == 1)
      continue;
    int &n = red ? p.nRed : p.nKept;
    int64_t *sz = red ? p.redSize : p.keptSize, *st = red ? p.redStride : p.keptStride;
    // Contiguous with the previous dim of this kind: one longer dim.
    if (n > 0 && st[n - 1] == size * strides[d]) {
      sz[n - 1] *= size;
      st[n - 1] = strides[d];
      continue;
    }
    sz[n] = size;
    st[n++] = strides[d];
  }
}

/// Calls f(v) for every input element reduced into the output whose first
/// element is at `x`, in row-major order.
template <typename T, typename F>
void forEachReduced(const ReducePlan &p, const T *x, F &&f) {
  if (p.redCount == 0)
    return;
  if (p.nRed == 0) {
    f(x[0]);
    return;
  }
  int64_t n = p.redSize[p.nRed - 1], s = p.redStride[p.nRed - 1];
  Odometer o{p.nRed - 1, p.redSize, p.redStride};
  for (int64_t r = p.redCount / n; r > 0; --r, o.next())
    for (int64_t j = 0; j < n; ++j)
      f(x[o.offset + j * s]);
}

/// A tensor seen as [outer, n, inner] around one axis.
struct AxisSplit {
  int64_t outer = 1, n = 1, inner = 1;
};
inline AxisSplit splitAt(const TensorView &x, int axis) {
  AxisSplit s;
  for (int d = 0; d < x.rank; ++d)
    (d < axis ? s.outer : d == axis ? s.n : s.inner) *= x.shape[d];
  return s;
}

/// Calls fn(T{}) for the arithmetic types (numeric, not bool); fails with a
/// message naming the type otherwise.
template <typename Fn> Status dispatchArith(const KernelContext &ctx, DType t, Fn &&fn) {
  switch (t) {
  case DType::F32: return fn(float{});
  case DType::F64: return fn(double{});
  case DType::I8: return fn(int8_t{});
  case DType::I16: return fn(int16_t{});
  case DType::I32: return fn(int32_t{});
  case DType::I64: return fn(int64_t{});
  case DType::U8: return fn(uint8_t{});
  case DType::U16: return fn(uint16_t{});
  case DType::U32: return fn(uint32_t{});
  case DType::U64: return fn(uint64_t{});
  default: return ctx.fail("does not support element type %s", dtypeName(t));
  }
}

/// Like dispatchArith, for f32 and f64 only.
template <typename Fn> Status dispatchFloat(const KernelContext &ctx, DType t, Fn &&fn) {
  switch (t) {
  case DType::F32: return fn(float{});
  case DType::F64: return fn(double{});
  default: return ctx.fail("supports f32 and f64, got %s", dtypeName(t));
  }
}

/// Element i of an int32/int64 tensor (K, axis, sizes); false if the tensor
/// is absent, not yet placed (a computed operand during prepare), too small
/// or of another type.
inline bool readInt(const TensorView *t, int64_t i, int64_t &v) {
  if (!t || !t->data || i >= t->numel())
    return false;
  if (t->dtype == DType::I64)
    v = t->as<int64_t>()[i];
  else if (t->dtype == DType::I32)
    v = t->as<int32_t>()[i];
  else
    return false;
  return true;
}

/// Element 0 of an f32/f64 tensor; false like readInt.
inline bool readReal(const TensorView *t, double &v) {
  if (!t || !t->data || t->numel() < 1)
    return false;
  if (t->dtype == DType::F32)
    v = t->as<float>()[0];
  else if (t->dtype == DType::F64)
    v = t->as<double>()[0];
  else
    return false;
  return true;
}

/// Whether generated values (windows, mel weights) can be stored as `t`.
inline bool canStoreReal(DType t) { return t != DType::Bool && t != DType::Undefined; }

/// Stores v into element i of t, converted to t's type (generator outputs,
/// whose type is the output_datatype attribute).
inline void storeReal(const TensorView &t, int64_t i, double v) {
  switch (t.dtype) {
  case DType::F32: t.as<float>()[i] = float(v); break;
  case DType::F64: t.as<double>()[i] = v; break;
  case DType::F16: t.as<uint16_t>()[i] = floatToHalf(float(v)); break;
  case DType::BF16: t.as<uint16_t>()[i] = floatToBf16(float(v)); break;
  case DType::I8: t.as<int8_t>()[i] = int8_t(v); break;
  case DType::I16: t.as<int16_t>()[i] = int16_t(v); break;
  case DType::I32: t.as<int32_t>()[i] = int32_t(v); break;
  case DType::I64: t.as<int64_t>()[i] = int64_t(v); break;
  case DType::U8: t.as<uint8_t>()[i] = uint8_t(v); break;
  case DType::U16: t.as<uint16_t>()[i] = uint16_t(v); break;
  case DType::U32: t.as<uint32_t>()[i] = uint32_t(v); break;
  case DType::U64: t.as<uint64_t>()[i] = uint64_t(v); break;
  default: break;
  }
}

} // namespace iron::rt::reference

#endif
