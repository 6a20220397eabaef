//===- ElementwiseUtil.h - Typed loops for the elementwise kernels --------===//
//
// A storage type for every DType (f16/bf16 are 16-bit wrappers computed in
// float), a dispatcher over them, value conversion with ONNX Cast semantics,
// and the broadcasting loops the elementwise kernels share. Nothing here
// allocates.
//
//===----------------------------------------------------------------------===//
#ifndef IRON_RUNTIME_KERNELS_REFERENCE_ELEMENTWISEUTIL_H
#define IRON_RUNTIME_KERNELS_REFERENCE_ELEMENTWISEUTIL_H

#include "kernels/KernelUtil.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

// A namespace of its own: other families may define types of the same names.
namespace iron::rt::reference::elementwise {

struct Half {
  uint16_t bits;
};
struct BFloat16 {
  uint16_t bits;
};

/// How a stored element is loaded into the type it is computed in, and back.
template <typename T> struct Traits {
  using Compute = T;
  static T load(T v) { return v; }
  static T store(T v) { return v; }
};
template <> struct Traits<Half> {
  using Compute = float;
  static float load(Half h) { return halfToFloat(h.bits); }
  static Half store(float f) { return {floatToHalf(f)}; }
};
template <> struct Traits<BFloat16> {
  using Compute = float;
  static float load(BFloat16 b) { return bf16ToFloat(b.bits); }
  static BFloat16 store(float f) {
    if (f != f) { // floatToBf16's rounding carry would corrupt a NaN: keep it quiet
      uint32_t bits;
      std::memcpy(&bits, &f, 4);
      return {uint16_t((bits >> 16) | 0x40)};
    }
    return {floatToBf16(f)};
  }
};
template <typename T> using Compute = typename Traits<T>::Compute;
template <typename T> Compute<T> load(T v) { return Traits<T>::load(v); }

// Type classes, for the ONNX type constraints of each operator.
template <typename T>
constexpr bool kFloat = std::is_floating_point_v<T> || std::is_same_v<T, Half> ||
                        std::is_same_v<T, BFloat16>;
template <typename T> constexpr bool kBool = std::is_same_v<T, bool>;
template <typename T> constexpr bool kInt = std::is_integral_v<T> && !kBool<T>;
template <typename T> constexpr bool kUnsigned = kInt<T> && std::is_unsigned_v<T>;
template <typename T> constexpr bool kSigned = kFloat<T> || (kInt<T> && std::is_signed_v<T>);
template <typename T> constexpr bool kNumeric = kFloat<T> || kInt<T>;

/// Calls fn(T{}) with T the storage type of `t`; fails for Undefined.
template <typename Fn> Status dispatch(const KernelContext &ctx, DType t, Fn &&fn) {
  switch (t) {
  case DType::F32: return fn(float{});
  case DType::F64: return fn(double{});
  case DType::F16: return fn(Half{});
  case DType::BF16: return fn(BFloat16{});
  case DType::I8: return fn(int8_t{});
  case DType::I16: return fn(int16_t{});
  case DType::I32: return fn(int32_t{});
  case DType::I64: return fn(int64_t{});
  case DType::U8: return fn(uint8_t{});
  case DType::U16: return fn(uint16_t{});
  case DType::U32: return fn(uint32_t{});
  case DType::U64: return fn(uint64_t{});
  case DType::Bool: return fn(bool{});
  default: return ctx.fail("invalid element type %s", dtypeName(t));
  }
}

inline Status unsupported(const KernelContext &ctx, DType t) {
  return ctx.fail("does not support element type %s", dtypeName(t));
}

/// Integer arithmetic wraps (as numpy's does) instead of overflowing into
/// undefined behaviour: it is done in an unsigned type at least as wide as
/// int (so that uint16 * uint16 does not promote to a signed int).
template <typename T>
using Wide = std::conditional_t<(sizeof(T) < sizeof(unsigned)), unsigned, std::make_unsigned_t<T>>;

template <typename C> C negate(C x) {
  if constexpr (kInt<C>)
    return C(Wide<C>(0) - Wide<C>(x));
  else
    return -x;
}
template <typename C> bool isNegative(C x) {
  if constexpr (std::is_unsigned_v<C>) // also bool
    return false;
  else
    return x < C(0);
}
template <typename C> bool isNan(C x) {
  if constexpr (std::is_floating_point_v<C>)
    return std::isnan(x);
  else
    return false;
}

/// Float to integer truncates toward zero and saturates (NaN gives 0): C++
/// leaves out-of-range conversions undefined.
template <typename D, typename F> D floatToInt(F v) {
  constexpr F lo = F(std::numeric_limits<D>::min());                // 0 or -2^(n-1)
  constexpr F hi = F(std::numeric_limits<D>::max() / 2 + 1) * F(2); // 2^n or 2^(n-1)
  if (std::isnan(v))
    return 0;
  if (v <= lo)
    return std::numeric_limits<D>::min();
  if (v >= hi)
    return std::numeric_limits<D>::max();
  return D(v);
}

/// Narrows to float rounding to odd: a second rounding (to f16/bf16) then
/// gives the correctly rounded result of the double, not a double rounding.
inline float narrowToOdd(double d) {
  float f = float(d);
  if (double(f) != d && std::isfinite(f)) {
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    if (!(bits & 1)) // even and inexact: take the odd neighbour on d's side
      bits += std::fabs(double(f)) < std::fabs(d) ? 1u : uint32_t(-1);
    std::memcpy(&f, &bits, 4);
  }
  return f;
}

/// Converts one value with ONNX Cast semantics: float to int truncates
/// (saturating), int to int wraps, anything to bool is `!= 0`, bool is 0/1.
template <typename D, typename S> D convert(S s) {
  if constexpr (std::is_same_v<D, S>) {
    return s;
  } else {
    auto v = load(s);
    using V = decltype(v);
    if constexpr (kBool<D>)
      return v != V(0);
    else if constexpr (std::is_same_v<D, Half> || std::is_same_v<D, BFloat16>)
      return Traits<D>::store(std::is_same_v<V, float> ? float(v) : narrowToOdd(double(v)));
    else if constexpr (kInt<D> && std::is_floating_point_v<V>)
      return floatToInt<D>(v);
    else
      return D(v);
  }
}

/// y[i] = f(x[i]). Each element is read before it is written, so y may alias
/// x; with wider output elements the walk goes backwards for the same reason.
template <typename X, typename Y, typename F>
void mapUnary(const TensorView &x, TensorView &y, F f) {
  const X *in = x.as<X>();
  Y *out = y.as<Y>();
  const int64_t n = y.numel();
  if (sizeof(Y) > sizeof(X))
    for (int64_t i = n; i-- > 0;)
      out[i] = f(in[i]);
  else
    for (int64_t i = 0; i < n; ++i)
      out[i] = f(in[i]);
}

/// How a binary op's broadcast splits into rows: the trailing dims of y
/// (from `split` on, `inner` elements) along which each operand either
/// follows y (`rowA`/`rowB`: a contiguous row) or is constant (size 1),
/// and views of the leading dims for a BroadcastIndexer over the rows.
struct BroadcastRows {
  int64_t inner = 1;
  bool rowA = true, rowB = true;
  TensorView outerY, outerA, outerB;

