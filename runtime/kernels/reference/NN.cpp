//===- NN.cpp - Reference convolution, pooling, normalization, GEMM, RNN --===//
//
// Plain loops in a cache-sane order: Conv walks output channel, input
// channel, kernel tap, then output rows with a contiguous inner loop; MatMul
// walks i-k-j. Spatial operators share a 3-D window geometry (NNUtil.h).
// prepare() and eval() run the same setup functions, so every check made
// once at load time also guards eval; eval allocates nothing.
//
//===----------------------------------------------------------------------===//

#include "kernels/reference/Families.h"
#include "kernels/reference/NNUtil.h"

#include <cmath>
#include <initializer_list>
#include <limits>
#include <type_traits>

namespace iron::rt::reference {
namespace {

using namespace nn;

bool isF32(const TensorView *t) { return !t || t->dtype == DType::F32; }

void fill(float *p, int64_t n, float v) {
  for (int64_t i = 0; i < n; ++i)
    p[i] = v;
}

/// The product of dims [from, to) of t.
int64_t dimsProduct(const TensorView &t, int from, int to) {
  int64_t n = 1;
  for (int i = from; i < to; ++i)
    n *= t.shape[i];
  return n;
}

/// sum a[i] * b[i] with 8 partial sums: independent chains that the
/// compiler vectorizes (a single float chain must stay sequential).
float dot(const float *a, const float *b, int64_t n) {
  float part[8] = {};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int l = 0; l < 8; ++l)
      part[l] += a[i + l] * b[i + l];
  float acc = 0.0f;
  for (; i < n; ++i)
    acc += a[i] * b[i];
  for (int l = 0; l < 8; ++l)
    acc += part[l];
  return acc;
}

//===----------------------------------------------------------------------===//
// Convolution: Conv, ConvInteger, QLinearConv, ConvTranspose
//===----------------------------------------------------------------------===//

struct ConvSetup {
  const TensorView *x, *w, *bias;
  TensorView *y;
  int64_t batch, inC, outC, inPerGroup, outPerGroup;
  Geometry g;
};

/// Checks shapes and reads the geometry; X, W and bias sit at input indices
/// xi, wi, bi (bi < 0: no bias). Conv's W is [M, C/group, k...],
/// ConvTranspose's is [C, M/group, k...].
Status convSetup(const KernelContext &ctx, int xi, int wi, int bi, Window kind, ConvSetup &s) {
  s.x = ctx.input(xi);
  s.w = ctx.input(wi);
  s.bias = ctx.input(bi);
  s.y = ctx.output(0);
  if (!s.x || !s.w || !s.y)
    return ctx.fail("needs X, W and Y");
  int rank = s.x->rank;
  if (rank < 3 || s.w->rank != rank || s.y->rank != rank)
    return ctx.fail("needs X, W and Y of one rank >= 3, got %d, %d and %d", rank, s.w->rank,
                    s.y->rank);
  int64_t group = ctx.attrs.getInt("group", 1);
  s.batch = s.x->shape[0];
  s.inC = s.x->shape[1];
  if (group < 1 || s.inC % group)
    return ctx.fail("group %lld does not divide the %lld input channels", ll(group), ll(s.inC));
  s.inPerGroup = s.inC / group;
  if (kind == Window::Conv) {
    s.outC = s.w->shape[0];
    s.outPerGroup = s.outC / group;
    if (s.w->shape[1] != s.inPerGroup)
      return ctx.fail("X has %lld channels but W expects %lld (%lld per group, group %lld)",
                      ll(s.inC), ll(s.w->shape[1] * group), ll(s.w->shape[1]), ll(group));
    if (s.outC % group)
      return ctx.fail("group %lld does not divide W's %lld output channels", ll(group), ll(s.outC));
  } else {
    if (s.w->shape[0] != s.inC)
      return ctx.fail("X has %lld channels but W has %lld", ll(s.inC), ll(s.w->shape[0]));
    s.outPerGroup = s.w->shape[1];
    s.outC = s.outPerGroup * group;
  }
  if (s.y->shape[0] != s.batch || s.y->shape[1] != s.outC)
    return ctx.fail("Y is [%lld, %lld, ...], expected [%lld, %lld, ...]", ll(s.y->shape[0]),
                    ll(s.y->shape[1]), ll(s.batch), ll(s.outC));
  if (s.bias && s.bias->numel() != s.outC)
    return ctx.fail("B has %lld values, expected %lld", ll(s.bias->numel()), ll(s.outC));
  const int64_t *ks;
  int nk = ctx.attrs.getInts("kernel_shape", &ks);
  for (int i = 0; i < nk; ++i)
    if (nk != rank - 2 || ks[i] != s.w->shape[i + 2])
      return ctx.fail("kernel_shape disagrees with W's shape");
  return readGeometry(ctx, kind, rank - 2, s.x->shape + 2, s.y->shape + 2, s.w->shape + 2, s.g);
}

/// acc += the correlation of one input channel x with one kernel w, over a
/// whole output plane. Integer accumulators subtract the zero points.
template <typename TX, typename TW, typename TA>
void convChannel(const Geometry &g, const TX *x, TA xZero, const TW *w, TA wZero, TA *acc) {
  auto in = [&](int64_t i) {
    if constexpr (std::is_integral_v<TA>)
      return TA(x[i]) - xZero;
    else
      return TA(x[i]);
  };
  for (int64_t kd = 0; kd < g.kernel[0]; ++kd)
    for (int64_t kh = 0; kh < g.kernel[1]; ++kh)
      for (int64_t kw = 0; kw < g.kernel[2]; ++kw) {
        TA wv = TA(w[(kd * g.kernel[1] + kh) * g.kernel[2] + kw]) - wZero;
        int64_t offD = kd * g.dilation[0] - g.padBegin[0];
        int64_t offH = kh * g.dilation[1] - g.padBegin[1];
        int64_t offW = kw * g.dilation[2] - g.padBegin[2];
        int64_t d0, d1, h0, h1, w0, w1, sw = g.stride[2];
        validRange(offD, g.in[0], g.stride[0], g.out[0], d0, d1);
        validRange(offH, g.in[1], g.stride[1], g.out[1], h0, h1);
        validRange(offW, g.in[2], sw, g.out[2], w0, w1);
        // Full rows of equal width (1x1 kernels, centre taps) follow each
        // other in x and acc alike: one long loop then covers them all.
        bool merge = sw == 1 && g.stride[1] == 1 && offW == 0 && g.in[2] == g.out[2];
        for (int64_t od = d0; od < d1; ++od)
          for (int64_t oh = h0; oh < h1; ++oh) {
            int64_t base =
                ((od * g.stride[0] + offD) * g.in[1] + oh * g.stride[1] + offH) * g.in[2] + offW;
            TA *row = acc + (od * g.out[1] + oh) * g.out[2];
            if (merge) {
              for (int64_t i = 0, n = (h1 - oh) * g.out[2]; i < n; ++i)
                row[i] += wv * in(base + i);
              break;
            }
            if (sw == 1) // contiguous: vectorizes
              for (int64_t ow = w0; ow < w1; ++ow)
                row[ow] += wv * in(base + ow);
            else
              for (int64_t ow = w0; ow < w1; ++ow)
                row[ow] += wv * in(base + ow * sw);
          }
      }
}

/// acc += the contributions of output channel m's input channels (its
/// group) for batch item n.
template <typename TX, typename TW, typename TA>
void convOutputChannel(const ConvSetup &s, int64_t n, int64_t m, TA xZero, TA wZero, TA *acc) {
  const TX *x = s.x->as<TX>();
  const TW *w = s.w->as<TW>();
  int64_t inSize = s.g.inSize(), kSize = s.g.kernelSize();
  int64_t c0 = m / s.outPerGroup * s.inPerGroup;
  for (int64_t c = 0; c < s.inPerGroup; ++c)
    convChannel(s.g, x + (n * s.inC + c0 + c) * inSize, xZero, w + (m * s.inPerGroup + c) * kSize,
                wZero, acc);
}

Status convF32Setup(const KernelContext &ctx, Window kind, ConvSetup &s) {
  if (Status st = convSetup(ctx, 0, 1, 2, kind, s); st != Status::Ok)
    return st;
  if (!isF32(s.x) || !isF32(s.w) || !isF32(s.bias) || !isF32(s.y))
    return ctx.fail("supports f32, got %s", dtypeName(s.x->dtype));
  return Status::Ok;
}

Status convPrepare(KernelContext &ctx, size_t *) {
  ConvSetup s;
  return convF32Setup(ctx, Window::Conv, s);
}

Status conv(KernelContext &ctx) {
  ConvSetup s;
  if (Status st = convF32Setup(ctx, Window::Conv, s); st != Status::Ok)
    return st;
  int64_t outSize = s.g.outSize();
  for (int64_t n = 0; n < s.batch; ++n)
    for (int64_t m = 0; m < s.outC; ++m) {
      float *out = s.y->as<float>() + (n * s.outC + m) * outSize;
      fill(out, outSize, s.bias ? s.bias->as<float>()[m] : 0.0f);
      convOutputChannel<float, float, float>(s, n, m, 0.0f, 0.0f, out);
    }
  return Status::Ok;
}

Status convTransposePrepare(KernelContext &ctx, size_t *) {
  ConvSetup s;
  return convF32Setup(ctx, Window::ConvTranspose, s);
}

/// ConvTranspose scatters each input position through the kernel: output
/// i * stride + k * dilation - padBegin gets x[i] * w[k].
Status convTranspose(KernelContext &ctx) {
  ConvSetup s;
  if (Status st = convF32Setup(ctx, Window::ConvTranspose, s); st != Status::Ok)
    return st;
  const Geometry &g = s.g;
  int64_t inSize = g.inSize(), outSize = g.outSize(), kSize = g.kernelSize();
  for (int64_t n = 0; n < s.batch; ++n)
    for (int64_t m = 0; m < s.outC; ++m) {
      float *out = s.y->as<float>() + (n * s.outC + m) * outSize;
      fill(out, outSize, s.bias ? s.bias->as<float>()[m] : 0.0f);
      int64_t c0 = m / s.outPerGroup * s.inPerGroup, mm = m % s.outPerGroup;
      for (int64_t c = c0; c < c0 + s.inPerGroup; ++c) {
        const float *x = s.x->as<float>() + (n * s.inC + c) * inSize;
        const float *w = s.w->as<float>() + (c * s.outPerGroup + mm) * kSize;
        for (int64_t kd = 0; kd < g.kernel[0]; ++kd)
          for (int64_t kh = 0; kh < g.kernel[1]; ++kh)
            for (int64_t kw = 0; kw < g.kernel[2]; ++kw) {
              float wv = w[(kd * g.kernel[1] + kh) * g.kernel[2] + kw];
              int64_t offD = kd * g.dilation[0] - g.padBegin[0];
              int64_t offH = kh * g.dilation[1] - g.padBegin[1];
              int64_t offW = kw * g.dilation[2] - g.padBegin[2];
              int64_t d0, d1, h0, h1, w0, w1;
              validRange(offD, g.out[0], g.stride[0], g.in[0], d0, d1);
              validRange(offH, g.out[1], g.stride[1], g.in[1], h0, h1);
              validRange(offW, g.out[2], g.stride[2], g.in[2], w0, w1);
              for (int64_t id = d0; id < d1; ++id)
                for (int64_t ih = h0; ih < h1; ++ih) {
                  int64_t base =
                      ((id * g.stride[0] + offD) * g.out[1] + ih * g.stride[1] + offH) * g.out[2] +
                      offW;
                  const float *row = x + (id * g.in[1] + ih) * g.in[2];
                  for (int64_t iw = w0; iw < w1; ++iw)
                    out[base + iw * g.stride[2]] += wv * row[iw];
                }
            }
      }
    }
  return Status::Ok;
}

/// A scale (f32) or zero point (8/32-bit integer) operand: absent only if
/// optional; one value, or `perChannel` values.
Status checkQuantParam(const KernelContext &ctx, int index, bool isScale, int64_t perChannel,
                       const char *what) {
  const TensorView *t = ctx.input(index);
  if (!t)
    return isScale ? ctx.fail("needs %s", what) : Status::Ok;
  if (isScale ? t->dtype != DType::F32 : !isZeroPointType(t))
    return ctx.fail("%s has unsupported type %s", what, dtypeName(t->dtype));
  if (t->numel() != 1 && t->numel() != perChannel)
    return ctx.fail("%s has %lld values, expected 1%s", what, ll(t->numel()),
                    perChannel > 1 ? " or one per channel" : "");
  return Status::Ok;
}

Status convIntegerSetup(const KernelContext &ctx, ConvSetup &s) {
  if (Status st = convSetup(ctx, 0, 1, -1, Window::Conv, s); st != Status::Ok)
    return st;
  if (!isInt8(s.x->dtype) || !isInt8(s.w->dtype) || s.y->dtype != DType::I32)
    return ctx.fail("supports u8/i8 X and W with an i32 Y, got %s, %s and %s",
                    dtypeName(s.x->dtype), dtypeName(s.w->dtype), dtypeName(s.y->dtype));
  if (Status st = checkQuantParam(ctx, 2, false, 1, "x_zero_point"); st != Status::Ok)
    return st;
  return checkQuantParam(ctx, 3, false, s.outC, "w_zero_point");
}

Status convIntegerPrepare(KernelContext &ctx, size_t *) {
  ConvSetup s;
  return convIntegerSetup(ctx, s);
}

Status convInteger(KernelContext &ctx) {
  ConvSetup s;
  if (Status st = convIntegerSetup(ctx, s); st != Status::Ok)
    return st;
  int32_t xZero = zeroPointAt(ctx.input(2), 0);
  int64_t outSize = s.g.outSize();
  return dispatchInt8Pair(s.x->dtype, s.w->dtype, [&](auto tx, auto tw) {
    for (int64_t n = 0; n < s.batch; ++n)
      for (int64_t m = 0; m < s.outC; ++m) {
        int32_t *out = s.y->as<int32_t>() + (n * s.outC + m) * outSize;
        for (int64_t i = 0; i < outSize; ++i)
          out[i] = 0;
        convOutputChannel<decltype(tx), decltype(tw), int32_t>(s, n, m, xZero,
                                                               zeroPointAt(ctx.input(3), m), out);
      }
    return Status::Ok;
  });
}

// QLinearConv inputs: x, x_scale, x_zero_point, w, w_scale, w_zero_point,
// y_scale, y_zero_point, B (i32).
Status qlinearConvSetup(const KernelContext &ctx, ConvSetup &s) {
  if (Status st = convSetup(ctx, 0, 3, 8, Window::Conv, s); st != Status::Ok)
    return st;
  if (!isInt8(s.x->dtype) || !isInt8(s.w->dtype) || !isInt8(s.y->dtype))
    return ctx.fail("supports u8/i8 X, W and Y, got %s, %s and %s", dtypeName(s.x->dtype),
                    dtypeName(s.w->dtype), dtypeName(s.y->dtype));
  if (s.bias && s.bias->dtype != DType::I32)
    return ctx.fail("B must be i32, got %s", dtypeName(s.bias->dtype));
  Status st = Status::Ok;
  if ((st = checkQuantParam(ctx, 1, true, 1, "x_scale")) != Status::Ok ||
      (st = checkQuantParam(ctx, 2, false, 1, "x_zero_point")) != Status::Ok ||
      (st = checkQuantParam(ctx, 4, true, s.outC, "w_scale")) != Status::Ok ||
      (st = checkQuantParam(ctx, 5, false, s.outC, "w_zero_point")) != Status::Ok ||
      (st = checkQuantParam(ctx, 6, true, 1, "y_scale")) != Status::Ok)
    return st;
  return checkQuantParam(ctx, 7, false, 1, "y_zero_point");
}

Status qlinearConvPrepare(KernelContext &ctx, size_t *scratch) {
  ConvSetup s;
  Status st = qlinearConvSetup(ctx, s);
  *scratch = st == Status::Ok ? size_t(s.g.outSize()) * sizeof(int32_t) : 0; // one plane
  return st;
}

Status qlinearConv(KernelContext &ctx) {
  ConvSetup s;
  if (Status st = qlinearConvSetup(ctx, s); st != Status::Ok)
    return st;
  int64_t outSize = s.g.outSize();
  if (ctx.scratchBytes < size_t(outSize) * sizeof(int32_t))
    return ctx.fail("scratch too small");
  auto *acc = static_cast<int32_t *>(ctx.scratch);
  int32_t xZero = zeroPointAt(ctx.input(2), 0), yZero = zeroPointAt(ctx.input(7), 0);
  float xyScale = scaleAt(ctx.input(1), 0) / scaleAt(ctx.input(6), 0);
  return dispatchInt8Pair(s.x->dtype, s.w->dtype, [&](auto tx, auto tw) {
    for (int64_t n = 0; n < s.batch; ++n)
      for (int64_t m = 0; m < s.outC; ++m) {
        int32_t b = s.bias ? s.bias->as<int32_t>()[m] : 0;
        for (int64_t i = 0; i < outSize; ++i)
          acc[i] = b;
        convOutputChannel<decltype(tx), decltype(tw), int32_t>(s, n, m, xZero,
                                                               zeroPointAt(ctx.input(5), m), acc);
        requantize(acc, outSize, xyScale * scaleAt(ctx.input(4), m), yZero, *s.y,
                   (n * s.outC + m) * outSize);
      }
    return Status::Ok;
  });
}

//===----------------------------------------------------------------------===//
// Matrix products: MatMul, MatMulInteger, QLinearMatMul, Gemm
//===----------------------------------------------------------------------===//

/// Y[b] = A[b] (M x K) * B[b] (K x N) with numpy's batch broadcasting; a
/// 1-D A is a row [1, K], a 1-D B a column [K, 1] (their dim is dropped).
struct MatMulSetup {
  const TensorView *a, *b;
  TensorView *y;
  int64_t m, k, n;
  TensorView aBatch, bBatch, yBatch; // the batch dims, for BroadcastIndexer
};

Status matMulSetup(const KernelContext &ctx, int ai, int bi, MatMulSetup &s) {
  s.a = ctx.input(ai);
  s.b = ctx.input(bi);
  s.y = ctx.output(0);
  if (!s.a || !s.b || !s.y || s.a->rank < 1 || s.b->rank < 1)
    return ctx.fail("needs A, B and Y of rank >= 1");
  int ra = s.a->rank, rb = s.b->rank, yMat = (ra > 1) + (rb > 1);
  s.m = ra == 1 ? 1 : s.a->shape[ra - 2];
  s.k = s.a->shape[ra - 1];
  s.n = rb == 1 ? 1 : s.b->shape[rb - 1];
  int64_t kb = rb == 1 ? s.b->shape[0] : s.b->shape[rb - 2];
  if (kb != s.k)
    return ctx.fail("A is %lld x %lld but B has %lld rows", ll(s.m), ll(s.k), ll(kb));
  if (s.y->rank < yMat)
    return ctx.fail("Y has rank %d, expected at least %d", s.y->rank, yMat);
  s.aBatch = leadingDims(*s.a, ra - 2);
  s.bBatch = leadingDims(*s.b, rb - 2);
  s.yBatch = leadingDims(*s.y, s.y->rank - yMat);
  if (!broadcastsTo(s.aBatch, s.yBatch) || !broadcastsTo(s.bBatch, s.yBatch) ||
      s.yBatch.numel() * s.m * s.n != s.y->numel())
    return ctx.fail("Y's shape does not match A x B");
  return Status::Ok;
}

/// y (M x N) = a (M x K) * b (K x N), i-k-j: the inner loop runs along
/// contiguous rows of b and y.
void gemmF32(const float *a, const float *b, float *y, int64_t m, int64_t k, int64_t n) {
  for (int64_t i = 0; i < m; ++i) {
    float *row = y + i * n;
    fill(row, n, 0.0f);
    for (int64_t p = 0; p < k; ++p) {
      float av = a[i * k + p];
      const float *bp = b + p * n;
      for (int64_t j = 0; j < n; ++j)
        row[j] += av * bp[j];
    }
  }
}

Status matMulF32Setup(const KernelContext &ctx, MatMulSetup &s) {
  if (Status st = matMulSetup(ctx, 0, 1, s); st != Status::Ok)
    return st;
  if (!isF32(s.a) || !isF32(s.b) || !isF32(s.y))
    return ctx.fail("supports f32, got %s", dtypeName(s.a->dtype));
  return Status::Ok;
}

Status matMulPrepare(KernelContext &ctx, size_t *) {
  MatMulSetup s;
  return matMulF32Setup(ctx, s);
}

Status matMul(KernelContext &ctx) {
  MatMulSetup s;
  if (Status st = matMulF32Setup(ctx, s); st != Status::Ok)
    return st;
  BroadcastIndexer ia(s.yBatch, s.aBatch), ib(s.yBatch, s.bBatch);
  for (int64_t i = 0, nb = s.yBatch.numel(); i < nb; ++i, ia.next(), ib.next())
    gemmF32(s.a->as<float>() + ia.offset() * s.m * s.k, s.b->as<float>() + ib.offset() * s.k * s.n,
            s.y->as<float>() + i * s.m * s.n, s.m, s.k, s.n);
  return Status::Ok;
}

/// Rows [i0, i1) of (a - aZero) * (b - bZero) into acc (row i at
/// acc + (i - i0) * n), in int32; aZero is per row, bZero per column (or
/// scalars). The column zero point is applied once per row:
/// sum_p a'(b - z) = sum_p a'b - z * sum_p a'.
template <typename TA, typename TB>
void gemmInt(const TA *a, const TB *b, int32_t *acc, int64_t i0, int64_t i1, int64_t k, int64_t n,
             const TensorView *aZero, const TensorView *bZero) {
  for (int64_t i = i0; i < i1; ++i) {
    int32_t *row = acc + (i - i0) * n, za = zeroPointAt(aZero, i), rowSum = 0;
    for (int64_t j = 0; j < n; ++j)
      row[j] = 0;
    for (int64_t p = 0; p < k; ++p) {
      int32_t av = int32_t(a[i * k + p]) - za;
      const TB *bp = b + p * n;
      rowSum += av;
      for (int64_t j = 0; j < n; ++j)
        row[j] += av * int32_t(bp[j]);
    }
    if (bZero)
      for (int64_t j = 0; j < n; ++j)
        row[j] -= zeroPointAt(bZero, j) * rowSum;
  }
}

Status matMulIntegerSetup(const KernelContext &ctx, MatMulSetup &s) {
  if (Status st = matMulSetup(ctx, 0, 1, s); st != Status::Ok)
    return st;
  if (!isInt8(s.a->dtype) || !isInt8(s.b->dtype) || s.y->dtype != DType::I32)
    return ctx.fail("supports u8/i8 A and B with an i32 Y, got %s, %s and %s",
                    dtypeName(s.a->dtype), dtypeName(s.b->dtype), dtypeName(s.y->dtype));
  if (Status st = checkQuantParam(ctx, 2, false, s.m, "a_zero_point"); st != Status::Ok)
    return st;
  return checkQuantParam(ctx, 3, false, s.n, "b_zero_point");
}

Status matMulIntegerPrepare(KernelContext &ctx, size_t *) {
  MatMulSetup s;
  return matMulIntegerSetup(ctx, s);
}

Status matMulInteger(KernelContext &ctx) {
  MatMulSetup s;
  if (Status st = matMulIntegerSetup(ctx, s); st != Status::Ok)
    return st;
  return dispatchInt8Pair(s.a->dtype, s.b->dtype, [&](auto ta, auto tb) {
    using TA = decltype(ta);
    using TB = decltype(tb);
    BroadcastIndexer ia(s.yBatch, s.aBatch), ib(s.yBatch, s.bBatch);
    for (int64_t i = 0, nb = s.yBatch.numel(); i < nb; ++i, ia.next(), ib.next())
      gemmInt(s.a->as<TA>() + ia.offset() * s.m * s.k, s.b->as<TB>() + ib.offset() * s.k * s.n,
              s.y->as<int32_t>() + i * s.m * s.n, 0, s.m, s.k, s.n, ctx.input(2), ctx.input(3));
    return Status::Ok;
  });
}

// QLinearMatMul inputs: a, a_scale, a_zero_point, b, b_scale, b_zero_point,
// y_scale, y_zero_point; a's scale/zero point per row, b's per column.
Status qlinearMatMulSetup(const KernelContext &ctx, MatMulSetup &s) {
  if (Status st = matMulSetup(ctx, 0, 3, s); st != Status::Ok)
    return st;
  if (!isInt8(s.a->dtype) || !isInt8(s.b->dtype) || !isInt8(s.y->dtype))
    return ctx.fail("supports u8/i8 A, B and Y, got %s, %s and %s", dtypeName(s.a->dtype),
                    dtypeName(s.b->dtype), dtypeName(s.y->dtype));
  Status st = Status::Ok;
  if ((st = checkQuantParam(ctx, 1, true, s.m, "a_scale")) != Status::Ok ||
      (st = checkQuantParam(ctx, 2, false, s.m, "a_zero_point")) != Status::Ok ||
      (st = checkQuantParam(ctx, 4, true, s.n, "b_scale")) != Status::Ok ||
      (st = checkQuantParam(ctx, 5, false, s.n, "b_zero_point")) != Status::Ok ||
      (st = checkQuantParam(ctx, 6, true, 1, "y_scale")) != Status::Ok)
    return st;
  return checkQuantParam(ctx, 7, false, 1, "y_zero_point");
}

Status qlinearMatMulPrepare(KernelContext &ctx, size_t *scratch) {
  MatMulSetup s;
  Status st = qlinearMatMulSetup(ctx, s);
  *scratch = st == Status::Ok ? size_t(s.n) * sizeof(int32_t) : 0; // one row
  return st;
}

Status qlinearMatMul(KernelContext &ctx) {
  MatMulSetup s;
  if (Status st = qlinearMatMulSetup(ctx, s); st != Status::Ok)
    return st;
  if (ctx.scratchBytes < size_t(s.n) * sizeof(int32_t))
    return ctx.fail("scratch too small");
  auto *acc = static_cast<int32_t *>(ctx.scratch);
  const TensorView *aScale = ctx.input(1), *bScale = ctx.input(4);
  float yScale = scaleAt(ctx.input(6), 0);
  int32_t yZero = zeroPointAt(ctx.input(7), 0);
  return dispatchInt8Pair(s.a->dtype, s.b->dtype, [&](auto ta, auto tb) {
    using TA = decltype(ta);
    using TB = decltype(tb);
    BroadcastIndexer ia(s.yBatch, s.aBatch), ib(s.yBatch, s.bBatch);
    for (int64_t bi = 0, nb = s.yBatch.numel(); bi < nb; ++bi, ia.next(), ib.next())
      for (int64_t i = 0; i < s.m; ++i) {
        gemmInt(s.a->as<TA>() + ia.offset() * s.m * s.k, s.b->as<TB>() + ib.offset() * s.k * s.n,
                acc, i, i + 1, s.k, s.n, ctx.input(2), ctx.input(5));
        for (int64_t j = 0; j < s.n; ++j)
          requantize(acc + j, 1, scaleAt(aScale, i) * scaleAt(bScale, j) / yScale, yZero, *s.y,
                     (bi * s.m + i) * s.n + j);
      }
    return Status::Ok;
  });
}

Status gemmPrepare(KernelContext &ctx, size_t *) {
  const TensorView *a = ctx.input(0), *b = ctx.input(1), *c = ctx.input(2);
  const TensorView *y = ctx.output(0);
  if (!a || !b || !y || a->rank != 2 || b->rank != 2 || y->rank != 2)
    return ctx.fail("needs 2-D A, B and Y");
  if (!isF32(a) || !isF32(b) || !isF32(c) || !isF32(y))
    return ctx.fail("supports f32, got %s", dtypeName(a->dtype));
  bool ta = ctx.attrs.getInt("transA", 0), tb = ctx.attrs.getInt("transB", 0);
  int64_t m = a->shape[ta], k = a->shape[!ta], kb = b->shape[tb], n = b->shape[!tb];
  if (k != kb || y->shape[0] != m || y->shape[1] != n)
    return ctx.fail("op(A) is %lld x %lld, op(B) %lld x %lld, Y %lld x %lld", ll(m), ll(k), ll(kb),
                    ll(n), ll(y->shape[0]), ll(y->shape[1]));
  if (c && !broadcastsTo(*c, *y))
    return ctx.fail("C does not broadcast to [%lld, %lld]", ll(m), ll(n));
  return Status::Ok;
}

/// Gemm: Y = alpha * op(A) * op(B) + beta * C, C broadcast to [M, N].
Status gemm(KernelContext &ctx) {
  if (Status st = gemmPrepare(ctx, nullptr); st != Status::Ok)
    return st;
  const TensorView *a = ctx.input(0), *b = ctx.input(1), *c = ctx.input(2);
  TensorView *y = ctx.output(0);
  bool ta = ctx.attrs.getInt("transA", 0), tb = ctx.attrs.getInt("transB", 0);
  float alpha = ctx.attrs.getFloat("alpha", 1.0f), beta = ctx.attrs.getFloat("beta", 1.0f);
  int64_t m = y->shape[0], n = y->shape[1], k = a->shape[!ta];
  const float *pa = a->as<float>(), *pb = b->as<float>();
  float *py = y->as<float>();
  if (c && beta != 0.0f) { // beta == 0 ignores C entirely (as onnxruntime does)
    BroadcastIndexer idx(*y, *c);
    for (int64_t i = 0; i < m * n; ++i, idx.next())
      py[i] = beta * c->as<float>()[idx.offset()];
  } else {
    fill(py, m * n, 0.0f);
  }
  for (int64_t i = 0; i < m; ++i) {
    float *row = py + i * n;
    if (!tb) { // i-k-j over B's contiguous rows
      for (int64_t p = 0; p < k; ++p) {
        float av = alpha * pa[ta ? p * m + i : i * k + p];
        const float *bp = pb + p * n;
        for (int64_t j = 0; j < n; ++j)
          row[j] += av * bp[j];
      }
    } else if (!ta) { // B^T: dot products of contiguous rows of A and B
      for (int64_t j = 0; j < n; ++j)
        row[j] += alpha * dot(pa + i * k, pb + j * k, k);
    } else {
      for (int64_t j = 0; j < n; ++j) {
        float acc = 0.0f;
        for (int64_t p = 0; p < k; ++p)
          acc += pa[p * m + i] * pb[j * k + p];
        row[j] += alpha * acc;
      }
    }
  }
  return Status::Ok;
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

enum class PoolKind { Max, Average, Lp };

struct PoolSetup {
  const TensorView *x;
  TensorView *y, *indices;
  int64_t planes; // N * C
  Geometry g;
};

/// Global pools see all spatial dims as one flat window.
Status poolSetup(const KernelContext &ctx, bool global, PoolSetup &s) {
  s.x = ctx.input(0);
  s.y = ctx.output(0);
  s.indices = ctx.output(1);
  if (!s.x || !s.y || s.x->rank < 3 || s.y->rank != s.x->rank)
    return ctx.fail("needs X and Y of one rank >= 3");
  if (s.y->shape[0] != s.x->shape[0] || s.y->shape[1] != s.x->shape[1])
    return ctx.fail("Y's batch and channel dims differ from X's");
  if (s.indices && (s.indices->dtype != DType::I64 || s.indices->numel() != s.y->numel()))
    return ctx.fail("Indices must be i64 of Y's shape");
  s.planes = s.x->shape[0] * s.x->shape[1];
  int rank = s.x->rank;
  if (global) {
    int64_t size = dimsProduct(*s.x, 2, rank), one = 1;
    if (dimsProduct(*s.y, 2, rank) != 1)
      return ctx.fail("Y's spatial dims must be 1");
    return readGeometry(ctx, Window::Pool, 1, &size, &one, &size, s.g);
  }
  const int64_t *kernel;
  if (ctx.attrs.getInts("kernel_shape", &kernel) != rank - 2)
    return ctx.fail("needs kernel_shape with %d values", rank - 2);
  return readGeometry(ctx, Window::Pool, rank - 2, s.x->shape + 2, s.y->shape + 2, kernel, s.g);
}

/// Every output of every plane: the window's taps inside the input are
/// [lo, hi) per dim. Average divides by the taps inside the input, or with
/// count_include_pad by those inside the padded input (as onnxruntime, so a
/// ceil_mode window hanging past the pads counts only what it covers).
template <typename T>
void pool(const PoolSetup &s, PoolKind kind, bool includePad, double p, bool columnMajor) {
  const Geometry &g = s.g;
  int64_t inSize = g.inSize(), outSize = g.outSize();
  for (int64_t plane = 0; plane < s.planes; ++plane) {
    const T *x = s.x->as<T>() + plane * inSize;
    int64_t o[3], out = plane * outSize;
    for (o[0] = 0; o[0] < g.out[0]; ++o[0])
      for (o[1] = 0; o[1] < g.out[1]; ++o[1])
        for (o[2] = 0; o[2] < g.out[2]; ++o[2], ++out) {
          int64_t start[3], lo[3], hi[3], valid = 1, padded = 1;
          for (int j = 0; j < 3; ++j) {
            int64_t plo, phi;
            start[j] = o[j] * g.stride[j] - g.padBegin[j];
            validRange(start[j], g.in[j], g.dilation[j], g.kernel[j], lo[j], hi[j]);
            validRange(o[j] * g.stride[j], g.in[j] + g.padBegin[j] + g.padEnd[j], g.dilation[j],
                       g.kernel[j], plo, phi);
            valid *= hi[j] - lo[j];
            padded *= phi - plo;
          }
          T best = std::numeric_limits<T>::lowest();
          int64_t bestAt = -1;
          double sum = 0.0;
          for (int64_t kd = lo[0]; kd < hi[0]; ++kd)
            for (int64_t kh = lo[1]; kh < hi[1]; ++kh)
              for (int64_t kw = lo[2]; kw < hi[2]; ++kw) {
                int64_t id = start[0] + kd * g.dilation[0], ih = start[1] + kh * g.dilation[1],
                        iw = start[2] + kw * g.dilation[2];
                T v = x[(id * g.in[1] + ih) * g.in[2] + iw];
                if (kind == PoolKind::Max) {
                  if (bestAt < 0 || v > best) {
                    best = v;
                    bestAt = columnMajor ? id + g.in[0] * (ih + g.in[1] * iw)
                                         : (id * g.in[1] + ih) * g.in[2] + iw;
                  }
                } else {
                  sum += kind == PoolKind::Lp ? std::pow(std::fabs(double(v)), p) : double(v);
                }
              }
          int64_t count = includePad ? padded : valid;
          s.y->as<T>()[out] = kind == PoolKind::Max  ? best
                              : kind == PoolKind::Lp ? T(std::pow(sum, 1.0 / p))
                              : count                ? T(sum / double(count))
                                                     : T(0);
          if (s.indices) // flat over the whole of X, like onnxruntime
            s.indices->as<int64_t>()[out] = bestAt < 0 ? -1 : plane * inSize + bestAt;
        }
  }
}

/// One pooling kernel per (kind, global) pair; Max takes u8/i8 too.
template <PoolKind Kind, bool Global> Status poolPrepare(KernelContext &ctx, size_t *) {
  PoolSetup s;
  if (Status st = poolSetup(ctx, Global, s); st != Status::Ok)
    return st;
  DType t = s.x->dtype;
  bool typeOk = t == DType::F32 || (Kind == PoolKind::Max && isInt8(t));
  if (!typeOk || s.y->dtype != t)
    return ctx.fail("supports f32%s, got %s", Kind == PoolKind::Max ? ", u8 and i8" : "",
                    dtypeName(t));
  if (Kind == PoolKind::Lp && ctx.attrs.getInt("p", 2) < 1)
    return ctx.fail("p must be >= 1");
  if (Kind != PoolKind::Max && s.indices)
    return ctx.fail("has no Indices output");
  return Status::Ok;
}

template <PoolKind Kind, bool Global> Status poolEval(KernelContext &ctx) {
  if (Status st = poolPrepare<Kind, Global>(ctx, nullptr); st != Status::Ok)
    return st;
  PoolSetup s;
  poolSetup(ctx, Global, s);
  bool includePad = ctx.attrs.getInt("count_include_pad", 0) != 0;
  bool columnMajor = ctx.attrs.getInt("storage_order", 0) != 0;
  double p = double(ctx.attrs.getInt("p", 2));
  switch (s.x->dtype) {
  case DType::U8: pool<uint8_t>(s, Kind, includePad, p, columnMajor); break;
  case DType::I8: pool<int8_t>(s, Kind, includePad, p, columnMajor); break;
  default: pool<float>(s, Kind, includePad, p, columnMajor); break;
  }
  return Status::Ok;
}

Status maxRoiPoolPrepare(KernelContext &ctx, size_t *) {
  const TensorView *x = ctx.input(0), *rois = ctx.input(1), *y = ctx.output(0);
  const int64_t *pooled;
  if (!x || !rois || !y || x->rank != 4 || rois->rank != 2 || rois->shape[1] != 5 || y->rank != 4)
    return ctx.fail("needs X [N, C, H, W], rois [R, 5] and Y [R, C, h, w]");
  if (!isF32(x) || !isF32(rois) || !isF32(y))
    return ctx.fail("supports f32, got %s", dtypeName(x->dtype));
  if (ctx.attrs.getInts("pooled_shape", &pooled) != 2 || pooled[0] < 1 || pooled[1] < 1)
    return ctx.fail("needs pooled_shape with 2 positive values");
  if (y->shape[0] != rois->shape[0] || y->shape[1] != x->shape[1] || y->shape[2] != pooled[0] ||
      y->shape[3] != pooled[1])
    return ctx.fail("Y's shape disagrees with rois, X and pooled_shape");
  return Status::Ok;
}

/// MaxRoiPool as Caffe's ROIPooling (and onnxruntime): roi corners
/// (x1, y1, x2, y2) scaled and rounded, bins floor/ceil-split, empty bins 0.
Status maxRoiPool(KernelContext &ctx) {
  if (Status st = maxRoiPoolPrepare(ctx, nullptr); st != Status::Ok)
    return st;
  const TensorView *x = ctx.input(0), *rois = ctx.input(1);
  TensorView *y = ctx.output(0);
  float scale = ctx.attrs.getFloat("spatial_scale", 1.0f);
  int64_t batch = x->shape[0], channels = x->shape[1], height = x->shape[2], width = x->shape[3];
  int64_t ph = y->shape[2], pw = y->shape[3];
  float *out = y->as<float>();
  auto clamp = [](int64_t v, int64_t hi) { return v < 0 ? 0 : v > hi ? hi : v; };
  for (int64_t r = 0; r < rois->shape[0]; ++r) {
    const float *roi = rois->as<float>() + r * 5;
    auto b = int64_t(roi[0]);
    if (b < 0 || b >= batch)
      return ctx.fail("roi %lld has batch index %lld, X has %lld", ll(r), ll(b), ll(batch));
    int64_t x1 = int64_t(std::round(roi[1] * scale)), y1 = int64_t(std::round(roi[2] * scale));
    int64_t x2 = int64_t(std::round(roi[3] * scale)), y2 = int64_t(std::round(roi[4] * scale));
    float binH = float(y2 - y1 + 1 > 1 ? y2 - y1 + 1 : 1) / float(ph);
    float binW = float(x2 - x1 + 1 > 1 ? x2 - x1 + 1 : 1) / float(pw);
    for (int64_t c = 0; c < channels; ++c) {
      const float *plane = x->as<float>() + (b * channels + c) * height * width;
      for (int64_t i = 0; i < ph; ++i) {
        int64_t h0 = clamp(int64_t(std::floor(float(i) * binH)) + y1, height);
        int64_t h1 = clamp(int64_t(std::ceil(float(i + 1) * binH)) + y1, height);
        for (int64_t j = 0; j < pw; ++j, ++out) {
          int64_t w0 = clamp(int64_t(std::floor(float(j) * binW)) + x1, width);
          int64_t w1 = clamp(int64_t(std::ceil(float(j + 1) * binW)) + x1, width);
          float best = h1 > h0 && w1 > w0 ? std::numeric_limits<float>::lowest() : 0.0f;
          for (int64_t h = h0; h < h1; ++h)
            for (int64_t w = w0; w < w1; ++w)
              best = plane[h * width + w] > best ? plane[h * width + w] : best;
          *out = best;
        }
      }
    }
  }
  return Status::Ok;
}

/// MaxUnpool's inputs X and I [N, C, ...], its output Y, and the shape the
/// indices in I refer to: MaxPool's input, (x - 1) * stride + kernel - pads.
/// A larger output_shape keeps each value at the same coordinates.
Status maxUnpoolSetup(const KernelContext &ctx, TensorView &pooled) {
  const TensorView *x = ctx.input(0), *ind = ctx.input(1), *y = ctx.output(0);
  if (!x || !ind || !y || ind->dtype != DType::I64 || !sameShape(*x, *ind) ||
      y->dtype != x->dtype || x->rank < 3 || y->rank != x->rank)
    return ctx.fail("needs X, i64 I of X's shape and Y of X's type and rank (>= 3)");
  int nsp = x->rank - 2;
  const int64_t *kernel, *strides, *pads;
  int ns = ctx.attrs.getInts("strides", &strides), np = ctx.attrs.getInts("pads", &pads);
  if (ctx.attrs.getInts("kernel_shape", &kernel) != nsp || (ns && ns != nsp) ||
      (np && np != 2 * nsp))
    return ctx.fail("needs kernel_shape and strides with %d values and pads with %d", nsp, 2 * nsp);
  pooled = leadingDims(*x, x->rank);
  for (int i = 0; i < nsp; ++i) {
    pooled.shape[i + 2] = (x->shape[i + 2] - 1) * (ns ? strides[i] : 1) + kernel[i] -
                          (np ? pads[i] + pads[i + nsp] : 0);
    if (pooled.shape[i + 2] > y->shape[i + 2])
      return ctx.fail("Y's spatial dim %d is %lld, smaller than the unpooled %lld", i,
                      ll(y->shape[i + 2]), ll(pooled.shape[i + 2]));
  }
  if (y->shape[0] != x->shape[0] || y->shape[1] != x->shape[1])
    return ctx.fail("Y's batch and channel dims differ from X's");
  return Status::Ok;
}

Status maxUnpoolPrepare(KernelContext &ctx, size_t *) {
  TensorView pooled;
  return maxUnpoolSetup(ctx, pooled);
}

/// MaxUnpool: zeros, then X's values where I says (flat indices into the
/// pooled shape, as MaxPool produced them). Any element type: it moves bytes.
Status maxUnpool(KernelContext &ctx) {
  TensorView pooled;
  if (Status st = maxUnpoolSetup(ctx, pooled); st != Status::Ok)
    return st;
  const TensorView *x = ctx.input(0), *ind = ctx.input(1);
  TensorView *y = ctx.output(0);
  size_t es = dtypeSize(x->dtype);
  int64_t limit = pooled.numel();
  std::memset(y->data, 0, y->bytes());
  for (int64_t i = 0, n = x->numel(); i < n; ++i) {
    int64_t at = ind->as<int64_t>()[i];
    if (at < 0 || at >= limit)
      return ctx.fail("index %lld is outside the unpooled %lld elements", ll(at), ll(limit));
    int64_t to = 0, scale = 1; // the same coordinates in Y's shape
    for (int d = y->rank - 1; d >= 0; --d) {
      to += at % pooled.shape[d] * scale;
      at /= pooled.shape[d];
      scale *= y->shape[d];
    }
    std::memcpy(static_cast<char *>(y->data) + to * es, static_cast<const char *>(x->data) + i * es,
                es);
  }
  return Status::Ok;
}

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

/// X [N, C, ...] f32 with Y of its shape; `perChannel` inputs from index 1
/// must have C values each (absent ones are allowed when optional).
Status channelNormSetup(const KernelContext &ctx, int perChannel) {
  const TensorView *x = ctx.input(0), *y = ctx.output(0);
  if (!x || !y || x->rank < 2 || y->numel() != x->numel())
    return ctx.fail("needs X of rank >= 2 and Y of its shape");
  if (!isF32(x) || !isF32(y))
    return ctx.fail("supports f32, got %s", dtypeName(x->dtype));
  for (int i = 1; i <= perChannel; ++i) {
    const TensorView *t = ctx.input(i);
    if (!t || !isF32(t) || t->numel() != x->shape[1])
      return ctx.fail("input %d must be f32 with %lld values (one per channel)", i,
                      ll(x->shape[1]));
  }
  return Status::Ok;
}

Status batchNormPrepare(KernelContext &ctx, size_t *) {
  if (ctx.attrs.getInt("training_mode", 0) != 0)
    return ctx.fail("supports inference only (training_mode = 0)");
  for (int i = 1; i < ctx.numOutputs; ++i)
    if (ctx.output(i))
      return ctx.fail("running mean/var outputs exist only in training mode");
  return channelNormSetup(ctx, 4);
}

/// BatchNormalization (inference): (x - mean) / sqrt(var + eps) * scale + B.
Status batchNorm(KernelContext &ctx) {
  if (Status st = batchNormPrepare(ctx, nullptr); st != Status::Ok)
    return st;
  const TensorView *x = ctx.input(0);
  const float *scale = ctx.input(1)->as<float>(), *bias = ctx.input(2)->as<float>();
  const float *mean = ctx.input(3)->as<float>(), *var = ctx.input(4)->as<float>();
  float eps = ctx.attrs.getFloat("epsilon", 1e-5f);
  int64_t channels = x->shape[1], inner = dimsProduct(*x, 2, x->rank);
  const float *in = x->as<float>();
  float *out = ctx.output(0)->as<float>();
  for (int64_t nc = 0; nc < x->shape[0] * channels; ++nc) {
    int64_t c = nc % channels;
    float a = scale[c] / std::sqrt(var[c] + eps);
    for (int64_t i = nc * inner; i < (nc + 1) * inner; ++i)
      out[i] = (in[i] - mean[c]) * a + bias[c];
  }
  return Status::Ok;
}

/// Mean and population variance of n floats, accumulated in double.
void meanVar(const float *x, int64_t n, double &mean, double &var) {
  double sum = 0.0, sq = 0.0;
  for (int64_t i = 0; i < n; ++i)
    sum += x[i];
  mean = n ? sum / double(n) : 0.0;
  for (int64_t i = 0; i < n; ++i)
    sq += (x[i] - mean) * (x[i] - mean);
  var = n ? sq / double(n) : 0.0;
}

Status instanceNormPrepare(KernelContext &ctx, size_t *) { return channelNormSetup(ctx, 2); }

/// InstanceNormalization: each (n, c) plane normalized on its own.
Status instanceNorm(KernelContext &ctx) {
  if (Status st = channelNormSetup(ctx, 2); st != Status::Ok)
    return st;
  const TensorView *x = ctx.input(0);
  const float *scale = ctx.input(1)->as<float>(), *bias = ctx.input(2)->as<float>();
  double eps = ctx.attrs.getFloat("epsilon", 1e-5f);
  int64_t channels = x->shape[1], inner = dimsProduct(*x, 2, x->rank);
  for (int64_t nc = 0; nc < x->shape[0] * channels; ++nc) {
    const float *in = x->as<float>() + nc * inner;
    float *out = ctx.output(0)->as<float>() + nc * inner;
    double mean, var;
    meanVar(in, inner, mean, var);
    double a = scale[nc % channels] / std::sqrt(var + eps);
    for (int64_t i = 0; i < inner; ++i)
      out[i] = float((in[i] - mean) * a + bias[nc % channels]);
  }
  return Status::Ok;
}

Status layerNormPrepare(KernelContext &ctx, size_t *) {
  const TensorView *x = ctx.input(0), *scale = ctx.input(1), *bias = ctx.input(2);
  const TensorView *y = ctx.output(0), *mean = ctx.output(1), *invStd = ctx.output(2);
  if (!x || !scale || !y || x->rank < 1 || !sameShape(*x, *y))
    return ctx.fail("needs X, Scale and Y of X's shape");
  int64_t axis = ctx.attrs.getInt("axis", -1);
  if (!normalizeAxis(axis, x->rank))
    return ctx.fail("axis %lld is out of range for rank %d", ll(axis), x->rank);
  if (!isF32(x) || !isF32(scale) || !isF32(bias) || !isF32(y) || !isF32(mean) || !isF32(invStd))
    return ctx.fail("supports f32, got %s", dtypeName(x->dtype));
  // Scale and B broadcast over the normalized dims [axis, rank).
  TensorView inner;
  inner.rank = x->rank - int(axis);
  for (int i = 0; i < inner.rank; ++i)
    inner.shape[i] = x->shape[axis + i];
  if (!broadcastsTo(*scale, inner) || (bias && !broadcastsTo(*bias, inner)))
    return ctx.fail("Scale and B must broadcast to X's dims from axis %lld", ll(axis));
  int64_t rows = dimsProduct(*x, 0, int(axis));
  if ((mean && mean->numel() != rows) || (invStd && invStd->numel() != rows))
    return ctx.fail("Mean and InvStdDev need %lld values", ll(rows));
  return Status::Ok;
}

/// LayerNormalization over dims [axis, rank). Statistics are computed in
/// double, which meets any stash_type.
Status layerNorm(KernelContext &ctx) {
  if (Status st = layerNormPrepare(ctx, nullptr); st != Status::Ok)
    return st;
  const TensorView *x = ctx.input(0), *scale = ctx.input(1), *bias = ctx.input(2);
  TensorView *y = ctx.output(0), *meanOut = ctx.output(1), *invStdOut = ctx.output(2);
  int64_t axis = ctx.attrs.getInt("axis", -1);
  normalizeAxis(axis, x->rank);
  double eps = ctx.attrs.getFloat("epsilon", 1e-5f);
  int64_t rows = dimsProduct(*x, 0, int(axis)), cols = dimsProduct(*x, int(axis), x->rank);
  BroadcastIndexer si(*y, *scale), bi(*y, bias ? *bias : *scale);
  for (int64_t r = 0; r < rows; ++r) {
    const float *in = x->as<float>() + r * cols;
    float *out = y->as<float>() + r * cols;
    double mean, var;
    meanVar(in, cols, mean, var);
    double inv = 1.0 / std::sqrt(var + eps);
    for (int64_t j = 0; j < cols; ++j, si.next(), bi.next())
      out[j] = float((in[j] - mean) * inv) * scale->as<float>()[si.offset()] +
               (bias ? bias->as<float>()[bi.offset()] : 0.0f);
    if (meanOut)
      meanOut->as<float>()[r] = float(mean);
    if (invStdOut)
      invStdOut->as<float>()[r] = float(inv);
  }
  return Status::Ok;
}

Status lrnPrepare(KernelContext &ctx, size_t *) {
  if (ctx.attrs.getInt("size", 0) < 1)
    return ctx.fail("needs a positive size");
  return channelNormSetup(ctx, 0);
}

/// LRN across channels: x / (bias + alpha / size * sum of x^2 over the
/// channels [c - (size-1)/2, c + ceil((size-1)/2)]) ^ beta.
Status lrn(KernelContext &ctx) {
  if (Status st = lrnPrepare(ctx, nullptr); st != Status::Ok)
    return st;
  const TensorView *x = ctx.input(0);
  int64_t size = ctx.attrs.getInt("size", 0);
  float alpha = ctx.attrs.getFloat("alpha", 1e-4f), beta = ctx.attrs.getFloat("beta", 0.75f);
  float bias = ctx.attrs.getFloat("bias", 1.0f);
  int64_t channels = x->shape[1], inner = dimsProduct(*x, 2, x->rank);
  int64_t before = (size - 1) / 2, after = size - 1 - before;
  const float *in = x->as<float>();
  float *out = ctx.output(0)->as<float>();
  for (int64_t n = 0; n < x->shape[0]; ++n)
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t i = 0; i < inner; ++i) {
        float sum = 0.0f;
        for (int64_t k = c - before; k <= c + after; ++k)
          if (k >= 0 && k < channels) {
            float v = in[(n * channels + k) * inner + i];
            sum += v * v;
          }
        int64_t at = (n * channels + c) * inner + i;
        out[at] = in[at] / std::pow(bias + alpha / float(size) * sum, beta);
      }
  return Status::Ok;
}

Status lpNormPrepare(KernelContext &ctx, size_t *) {
  const TensorView *x = ctx.input(0), *y = ctx.output(0);
  if (!x || !y || !sameShape(*x, *y) || !isF32(x) || !isF32(y))
    return ctx.fail("needs f32 X and Y of one shape");
  int64_t axis = ctx.attrs.getInt("axis", -1), p = ctx.attrs.getInt("p", 2);
  if (!normalizeAxis(axis, x->rank))
    return ctx.fail("axis %lld is out of range for rank %d", ll(axis), x->rank);
  if (p != 1 && p != 2)
    return ctx.fail("p must be 1 or 2, got %lld", ll(p));
  return Status::Ok;
}

/// LpNormalization: x / ||x||_p along axis; an all-zero vector stays zero
/// (rather than NaN).
Status lpNorm(KernelContext &ctx) {
  if (Status st = lpNormPrepare(ctx, nullptr); st != Status::Ok)
    return st;
  const TensorView *x = ctx.input(0);
  int64_t axis = ctx.attrs.getInt("axis", -1), p = ctx.attrs.getInt("p", 2);
  normalizeAxis(axis, x->rank);
  int64_t len = x->shape[axis], inner = dimsProduct(*x, int(axis) + 1, x->rank);
  int64_t outer = dimsProduct(*x, 0, int(axis));
  const float *in = x->as<float>();
  float *out = ctx.output(0)->as<float>();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      int64_t base = o * len * inner + i;
      double norm = 0.0;
      for (int64_t k = 0; k < len; ++k) {
        double v = in[base + k * inner];
        norm += p == 1 ? std::fabs(v) : v * v;
      }
      if (p == 2)
        norm = std::sqrt(norm);
      for (int64_t k = 0; k < len; ++k)
        out[base + k * inner] = norm > 0.0 ? float(in[base + k * inner] / norm) : 0.0f;
    }
  return Status::Ok;
}

