//===- Reduce.cpp - Reference reductions and their relatives --------------===//
//
// Reduce*, ArgMax/ArgMin, the softmax family, CumSum, TopK, Einsum, Det, the
// two classification losses, and the signal ops (windows, mel weights, DFT,
// STFT). All follow ONNX opset 17 and its numpy reference implementations.
//
//===----------------------------------------------------------------------===//

#include "kernels/KernelUtil.h"
#include "kernels/reference/Families.h"
#include "kernels/reference/ReduceUtil.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

namespace iron::rt::reference {
namespace {

constexpr double kPi = 3.14159265358979323846;

template <typename T> bool isNan(T x) { return x != x; }
template <typename T> constexpr bool kIsFloat = std::is_floating_point_v<T>;
/// Where exp/log happen: the type itself for floats, double for integers.
template <typename T> using Real = std::conditional_t<kIsFloat<T>, T, double>;
/// Sum/product accumulators: integers wrap like numpy's, so they accumulate
/// in uint64 where wrapping is defined, and are narrowed at the end.
template <typename T> using Acc = std::conditional_t<kIsFloat<T>, T, uint64_t>;

template <typename T> Real<T> realOf(Acc<T> a) {
  if constexpr (kIsFloat<T> || std::is_unsigned_v<T>)
    return Real<T>(a);
  else
    return Real<T>(int64_t(a));
}
/// Converts back to T; integers truncate and saturate, NaN becomes 0.
template <typename T> T fromReal(Real<T> v) {
  if constexpr (kIsFloat<T>) {
    return v;
  } else {
    if (isNan(v))
      return 0;
    if (v <= double(std::numeric_limits<T>::lowest()))
      return std::numeric_limits<T>::lowest();
    if (v >= double(std::numeric_limits<T>::max()))
      return std::numeric_limits<T>::max();
    return T(v);
  }
}
template <typename T> T lowest() {
  return kIsFloat<T> ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::lowest();
}
template <typename T> T highest() {
  return kIsFloat<T> ? std::numeric_limits<T>::infinity() : std::numeric_limits<T>::max();
}

bool strIs(const char *s, size_t n, const char *lit) {
  return n == std::strlen(lit) && std::strncmp(s, lit, n) == 0;
}

/// Checks that y is x reduced over `mask` (keepdims: those dims become 1).
Status checkReducedShape(KernelContext &ctx, const TensorView &x, uint32_t mask,
                         bool keepdims, const TensorView &y) {
  int64_t shape[kMaxRank];
  int r = 0;
  for (int d = 0; d < x.rank; ++d)
    if (!((mask >> d) & 1))
      shape[r++] = x.shape[d];
    else if (keepdims)
      shape[r++] = 1;
  bool ok = y.rank == r;
  for (int d = 0; ok && d < r; ++d)
    ok = y.shape[d] == shape[d];
  if (!ok)
    return ctx.fail("output rank %d does not match the reduced input (expected rank %d)",
                    y.rank, r);
  return Status::Ok;
}

/// Checks a single `axis` against x's rank and normalizes it.
Status axisFor(KernelContext &ctx, int64_t &axis, const TensorView &x) {
  if (!normalizeAxis(axis, x.rank))
    return ctx.fail("axis %lld out of range for rank %d", (long long)axis, x.rank);
  return Status::Ok;
}

//===----------------------------------------------------------------------===//
// Reduce*: one driver, the op chosen at compile time.
//===----------------------------------------------------------------------===//

enum class Red { Sum, Mean, Max, Min, Prod, SumSquare, LogSum, LogSumExp, L1, L2 };

/// Plans the reduction: axes from the `axes` input (ReduceSum-13, all of
/// them from opset 18) or attribute; none means all, or nothing with
/// noop_with_empty_axes.
Status planReduction(KernelContext &ctx, ReducePlan &p) {
  const TensorView *x = ctx.input(0), *axesIn = ctx.input(1);
  const TensorView *y = ctx.output(0);
  if (!x || !y)
    return ctx.fail("needs data and an output");
  if (y->dtype != x->dtype)
    return ctx.fail("output type %s differs from input type %s", dtypeName(y->dtype),
                    dtypeName(x->dtype));
  const int64_t *axes = nullptr;
  int n = 0;
  if (axesIn) {
    if (axesIn->dtype != DType::I64 || axesIn->rank > 1)
      return ctx.fail("axes must be a 1-D int64 tensor");
    axes = axesIn->as<int64_t>();
    n = int(axesIn->numel());
  } else {
    n = ctx.attrs.getInts("axes", &axes);
  }
  uint32_t mask = 0;
  if (n == 0 && !ctx.attrs.getInt("noop_with_empty_axes", 0))
    mask = (1u << x->rank) - 1;
  for (int i = 0; i < n; ++i) {
    int64_t a = axes[i];
    if (Status s = axisFor(ctx, a, *x); s != Status::Ok)
      return s;
    if ((mask >> a) & 1)
      return ctx.fail("axis %lld repeated", (long long)axes[i]);
    mask |= 1u << a;
  }
  if (Status s = checkReducedShape(ctx, *x, mask, ctx.attrs.getInt("keepdims", 1), *y);
      s != Status::Ok)
    return s;
  planReduce(*x, mask, p);
  return Status::Ok;
}

Status reducePrepare(KernelContext &ctx, size_t *) {
  const TensorView *axes = ctx.input(1);
  if (axes && !axes->data)
    return Status::Ok; // computed axes: checked at eval
  ReducePlan p;
  return planReduction(ctx, p);
}

/// Reduces the elements of one output (first element at x).
template <Red K, typename T> T reduceOne(const ReducePlan &p, const T *x) {
  if constexpr (K == Red::Max || K == Red::Min) {
    // NaN propagates, as with np.maximum.reduce.
    T acc = K == Red::Max ? lowest<T>() : highest<T>();
    forEachReduced(p, x, [&](T v) {
      if (!isNan(acc) && (isNan(v) || (K == Red::Max ? v > acc : v < acc)))
        acc = v;
    });
    return acc;
  } else if constexpr (K == Red::LogSumExp) {
    Real<T> mx = -std::numeric_limits<Real<T>>::infinity(), sum = 0;
    forEachReduced(p, x, [&](T v) { mx = std::max(mx, Real<T>(v)); });
    // Shift by the max so exp cannot overflow; all -inf (or +inf) needs no
    // shift and would turn into NaN with one.
    if (!std::isfinite(mx))
      mx = 0;
    forEachReduced(p, x, [&](T v) { sum += std::exp(Real<T>(v) - mx); });
    return fromReal<T>(mx + std::log(sum));
  } else {
    Acc<T> acc = K == Red::Prod ? 1 : 0;
    forEachReduced(p, x, [&](T v) {
      if constexpr (K == Red::Prod)
        acc *= Acc<T>(v);
      else if constexpr (K == Red::SumSquare || K == Red::L2)
        acc += Acc<T>(v) * Acc<T>(v);
      else if constexpr (K == Red::L1)
        acc += v < T(0) ? Acc<T>(T(0) - v) : Acc<T>(v);
      else
        acc += Acc<T>(v);
    });
    if constexpr (K == Red::LogSum)
      return fromReal<T>(std::log(realOf<T>(acc)));
    if constexpr (K == Red::L2) // integer L2 truncates, as numpy's astype
      return fromReal<T>(std::sqrt(realOf<T>(acc)));
    if constexpr (K == Red::Mean) {
      if constexpr (kIsFloat<T>)
        return acc / T(p.redCount);
      else if (p.redCount == 0)
        return 0;
      else if constexpr (std::is_signed_v<T>)
        return T(int64_t(acc) / p.redCount);
      else
        return T(acc / uint64_t(p.redCount));
    }
    return T(acc);
  }
}

template <Red K> Status reduceEval(KernelContext &ctx) {
  ReducePlan p;
  if (Status s = planReduction(ctx, p); s != Status::Ok)
    return s;
  const TensorView *x = ctx.input(0), *y = ctx.output(0);
  return dispatchArith(ctx, x->dtype, [&](auto tag) {
    using T = decltype(tag);
    const T *in = x->as<T>();
    T *out = y->as<T>();
    Odometer o{p.nKept, p.keptSize, p.keptStride};
    for (int64_t i = 0; i < p.outCount; ++i, o.next())
      out[i] = reduceOne<K>(p, in + o.offset);
    return Status::Ok;
  });
}

//===----------------------------------------------------------------------===//
// ArgMax / ArgMin
//===----------------------------------------------------------------------===//

Status argSetup(KernelContext &ctx, int64_t &axis) {
  const TensorView *x = ctx.input(0), *y = ctx.output(0);
  axis = ctx.attrs.getInt("axis", 0);
  if (Status s = axisFor(ctx, axis, *x); s != Status::Ok)
    return s;
  if (y->dtype != DType::I64)
    return ctx.fail("output must be int64, got %s", dtypeName(y->dtype));
  if (x->shape[axis] == 0)
    return ctx.fail("cannot select from an empty axis");
  return checkReducedShape(ctx, *x, 1u << axis, ctx.attrs.getInt("keepdims", 1), *y);
}

Status argPrepare(KernelContext &ctx, size_t *) {
  int64_t axis = 0;
  return argSetup(ctx, axis);
}

/// numpy's argmax/argmin: NaN counts as the extreme, ties go to the first
/// index (the last with select_last_index).
template <bool Max> Status argEval(KernelContext &ctx) {
  int64_t axis = 0;
  if (Status s = argSetup(ctx, axis); s != Status::Ok)
    return s;
  const TensorView *x = ctx.input(0);
  bool last = ctx.attrs.getInt("select_last_index", 0);
  AxisSplit s = splitAt(*x, int(axis));
  int64_t *out = ctx.output(0)->as<int64_t>();
  return dispatchArith(ctx, x->dtype, [&](auto tag) {
    using T = decltype(tag);
    for (int64_t o = 0; o < s.outer; ++o)
      for (int64_t i = 0; i < s.inner; ++i) {
        const T *p = x->as<T>() + o * s.n * s.inner + i;
        int64_t best = 0;
        for (int64_t j = 1; j < s.n; ++j) {
          T v = p[j * s.inner], b = p[best * s.inner];
          bool take = isNan(b) ? last && isNan(v)
                               : isNan(v) || (Max ? v > b : v < b) || (last && v == b);
          if (take)
            best = j;
        }
        out[o * s.inner + i] = best;
      }
    return Status::Ok;
  });
}

//===----------------------------------------------------------------------===//
// Softmax, LogSoftmax, Hardmax (opset 13: one axis, default -1)
//===----------------------------------------------------------------------===//

enum class Sm { Softmax, LogSoftmax, Hardmax };

Status smSetup(KernelContext &ctx, int64_t &axis) {
  const TensorView *x = ctx.input(0), *y = ctx.output(0);
  axis = ctx.attrs.getInt("axis", -1);
  if (Status s = axisFor(ctx, axis, *x); s != Status::Ok)
    return s;
  if (y->dtype != x->dtype || !sameShape(*x, *y))
    return ctx.fail("output must have the input's type and shape");
  return Status::Ok;
}

Status smPrepare(KernelContext &ctx, size_t *) {
  int64_t axis = 0;
  return smSetup(ctx, axis);
}

template <Sm K> Status smEval(KernelContext &ctx) {
  int64_t axis = 0;
  if (Status st = smSetup(ctx, axis); st != Status::Ok)
    return st;
  const TensorView *x = ctx.input(0);
  AxisSplit s = splitAt(*x, int(axis));
  return dispatchFloat(ctx, x->dtype, [&](auto tag) {
    using T = decltype(tag);
    int64_t n = s.n, inner = s.inner;
    for (int64_t o = 0; o < s.outer; ++o)
      for (int64_t i = 0; i < inner; ++i) {
        const T *p = x->as<T>() + o * n * inner + i;
        T *q = ctx.output(0)->as<T>() + o * n * inner + i;
        if constexpr (K == Sm::Hardmax) {
          // One-hot at np.argmax: the first maximum, or the first NaN.
          int64_t best = 0;
          for (int64_t j = 1; j < n; ++j)
            if (!isNan(p[best * inner]) && (isNan(p[j * inner]) || p[j * inner] > p[best * inner]))
              best = j;
          for (int64_t j = 0; j < n; ++j)
            q[j * inner] = j == best ? T(1) : T(0);
        } else {
          // Subtracting the max keeps exp in range.
          T mx = p[0], sum = 0;
          for (int64_t j = 1; j < n; ++j)
            mx = std::fmax(mx, p[j * inner]);
          for (int64_t j = 0; j < n; ++j) {
            T e = std::exp(p[j * inner] - mx);
            sum += e;
            if constexpr (K == Sm::Softmax)
              q[j * inner] = e;
          }
          T logSum = std::log(sum);
          for (int64_t j = 0; j < n; ++j)
            if constexpr (K == Sm::Softmax)
              q[j * inner] /= sum;
            else
              q[j * inner] = p[j * inner] - mx - logSum;
        }
      }
    return Status::Ok;
  });
}

//===----------------------------------------------------------------------===//
// CumSum (axis as an input tensor; exclusive, reverse)
//===----------------------------------------------------------------------===//

Status cumsumSetup(KernelContext &ctx, int64_t &axis) {
  const TensorView *x = ctx.input(0), *y = ctx.output(0), *a = ctx.input(1);
  if (!a || a->numel() != 1 || (a->dtype != DType::I32 && a->dtype != DType::I64))
    return ctx.fail("axis must be an int32/int64 scalar");
  if (y->dtype != x->dtype || !sameShape(*x, *y))
    return ctx.fail("output must have the input's type and shape");
  axis = 0;
  if (!readInt(a, 0, axis))
    return Status::Ok; // computed axis: checked at eval
  return axisFor(ctx, axis, *x);
}

Status cumsumPrepare(KernelContext &ctx, size_t *) {
  int64_t axis = 0;
  return cumsumSetup(ctx, axis);
}

Status cumsumEval(KernelContext &ctx) {
  int64_t axis = 0;
  if (Status st = cumsumSetup(ctx, axis); st != Status::Ok)
    return st;
  const TensorView *x = ctx.input(0);
  bool exclusive = ctx.attrs.getInt("exclusive", 0), reverse = ctx.attrs.getInt("reverse", 0);
  AxisSplit s = splitAt(*x, int(axis));
  return dispatchArith(ctx, x->dtype, [&](auto tag) {
    using T = decltype(tag);
    for (int64_t o = 0; o < s.outer; ++o)
      for (int64_t i = 0; i < s.inner; ++i) {
        const T *p = x->as<T>() + o * s.n * s.inner + i;
        T *q = ctx.output(0)->as<T>() + o * s.n * s.inner + i;
        Acc<T> acc = 0;
        for (int64_t k = 0; k < s.n; ++k) {
          int64_t j = (reverse ? s.n - 1 - k : k) * s.inner;
          T v = p[j]; // read first: q may alias p
          if (exclusive)
            q[j] = T(acc);
          acc += Acc<T>(v);
          if (!exclusive)
            q[j] = T(acc);
        }
      }
    return Status::Ok;
  });
}

//===----------------------------------------------------------------------===//
// TopK (K as an input tensor; both outputs; ties to the lower index)
//===----------------------------------------------------------------------===//

Status topkSetup(KernelContext &ctx, int64_t &axis, int64_t &k) {
  const TensorView *x = ctx.input(0), *values = ctx.output(0), *indices = ctx.output(1);
  axis = ctx.attrs.getInt("axis", -1);
  if (Status s = axisFor(ctx, axis, *x); s != Status::Ok)
    return s;
  const TensorView *shaped = values ? values : indices;
  if (!shaped || shaped->rank != x->rank)
    return ctx.fail("outputs must have the input's rank");
  k = shaped->shape[axis];
  for (int d = 0; d < x->rank; ++d)
    if ((values && values->shape[d] != shaped->shape[d]) ||
        (indices && indices->shape[d] != shaped->shape[d]) ||
        (d != axis && shaped->shape[d] != x->shape[d]))
      return ctx.fail("output shapes do not match the input's");
  if (values && values->dtype != x->dtype)
    return ctx.fail("Values must have the input's type");
  if (indices && indices->dtype != DType::I64)
    return ctx.fail("Indices must be int64");
  int64_t kIn;
  if (readInt(ctx.input(1), 0, kIn) && kIn != k)
    return ctx.fail("K = %lld but the outputs hold %lld", (long long)kIn, (long long)k);
  if (k > x->shape[axis])
    return ctx.fail("K = %lld exceeds the axis size %lld", (long long)k,
                    (long long)x->shape[axis]);
  return Status::Ok;
}

Status topkPrepare(KernelContext &ctx, size_t *scratch) {
  int64_t axis = 0, k = 0;
  if (Status s = topkSetup(ctx, axis, k); s != Status::Ok)
    return s;
  *scratch = size_t(ctx.input(0)->shape[axis]) * sizeof(int64_t); // one index per candidate
  return Status::Ok;
}

Status topkEval(KernelContext &ctx) {
  int64_t axis = 0, k = 0;
  if (Status st = topkSetup(ctx, axis, k); st != Status::Ok)
    return st;
  const TensorView *x = ctx.input(0), *values = ctx.output(0), *indices = ctx.output(1);
  bool largest = ctx.attrs.getInt("largest", 1);
  AxisSplit s = splitAt(*x, int(axis));
  int64_t *idx = static_cast<int64_t *>(ctx.scratch);
  if (ctx.scratchBytes < size_t(s.n) * sizeof(int64_t))
    return ctx.fail("scratch too small");
  return dispatchArith(ctx, x->dtype, [&](auto tag) {
    using T = decltype(tag);
    for (int64_t o = 0; o < s.outer; ++o)
      for (int64_t i = 0; i < s.inner; ++i) {
        const T *p = x->as<T>() + o * s.n * s.inner + i;
        // NaN sorts above everything (as np.sort puts it last); equal values
        // keep index order, which makes the order total and the result
        // deterministic whatever the (unstable) partial sort does.
        auto above = [](T a, T b) { return isNan(a) ? !isNan(b) : a > b; };
        auto before = [&](int64_t a, int64_t b) {
          T va = p[a * s.inner], vb = p[b * s.inner];
          if (va == vb || (isNan(va) && isNan(vb)))
            return a < b;
          return largest ? above(va, vb) : above(vb, va);
        };
        for (int64_t j = 0; j < s.n; ++j)
          idx[j] = j;
        std::partial_sort(idx, idx + k, idx + s.n, before);
        int64_t base = o * k * s.inner + i;
        for (int64_t j = 0; j < k; ++j) {
          if (values)
            values->as<T>()[base + j * s.inner] = p[idx[j] * s.inner];
          if (indices)
            indices->as<int64_t>()[base + j * s.inner] = idx[j];
        }
      }
    return Status::Ok;
  });
}

//===----------------------------------------------------------------------===//
// Einsum: any equation, as one loop over all labels (output labels outer,
// contracted inner) with a stride per operand and label.
//===----------------------------------------------------------------------===//

constexpr int kLetters = 52;                       // A-Z, a-z
constexpr int kMaxLabels = kLetters + kMaxRank;    // plus the ellipsis dims
constexpr int kEllipsis = -2;                      // a term's "..." marker

int labelOf(char c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return 26 + (c - 'a');
  return -1;
}

/// Reads one term ("ij", "...ii", "b...") up to ',', "->" or the end,
/// skipping spaces; labels get kEllipsis where "..." stands (room for
/// kMaxRank + 1 entries: "..." may stand for no dim).
bool scanTerm(const char *&p, const char *end, int *labels, int &count) {
  count = 0;
  bool ellipsis = false;
  for (; p < end; ++p) {
    if (*p == ' ')
      continue;
    if (*p == ',' || *p == '-')
      break;
    if (*p == '.') {
      if (ellipsis || end - p < 3 || p[1] != '.' || p[2] != '.' || count > kMaxRank)
        return false;
      ellipsis = true;
      labels[count++] = kEllipsis;
      p += 2;
      continue;
    }
    if (labelOf(*p) < 0 || count > kMaxRank)
      return false;
    labels[count++] = labelOf(*p);
  }
  return true;
}

char labelChar(int l) { return char(l < 26 ? 'A' + l : 'a' + (l - 26)); }

/// Calls f(k, d, label) for every dim d of every input k; "..." dims get
/// the last of the ellipsis labels (they broadcast from the right).
template <typename F>
void forEachInputDim(const KernelContext &ctx, const char *eq, const char *end,
                     int ellipsisRank, F &&f) {
  const char *p = eq;
  int labels[kMaxRank + 1], count;
  for (int k = 0; k < ctx.numInputs; ++k) {
    scanTerm(p, end, labels, count);
    ++p; // the ',' (after the last term: the '-', not read again)
    int e = ctx.input(k)->rank - count + 1, d = 0;
    for (int t = 0; t < count; ++t) {
      if (labels[t] != kEllipsis)
        f(k, d++, labels[t]);
      else
        for (int j = 0; j < e; ++j)
          f(k, d++, kLetters + ellipsisRank - e + j);
    }
  }
}

/// The parsed equation: label sizes in loop order (output labels first).
struct EinsumPlan {
  int numLabels = 0;
  int64_t size[kMaxLabels];
};

/// Scratch of an einsum with n inputs: the stride table (label x operand,
/// the output last), one offset per operand, one counter per label, one
/// pointer per input.
size_t einsumScratch(int n) {
  return (size_t(kMaxLabels) * (n + 1) + (n + 1) + kMaxLabels + n) * sizeof(int64_t);
}

/// Parses the equation against the operands' shapes; fills the stride table
/// stride[label * (n + 1) + operand] when `strides` is given.
Status planEinsum(KernelContext &ctx, EinsumPlan &plan, int64_t *strides) {
  size_t len;
  const char *eq = ctx.attrs.getString("equation", "", &len), *end = eq + len, *p = eq;
  int n = ctx.numInputs;
  const TensorView *y = ctx.output(0);
  if (n < 1 || !y)
    return ctx.fail("needs inputs and an output");
  // Syntax, ranks, and how many dims "..." stands for at most.
  int labels[kMaxRank + 1], count, ellipsisRank = 0;
  for (int k = 0; k < n; ++k) {
    const TensorView *x = ctx.input(k);
    if (!x || x->dtype != y->dtype)
      return ctx.fail("input %d is absent or not of the output's type", k);
    if (!scanTerm(p, end, labels, count) || (k < n - 1 && (p == end || *p++ != ',')))
      return ctx.fail("malformed equation '%.*s' at term %d", int(len), eq, k);
    bool ellipsis = std::count(labels, labels + count, kEllipsis) > 0;
    int e = x->rank - (count - ellipsis);
    if (ellipsis ? e < 0 : e != 0)
      return ctx.fail("term %d of '%.*s' does not match input rank %d", k, int(len), eq,
                      x->rank);
    ellipsisRank = std::max(ellipsisRank, ellipsis ? e : 0);
  }
  const char *arrow = p;
  bool explicitOut = arrow < end;
  if (explicitOut && (end - arrow < 2 || arrow[0] != '-' || arrow[1] != '>'))
    return ctx.fail("malformed equation '%.*s'", int(len), eq);
  // Label sizes: across inputs 1 broadcasts; within one input a repeated
  // label (a diagonal) needs equal dims.
  int64_t size[kMaxLabels], termDim[kMaxLabels];
  int occurs[kMaxLabels] = {}, seenIn[kMaxLabels];
  std::fill(size, size + kMaxLabels, int64_t(-1));
  std::fill(seenIn, seenIn + kMaxLabels, -1);
  int bad = -1;
  forEachInputDim(ctx, eq, end, ellipsisRank, [&](int k, int d, int l) {
    int64_t dim = ctx.input(k)->shape[d];
    if ((seenIn[l] == k && termDim[l] != dim) ||
        (size[l] > 1 && dim != 1 && size[l] != dim))
      bad = l;
    if (size[l] < 0 || size[l] == 1)
      size[l] = dim;
    seenIn[l] = k;
    termDim[l] = dim;
    ++occurs[l];
  });
  if (bad >= 0)
    return ctx.fail("dims of %s%c disagree", bad < kLetters ? "label " : "...",
                    bad < kLetters ? labelChar(bad) : ' ');
  // The output labels: as written, or implicitly the ellipsis dims and then
  // the letters used once, in ASCII order (numpy's rule).
  int out[kMaxLabels], outRank = 0;
  if (explicitOut) {
    p = arrow + 2;
    if (!scanTerm(p, end, labels, count) || p != end)
      return ctx.fail("malformed output of '%.*s'", int(len), eq);
    for (int t = 0; t < count; ++t) {
      if (labels[t] == kEllipsis) {
        for (int l = kLetters; l < kLetters + ellipsisRank; ++l)
          out[outRank++] = l;
      } else if (size[labels[t]] < 0 || std::count(out, out + outRank, labels[t])) {
        return ctx.fail("output label '%c' is not an input label or repeated",
                        labelChar(labels[t]));
      } else {
        out[outRank++] = labels[t];
      }
    }
  } else {
    for (int l = kLetters; l < kLetters + ellipsisRank; ++l)
      out[outRank++] = l;
    for (int l = 0; l < kLetters; ++l)
      if (occurs[l] == 1)
        out[outRank++] = l;
  }
  if (outRank != y->rank)
    return ctx.fail("equation gives rank %d, output has rank %d", outRank, y->rank);
  for (int d = 0; d < outRank; ++d)
    if (y->shape[d] != size[out[d]])
      return ctx.fail("output dim %d is %lld, equation gives %lld", d, (long long)y->shape[d],
                      (long long)size[out[d]]);
  // Loop order: output labels, then the contracted ones (summed innermost).
  int pos[kMaxLabels], numLabels = 0;
  for (int d = 0; d < outRank; ++d)
    plan.size[pos[out[d]] = numLabels++] = size[out[d]];
  for (int l = 0; l < kMaxLabels; ++l)
    if (size[l] >= 0 && !std::count(out, out + outRank, l))
      plan.size[pos[l] = numLabels++] = size[l];
  plan.numLabels = numLabels;
  if (!strides)
    return Status::Ok;
  // A label's dims in one operand add up (diagonals); size-1 dims stay put
  // (broadcast).
  int ops = n + 1;
  std::fill(strides, strides + size_t(numLabels) * ops, int64_t(0));
  int64_t inStrides[kMaxRank];
  forEachInputDim(ctx, eq, end, ellipsisRank, [&](int k, int d, int l) {
    if (d == 0)
      stridesOf(*ctx.input(k), inStrides);
    if (ctx.input(k)->shape[d] != 1)
      strides[size_t(pos[l]) * ops + k] += inStrides[d];
  });
  int64_t outStrides[kMaxRank];
  stridesOf(*y, outStrides);
  for (int d = 0; d < outRank; ++d)
    strides[size_t(d) * ops + n] = outStrides[d];
  return Status::Ok;
}

Status einsumPrepare(KernelContext &ctx, size_t *scratch) {
  EinsumPlan plan;
  if (Status s = planEinsum(ctx, plan, nullptr); s != Status::Ok)
    return s;
  *scratch = einsumScratch(ctx.numInputs);
  return Status::Ok;
}

Status einsumEval(KernelContext &ctx) {
  int n = ctx.numInputs, ops = n + 1;
  if (ctx.scratchBytes < einsumScratch(n))
    return ctx.fail("scratch too small");
  int64_t *strides = static_cast<int64_t *>(ctx.scratch);
  int64_t *off = strides + size_t(kMaxLabels) * ops, *counter = off + ops;
  EinsumPlan plan;
  if (Status s = planEinsum(ctx, plan, strides); s != Status::Ok)
    return s;
  TensorView *y = ctx.output(0);
  return dispatchArith(ctx, y->dtype, [&](auto tag) {
    using T = decltype(tag);
    auto **in = reinterpret_cast<const T **>(counter + kMaxLabels);
    for (int k = 0; k < n; ++k)
      in[k] = ctx.input(k)->as<T>();
    T *out = y->as<T>();
    std::fill(out, out + y->numel(), T(0));
    int L = plan.numLabels;
    for (int l = 0; l < L; ++l)
      if (plan.size[l] == 0)
        return Status::Ok; // nothing to sum: zeros
    if (L == 0) { // all scalars
      T prod = 1;
      for (int k = 0; k < n; ++k)
        prod *= in[k][0];
      out[0] = prod;
      return Status::Ok;
    }
    std::fill(off, off + ops, int64_t(0));
    std::fill(counter, counter + L, int64_t(0));
    const int64_t *si = strides + size_t(L - 1) * ops, ni = plan.size[L - 1];
    for (;;) {
      for (int64_t j = 0; j < ni; ++j) { // the innermost label as a plain loop
        T prod = 1;
        for (int k = 0; k < n; ++k)
          prod *= in[k][off[k] + j * si[k]];
        out[off[n] + j * si[n]] += prod;
      }
      int l = L - 2;
      for (; l >= 0; --l) {
        const int64_t *s = strides + size_t(l) * ops;
        for (int k = 0; k < ops; ++k)
          off[k] += s[k];
        if (++counter[l] < plan.size[l])
          break;
        for (int k = 0; k < ops; ++k)
          off[k] -= s[k] * plan.size[l];
        counter[l] = 0;
      }
      if (l < 0)
        return Status::Ok;
    }
  });
}

//===----------------------------------------------------------------------===//
// Det: batched, LU with partial pivoting in double
//===----------------------------------------------------------------------===//

Status detSetup(KernelContext &ctx, int64_t &m, int64_t &batch) {
  const TensorView *x = ctx.input(0), *y = ctx.output(0);
  if (x->rank < 2 || x->dim(-1) != x->dim(-2))
    return ctx.fail("needs [..., M, M] input");
  m = x->dim(-1);
  batch = 1;
  for (int d = 0; d < x->rank - 2; ++d)
    batch *= x->shape[d];
  if (y->dtype != x->dtype || y->numel() != batch || y->rank != x->rank - 2)
    return ctx.fail("output must be [...] of the input's type");
  return Status::Ok;
}

Status detPrepare(KernelContext &ctx, size_t *scratch) {
  int64_t m = 0, batch = 0;
  if (Status s = detSetup(ctx, m, batch); s != Status::Ok)
    return s;
  *scratch = size_t(m * m) * sizeof(double);
  return Status::Ok;
}

Status detEval(KernelContext &ctx) {
  int64_t m = 0, batch = 0;
  if (Status s = detSetup(ctx, m, batch); s != Status::Ok)
    return s;
  if (ctx.scratchBytes < size_t(m * m) * sizeof(double))
    return ctx.fail("scratch too small");
  double *a = static_cast<double *>(ctx.scratch);
  return dispatchFloat(ctx, ctx.input(0)->dtype, [&](auto tag) {
    using T = decltype(tag);
    for (int64_t b = 0; b < batch; ++b) {
      const T *x = ctx.input(0)->as<T>() + b * m * m;
      for (int64_t i = 0; i < m * m; ++i)
        a[i] = x[i];
      double det = 1;
      for (int64_t c = 0; c < m && det != 0; ++c) {
        int64_t piv = c;
        for (int64_t r = c + 1; r < m; ++r)
          if (std::fabs(a[r * m + c]) > std::fabs(a[piv * m + c]))
            piv = r;
        if (a[piv * m + c] == 0) { // a zero column below the diagonal
          det = 0;
          break;
        }
        if (piv != c) {
          std::swap_ranges(a + c * m, a + c * m + m, a + piv * m);
          det = -det;
        }
        det *= a[c * m + c];
        for (int64_t r = c + 1; r < m; ++r) {
          double f = a[r * m + c] / a[c * m + c];
          for (int64_t j = c + 1; j < m; ++j)
            a[r * m + j] -= f * a[c * m + j];
        }
      }
      ctx.output(0)->as<T>()[b] = T(det);
    }
    return Status::Ok;
  });
}

//===----------------------------------------------------------------------===//
// NegativeLogLikelihoodLoss, SoftmaxCrossEntropyLoss
//===----------------------------------------------------------------------===//

enum class Reduction { None, Sum, Mean };

/// Input [N, C, d1..dk], target [N, d1..dk], weight [C]; D = d1*..*dk.
Status lossSetup(KernelContext &ctx, Reduction &red, int64_t &n, int64_t &c, int64_t &d) {
  const TensorView *x = ctx.input(0), *t = ctx.input(1), *w = ctx.input(2);
  const TensorView *y = ctx.output(0), *logProb = ctx.output(1);
  size_t len;
  const char *r = ctx.attrs.getString("reduction", "mean", &len);
  if (strIs(r, len, "none"))
    red = Reduction::None;
  else if (strIs(r, len, "sum"))
    red = Reduction::Sum;
  else if (strIs(r, len, "mean"))
    red = Reduction::Mean;
  else
    return ctx.fail("unknown reduction '%.*s'", int(len), r);
  if (x->rank < 2 || !t || t->rank != x->rank - 1 || t->shape[0] != x->shape[0])
    return ctx.fail("needs input [N, C, ...] and target [N, ...]");
  for (int i = 1; i < t->rank; ++i)
    if (t->shape[i] != x->shape[i + 1])
      return ctx.fail("target dim %d is %lld, input has %lld", i, (long long)t->shape[i],
                      (long long)x->shape[i + 1]);
  if (t->dtype != DType::I32 && t->dtype != DType::I64)
    return ctx.fail("target must be int32 or int64");
  n = x->shape[0];
  c = x->shape[1];
  d = 1;
  for (int i = 2; i < x->rank; ++i)
    d *= x->shape[i];
  if (w && (w->rank != 1 || w->shape[0] != c || w->dtype != x->dtype))
    return ctx.fail("weight must be [C] of the input's type");
  if (y->dtype != x->dtype || y->numel() != (red == Reduction::None ? n * d : 1))
    return ctx.fail("loss output has the wrong type or size");
  if (logProb && (logProb->dtype != x->dtype || !sameShape(*logProb, *x)))
    return ctx.fail("log_prob must have the input's type and shape");
  return Status::Ok;
}

Status lossPrepare(KernelContext &ctx, size_t *) {
  Reduction red = Reduction::None;
  int64_t n = 0, c = 0, d = 0;
  return lossSetup(ctx, red, n, c, d);
}

/// Both losses: loss = -w[t] * logp[t] per position (0 where ignored), with
/// logp the input itself (NLL) or its log-softmax over C (SCE). "mean"
/// divides by the sum of the weights used, as ONNX's reference does.
template <bool Softmax> Status lossEval(KernelContext &ctx) {
  Reduction red = Reduction::None;
  int64_t n = 0, c = 0, d = 0;
  if (Status s = lossSetup(ctx, red, n, c, d); s != Status::Ok)
    return s;
  bool hasIgnore = ctx.attrs.has("ignore_index");
  int64_t ignore = ctx.attrs.getInt("ignore_index", 0);
  const TensorView *target = ctx.input(1), *weight = ctx.input(2);
  TensorView *logProb = Softmax ? ctx.output(1) : nullptr;
  return dispatchFloat(ctx, ctx.input(0)->dtype, [&](auto tag) {
    using T = decltype(tag);
    T *out = ctx.output(0)->as<T>(), lossSum = 0, weightSum = 0;
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < d; ++j) {
        const T *col = ctx.input(0)->as<T>() + i * c * d + j; // the C scores, stride d
        T shift = 0; // log-softmax = x - shift
        if constexpr (Softmax) {
          T mx = col[0], sum = 0;
          for (int64_t k = 1; k < c; ++k)
            mx = std::fmax(mx, col[k * d]);
          for (int64_t k = 0; k < c; ++k)
            sum += std::exp(col[k * d] - mx);
          shift = mx + std::log(sum);
          if (logProb)
            for (int64_t k = 0; k < c; ++k)
              logProb->as<T>()[i * c * d + k * d + j] = col[k * d] - shift;
        }
        int64_t label = 0;
        readInt(target, i * d + j, label);
        T loss = 0, w = 0;
        if (!hasIgnore || label != ignore) {
          if (label < 0 || label >= c)
            return ctx.fail("target %lld out of range [0, %lld)", (long long)label, (long long)c);
          w = weight ? weight->as<T>()[label] : T(1);
          loss = -w * (col[label * d] - shift);
        }
        if (red == Reduction::None)
          out[i * d + j] = loss;
        lossSum += loss;
        weightSum += w;
      }
    if (red != Reduction::None)
      out[0] = red == Reduction::Sum ? lossSum : lossSum / weightSum;
    return Status::Ok;
  });
}

//===----------------------------------------------------------------------===//
// Windows and mel weights: generators whose size is an input
//===----------------------------------------------------------------------===//

/// The generalized cosine window a0 - a1 cos(2 pi n / N) + a2 cos(4 pi n / N).
struct Cosines {
  double a0, a1, a2;
};
constexpr Cosines kHann{0.5, 0.5, 0}, kHamming{25.0 / 46, 21.0 / 46, 0},
    kBlackman{0.42, 0.5, 0.08};

Status windowSetup(KernelContext &ctx, int64_t &size) {
  const TensorView *y = ctx.output(0), *s = ctx.input(0);
  if (!s || s->numel() != 1 || (s->dtype != DType::I32 && s->dtype != DType::I64))
    return ctx.fail("size must be an int32/int64 scalar");
  if (y->rank != 1 || !canStoreReal(y->dtype))
    return ctx.fail("output must be 1-D numeric, got rank %d %s", y->rank, dtypeName(y->dtype));
  size = y->shape[0];
  if (readInt(s, 0, size) && size != y->shape[0])
    return ctx.fail("size %lld but the output holds %lld", (long long)size,
                    (long long)y->shape[0]);
  return Status::Ok;
}

Status windowPrepare(KernelContext &ctx, size_t *) {
  int64_t size = 0;
  return windowSetup(ctx, size);
}

template <const Cosines &W> Status windowEval(KernelContext &ctx) {
  int64_t size = 0;
  if (Status s = windowSetup(ctx, size); s != Status::Ok)
    return s;
  // Periodic windows are one sample of a window of size + 1.
  int64_t period = ctx.attrs.getInt("periodic", 1) ? size : size - 1;
  for (int64_t i = 0; i < size; ++i) {
    double phase = period > 0 ? 2 * kPi * double(i) / double(period) : 0;
    storeReal(*ctx.output(0), i, W.a0 - W.a1 * std::cos(phase) + W.a2 * std::cos(2 * phase));
  }
  return Status::Ok;
}

Status melSetup(KernelContext &ctx, int64_t &bins, int64_t &mels) {
  const TensorView *y = ctx.output(0);
  if (y->rank != 2 || !canStoreReal(y->dtype))
    return ctx.fail("output must be 2-D numeric");
  bins = y->shape[0];
  mels = y->shape[1];
  int64_t v;
  if (readInt(ctx.input(0), 0, v) && v != mels)
    return ctx.fail("num_mel_bins %lld but the output has %lld", (long long)v, (long long)mels);
  if (readInt(ctx.input(1), 0, v) && v / 2 + 1 != bins)
    return ctx.fail("dft_length %lld but the output has %lld bins", (long long)v,
                    (long long)bins);
  return Status::Ok;
}

Status melPrepare(KernelContext &ctx, size_t *) {
  int64_t bins = 0, mels = 0;
  return melSetup(ctx, bins, mels);
}

/// MelWeightMatrix as ONNX's reference computes it: num_mel_bins + 2 points
/// evenly spaced in mel (the step divides by their count), mapped to FFT bins
/// by floor((dft_length + 1) * hz / sample_rate), then triangles between them.
Status melEval(KernelContext &ctx) {
  int64_t bins = 0, mels = 0, dftLength, rate;
  if (Status s = melSetup(ctx, bins, mels); s != Status::Ok)
    return s;
  double lowHz, highHz;
  if (!readInt(ctx.input(1), 0, dftLength) || !readInt(ctx.input(2), 0, rate) ||
      !readReal(ctx.input(3), lowHz) || !readReal(ctx.input(4), highHz) || rate <= 0)
    return ctx.fail("needs integer dft_length, positive sample_rate and f32/f64 edges");
  auto toMel = [](double hz) { return 2595 * std::log10(1 + hz / 700); };
  double lowMel = toMel(lowHz), step = (toMel(highHz) - lowMel) / double(mels + 2);
  auto binOf = [&](int64_t i) {
    double hz = 700 * (std::pow(10.0, (double(i) * step + lowMel) / 2595) - 1);
    return int64_t(std::floor(double(dftLength + 1) * hz / double(rate)));
  };
  const TensorView &y = *ctx.output(0);
  for (int64_t i = 0; i < bins * mels; ++i)
    storeReal(y, i, 0);
  auto set = [&](int64_t bin, int64_t mel, double v) {
    if (bin >= 0 && bin < bins)
      storeReal(y, bin * mels + mel, v);
  };
  for (int64_t m = 0; m < mels; ++m) {
    int64_t lo = binOf(m), center = binOf(m + 1), hi = binOf(m + 2);
    if (center == lo)
      set(center, m, 1);
    for (int64_t j = lo; center > lo && j <= center; ++j)
      set(j, m, double(j - lo) / double(center - lo));
    for (int64_t j = center; j < hi; ++j)
      set(j, m, double(hi - j) / double(hi - center));
  }
  return Status::Ok;
}

//===----------------------------------------------------------------------===//
// DFT and STFT: direct O(n^2) transforms, twiddles and sums in double
//===----------------------------------------------------------------------===//

/// One transform of length `len` over `nIn` samples at stride xs (complex
/// when comps == 2; zero-padded or truncated to len), optionally windowed,
/// writing bins [0, nOut) as (re, im) pairs at stride ys.
template <typename T>
void dftLine(const T *x, int64_t xs, int comps, int64_t nIn, const T *window, int64_t len,
             bool inverse, T *y, int64_t ys, int64_t nOut) {
  int64_t n = std::min(nIn, len);
  double sign = inverse ? 1 : -1, scale = inverse ? 1.0 / double(len) : 1.0;
  for (int64_t k = 0; k < nOut; ++k) {
    double re = 0, im = 0;
    for (int64_t t = 0; t < n; ++t) {
      // (k * t) mod len keeps the angle small and exact.
      double angle = 2 * kPi * double((k * t) % len) / double(len);
      double c = std::cos(angle), s = sign * std::sin(angle);
      double w = window ? double(window[t]) : 1.0;
      double xr = w * double(x[t * xs]), xi = comps == 2 ? w * double(x[t * xs + 1]) : 0;
      re += xr * c - xi * s;
      im += xr * s + xi * c;
    }
    y[k * ys] = T(re * scale);
    y[k * ys + 1] = T(im * scale);
  }
}

/// DFT (opset 17): input [batch, n1, ..., nk, 1|2], `axis` attribute,
/// optional dft_length input.
Status dftSetup(KernelContext &ctx, int64_t &axis, int64_t &len) {
  const TensorView *x = ctx.input(0), *y = ctx.output(0);
  int64_t comps = x->rank ? x->dim(-1) : 0;
  if (x->rank < 2 || (comps != 1 && comps != 2))
    return ctx.fail("input must be [batch, ..., 1 or 2]");
  axis = ctx.attrs.getInt("axis", 1);
  if (!normalizeAxis(axis, x->rank) || axis == x->rank - 1)
    return ctx.fail("axis %lld out of range for rank %d", (long long)axis, x->rank);
  len = x->shape[axis];
  // A computed dft_length is known at eval only; until then the axis dim
  // goes unchecked.
  bool known = !ctx.input(1) || readInt(ctx.input(1), 0, len);
  if (len < 1)
    return ctx.fail("dft_length %lld must be positive", (long long)len);
  int64_t outLen = ctx.attrs.getInt("onesided", 0) ? len / 2 + 1 : len;
  bool ok = y->dtype == x->dtype && y->rank == x->rank && y->dim(-1) == 2;
  for (int d = 0; ok && d < x->rank - 1; ++d)
    ok = d == axis ? !known || y->shape[d] == outLen : y->shape[d] == x->shape[d];
  if (!ok)
    return ctx.fail("output must be the input's shape with %lld bins on axis %lld and 2 "
                    "components", (long long)outLen, (long long)axis);
  return Status::Ok;
}

Status dftPrepare(KernelContext &ctx, size_t *) {
  int64_t axis = 0, len = 0;
  return dftSetup(ctx, axis, len);
}

Status dftEval(KernelContext &ctx) {
  int64_t axis = 0, len = 0;
  if (Status s = dftSetup(ctx, axis, len); s != Status::Ok)
    return s;
  const TensorView *x = ctx.input(0), *y = ctx.output(0);
  int comps = int(x->dim(-1));
  bool inverse = ctx.attrs.getInt("inverse", 0);
  AxisSplit s = splitAt(*x, int(axis));
  int64_t inner = s.inner / comps, nOut = y->shape[axis]; // lines per slab
  return dispatchFloat(ctx, x->dtype, [&](auto tag) {
    using T = decltype(tag);
    for (int64_t o = 0; o < s.outer; ++o)
      for (int64_t i = 0; i < inner; ++i)
        dftLine(x->as<T>() + (o * s.n * inner + i) * comps, inner * comps, comps, s.n,
                static_cast<const T *>(nullptr), len, inverse,
                y->as<T>() + (o * nOut * inner + i) * 2, inner * 2, nOut);
    return Status::Ok;
  });
}

/// STFT: signal [batch, length, 1|2], frame_step, optional window [len] and
/// frame_length; output [batch, frames, bins, 2].
Status stftSetup(KernelContext &ctx, int64_t &step, int64_t &len) {
  const TensorView *x = ctx.input(0), *window = ctx.input(2), *y = ctx.output(0);
  if (x->rank != 3 || (x->shape[2] != 1 && x->shape[2] != 2))
    return ctx.fail("signal must be [batch, length, 1 or 2]");
  if (window && (window->rank != 1 || window->dtype != x->dtype))
    return ctx.fail("window must be 1-D of the signal's type");
  if (!window && !ctx.input(3))
    return ctx.fail("needs a window or a frame_length");
  len = window ? window->shape[0] : -1;
  int64_t given;
  if (readInt(ctx.input(3), 0, given)) {
    if (window && given != len)
      return ctx.fail("frame_length %lld differs from the window's %lld", (long long)given,
                      (long long)len);
    len = given;
  }
  step = 0;
  if (!readInt(ctx.input(1), 0, step) || len < 0)
    return Status::Ok; // computed operands: checked at eval
  if (step < 1 || len < 1 || len > x->shape[1])
    return ctx.fail("frame_step %lld and frame_length %lld do not fit signal length %lld",
                    (long long)step, (long long)len, (long long)x->shape[1]);
  int64_t frames = (x->shape[1] - len) / step + 1;
  int64_t bins = ctx.attrs.getInt("onesided", 1) ? len / 2 + 1 : len;
  if (y->dtype != x->dtype || y->rank != 4 || y->shape[0] != x->shape[0] ||
      y->shape[1] != frames || y->shape[2] != bins || y->shape[3] != 2)
    return ctx.fail("output must be [%lld, %lld, %lld, 2]", (long long)x->shape[0],
                    (long long)frames, (long long)bins);
  return Status::Ok;
}

Status stftPrepare(KernelContext &ctx, size_t *) {
  int64_t step = 0, len = 0;
  return stftSetup(ctx, step, len);
}

Status stftEval(KernelContext &ctx) {
  int64_t step = 0, len = 0;
  if (Status s = stftSetup(ctx, step, len); s != Status::Ok)
    return s;
  if (step < 1 || len < 1)
    return ctx.fail("needs frame_step and frame_length (or a window)");
  const TensorView *x = ctx.input(0), *y = ctx.output(0);
  int comps = int(x->shape[2]);
  int64_t frames = y->shape[1], bins = y->shape[2];
  return dispatchFloat(ctx, x->dtype, [&](auto tag) {
    using T = decltype(tag);
    const T *window = ctx.input(2) ? ctx.input(2)->as<T>() : nullptr;
    for (int64_t b = 0; b < x->shape[0]; ++b)
      for (int64_t f = 0; f < frames; ++f)
        dftLine(x->as<T>() + (b * x->shape[1] + f * step) * comps, comps, comps, len, window, len,
                false, y->as<T>() + (b * frames + f) * bins * 2, 2, bins);
    return Status::Ok;
  });
}

/// DynamicQuantizeLinear: uint8 quantization with a range computed from the
/// data, which must include 0: scale = (max(0, max x) - min(0, min x)) / 255,
/// zero point = saturate(round(-min / scale)), y = saturate(round(x / scale)
/// + zero point), rounding half to even.
Status dynamicQuantizeLinear(KernelContext &ctx) {
  const TensorView *x = ctx.input(0);
  TensorView *y = ctx.output(0), *scale = ctx.output(1), *zeroPoint = ctx.output(2);
  if (!x || x->dtype != DType::F32)
    return ctx.fail("supports f32 input");
  if (!y || y->dtype != DType::U8 || !scale || scale->dtype != DType::F32 || !zeroPoint ||
      zeroPoint->dtype != DType::U8 || y->numel() != x->numel())
    return ctx.fail("needs outputs y (u8, shaped as x), y_scale (f32), y_zero_point (u8)");
  const float *in = x->as<float>();
  int64_t n = x->numel();
  float lo = 0.0f, hi = 0.0f;
  for (int64_t i = 0; i < n; ++i) {
    lo = std::fmin(lo, in[i]);
    hi = std::fmax(hi, in[i]);
  }
  float s = (hi - lo) / 255.0f;
  auto saturate = [](float v) { return uint8_t(std::fmin(255.0f, std::fmax(0.0f, v))); };
  uint8_t zp = s == 0.0f ? 0 : saturate(std::nearbyint(-lo / s));
  *scale->as<float>() = s;
  *zeroPoint->as<uint8_t>() = zp;
  uint8_t *out = y->as<uint8_t>();
  for (int64_t i = 0; i < n; ++i)
    out[i] = s == 0.0f ? zp : saturate(std::nearbyint(in[i] / s) + float(zp));
  return Status::Ok;
}

} // namespace

