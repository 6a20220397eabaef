//===- Elementwise.cpp - Reference elementwise kernels ---------------------===//
//
// One templated kernel per shape of operator (unary, binary, comparison,
// variadic, ...) and a small functor per ONNX operator: the functor says
// which element types it takes (`ok<T>`, after ONNX's type constraints) and
// computes one element in the type's compute type (float for f16/bf16).
//
// Each kernel validates operands and types before touching data; `prepare`
// runs it with run=false so that a model fails at load, not at inference.
//
//===----------------------------------------------------------------------===//

#include "kernels/reference/ElementwiseUtil.h"
#include "kernels/reference/Families.h"

namespace iron::rt::reference {
namespace {
using namespace elementwise;

using KernelFn = Status (*)(KernelContext &, bool run);
template <KernelFn K> Status prepareWith(KernelContext &ctx, size_t *scratchBytes) {
  *scratchBytes = 0;
  return K(ctx, false);
}
template <KernelFn K> Status evalWith(KernelContext &ctx) { return K(ctx, true); }
template <KernelFn K> constexpr KernelDef def(const char *kind) {
  return {kind, prepareWith<K>, evalWith<K>};
}

/// Functors with attributes read them in a constructor taking the context.
template <typename Op> Op make(const KernelContext &ctx) {
  if constexpr (std::is_constructible_v<Op, const KernelContext &>)
    return Op(ctx);
  else
    return Op{};
}

Status checkPresent(const KernelContext &ctx, int inputs) {
  for (int i = 0; i < inputs; ++i)
    if (!ctx.input(i))
      return ctx.fail("input %d is missing", i);
  return ctx.output(0) ? Status::Ok : ctx.fail("the output is missing");
}

/// Inputs 0..n-1 present and of the output's shape or broadcastable to it.
Status checkBroadcast(const KernelContext &ctx, int inputs) {
  if (Status s = checkPresent(ctx, inputs); s != Status::Ok)
    return s;
  for (int i = 0; i < inputs; ++i)
    if (!broadcastsTo(*ctx.input(i), *ctx.output(0)))
      return ctx.fail("input %d does not broadcast to the output shape", i);
  return Status::Ok;
}

/// Input 0 present with as many elements as the output.
Status checkUnary(const KernelContext &ctx) {
  if (Status s = checkPresent(ctx, 1); s != Status::Ok)
    return s;
  if (ctx.input(0)->numel() != ctx.output(0)->numel())
    return ctx.fail("input has %lld elements, output %lld", (long long)ctx.input(0)->numel(),
                    (long long)ctx.output(0)->numel());
  return Status::Ok;
}

Status checkSameType(const KernelContext &ctx, DType a, DType b, const char *what) {
  return a == b ? Status::Ok
                : ctx.fail("%s must have one element type, got %s and %s", what, dtypeName(a),
                           dtypeName(b));
}

//===--- Operator shapes --------------------------------------------------===//

/// y = op(x), x and y of one type.
template <typename Op> Status unary(KernelContext &ctx, bool run) {
  if (Status s = checkUnary(ctx); s != Status::Ok)
    return s;
  const TensorView &x = *ctx.input(0);
  TensorView &y = *ctx.output(0);
  if (Status s = checkSameType(ctx, x.dtype, y.dtype, "input and output"); s != Status::Ok)
    return s;
  const Op op = make<Op>(ctx);
  return dispatch(ctx, x.dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (Op::template ok<T>) {
      if (run)
        mapUnary<T, T>(x, y, [&](T v) { return Traits<T>::store(op(load(v))); });
      return Status::Ok;
    } else {
      return unsupported(ctx, x.dtype);
    }
  });
}

/// y = op(x) with a bool result (IsNaN, IsInf).
template <typename Op> Status predicate(KernelContext &ctx, bool run) {
  if (Status s = checkUnary(ctx); s != Status::Ok)
    return s;
  const TensorView &x = *ctx.input(0);
  TensorView &y = *ctx.output(0);
  if (y.dtype != DType::Bool)
    return ctx.fail("output must be bool, got %s", dtypeName(y.dtype));
  const Op op = make<Op>(ctx);
  return dispatch(ctx, x.dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (kFloat<T>) {
      if (run)
        mapUnary<T, bool>(x, y, [&](T v) { return op(load(v)); });
      return Status::Ok;
    } else {
      return unsupported(ctx, x.dtype);
    }
  });
}