/// MeanVarianceNormalization's statistics groups: X's shape with the
/// reduced axes set to 1 (BroadcastIndexer then maps elements to groups).
Status mvnSetup(const KernelContext &ctx, TensorView &groups) {
  const TensorView *x = ctx.input(0), *y = ctx.output(0);
  if (!x || !y || !sameShape(*x, *y) || !isF32(x) || !isF32(y))
    return ctx.fail("needs f32 X and Y of one shape");
  static const int64_t kDefaultAxes[] = {0, 2, 3};
  const int64_t *axes;
  int n = ctx.attrs.getInts("axes", &axes);
  if (!ctx.attrs.has("axes")) {
    axes = kDefaultAxes;
    n = 3;
  }
  groups = leadingDims(*x, x->rank);
  for (int i = 0; i < n; ++i) {
    int64_t a = axes[i];
    if (!normalizeAxis(a, x->rank))
      return ctx.fail("axis %lld is out of range for rank %d", ll(axes[i]), x->rank);
    groups.shape[a] = 1;
  }
  return Status::Ok;
}

Status mvnPrepare(KernelContext &ctx, size_t *scratch) {
  TensorView groups;
  Status st = mvnSetup(ctx, groups);
  *scratch = size_t(groups.numel()) * 2 * sizeof(double); // sums, sums of squares
  return st;
}

