//===- Tensor.cpp - Element types and status names -------------------------===//

#include "iron/runtime/Kernel.h"
#include "kernels/KernelUtil.h"

#include <cstdio>
#include <cstring>

namespace iron::rt {

size_t dtypeSize(DType t) {
  switch (t) {
  case DType::F64: case DType::I64: case DType::U64: return 8;
  case DType::F32: case DType::I32: case DType::U32: return 4;
  case DType::F16: case DType::BF16: case DType::I16: case DType::U16: return 2;
  case DType::I8: case DType::U8: case DType::Bool: return 1;
  default: return 0;
  }
}

const char *dtypeName(DType t) {
  static const char *names[] = {"undefined", "f32", "f64", "f16", "bf16", "i8", "i16",
                                "i32",       "i64", "u8",  "u16", "u32",  "u64", "bool"};
  unsigned i = unsigned(t);
  return i < sizeof(names) / sizeof(names[0]) ? names[i] : "invalid";
}

const char *statusName(Status s) {
  switch (s) {
  case Status::Ok: return "ok";
  case Status::InvalidModel: return "invalid model";
  case Status::VersionMismatch: return "version mismatch";
  case Status::UnsupportedKernel: return "unsupported kernel";
  case Status::ArenaTooSmall: return "arena too small";
  case Status::BadArgument: return "bad argument";
  case Status::KernelError: return "kernel error";
  }
  return "unknown status";
}

Status KernelContext::fail(const char *format, ...) const {
  if (message && messageSize) {
    int n = std::snprintf(message, messageSize, "%s '%s': ", kind, node);
    if (n >= 0 && size_t(n) < messageSize) {
      va_list args;
      va_start(args, format);
      std::vsnprintf(message + n, messageSize - n, format, args);
      va_end(args);
    }
  }
  return Status::KernelError;
}

float halfToFloat(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1F, mant = h & 0x3FF, bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else { // subnormal: normalize
      exp = 127 - 15 + 1;
      while (!(mant & 0x400)) {
        mant <<= 1;
        --exp;
      }
      mant &= 0x3FF;
      bits = sign | (exp << 23) | (mant << 13);
    }
  } else if (exp == 0x1F) {
    bits = sign | 0x7F800000 | (mant << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

uint16_t floatToHalf(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  uint32_t sign = (bits >> 16) & 0x8000;
  int32_t exp = int32_t((bits >> 23) & 0xFF) - 127 + 15;
  uint32_t mant = bits & 0x7FFFFF;
  if (((bits >> 23) & 0xFF) == 0xFF) // inf or nan
    return uint16_t(sign | 0x7C00 | (mant ? 0x200 : 0));
  if (exp >= 0x1F)
    return uint16_t(sign | 0x7C00);
  if (exp <= 0) {
    if (exp < -10)
      return uint16_t(sign);
    mant |= 0x800000;
    uint32_t shift = uint32_t(14 - exp);
    uint32_t half = mant >> shift;
    uint32_t rem = mant & ((1u << shift) - 1), mid = 1u << (shift - 1);
    if (rem > mid || (rem == mid && (half & 1)))
      ++half;
    return uint16_t(sign | half);
  }
  uint32_t half = sign | (uint32_t(exp) << 10) | (mant >> 13);
  uint32_t rem = mant & 0x1FFF;
  if (rem > 0x1000 || (rem == 0x1000 && (half & 1)))
    ++half; // may carry into the exponent, which is correct rounding
  return uint16_t(half);
}

} // namespace iron::rt