/// y = op(a, b), all of one type, a and b broadcast.
template <typename Op> Status binary(KernelContext &ctx, bool run) {
  if (Status s = checkBroadcast(ctx, 2); s != Status::Ok)
    return s;
  const TensorView &a = *ctx.input(0), &b = *ctx.input(1);
  TensorView &y = *ctx.output(0);
  if (Status s = checkSameType(ctx, a.dtype, b.dtype, "inputs"); s != Status::Ok)
    return s;
  if (Status s = checkSameType(ctx, a.dtype, y.dtype, "inputs and output"); s != Status::Ok)
    return s;
  const Op op = make<Op>(ctx);
  return dispatch(ctx, a.dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (Op::template ok<T>) {
      if (run)
        mapBinary<T, T, T>(a, b, y,
                           [&](T p, T q) { return Traits<T>::store(op(load(p), load(q))); });
      return Status::Ok;
    } else {
      return unsupported(ctx, a.dtype);
    }
  });
}

/// bool y = op(a, b), a and b of one type, broadcast.
template <typename Op> Status compare(KernelContext &ctx, bool run) {
  if (Status s = checkBroadcast(ctx, 2); s != Status::Ok)
    return s;
  const TensorView &a = *ctx.input(0), &b = *ctx.input(1);
  TensorView &y = *ctx.output(0);
  if (Status s = checkSameType(ctx, a.dtype, b.dtype, "inputs"); s != Status::Ok)
    return s;
  if (y.dtype != DType::Bool)
    return ctx.fail("output must be bool, got %s", dtypeName(y.dtype));
  return dispatch(ctx, a.dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (Op::template ok<T>) {
      if (run)
        mapBinary<T, T, bool>(a, b, y, [](T p, T q) { return Op{}(load(p), load(q)); });
      return Status::Ok;
    } else {
      return unsupported(ctx, a.dtype);
    }
  });
}

/// y = op.finish(op(...op(x0, x1)..., xn-1)), one or more inputs broadcast.
template <typename Op> Status variadic(KernelContext &ctx, bool run) {
  const int n = ctx.numInputs;
  if (n < 1)
    return ctx.fail("needs at least one input");
  if (Status s = checkBroadcast(ctx, n); s != Status::Ok)
    return s;
  TensorView &y = *ctx.output(0);
  for (int k = 0; k < n; ++k)
    if (Status s = checkSameType(ctx, ctx.input(k)->dtype, y.dtype, "inputs and output");
        s != Status::Ok)
      return s;
  const Op op{};
  return dispatch(ctx, y.dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (Op::template ok<T>) {
      using C = Compute<T>;
      if (run)
        foldInputs<T>(
            ctx.inputs, n, y, [&](C acc, C v) { return op(acc, v); },
            [&](C acc) { return op.finish(acc, n); });
      return Status::Ok;
    } else {
      return unsupported(ctx, y.dtype);
    }
  });
}

//===--- Unary operators --------------------------------------------------===//

struct FloatOp {
  template <typename T> static constexpr bool ok = kFloat<T>;
};
struct SignedOp {
  template <typename T> static constexpr bool ok = kSigned<T>;
};
struct NumericOp {
  template <typename T> static constexpr bool ok = kNumeric<T>;
};

#define IRON_FLOAT_UNARY(Name, expr)                                                        \
  struct Name : FloatOp {                                                                  \
    template <typename C> C operator()(C x) const { return expr; }                         \
  };