/// MeanVarianceNormalization: (x - E[x]) / (sqrt(E[x^2] - E[x]^2) + 1e-9),
/// as ONNX's function body defines it.
Status mvn(KernelContext &ctx) {
  TensorView groups;
  if (Status st = mvnSetup(ctx, groups); st != Status::Ok)
    return st;
  int64_t numGroups = groups.numel(), n = ctx.input(0)->numel();
  if (ctx.scratchBytes < size_t(numGroups) * 2 * sizeof(double))
    return ctx.fail("scratch too small");
  double *sum = static_cast<double *>(ctx.scratch), *sq = sum + numGroups;
  for (int64_t g = 0; g < numGroups; ++g)
    sum[g] = sq[g] = 0.0;
  const float *in = ctx.input(0)->as<float>();
  float *out = ctx.output(0)->as<float>();
  BroadcastIndexer gi(*ctx.input(0), groups);
  for (int64_t i = 0; i < n; ++i, gi.next()) {
    sum[gi.offset()] += in[i];
    sq[gi.offset()] += double(in[i]) * in[i];
  }
  double count = double(n / (numGroups ? numGroups : 1));
  for (int64_t g = 0; g < numGroups; ++g) { // sum -> mean, sq -> std + eps
    sum[g] /= count;
    double var = sq[g] / count - sum[g] * sum[g];
    sq[g] = std::sqrt(var > 0.0 ? var : 0.0) + 1e-9;
  }
  BroadcastIndexer go(*ctx.input(0), groups);
  for (int64_t i = 0; i < n; ++i, go.next())
    out[i] = float((in[i] - sum[go.offset()]) / sq[go.offset()]);
  return Status::Ok;
}