  BroadcastRows(const TensorView &a, const TensorView &b, const TensorView &y) {
    // An operand's size along y's dim d (1 where it has fewer dims).
    auto dimOf = [&](const TensorView &t, int d) {
      int td = d - (y.rank - t.rank);
      return td < 0 ? int64_t(1) : t.shape[td];
    };
    // Each operand's trailing dims must all match y or all be 1; the split
    // moves left while that holds (a dim of y of size 1 fits either).
    int split = y.rank;
    bool aFollows = true, aConst = true, bFollows = true, bConst = true;
    while (split > 0) {
      int d = split - 1;
      int64_t n = y.shape[d], da = dimOf(a, d), db = dimOf(b, d);
      bool af = aFollows && da == n, ac = aConst && da == 1;
      bool bf = bFollows && db == n, bc = bConst && db == 1;
      if (!(af || ac) || !(bf || bc))
        break;
      aFollows = af, aConst = ac, bFollows = bf, bConst = bc;
      inner *= n;
      --split;
    }
    rowA = !aConst, rowB = !bConst;
    outerY = y, outerA = a, outerB = b;
    outerY.rank = outerA.rank = outerB.rank = split;
    for (int d = 0; d < split; ++d) {
      outerA.shape[d] = dimOf(a, d);
      outerB.shape[d] = dimOf(b, d);
    }
  }
};

/// y = f(a, b) with a and b broadcast to y; fast paths for equal shapes, for
/// a single-element operand, and for broadcasts by whole rows (a channel
/// scale, a bias along the last axis).
template <typename A, typename B, typename Y, typename F>
void mapBinary(const TensorView &a, const TensorView &b, TensorView &y, F f) {
  const A *pa = a.as<A>();
  const B *pb = b.as<B>();
  Y *py = y.as<Y>();
  const int64_t n = y.numel();
  const bool fullA = sameShape(a, y), fullB = sameShape(b, y);
  if (fullA && fullB) {
    for (int64_t i = 0; i < n; ++i)
      py[i] = f(pa[i], pb[i]);
  } else if (fullA && b.numel() == 1) {
    const B s = pb[0];
    for (int64_t i = 0; i < n; ++i)
      py[i] = f(pa[i], s);
  } else if (fullB && a.numel() == 1) {
    const A s = pa[0];
    for (int64_t i = 0; i < n; ++i)
      py[i] = f(s, pb[i]);
  } else if (BroadcastRows rows(a, b, y); rows.inner >= 8) {
    // Whole rows: per block of trailing dims each operand is one value or a
    // contiguous row, so the inner loop is flat (and vectorizes).
    BroadcastIndexer ia(rows.outerY, rows.outerA), ib(rows.outerY, rows.outerB);
    const int64_t inner = rows.inner, blocks = n / inner;
    const int64_t strideA = rows.rowA ? inner : 1, strideB = rows.rowB ? inner : 1;
    for (int64_t o = 0; o < blocks; ++o, ia.next(), ib.next()) {
      const A *ra = pa + ia.offset() * strideA;
      const B *rb = pb + ib.offset() * strideB;
      Y *ry = py + o * inner;
      if (rows.rowA && rows.rowB) {
        for (int64_t i = 0; i < inner; ++i)
          ry[i] = f(ra[i], rb[i]);
      } else if (rows.rowA) {
        const B vb = rb[0];
        for (int64_t i = 0; i < inner; ++i)
          ry[i] = f(ra[i], vb);
      } else if (rows.rowB) {
        const A va = ra[0];
        for (int64_t i = 0; i < inner; ++i)
          ry[i] = f(va, rb[i]);
      } else {
        const Y v = f(ra[0], rb[0]);
        for (int64_t i = 0; i < inner; ++i)
          ry[i] = v;
      }
    }
  } else {
    BroadcastIndexer ia(y, a), ib(y, b);
    for (int64_t i = 0; i < n; ++i, ia.next(), ib.next())
      py[i] = f(pa[ia.offset()], pb[ib.offset()]);
  }
}

/// y = f(a, b, c) with all three broadcast to y (Where).
template <typename A, typename B, typename C, typename Y, typename F>
void mapTernary(const TensorView &a, const TensorView &b, const TensorView &c, TensorView &y,
                F f) {
  const A *pa = a.as<A>();
  const B *pb = b.as<B>();
  const C *pc = c.as<C>();
  Y *py = y.as<Y>();
  const int64_t n = y.numel();
  if (sameShape(a, y) && sameShape(b, y) && sameShape(c, y)) {
    for (int64_t i = 0; i < n; ++i)
      py[i] = f(pa[i], pb[i], pc[i]);
  } else {
    BroadcastIndexer ia(y, a), ib(y, b), ic(y, c);
    for (int64_t i = 0; i < n; ++i, ia.next(), ib.next(), ic.next())
      py[i] = f(pa[ia.offset()], pb[ib.offset()], pc[ic.offset()]);
  }
}

/// The offset in `in`, broadcast to `out`, of the output element at `index`.
inline int64_t broadcastOffset(const TensorView &in, const TensorView &out,
                               const int64_t *index) {
  int64_t offset = 0, stride = 1;
  for (int d = in.rank - 1, od = out.rank - 1; d >= 0; --d, --od) {
    if (in.shape[d] != 1)
      offset += index[od] * stride;
    stride *= in.shape[d];
  }
  return offset;
}

/// y = finish(combine(...combine(x0, x1)..., xn-1)) over any number of
/// inputs broadcast to y, folded in T's compute type. Each output element
/// reads all its inputs before it is written, so any input may alias y.
template <typename T, typename Combine, typename Finish>
void foldInputs(const TensorView *const *in, int n, TensorView &y, Combine combine,
                Finish finish) {
  bool flat = true;
  for (int k = 0; k < n; ++k)
    flat = flat && sameShape(*in[k], y);
  T *out = y.as<T>();
  int64_t index[kMaxRank] = {};
  for (int64_t i = 0, total = y.numel(); i < total; ++i) {
    auto at = [&](int k) {
      return load(in[k]->as<T>()[flat ? i : broadcastOffset(*in[k], y, index)]);
    };
    Compute<T> acc = at(0);
    for (int k = 1; k < n; ++k)
      acc = combine(acc, at(k));
    out[i] = Traits<T>::store(finish(acc));
    for (int d = y.rank - 1; !flat && d >= 0; --d) { // next row-major index
      if (++index[d] < y.shape[d])
        break;
      index[d] = 0;
    }
  }
}

} // namespace iron::rt::reference::elementwise

#endif