IRON_FLOAT_UNARY(Acos, std::acos(x))
IRON_FLOAT_UNARY(Acosh, std::acosh(x))
IRON_FLOAT_UNARY(Asin, std::asin(x))
IRON_FLOAT_UNARY(Asinh, std::asinh(x))
IRON_FLOAT_UNARY(Atan, std::atan(x))
IRON_FLOAT_UNARY(Atanh, std::atanh(x))
IRON_FLOAT_UNARY(Cos, std::cos(x))
IRON_FLOAT_UNARY(Cosh, std::cosh(x))
IRON_FLOAT_UNARY(Sin, std::sin(x))
IRON_FLOAT_UNARY(Sinh, std::sinh(x))
IRON_FLOAT_UNARY(Tan, std::tan(x))
IRON_FLOAT_UNARY(Tanh, std::tanh(x))
IRON_FLOAT_UNARY(Exp, std::exp(x))
IRON_FLOAT_UNARY(Log, std::log(x))
IRON_FLOAT_UNARY(Sqrt, std::sqrt(x))
IRON_FLOAT_UNARY(Erf, std::erf(x))
IRON_FLOAT_UNARY(Ceil, std::ceil(x))
IRON_FLOAT_UNARY(Floor, std::floor(x))
// Half to even in the default rounding mode, which the runtime never changes.
IRON_FLOAT_UNARY(Round, std::nearbyint(x))
IRON_FLOAT_UNARY(Reciprocal, C(1) / x)
IRON_FLOAT_UNARY(Softsign, x / (C(1) + std::fabs(x)))
// Both branches avoid overflowing exp for large |x|.
IRON_FLOAT_UNARY(Sigmoid, x >= C(0) ? C(1) / (C(1) + std::exp(-x))
                                    : std::exp(x) / (C(1) + std::exp(x)))
IRON_FLOAT_UNARY(Softplus, x > C(0) ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)))
#undef IRON_FLOAT_UNARY

/// min(max(x, 0), 1), letting NaN through.
template <typename C> C clamp01(C x) { return x < C(0) ? C(0) : x > C(1) ? C(1) : x; }

struct Abs : NumericOp {
  template <typename C> C operator()(C x) const {
    if constexpr (std::is_floating_point_v<C>)
      return std::fabs(x); // clears the sign of -0 and NaN too
    else
      return isNegative(x) ? negate(x) : x;
  }
};
struct Neg : SignedOp {
  template <typename C> C operator()(C x) const { return negate(x); }
};
struct Sign : NumericOp {
  template <typename C> C operator()(C x) const {
    return x > C(0) ? C(1) : isNegative(x) ? C(-1) : x; // 0 and NaN stay
  }
};
struct Not {
  template <typename T> static constexpr bool ok = kBool<T>;
  bool operator()(bool x) const { return !x; }
};
struct Relu : SignedOp {
  template <typename C> C operator()(C x) const { return x < C(0) ? C(0) : x; }
};
struct LeakyRelu : FloatOp {
  float alpha;
  explicit LeakyRelu(const KernelContext &ctx) : alpha(ctx.attrs.getFloat("alpha", 0.01f)) {}
  template <typename C> C operator()(C x) const { return x < C(0) ? C(alpha) * x : x; }
};
struct ThresholdedRelu : FloatOp {
  float alpha;
  explicit ThresholdedRelu(const KernelContext &ctx)
      : alpha(ctx.attrs.getFloat("alpha", 1.0f)) {}
  template <typename C> C operator()(C x) const { return x > C(alpha) ? x : C(0); }
};
struct Elu : FloatOp {
  float alpha;
  explicit Elu(const KernelContext &ctx) : alpha(ctx.attrs.getFloat("alpha", 1.0f)) {}
  template <typename C> C operator()(C x) const {
    return x < C(0) ? C(alpha) * std::expm1(x) : x;
  }
};
struct Celu : FloatOp {
  float alpha;
  explicit Celu(const KernelContext &ctx) : alpha(ctx.attrs.getFloat("alpha", 1.0f)) {}
  template <typename C> C operator()(C x) const {
    return x < C(0) ? C(alpha) * std::expm1(x / C(alpha)) : x;
  }
};
struct Selu : FloatOp {
  float alpha, gamma;
  explicit Selu(const KernelContext &ctx)
      : alpha(ctx.attrs.getFloat("alpha", 1.67326319217681884765625f)),
        gamma(ctx.attrs.getFloat("gamma", 1.05070102214813232421875f)) {}
  template <typename C> C operator()(C x) const {
    return C(gamma) * (x > C(0) ? x : C(alpha) * std::expm1(x));
  }
};
struct HardSigmoid : FloatOp {
  float alpha, beta;
  explicit HardSigmoid(const KernelContext &ctx)
      : alpha(ctx.attrs.getFloat("alpha", 0.2f)), beta(ctx.attrs.getFloat("beta", 0.5f)) {}
  template <typename C> C operator()(C x) const { return clamp01(C(alpha) * x + C(beta)); }
};
struct HardSwish : FloatOp { // x * HardSigmoid(x) with alpha 1/6, beta 0.5
  template <typename C> C operator()(C x) const {
    return x * clamp01(C(1.0 / 6.0) * x + C(0.5));
  }
};
struct Shrink : FloatOp {
  float lambd, bias;
  explicit Shrink(const KernelContext &ctx)
      : lambd(ctx.attrs.getFloat("lambd", 0.5f)), bias(ctx.attrs.getFloat("bias", 0.0f)) {}
  template <typename C> C operator()(C x) const {
    return x < C(-lambd) ? x + C(bias) : x > C(lambd) ? x - C(bias) : C(0);
  }
};