const KernelDef kReduceKernels[] = {
    {"ReduceSum", reducePrepare, reduceEval<Red::Sum>},
    {"ReduceMean", reducePrepare, reduceEval<Red::Mean>},
    {"ReduceMax", reducePrepare, reduceEval<Red::Max>},
    {"ReduceMin", reducePrepare, reduceEval<Red::Min>},
    {"ReduceProd", reducePrepare, reduceEval<Red::Prod>},
    {"ReduceSumSquare", reducePrepare, reduceEval<Red::SumSquare>},
    {"ReduceL1", reducePrepare, reduceEval<Red::L1>},
    {"DynamicQuantizeLinear", nullptr, dynamicQuantizeLinear},
    {"ReduceL2", reducePrepare, reduceEval<Red::L2>},
    {"ReduceLogSum", reducePrepare, reduceEval<Red::LogSum>},
    {"ReduceLogSumExp", reducePrepare, reduceEval<Red::LogSumExp>},
    {"ArgMax", argPrepare, argEval<true>},
    {"ArgMin", argPrepare, argEval<false>},
    {"Softmax", smPrepare, smEval<Sm::Softmax>},
    {"LogSoftmax", smPrepare, smEval<Sm::LogSoftmax>},
    {"Hardmax", smPrepare, smEval<Sm::Hardmax>},
    {"CumSum", cumsumPrepare, cumsumEval},
    {"TopK", topkPrepare, topkEval},
    {"Einsum", einsumPrepare, einsumEval},
    {"Det", detPrepare, detEval},
    {"NegativeLogLikelihoodLoss", lossPrepare, lossEval<false>},
    {"SoftmaxCrossEntropyLoss", lossPrepare, lossEval<true>},
    {"HannWindow", windowPrepare, windowEval<kHann>},
    {"HammingWindow", windowPrepare, windowEval<kHamming>},
    {"BlackmanWindow", windowPrepare, windowEval<kBlackman>},
    {"MelWeightMatrix", melPrepare, melEval},
    {"DFT", dftPrepare, dftEval},
    {"STFT", stftPrepare, stftEval},
};
const int kNumReduceKernels = sizeof(kReduceKernels) / sizeof(kReduceKernels[0]);

} // namespace iron::rt::reference
