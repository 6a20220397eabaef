//===- DataMovementUtil.h - Helpers of the data-movement kernels ----------===//
//
// Element access by byte size (so kernels serve every element type), index
// loads from int32/int64 tensors, and a strided copy that moves contiguous
// runs with memcpy. Nothing here allocates.
//
//===----------------------------------------------------------------------===//
#ifndef IRON_RUNTIME_KERNELS_REFERENCE_DATAMOVEMENTUTIL_H
#define IRON_RUNTIME_KERNELS_REFERENCE_DATAMOVEMENTUTIL_H

#include "kernels/KernelUtil.h"

#include <cstring>

namespace iron::rt::reference {

inline char *bytesOf(const TensorView *t) { return static_cast<char *>(t->data); }

/// The product of shape[from, to).
inline int64_t product(const int64_t *shape, int from, int to) {
  int64_t p = 1;
  for (int i = from; i < to; ++i)
    p *= shape[i];
  return p;
}

inline bool isIndexType(DType t) { return t == DType::I32 || t == DType::I64; }

/// Element i of an int32 or int64 tensor.
inline int64_t loadIndex(const TensorView &t, int64_t i) {
  return t.dtype == DType::I32 ? int64_t(t.as<int32_t>()[i]) : t.as<int64_t>()[i];
}

/// Element i of a numeric tensor (f16 and bf16 included), as a double.
inline double loadDouble(const TensorView &t, int64_t i) {
  const char *p = bytesOf(&t) + i * int64_t(dtypeSize(t.dtype));
  uint16_t h;
  if (t.dtype == DType::F16 || t.dtype == DType::BF16) {
    std::memcpy(&h, p, 2);
    return t.dtype == DType::F16 ? halfToFloat(h) : bf16ToFloat(h);
  }
  double v = 0;
  dispatchNumeric(t.dtype, [&](auto tag) {
    decltype(tag) x;
    std::memcpy(&x, p, sizeof x);
    v = double(x);
    return Status::Ok;
  });
  return v;
}

/// Stores v, converted to element type t, at p.
inline void storeDouble(DType t, void *p, double v) {
  if (t == DType::F16 || t == DType::BF16) {
    uint16_t h = t == DType::F16 ? floatToHalf(float(v)) : floatToBf16(float(v));
    std::memcpy(p, &h, 2);
    return;
  }
  dispatchNumeric(t, [&](auto tag) {
    auto x = decltype(tag)(v);
    std::memcpy(p, &x, sizeof x);
    return Status::Ok;
  });
}

/// Copies one element; fixed-size memcpy compiles to a plain move.
inline void copyElem(void *dst, const void *src, size_t size) {
  switch (size) {
  case 1: std::memcpy(dst, src, 1); break;
  case 2: std::memcpy(dst, src, 2); break;
  case 4: std::memcpy(dst, src, 4); break;
  case 8: std::memcpy(dst, src, 8); break;
  default: std::memcpy(dst, src, size); break;
  }
}

/// memcpy that tolerates empty (possibly null) ranges and in-place copies.
inline void copyN(void *dst, const void *src, size_t n) {
  if (n && dst != src)
    std::memcpy(dst, src, n);
}

/// Fills n elements of `size` bytes with the element at `value`: memset when
/// its bytes are all equal (zero, for one), else by doubling memcpys.
inline void fillElems(void *dst, const void *value, size_t size, int64_t n) {
  if (n <= 0)
    return;
  char *d = static_cast<char *>(dst);
  const unsigned char *v = static_cast<const unsigned char *>(value);
  size_t total = size_t(n) * size;
  bool uniform = true;
  for (size_t i = 1; i < size; ++i)
    uniform = uniform && v[i] == v[0];
  if (uniform) {
    std::memset(d, v[0], total);
    return;
  }
  std::memcpy(d, value, size);
  for (size_t done = size; done < total;) {
    size_t k = done < total - done ? done : total - done;
    std::memcpy(d + done, d, k);
    done += k;
  }
}

/// Views (Tile, DepthToSpace) may split each dim in two.
constexpr int kMaxViewRank = 2 * kMaxRank;

template <typename T> inline void copyRow(char *dst, const char *src, int64_t n, int64_t stride) {
  for (int64_t i = 0; i < n; ++i, src += stride, dst += sizeof(T))
    std::memcpy(dst, src, sizeof(T));
}

/// Copies a strided view of `src` into the dense row-major `dst` of shape
/// `shape`. Strides are in elements and may be 0 (broadcast) or negative
/// (reversed). Dims that stay contiguous together are merged first, so the
/// innermost contiguous run moves with one memcpy.
inline void copyStrided(void *dst, const void *src, int rank, const int64_t *shape,
                        const int64_t *strides, size_t elemSize) {
  int64_t n[kMaxViewRank], s[kMaxViewRank];
  int r = 0;
  for (int d = 0; d < rank; ++d) {
    if (shape[d] == 0)
      return;
    if (shape[d] == 1)
      continue;
    if (r > 0 && s[r - 1] == strides[d] * shape[d]) {
      n[r - 1] *= shape[d];
      s[r - 1] = strides[d];
    } else {
      n[r] = shape[d];
      s[r] = strides[d];
      ++r;
    }
  }
  const int64_t es = int64_t(elemSize);
  int64_t run = es; // bytes of the innermost contiguous run
  if (r > 0 && s[r - 1] == 1)
    run *= n[--r];
  char *q = static_cast<char *>(dst);
  const char *p = static_cast<const char *>(src);
  if (r == 0) {
    std::memcpy(q, p, size_t(run));
    return;
  }
  int64_t inner = n[r - 1], step = s[r - 1] * es;
  int64_t count[kMaxViewRank] = {};
  for (;;) {
    if (run != es) {
      for (int64_t i = 0; i < inner; ++i, q += run)
        std::memcpy(q, p + i * step, size_t(run));
    } else {
      switch (es) {
      case 1: copyRow<uint8_t>(q, p, inner, step); break;
      case 2: copyRow<uint16_t>(q, p, inner, step); break;
      case 4: copyRow<uint32_t>(q, p, inner, step); break;
      case 8: copyRow<uint64_t>(q, p, inner, step); break;
      default:
        for (int64_t i = 0; i < inner; ++i)
          std::memcpy(q + i * es, p + i * step, elemSize);
      }
      q += inner * es;
    }
    int d = r - 2; // odometer over the outer dims: no division per element
    for (; d >= 0; --d) {
      p += s[d] * es;
      if (++count[d] < n[d])
        break;
      p -= s[d] * n[d] * es;
      count[d] = 0;
    }
    if (d < 0)
      return;
  }
}

} // namespace iron::rt::reference

#endif // IRON_RUNTIME_KERNELS_REFERENCE_DATAMOVEMENTUTIL_H