struct IsNaN {
  template <typename C> bool operator()(C x) const { return std::isnan(x); }
};
struct IsInf {
  bool positive, negative;
  explicit IsInf(const KernelContext &ctx)
      : positive(ctx.attrs.getInt("detect_positive", 1) != 0),
        negative(ctx.attrs.getInt("detect_negative", 1) != 0) {}
  template <typename C> bool operator()(C x) const {
    return std::isinf(x) && (x > C(0) ? positive : negative);
  }
};

/// An absent bound: infinite for floats, the type's limit for integers.
template <typename C> C lowest() {
  if constexpr (std::is_floating_point_v<C>)
    return -std::numeric_limits<C>::infinity();
  else
    return std::numeric_limits<C>::lowest();
}
template <typename C> C highest() {
  if constexpr (std::is_floating_point_v<C>)
    return std::numeric_limits<C>::infinity();
  else
    return std::numeric_limits<C>::max();
}

/// Clip: min and max are optional single-element inputs of x's type.
Status clip(KernelContext &ctx, bool run) {
  if (Status s = checkUnary(ctx); s != Status::Ok)
    return s;
  const TensorView &x = *ctx.input(0), *lo = ctx.input(1), *hi = ctx.input(2);
  TensorView &y = *ctx.output(0);
  if (Status s = checkSameType(ctx, x.dtype, y.dtype, "input and output"); s != Status::Ok)
    return s;
  for (int i = 1; i <= 2; ++i) {
    const TensorView *bound = ctx.input(i);
    if (!bound)
      continue;
    if (bound->numel() != 1)
      return ctx.fail("min and max must have one element, got %lld",
                      (long long)bound->numel());
    if (Status s = checkSameType(ctx, x.dtype, bound->dtype, "input and bounds"); s != Status::Ok)
      return s;
  }
  return dispatch(ctx, x.dtype, [&](auto tag) {
    using T = decltype(tag);
    using C = Compute<T>;
    if constexpr (kNumeric<T>) {
      if (!run)
        return Status::Ok;
      const C l = lo ? load(lo->as<T>()[0]) : lowest<C>();
      const C h = hi ? load(hi->as<T>()[0]) : highest<C>();
      // max first, then min: min > max gives max everywhere, as ONNX says.
      mapUnary<T, T>(x, y, [&](T v) {
        C c = load(v);
        c = c < l ? l : c;
        return Traits<T>::store(c > h ? h : c);
      });
      return Status::Ok;
    } else {
      return unsupported(ctx, x.dtype);
    }
  });
}

/// Cast and CastLike: the output's type is the target (CastLike's input 1
/// only supplies it to the compiler).
Status cast(KernelContext &ctx, bool run) {
  if (Status s = checkUnary(ctx); s != Status::Ok)
    return s;
  const TensorView &x = *ctx.input(0);
  TensorView &y = *ctx.output(0);
  return dispatch(ctx, x.dtype, [&](auto from) {
    using S = decltype(from);
    return dispatch(ctx, y.dtype, [&](auto to) {
      using D = decltype(to);
      if (run)
        mapUnary<S, D>(x, y, [](S v) { return convert<D>(v); });
      return Status::Ok;
    });
  });
}

//===--- Binary and variadic operators ------------------------------------===//