//===----------------------------------------------------------------------===//
// Recurrent: RNN, GRU, LSTM
//===----------------------------------------------------------------------===//

enum class Cell { Rnn, Gru, Lstm };
int gatesOf(Cell c) { return c == Cell::Rnn ? 1 : c == Cell::Gru ? 3 : 4; }
int activationsOf(Cell c) { return c == Cell::Rnn ? 1 : c == Cell::Gru ? 2 : 3; }

enum class Act : uint8_t {
  Relu,
  Tanh,
  Sigmoid,
  Affine,
  LeakyRelu,
  ThresholdedRelu,
  ScaledTanh,
  HardSigmoid,
  Elu,
  Softsign,
  Softplus
};
struct Activation {
  Act kind;
  float alpha, beta;
};
/// The activations RNNs accept, with their default alpha/beta and how many
/// of activation_alpha/activation_beta they consume (0, 1: alpha, 2: both).
struct ActivationInfo {
  const char *name;
  Act kind;
  float alpha, beta;
  int params;
};
const ActivationInfo kActivations[] = {
    {"Relu", Act::Relu, 0, 0, 0},
    {"Tanh", Act::Tanh, 0, 0, 0},
    {"Sigmoid", Act::Sigmoid, 0, 0, 0},
    {"Affine", Act::Affine, 1.0f, 0.0f, 2},
    {"LeakyRelu", Act::LeakyRelu, 0.01f, 0, 1},
    {"ThresholdedRelu", Act::ThresholdedRelu, 1.0f, 0, 1},
    {"ScaledTanh", Act::ScaledTanh, 1.0f, 1.0f, 2},
    {"HardSigmoid", Act::HardSigmoid, 0.2f, 0.5f, 2},
    {"Elu", Act::Elu, 1.0f, 0, 1},
    {"Softsign", Act::Softsign, 0, 0, 0},
    {"Softplus", Act::Softplus, 0, 0, 0},
};

