//===- Tensor.h - Tensors as the runtime sees them ------------------------===//
//
// Part of Iron's portable runtime: C++17, no MLIR/LLVM/protobuf, no heap
// allocation while running inference, usable on a microcontroller.
//
//===----------------------------------------------------------------------===//
#ifndef IRON_RUNTIME_TENSOR_H
#define IRON_RUNTIME_TENSOR_H

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace iron::rt {

/// Element types; the numbering is the artifact's (iron.fb.ElementType).
enum class DType : uint8_t {
  Undefined = 0,
  F32, F64, F16, BF16,
  I8, I16, I32, I64,
  U8, U16, U32, U64,
  Bool,
};

size_t dtypeSize(DType t);
const char *dtypeName(DType t);
inline bool isFloat(DType t) {
  return t == DType::F32 || t == DType::F64 || t == DType::F16 || t == DType::BF16;
}

/// IEEE half <-> float, bfloat16 <-> float.
float halfToFloat(uint16_t h);
uint16_t floatToHalf(float f);
inline float bf16ToFloat(uint16_t b) {
  uint32_t bits = uint32_t(b) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}
inline uint16_t floatToBf16(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  if ((bits & 0x7FFFFFFF) > 0x7F800000) // NaN: keep it a (quiet) NaN
    return uint16_t((bits >> 16) | 0x40);
  bits += 0x7FFF + ((bits >> 16) & 1); // round to nearest even
  return uint16_t(bits >> 16);
}

constexpr int kMaxRank = 8;

/// Per-tensor or per-channel affine quantization: real = scale * (q - zp).
struct QuantParams {
  const float *scale = nullptr;
  const int64_t *zeroPoint = nullptr;
  int count = 0;
  int axis = -1;
};

/// A typed view of memory the runtime owns (arena or weights); never owns.
struct TensorView {
  void *data = nullptr;
  DType dtype = DType::Undefined;
  int rank = 0;
  int64_t shape[kMaxRank] = {};
  const QuantParams *quant = nullptr;

  int64_t numel() const {
    int64_t n = 1;
    for (int i = 0; i < rank; ++i)
      n *= shape[i];
    return n;
  }
  size_t bytes() const { return size_t(numel()) * dtypeSize(dtype); }
  int64_t dim(int i) const { return shape[i < 0 ? i + rank : i]; }
  template <typename T> T *as() const { return static_cast<T *>(data); }
};

} // namespace iron::rt

#endif // IRON_RUNTIME_TENSOR_H