struct Add : NumericOp {
  template <typename C> C operator()(C a, C b) const {
    if constexpr (kInt<C>)
      return C(Wide<C>(a) + Wide<C>(b));
    else
      return a + b;
  }
};
struct Sub : NumericOp {
  template <typename C> C operator()(C a, C b) const {
    if constexpr (kInt<C>)
      return C(Wide<C>(a) - Wide<C>(b));
    else
      return a - b;
  }
};
struct Mul : NumericOp {
  template <typename C> C operator()(C a, C b) const {
    if constexpr (kInt<C>)
      return C(Wide<C>(a) * Wide<C>(b));
    else
      return a * b;
  }
};
/// Integer division truncates; x/0 gives 0 (numpy's answer; C++ would trap)
/// and MIN/-1 wraps.
struct Div : NumericOp {
  template <typename C> C operator()(C a, C b) const {
    if constexpr (kInt<C>) {
      if (b == 0)
        return 0;
      if constexpr (std::is_signed_v<C>)
        if (b == C(-1))
          return negate(a);
      return C(a / b);
    } else {
      return a / b;
    }
  }
};
/// fmod=0: the result takes the divisor's sign (Python's %); fmod=1: the
/// dividend's (C's fmod). Floats require fmod=1 (checked by mod()).
struct Mod : NumericOp {
  bool fmod;
  explicit Mod(const KernelContext &ctx) : fmod(ctx.attrs.getInt("fmod", 0) != 0) {}
  template <typename C> C operator()(C a, C b) const {
    if constexpr (kInt<C>) {
      if (b == 0 || (std::is_signed_v<C> && b == C(-1))) // x%0 is 0 as in numpy; avoids MIN%-1
        return 0;
      C r = C(a % b);
      if (!fmod && r != 0 && isNegative(r) != isNegative(b))
        r = C(r + b);
      return r;
    } else {
      return std::fmod(a, b);
    }
  }
};
Status mod(KernelContext &ctx, bool run) {
  const TensorView *a = ctx.input(0);
  if (a && isFloat(a->dtype) && ctx.attrs.getInt("fmod", 0) == 0)
    return ctx.fail("floating-point Mod requires fmod=1, as ONNX specifies");
  return binary<Mod>(ctx, run);
}

struct BitShift {
  template <typename T> static constexpr bool ok = kUnsigned<T>;
  bool left;
  explicit BitShift(const KernelContext &ctx) {
    size_t n = 0;
    const char *d = ctx.attrs.getString("direction", "", &n);
    left = n == 4 && std::memcmp(d, "LEFT", 4) == 0;
  }
  template <typename C> C operator()(C x, C s) const {
    if (uint64_t(s) >= sizeof(C) * 8) // every bit shifted out; C++ leaves this undefined
      return 0;
    return left ? C(Wide<C>(x) << s) : C(x >> s);
  }
};
Status bitShift(KernelContext &ctx, bool run) {
  size_t n = 0;
  const char *d = ctx.attrs.getString("direction", "", &n);
  if (!(n == 4 && std::memcmp(d, "LEFT", 4) == 0) && !(n == 5 && std::memcmp(d, "RIGHT", 5) == 0))
    return ctx.fail("direction must be LEFT or RIGHT, got '%.*s'", int(n), d);
  return binary<BitShift>(ctx, run);
}

struct And {
  template <typename T> static constexpr bool ok = kBool<T>;
  bool operator()(bool a, bool b) const { return a && b; }
};
struct Or : And {
  bool operator()(bool a, bool b) const { return a || b; }
};
struct Xor : And {
  bool operator()(bool a, bool b) const { return a != b; }
};

/// PRelu: the slope broadcasts to x (unidirectionally: the compiler gives
/// the output x's shape).
struct PRelu : NumericOp {
  template <typename C> C operator()(C x, C slope) const {
    return isNegative(x) ? Mul{}(x, slope) : x;
  }
};

struct Equal {
  template <typename T> static constexpr bool ok = kNumeric<T> || kBool<T>;
  template <typename C> bool operator()(C a, C b) const { return a == b; }
};
struct Greater : NumericOp {
  template <typename C> bool operator()(C a, C b) const { return a > b; }
};
struct GreaterOrEqual : NumericOp {
  template <typename C> bool operator()(C a, C b) const { return a >= b; }
};
struct Less : NumericOp {
  template <typename C> bool operator()(C a, C b) const { return a < b; }
};
struct LessOrEqual : NumericOp {
  template <typename C> bool operator()(C a, C b) const { return a <= b; }
};