float activate(const Activation &a, float x) {
  switch (a.kind) {
  case Act::Relu: return x > 0.0f ? x : 0.0f;
  case Act::Tanh: return std::tanh(x);
  case Act::Sigmoid: return 1.0f / (1.0f + std::exp(-x));
  case Act::Affine: return a.alpha * x + a.beta;
  case Act::LeakyRelu: return x < 0.0f ? a.alpha * x : x;
  case Act::ThresholdedRelu: return x > a.alpha ? x : 0.0f;
  case Act::ScaledTanh: return a.alpha * std::tanh(a.beta * x);
  case Act::HardSigmoid: {
    float v = a.alpha * x + a.beta;
    return v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
  }
  case Act::Elu: return x < 0.0f ? a.alpha * (std::exp(x) - 1.0f) : x;
  case Act::Softsign: return x / (1.0f + std::fabs(x));
  case Act::Softplus: // log(1 + e^x) without overflow
    return x > 0.0f ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
  }
  return x;
}

bool equalsIgnoreCase(const char *a, const char *b) {
  for (; *a && *b; ++a, ++b)
    if ((*a | 0x20) != (*b | 0x20))
      return false;
  return *a == *b;
}

/// The activations of each direction (f[, g[, h]] per direction, forward
/// first) from activations/activation_alpha/activation_beta or defaults.
Status readActivations(const KernelContext &ctx, Cell cell, int dirs, Activation *acts) {
  static const char *const kDefaults[] = {"Sigmoid", "Tanh", "Tanh"};
  int per = activationsOf(cell);
  const char *names[6];
  int n = ctx.attrs.getStrings("activations", names, 6);
  if (n == 0) {
    for (int i = 0; i < per * dirs; ++i)
      names[i] = cell == Cell::Rnn ? "Tanh" : kDefaults[i % per];
  } else if (n == per && dirs == 2) { // one list for both directions
    for (int i = 0; i < per; ++i)
      names[per + i] = names[i];
  } else if (n != per * dirs) {
    return ctx.fail("activations has %d entries, expected %d", n, per * dirs);
  }
  const float *alphas, *betas;
  int na = ctx.attrs.getFloats("activation_alpha", &alphas), ia = 0;
  int nb = ctx.attrs.getFloats("activation_beta", &betas), ib = 0;
  for (int i = 0; i < per * dirs; ++i) {
    const ActivationInfo *info = nullptr;
    for (const ActivationInfo &a : kActivations)
      if (equalsIgnoreCase(a.name, names[i]))
        info = &a;
    if (!info)
      return ctx.fail("unsupported activation '%s'", names[i]);
    acts[i] = {info->kind, info->alpha, info->beta};
    if (info->params >= 1 && ia < na)
      acts[i].alpha = alphas[ia++];
    if (info->params == 2 && ib < nb)
      acts[i].beta = betas[ib++];
  }
  return Status::Ok;
}

