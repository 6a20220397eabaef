//===- KernelUtil.h - Helpers shared by the runtime's kernels -------------===//
#ifndef IRON_RUNTIME_KERNELS_KERNELUTIL_H
#define IRON_RUNTIME_KERNELS_KERNELUTIL_H

#include "iron/runtime/Kernel.h"

#include <cstring>

namespace iron::rt {

/// Row-major strides (in elements) of `t`.
inline void stridesOf(const TensorView &t, int64_t *strides) {
  int64_t s = 1;
  for (int i = t.rank - 1; i >= 0; --i) {
    strides[i] = s;
    s *= t.shape[i];
  }
}

/// Walks the elements of an output in row-major order and yields, for each,
/// the matching element offset of an input broadcast to it (ONNX
/// multidirectional broadcasting: dims align from the right; 1 repeats).
class BroadcastIndexer {
public:
  BroadcastIndexer(const TensorView &out, const TensorView &in) : rank_(out.rank) {
    int64_t inStrides[kMaxRank];
    stridesOf(in, inStrides);
    int offset = out.rank - in.rank;
    for (int d = 0; d < rank_; ++d) {
      shape_[d] = out.shape[d];
      int id = d - offset;
      stride_[d] = (id < 0 || in.shape[id] == 1) ? 0 : inStrides[id];
      counter_[d] = 0;
    }
  }
  int64_t offset() const { return offset_; }
  /// Advances to the next output element.
  void next() {
    for (int d = rank_ - 1; d >= 0; --d) {
      offset_ += stride_[d];
      if (++counter_[d] < shape_[d])
        return;
      offset_ -= stride_[d] * shape_[d];
      counter_[d] = 0;
    }
  }

private:
  int rank_;
  int64_t shape_[kMaxRank], stride_[kMaxRank], counter_[kMaxRank];
  int64_t offset_ = 0;
};

/// Whether `in` has exactly the output's shape (no broadcasting needed).
inline bool sameShape(const TensorView &a, const TensorView &b) {
  if (a.rank != b.rank)
    return false;
  for (int i = 0; i < a.rank; ++i)
    if (a.shape[i] != b.shape[i])
      return false;
  return true;
}

/// Normalizes a possibly negative axis; false if out of range.
inline bool normalizeAxis(int64_t &axis, int rank) {
  if (axis < -rank || axis >= rank)
    return false;
  if (axis < 0)
    axis += rank;
  return true;
}

/// Calls fn(T{}) with T the C++ type of a numeric dtype (bool as uint8_t,
/// f16/bf16 not included: callers convert). Returns UnsupportedKernel for
/// other types.
template <typename Fn> Status dispatchNumeric(DType t, Fn &&fn) {
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
  case DType::Bool: return fn(bool{});
  default: return Status::UnsupportedKernel;
  }
}

/// The first `rank` dims of `t` as a view's shape (no data): the batch dims
/// of a matrix product.
inline TensorView leadingDims(const TensorView &t, int rank) {
  TensorView v;
  v.rank = rank < 0 ? 0 : rank;
  for (int i = 0; i < v.rank; ++i)
    v.shape[i] = t.shape[i];
  return v;
}

/// Whether `in` broadcasts to `out` (dims align from the right; 1 repeats).
inline bool broadcastsTo(const TensorView &in, const TensorView &out) {
  if (in.rank > out.rank)
    return false;
  for (int i = 1; i <= in.rank; ++i) {
    int64_t d = in.shape[in.rank - i];
    if (d != 1 && d != out.shape[out.rank - i])
      return false;
  }
  return true;
}

} // namespace iron::rt

#endif // IRON_RUNTIME_KERNELS_KERNELUTIL_H