struct Fold {
  template <typename C> C finish(C acc, int) const { return acc; }
};
struct Max : Fold, NumericOp { // NaN propagates, as numpy's maximum
  template <typename C> C operator()(C a, C b) const { return isNan(b) || b > a ? b : a; }
};
struct Min : Fold, NumericOp {
  template <typename C> C operator()(C a, C b) const { return isNan(b) || b < a ? b : a; }
};
struct Sum : Fold, FloatOp {
  template <typename C> C operator()(C a, C b) const { return a + b; }
};
struct Mean : Sum {
  template <typename C> C finish(C acc, int n) const { return acc / C(n); }
};

/// Where(cond, x, y): three-way broadcast; any element type.
Status where(KernelContext &ctx, bool run) {
  if (Status s = checkBroadcast(ctx, 3); s != Status::Ok)
    return s;
  const TensorView &c = *ctx.input(0), &a = *ctx.input(1), &b = *ctx.input(2);
  TensorView &y = *ctx.output(0);
  if (c.dtype != DType::Bool)
    return ctx.fail("condition must be bool, got %s", dtypeName(c.dtype));
  if (Status s = checkSameType(ctx, a.dtype, b.dtype, "X and Y"); s != Status::Ok)
    return s;
  if (Status s = checkSameType(ctx, a.dtype, y.dtype, "inputs and output"); s != Status::Ok)
    return s;
  return dispatch(ctx, y.dtype, [&](auto tag) {
    using T = decltype(tag);
    if (run)
      mapTernary<bool, T, T, T>(c, a, b, y, [](bool k, T p, T q) { return k ? p : q; });
    return Status::Ok;
  });
}

/// Integer power by squaring, wrapping; a negative exponent truncates the
/// real result (0 unless |x| is 1).
template <typename C, typename E> C intPow(C x, E e) {
  if (isNegative(e)) {
    if (x == C(1))
      return 1;
    if (std::is_signed_v<C> && x == C(-1))
      return (e & 1) ? C(-1) : C(1);
    return 0;
  }
  Wide<C> r = 1, b = Wide<C>(x);
  for (; e > 0; e = E(e >> 1), b *= b)
    if (e & 1)
      r *= b;
  return C(r);
}
/// Pow with the exponent of any numeric type: integers stay exact; otherwise
/// float math, or double where either side is double or the base an integer.
template <typename C, typename E> C power(C x, E e) {
  if constexpr (kInt<C> && kInt<E>)
    return intPow(x, e);
  else if constexpr (kInt<C>)
    return floatToInt<C>(std::pow(double(x), double(e)));
  else if constexpr (std::is_same_v<C, double> || std::is_same_v<E, double>)
    return C(std::pow(double(x), double(e)));
  else
    return std::pow(x, C(e));
}
Status powOp(KernelContext &ctx, bool run) {
  if (Status s = checkBroadcast(ctx, 2); s != Status::Ok)
    return s;
  const TensorView &a = *ctx.input(0), &b = *ctx.input(1);
  TensorView &y = *ctx.output(0);
  if (Status s = checkSameType(ctx, a.dtype, y.dtype, "base and output"); s != Status::Ok)
    return s;
  return dispatch(ctx, a.dtype, [&](auto base) {
    using T = decltype(base);
    // ONNX's T: int32, int64 and the floats; the exponent any numeric type.
    if constexpr (kFloat<T> || std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t>) {
      return dispatch(ctx, b.dtype, [&](auto exponent) {
        using E = decltype(exponent);
        if constexpr (kNumeric<E>) {
          if (run)
            mapBinary<T, E, T>(a, b, y, [](T p, E q) {
              return Traits<T>::store(power(load(p), load(q)));
            });
          return Status::Ok;
        } else {
          return unsupported(ctx, b.dtype);
        }
      });
    } else {
      return unsupported(ctx, a.dtype);
    }
  });
}

//===--- Quantization -----------------------------------------------------===//