struct RnnSetup {
  Cell cell;
  const TensorView *x, *w, *r, *bias, *lens, *h0, *c0, *peep;
  TensorView *y, *yh, *yc;
  int64_t seq, batch, input, hidden, dirs, gates;
  bool batchFirst, reverse, hasClip, linearBeforeReset, inputForget;
  float clip;
  Activation acts[6];

  // Offsets of X's, Y's and the states' rows (layout 1 puts batch first).
  int64_t xAt(int64_t t, int64_t b) const {
    return (batchFirst ? b * seq + t : t * batch + b) * input;
  }
  int64_t yAt(int64_t t, int64_t d, int64_t b) const {
    return (batchFirst ? (b * seq + t) * dirs + d : (t * dirs + d) * batch + b) * hidden;
  }
  int64_t stateAt(int64_t d, int64_t b) const {
    return (batchFirst ? b * dirs + d : d * batch + b) * hidden;
  }
  size_t scratchBytes() const { return size_t((gates + 3) * hidden) * sizeof(float); }
};

/// Inputs: X, W, R, B, sequence_lens, initial_h (LSTM: initial_c, P);
/// outputs Y, Y_h (LSTM: Y_c), every one optional but X, W, R.
Status rnnSetup(const KernelContext &ctx, Cell cell, RnnSetup &s) {
  bool lstm = cell == Cell::Lstm;
  s.cell = cell;
  s.x = ctx.input(0), s.w = ctx.input(1), s.r = ctx.input(2), s.bias = ctx.input(3);
  s.lens = ctx.input(4), s.h0 = ctx.input(5);
  s.c0 = lstm ? ctx.input(6) : nullptr, s.peep = lstm ? ctx.input(7) : nullptr;
  s.y = ctx.output(0), s.yh = ctx.output(1), s.yc = lstm ? ctx.output(2) : nullptr;
  if (!s.x || !s.w || !s.r || s.x->rank != 3 || s.w->rank != 3 || s.r->rank != 3)
    return ctx.fail("needs 3-D X, W and R");
  for (const TensorView *t : {s.x, s.w, s.r, s.bias, s.h0, s.c0, s.peep, (const TensorView *)s.y,
                              (const TensorView *)s.yh, (const TensorView *)s.yc})
    if (!isF32(t))
      return ctx.fail("supports f32, got %s", dtypeName(t->dtype));
  int64_t layout = ctx.attrs.getInt("layout", 0);
  if (layout != 0 && layout != 1)
    return ctx.fail("layout must be 0 or 1, got %lld", ll(layout));
  s.batchFirst = layout == 1;
  s.seq = s.x->shape[s.batchFirst];
  s.batch = s.x->shape[!s.batchFirst];
  s.input = s.x->shape[2];
  const char *direction = ctx.attrs.getString("direction", "forward");
  bool bidi = !std::strcmp(direction, "bidirectional");
  s.reverse = !std::strcmp(direction, "reverse");
  if (!bidi && !s.reverse && std::strcmp(direction, "forward"))
    return ctx.fail("unknown direction '%s'", direction);
  s.dirs = bidi ? 2 : 1;
  s.gates = gatesOf(cell);
  s.hidden = s.r->shape[2];
  int64_t gh = s.gates * s.hidden, states = s.dirs * s.batch * s.hidden;
  if (ctx.attrs.getInt("hidden_size", s.hidden) != s.hidden)
    return ctx.fail("hidden_size %lld disagrees with R's %lld",
                    ll(ctx.attrs.getInt("hidden_size", 0)), ll(s.hidden));
  if (s.w->shape[0] != s.dirs || s.w->shape[1] != gh || s.w->shape[2] != s.input)
    return ctx.fail("W is [%lld, %lld, %lld], expected [%lld, %lld, %lld]", ll(s.w->shape[0]),
                    ll(s.w->shape[1]), ll(s.w->shape[2]), ll(s.dirs), ll(gh), ll(s.input));
  if (s.r->shape[0] != s.dirs || s.r->shape[1] != gh)
    return ctx.fail("R is [%lld, %lld, %lld], expected [%lld, %lld, %lld]", ll(s.r->shape[0]),
                    ll(s.r->shape[1]), ll(s.r->shape[2]), ll(s.dirs), ll(gh), ll(s.hidden));
  if ((s.bias && s.bias->numel() != s.dirs * 2 * gh) ||
      (s.peep && s.peep->numel() != s.dirs * 3 * s.hidden))
    return ctx.fail("B needs %lld values and P %lld", ll(s.dirs * 2 * gh),
                    ll(s.dirs * 3 * s.hidden));
  if (s.lens &&
      (s.lens->numel() != s.batch || (s.lens->dtype != DType::I32 && s.lens->dtype != DType::I64)))
    return ctx.fail("sequence_lens must be i32 with %lld values", ll(s.batch));
  for (const TensorView *t : {s.h0, s.c0, (const TensorView *)s.yh, (const TensorView *)s.yc})
    if (t && t->numel() != states)
      return ctx.fail("initial/final states need %lld values", ll(states));
  if (s.y && s.y->numel() != s.seq * states)
    return ctx.fail("Y needs %lld values", ll(s.seq * states));
  s.hasClip = ctx.attrs.has("clip");
  s.clip = ctx.attrs.getFloat("clip", 0.0f);
  s.linearBeforeReset = ctx.attrs.getInt("linear_before_reset", 0) != 0;
  s.inputForget = ctx.attrs.getInt("input_forget", 0) != 0;
  return readActivations(ctx, cell, int(s.dirs), s.acts);
}

