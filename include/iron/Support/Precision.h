//===- Precision.h - Number formats of work and of peak rates ----*- C++ -*-===//
//
// Shared by the work counts (which precision an op's arithmetic runs at) and
// the target descriptions (what a device's peak rate is at that precision).
// Header-only and LLVM-only so that both sides can use it without linking
// each other.
//
//===----------------------------------------------------------------------===//
#ifndef IRON_SUPPORT_PRECISION_H
#define IRON_SUPPORT_PRECISION_H

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <vector>

namespace iron {

/// Number formats a count, a peak rate or an energy per op can be given for.
enum class Precision {
  FP64,
  FP32,
  TF32,
  FP16,
  BF16,
  FP8,
  INT32,
  INT16,
  INT8,
  INT4
};

namespace detail {
struct PrecisionName {
  Precision p;
  const char *name;
  unsigned bits;
};
inline const PrecisionName *precisionNames(size_t &n) {
  static const PrecisionName names[] = {
      {Precision::FP64, "fp64", 64},   {Precision::FP32, "fp32", 32},
      {Precision::TF32, "tf32", 32},   {Precision::FP16, "fp16", 16},
      {Precision::BF16, "bf16", 16},   {Precision::FP8, "fp8", 8},
      {Precision::INT32, "int32", 32}, {Precision::INT16, "int16", 16},
      {Precision::INT8, "int8", 8},    {Precision::INT4, "int4", 4},
  };
  n = sizeof(names) / sizeof(names[0]);
  return names;
}
} // namespace detail

/// The key used in target files and reports ("fp32", "int8", ...).
inline llvm::StringRef stringifyPrecision(Precision p) {
  size_t n;
  const detail::PrecisionName *names = detail::precisionNames(n);
  for (size_t i = 0; i < n; ++i)
    if (names[i].p == p)
      return names[i].name;
  return "?";
}

/// Parses a precision key; std::nullopt for an unknown one.
inline std::optional<Precision> parsePrecision(llvm::StringRef key) {
  size_t n;
  const detail::PrecisionName *names = detail::precisionNames(n);
  for (size_t i = 0; i < n; ++i)
    if (key == names[i].name)
      return names[i].p;
  return std::nullopt;
}

/// Storage bits of one value (TF32 is stored as 32 bits).
inline unsigned precisionBits(Precision p) {
  size_t n;
  const detail::PrecisionName *names = detail::precisionNames(n);
  for (size_t i = 0; i < n; ++i)
    if (names[i].p == p)
      return names[i].bits;
  return 32;
}

inline bool isFloatPrecision(Precision p) {
  return p == Precision::FP64 || p == Precision::FP32 ||
         p == Precision::TF32 || p == Precision::FP16 ||
         p == Precision::BF16 || p == Precision::FP8;
}

/// Every precision, in the order of the enum.
inline const std::vector<Precision> &allPrecisions() {
  static const std::vector<Precision> all = [] {
    size_t n;
    const detail::PrecisionName *names = detail::precisionNames(n);
    std::vector<Precision> v;
    for (size_t i = 0; i < n; ++i)
      v.push_back(names[i].p);
    return v;
  }();
  return all;
}

} // namespace iron

#endif // IRON_SUPPORT_PRECISION_H