/// The layout of per-tensor or per-axis parameters over x: element i uses
/// channel (i / inner) % channels.
struct Channels {
  int64_t outer = 1, channels = 1, inner = 1;
};
Status quantLayout(const KernelContext &ctx, Channels *layout) {
  if (Status s = checkUnary(ctx); s != Status::Ok)
    return s;
  if (Status s = checkPresent(ctx, 2); s != Status::Ok)
    return s;
  const TensorView &x = *ctx.input(0), &scale = *ctx.input(1), *zp = ctx.input(2);
  if (scale.dtype != DType::F32)
    return ctx.fail("scale must be f32, got %s", dtypeName(scale.dtype));
  if (zp && !sameShape(*zp, scale))
    return ctx.fail("zero point and scale must have one shape");
  const int64_t n = scale.numel();
  if (n == 1 && scale.rank <= 1) { // per tensor
    layout->inner = x.numel();
    return Status::Ok;
  }
  int64_t axis = ctx.attrs.getInt("axis", 1);
  if (scale.rank != 1 || !normalizeAxis(axis, x.rank) || x.shape[axis] != n)
    return ctx.fail("per-axis scale of %lld elements does not match axis %lld of the input",
                    (long long)n, (long long)ctx.attrs.getInt("axis", 1));
  layout->channels = n;
  for (int d = 0; d < axis; ++d)
    layout->outer *= x.shape[d];
  for (int d = int(axis) + 1; d < x.rank; ++d)
    layout->inner *= x.shape[d];
  return Status::Ok;
}

/// Calls f(i, channel) for every element i in order.
template <typename F> void forEachChannel(const Channels &l, F f) {
  int64_t i = 0;
  for (int64_t o = 0; o < l.outer; ++o)
    for (int64_t c = 0; c < l.channels; ++c)
      for (int64_t k = 0; k < l.inner; ++k)
        f(i++, c);
}

/// y = saturate(round_half_even(x / scale) + zero_point); an absent zero
/// point is 0 (the output, then uint8 by default, is typed by the compiler).
Status quantizeLinear(KernelContext &ctx, bool run) {
  Channels layout;
  if (Status s = quantLayout(ctx, &layout); s != Status::Ok)
    return s;
  const TensorView &x = *ctx.input(0), &scale = *ctx.input(1), *zp = ctx.input(2);
  TensorView &y = *ctx.output(0);
  if (zp)
    if (Status s = checkSameType(ctx, zp->dtype, y.dtype, "zero point and output");
        s != Status::Ok)
      return s;
  return dispatch(ctx, x.dtype, [&](auto in) {
    using X = decltype(in);
    if constexpr (kFloat<X> || std::is_same_v<X, int32_t>) {
      return dispatch(ctx, y.dtype, [&](auto outTag) {
        using Q = decltype(outTag);
        if constexpr (std::is_same_v<Q, uint8_t> || std::is_same_v<Q, int8_t>) {
          if (!run)
            return Status::Ok;
          const X *px = x.as<X>();
          const float *ps = scale.as<float>();
          const Q *pz = zp ? zp->as<Q>() : nullptr;
          Q *py = y.as<Q>();
          forEachChannel(layout, [&](int64_t i, int64_t c) {
            float q = std::nearbyint(float(load(px[i])) / ps[c]);
            q = q != q ? 0.0f : q; // NaN: the zero point
            q += pz ? float(pz[c]) : 0.0f;
            q = std::fmax(q, float(std::numeric_limits<Q>::min()));
            py[i] = Q(std::fmin(q, float(std::numeric_limits<Q>::max())));
          });
          return Status::Ok;
        } else {
          return ctx.fail("output must be u8 or i8, got %s", dtypeName(y.dtype));
        }
      });
    } else {
      return unsupported(ctx, x.dtype);
    }
  });
}