/// One time step of one batch item in one direction: updates h (and c) in
/// place. W, R, Wb, Rb, P are the direction's; gates has gates * hidden
/// floats, tmp hidden. Gate orders: GRU z, r, h; LSTM i, o, f, c.
void cellStep(const RnnSetup &s, const Activation *f, const float *x, const float *W,
              const float *R, const float *Wb, const float *Rb, const float *P, float *gates,
              float *h, float *c, float *tmp) {
  int64_t H = s.hidden, I = s.input;
  auto clip = [&](float v) {
    return !s.hasClip ? v : v < -s.clip ? -s.clip : v > s.clip ? s.clip : v;
  };
  // x W^T + h R^T + biases for gates [0, n) (all but GRU's h gate).
  auto preact = [&](int64_t rows) {
    for (int64_t r = 0; r < rows; ++r)
      gates[r] = dot(x, W + r * I, I) + dot(h, R + r * H, H) + (Wb ? Wb[r] + Rb[r] : 0.0f);
  };
  switch (s.cell) {
  case Cell::Rnn:
    preact(H);
    for (int64_t j = 0; j < H; ++j)
      h[j] = activate(f[0], clip(gates[j]));
    break;
  case Cell::Gru: {
    preact(2 * H);
    float *z = gates, *rg = gates + H, *hh = gates + 2 * H;
    for (int64_t j = 0; j < 2 * H; ++j)
      gates[j] = activate(f[0], clip(gates[j]));
    for (int64_t j = 0; j < H; ++j)
      tmp[j] = rg[j] * h[j];
    for (int64_t j = 0, row = 2 * H; j < H; ++j, ++row) {
      float xw = dot(x, W + row * I, I) + (Wb ? Wb[row] : 0.0f), rb = Rb ? Rb[row] : 0.0f;
      hh[j] = s.linearBeforeReset ? xw + rg[j] * (dot(h, R + row * H, H) + rb)
                                  : xw + dot(tmp, R + row * H, H) + rb;
    }
    for (int64_t j = 0; j < H; ++j) {
      float cand = activate(f[1], clip(hh[j]));
      h[j] = (1.0f - z[j]) * cand + z[j] * h[j];
    }
    break;
  }
  case Cell::Lstm: {
    preact(4 * H);
    const float *gi = gates, *go = gates + H, *gf = gates + 2 * H, *gc = gates + 3 * H;
    for (int64_t j = 0; j < H; ++j) {
      float i = activate(f[0], clip(gi[j] + (P ? P[j] * c[j] : 0.0f)));
      float fg =
          s.inputForget ? 1.0f - i : activate(f[0], clip(gf[j] + (P ? P[2 * H + j] * c[j] : 0.0f)));
      float cn = fg * c[j] + i * activate(f[1], clip(gc[j]));
      float o = activate(f[0], clip(go[j] + (P ? P[H + j] * cn : 0.0f)));
      c[j] = cn;
      h[j] = o * activate(f[2], cn);
    }
    break;
  }
  }
}