/// y = (x - zero_point) * scale.
Status dequantizeLinear(KernelContext &ctx, bool run) {
  Channels layout;
  if (Status s = quantLayout(ctx, &layout); s != Status::Ok)
    return s;
  const TensorView &x = *ctx.input(0), &scale = *ctx.input(1), *zp = ctx.input(2);
  TensorView &y = *ctx.output(0);
  if (zp)
    if (Status s = checkSameType(ctx, x.dtype, zp->dtype, "input and zero point");
        s != Status::Ok)
      return s;
  if (y.dtype != DType::F32)
    return ctx.fail("output must be f32, got %s", dtypeName(y.dtype));
  return dispatch(ctx, x.dtype, [&](auto tag) {
    using Q = decltype(tag);
    if constexpr (std::is_same_v<Q, uint8_t> || std::is_same_v<Q, int8_t> ||
                  std::is_same_v<Q, int32_t>) {
      if (!run)
        return Status::Ok;
      const Q *px = x.as<Q>(), *pz = zp ? zp->as<Q>() : nullptr;
      const float *ps = scale.as<float>();
      float *py = y.as<float>();
      forEachChannel(layout, [&](int64_t i, int64_t c) {
        py[i] = float(int64_t(px[i]) - (pz ? int64_t(pz[c]) : 0)) * ps[c];
      });
      return Status::Ok;
    } else {
      return unsupported(ctx, x.dtype);
    }
  });
}

} // namespace

const KernelDef kElementwiseKernels[] = {
    def<unary<Abs>>("Abs"),
    def<unary<Acos>>("Acos"),
    def<unary<Acosh>>("Acosh"),
    def<binary<Add>>("Add"),
    def<binary<And>>("And"),
    def<unary<Asin>>("Asin"),
    def<unary<Asinh>>("Asinh"),
    def<unary<Atan>>("Atan"),
    def<unary<Atanh>>("Atanh"),
    def<bitShift>("BitShift"),
    def<cast>("Cast"),
    def<cast>("CastLike"),
    def<unary<Ceil>>("Ceil"),
    def<unary<Celu>>("Celu"),
    def<clip>("Clip"),
    def<unary<Cos>>("Cos"),
    def<unary<Cosh>>("Cosh"),
    def<dequantizeLinear>("DequantizeLinear"),
    def<binary<Div>>("Div"),
    def<unary<Elu>>("Elu"),
    def<compare<Equal>>("Equal"),
    def<unary<Erf>>("Erf"),
    def<unary<Exp>>("Exp"),
    def<unary<Floor>>("Floor"),
    def<compare<Greater>>("Greater"),
    def<compare<GreaterOrEqual>>("GreaterOrEqual"),
    def<unary<HardSigmoid>>("HardSigmoid"),
    def<unary<HardSwish>>("HardSwish"),
    def<predicate<IsInf>>("IsInf"),
    def<predicate<IsNaN>>("IsNaN"),
    def<unary<LeakyRelu>>("LeakyRelu"),
    def<compare<Less>>("Less"),
    def<compare<LessOrEqual>>("LessOrEqual"),
    def<unary<Log>>("Log"),
    def<variadic<Max>>("Max"),
    def<variadic<Mean>>("Mean"),
    def<variadic<Min>>("Min"),
    def<mod>("Mod"),
    def<binary<Mul>>("Mul"),
    def<unary<Neg>>("Neg"),
    def<unary<Not>>("Not"),
    def<binary<Or>>("Or"),
    def<binary<PRelu>>("PRelu"),
    def<powOp>("Pow"),
    def<quantizeLinear>("QuantizeLinear"),
    def<unary<Reciprocal>>("Reciprocal"),
    def<unary<Relu>>("Relu"),
    def<unary<Round>>("Round"),
    def<unary<Selu>>("Selu"),
    def<unary<Shrink>>("Shrink"),
    def<unary<Sigmoid>>("Sigmoid"),
    def<unary<Sign>>("Sign"),
    def<unary<Sin>>("Sin"),
    def<unary<Sinh>>("Sinh"),
    def<unary<Softplus>>("Softplus"),
    def<unary<Softsign>>("Softsign"),
    def<unary<Sqrt>>("Sqrt"),
    def<binary<Sub>>("Sub"),
    def<variadic<Sum>>("Sum"),
    def<unary<Tan>>("Tan"),
    def<unary<Tanh>>("Tanh"),
    def<unary<ThresholdedRelu>>("ThresholdedRelu"),
    def<where>("Where"),
    def<binary<Xor>>("Xor"),
};
const int kNumElementwiseKernels =
    sizeof(kElementwiseKernels) / sizeof(kElementwiseKernels[0]);

} // namespace iron::rt::reference