template <Cell C> Status rnnPrepare(KernelContext &ctx, size_t *scratch) {
  RnnSetup s;
  Status st = rnnSetup(ctx, C, s);
  *scratch = st == Status::Ok ? s.scratchBytes() : 0;
  return st;
}

/// Runs each direction and batch item through its sequence (reverse from
/// its last valid step); Y is zero past a sequence's length.
template <Cell C> Status rnnEval(KernelContext &ctx) {
  RnnSetup s;
  if (Status st = rnnSetup(ctx, C, s); st != Status::Ok)
    return st;
  if (ctx.scratchBytes < s.scratchBytes())
    return ctx.fail("scratch too small");
  int64_t H = s.hidden, GH = s.gates * H;
  float *gates = static_cast<float *>(ctx.scratch), *h = gates + GH, *c = h + H, *tmp = c + H;
  auto copy = [](float *to, const float *from, int64_t n) {
    for (int64_t i = 0; i < n; ++i)
      to[i] = from ? from[i] : 0.0f;
  };
  for (int64_t d = 0; d < s.dirs; ++d) {
    const float *W = s.w->as<float>() + d * GH * s.input, *R = s.r->as<float>() + d * GH * H;
    const float *Wb = s.bias ? s.bias->as<float>() + d * 2 * GH : nullptr;
    const float *Rb = Wb ? Wb + GH : nullptr;
    const float *P = s.peep ? s.peep->as<float>() + d * 3 * H : nullptr;
    const Activation *f = s.acts + d * activationsOf(C);
    bool reverse = s.reverse || d == 1;
    for (int64_t b = 0; b < s.batch; ++b) {
      int64_t len = !s.lens                       ? s.seq
                    : s.lens->dtype == DType::I32 ? s.lens->as<int32_t>()[b]
                                                  : s.lens->as<int64_t>()[b];
      if (len < 0 || len > s.seq)
        return ctx.fail("sequence_lens[%lld] = %lld is outside [0, %lld]", ll(b), ll(len),
                        ll(s.seq));
      copy(h, s.h0 ? s.h0->as<float>() + s.stateAt(d, b) : nullptr, H);
      copy(c, s.c0 ? s.c0->as<float>() + s.stateAt(d, b) : nullptr, H);
      for (int64_t step = 0; step < len; ++step) {
        int64_t t = reverse ? len - 1 - step : step;
        cellStep(s, f, s.x->as<float>() + s.xAt(t, b), W, R, Wb, Rb, P, gates, h, c, tmp);
        if (s.y)
          copy(s.y->as<float>() + s.yAt(t, d, b), h, H);
      }
      for (int64_t t = len; s.y && t < s.seq; ++t)
        copy(s.y->as<float>() + s.yAt(t, d, b), nullptr, H);
      if (s.yh)
        copy(s.yh->as<float>() + s.stateAt(d, b), h, H);
      if (s.yc)
        copy(s.yc->as<float>() + s.stateAt(d, b), c, H);
    }
  }
  return Status::Ok;
}

} // namespace

const KernelDef kNNKernels[] = {
    {"Conv", convPrepare, conv},
    {"ConvTranspose", convTransposePrepare, convTranspose},
    {"ConvInteger", convIntegerPrepare, convInteger},
    {"QLinearConv", qlinearConvPrepare, qlinearConv},
    {"MatMul", matMulPrepare, matMul},
    {"MatMulInteger", matMulIntegerPrepare, matMulInteger},
    {"QLinearMatMul", qlinearMatMulPrepare, qlinearMatMul},
    {"Gemm", gemmPrepare, gemm},
    {"AveragePool", poolPrepare<PoolKind::Average, false>, poolEval<PoolKind::Average, false>},
    {"MaxPool", poolPrepare<PoolKind::Max, false>, poolEval<PoolKind::Max, false>},
    {"LpPool", poolPrepare<PoolKind::Lp, false>, poolEval<PoolKind::Lp, false>},
    {"GlobalAveragePool", poolPrepare<PoolKind::Average, true>, poolEval<PoolKind::Average, true>},
    {"GlobalMaxPool", poolPrepare<PoolKind::Max, true>, poolEval<PoolKind::Max, true>},
    {"GlobalLpPool", poolPrepare<PoolKind::Lp, true>, poolEval<PoolKind::Lp, true>},
    {"MaxRoiPool", maxRoiPoolPrepare, maxRoiPool},
    {"MaxUnpool", maxUnpoolPrepare, maxUnpool},
    {"BatchNormalization", batchNormPrepare, batchNorm},
    {"InstanceNormalization", instanceNormPrepare, instanceNorm},
    {"LayerNormalization", layerNormPrepare, layerNorm},
    {"LRN", lrnPrepare, lrn},
    {"LpNormalization", lpNormPrepare, lpNorm},
    {"MeanVarianceNormalization", mvnPrepare, mvn},
    {"RNN", rnnPrepare<Cell::Rnn>, rnnEval<Cell::Rnn>},
    {"GRU", rnnPrepare<Cell::Gru>, rnnEval<Cell::Gru>},
    {"LSTM", rnnPrepare<Cell::Lstm>, rnnEval<Cell::Lstm>},
};
const int kNumNNKernels = sizeof(kNNKernels) / sizeof(kNNKernels[0]);

} // namespace iron::rt::reference
