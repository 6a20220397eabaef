//===- Attention.cpp - Scaled dot-product attention -----------------------===//
//
// Y = Softmax(Q Kt * scale + mask) V, per batch-head and block of query
// rows: the block's scores (rows x T, in scratch) come from the packed
// SGEMM with the scale as alpha, each row gets its mask, max, exp and sum,
// and the normalized block multiplies V (SGEMM again; the vector kernels
// for a single row). The S x T score matrix never exists as a whole, and
// each step computes as the reference MatMul, Mul, Add and Softmax do (exp
// within 2 ulp, vectorized per instruction set as in Epilogue.h).
//
//===----------------------------------------------------------------------===//

#include "kernels/KernelUtil.h"
#include "kernels/optimized/Epilogue.h"
#include "kernels/optimized/Families.h"
#include "kernels/optimized/Gemm.h"

#include <cmath>
#include <cstring>
#include <initializer_list>

namespace iron::rt::optimized {
namespace {

/// Score floats a block of query rows aims for (128 KiB: L2-resident).
constexpr int64_t kScoreFloats = 32768;

struct AttentionShape {
  const TensorView *q, *kt, *v, *mask;
  TensorView *y;
  int64_t s, d, t, dv, batches, rows;
  TensorView qBatch, kBatch, vBatch, yBatch, maskBatch;
  int64_t maskPlane = 0, maskRowStride = 0, maskColStride = 0;
};

Status readAttention(const KernelContext &ctx, AttentionShape &a) {
  a.q = ctx.input(0);
  a.kt = ctx.input(1);
  a.v = ctx.input(2);
  a.mask = ctx.input(3);
  a.y = ctx.output(0);
  if (!a.q || !a.kt || !a.v || !a.y)
    return ctx.fail("needs Q, Kt, V and Y");
  for (const TensorView *t : {a.q, a.kt, a.v, static_cast<const TensorView *>(a.y), a.mask})
    if (t && t->dtype != DType::F32)
      return ctx.fail("supports f32, got %s", dtypeName(t->dtype));
  if (a.q->rank < 2 || a.kt->rank < 2 || a.v->rank < 2 || a.y->rank < 2)
    return ctx.fail("Q, Kt, V and Y need rank >= 2");
  auto dim = [](const TensorView *t, int fromEnd) { return t->shape[t->rank - fromEnd]; };
  a.s = dim(a.q, 2);
  a.d = dim(a.q, 1);
  a.t = dim(a.kt, 1);
  a.dv = dim(a.v, 1);
  if (dim(a.kt, 2) != a.d || dim(a.v, 2) != a.t || dim(a.y, 2) != a.s || dim(a.y, 1) != a.dv)
    return ctx.fail("shapes do not chain: Q [..., S, D], Kt [..., D, T], V [..., T, Dv], "
                    "Y [..., S, Dv]");
  a.qBatch = leadingDims(*a.q, a.q->rank - 2);
  a.kBatch = leadingDims(*a.kt, a.kt->rank - 2);
  a.vBatch = leadingDims(*a.v, a.v->rank - 2);
  a.yBatch = leadingDims(*a.y, a.y->rank - 2);
  if (!broadcastsTo(a.qBatch, a.yBatch) || !broadcastsTo(a.kBatch, a.yBatch) ||
      !broadcastsTo(a.vBatch, a.yBatch))
    return ctx.fail("the batch dims of Q, Kt and V do not broadcast to Y's");
  a.batches = a.yBatch.numel();
  if (a.mask) {
    // The mask right-aligned to [batch..., S, T].
    TensorView scores = leadingDims(*a.y, a.y->rank);
    scores.shape[scores.rank - 1] = a.t;
    if (!broadcastsTo(*a.mask, scores))
      return ctx.fail("the mask does not broadcast to the scores [..., S, T]");
    int r = a.mask->rank;
    int64_t ms = r >= 2 ? a.mask->shape[r - 2] : 1, mt = r >= 1 ? a.mask->shape[r - 1] : 1;
    a.maskBatch = leadingDims(*a.mask, r - 2);
    a.maskPlane = ms * mt;
    a.maskRowStride = ms == 1 ? 0 : mt;
    a.maskColStride = mt == 1 ? 0 : 1;
  }
  int64_t rows = a.t > 0 ? kScoreFloats / a.t : a.s;
  rows = rows < 8 ? 8 : rows;
  a.rows = rows < a.s ? rows : a.s;
  return Status::Ok;
}

size_t align64(size_t n) { return (n + 63) / 64 * 64; }

size_t gemmScratch(const AttentionShape &a) {
  size_t first = sgemmScratchBytes(a.rows, a.t, a.d), second = sgemmScratchBytes(a.rows, a.dv, a.t);
  return first > second ? first : second;
}

size_t scratchFor(const AttentionShape &a) {
  return align64(size_t(a.rows * a.t) * sizeof(float)) + gemmScratch(a) + 64;
}

/// row[j] = softmax(row + mask)[j], as the reference Add and Softmax do
/// (the sum in 8 interleaved partial sums, so that it vectorizes).
IRON_ALWAYS_INLINE void softmaxBody(float *row, int64_t t, const float *mask,
                                    int64_t maskStride) {
  if (mask) {
    if (maskStride == 1)
      for (int64_t j = 0; j < t; ++j)
        row[j] = row[j] + mask[j];
    else
      for (int64_t j = 0; j < t; ++j)
        row[j] = row[j] + mask[0];
  }
  float mx = row[0];
  for (int64_t j = 1; j < t; ++j)
    mx = std::fmax(mx, row[j]);
  for (int64_t j = 0; j < t; ++j)
    row[j] = expOf(row[j] - mx);
  float part[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t j = 0;
  for (; j + 8 <= t; j += 8)
    for (int l = 0; l < 8; ++l)
      part[l] += row[j + l];
  float sum = 0.0f;
  for (; j < t; ++j)
    sum += row[j];
  for (int l = 0; l < 8; ++l)
    sum += part[l];
  for (int64_t k = 0; k < t; ++k)
    row[k] /= sum;
}

void softmaxGeneric(float *row, int64_t t, const float *mask, int64_t maskStride) {
  softmaxBody(row, t, mask, maskStride);
}
#if IRON_VECTOR_X86
IRON_VECTOR_AVX2 void softmaxAvx2(float *row, int64_t t, const float *mask, int64_t maskStride) {
  softmaxBody(row, t, mask, maskStride);
}
IRON_VECTOR_AVX512 void softmaxAvx512(float *row, int64_t t, const float *mask,
                                      int64_t maskStride) {
  softmaxBody(row, t, mask, maskStride);
}
#endif

using SoftmaxFn = void (*)(float *, int64_t, const float *, int64_t);
SoftmaxFn softmaxFor(Isa isa) {
#if IRON_VECTOR_X86
  if (isa == Isa::Avx512)
    return softmaxAvx512;
  if (isa == Isa::Avx2)
    return softmaxAvx2;
#endif
  (void)isa;
  return softmaxGeneric;
}

} // namespace

Status attentionPrepare(KernelContext &ctx, size_t *scratchBytes) {
  AttentionShape a;
  if (Status st = readAttention(ctx, a); st != Status::Ok)
    return st;
  *scratchBytes = scratchFor(a);
  return Status::Ok;
}

Status attentionEval(KernelContext &ctx) {
  AttentionShape a;
  if (Status st = readAttention(ctx, a); st != Status::Ok)
    return st;
  if (a.y->numel() == 0)
    return Status::Ok;
  if (!ctx.scratch || ctx.scratchBytes < scratchFor(a))
    return ctx.fail("scratch of %zu bytes, %zu needed", ctx.scratchBytes, scratchFor(a));
  auto base = reinterpret_cast<uintptr_t>(ctx.scratch);
  auto *scratch = reinterpret_cast<uint8_t *>((base + 63) / 64 * 64);
  float *scores = reinterpret_cast<float *>(scratch);
  void *gemm = scratch + align64(size_t(a.rows * a.t) * sizeof(float));
  const float scale = ctx.attrs.getFloat("scale", 1.0f);
  const float *q = a.q->as<float>(), *kt = a.kt->as<float>(), *v = a.v->as<float>();
  const float *mask = a.mask ? a.mask->as<float>() : nullptr;
  float *y = a.y->as<float>();
  const SoftmaxFn softmax = softmaxFor(activeIsa());
  BroadcastIndexer iq(a.yBatch, a.qBatch), ik(a.yBatch, a.kBatch), iv(a.yBatch, a.vBatch);
  BroadcastIndexer im(a.yBatch, a.maskBatch);
  for (int64_t b = 0; b < a.batches; ++b, iq.next(), ik.next(), iv.next(), im.next()) {
    const float *qb = q + iq.offset() * a.s * a.d, *kb = kt + ik.offset() * a.d * a.t,
                *vb = v + iv.offset() * a.t * a.dv;
    const float *mb = mask ? mask + im.offset() * a.maskPlane : nullptr;
    float *yb = y + b * a.s * a.dv;
    for (int64_t s0 = 0; s0 < a.s; s0 += a.rows) {
      const int64_t r = a.s - s0 < a.rows ? a.s - s0 : a.rows;
      // scores = scale * Q rows x Kt.
      if (r == 1) {
        gevm(a.d, a.t, qb + s0 * a.d, kb, a.t, scores, scale, false);
      } else {
        GemmArgs g;
        g.m = r;
        g.n = a.t;
        g.k = a.d;
        g.a = qb + s0 * a.d;
        g.lda = a.d;
        g.b.data = kb;
        g.b.ld = a.t;
        g.c = scores;
        g.ldc = a.t;
        g.alpha = scale;
        sgemm(g, gemm);
      }
      if (a.t > 0)
        for (int64_t i = 0; i < r; ++i)
          softmax(scores + i * a.t, a.t, mb ? mb + (s0 + i) * a.maskRowStride : nullptr,
                     a.maskColStride);
      // Y rows = probabilities x V.
      if (r == 1) {
        if (a.t == 0)
          std::memset(yb + s0 * a.dv, 0, size_t(a.dv) * sizeof(float));
        else
          gevm(a.t, a.dv, scores, vb, a.dv, yb + s0 * a.dv, 1.0f, false);
      } else {
        GemmArgs g;
        g.m = r;
        g.n = a.dv;
        g.k = a.t;
        g.a = scores;
        g.lda = a.t;
        g.b.data = vb;
        g.b.ld = a.dv;
        g.c = yb + s0 * a.dv;
        g.ldc = a.dv;
        sgemm(g, gemm);
      }
    }
  }
  return Status::Ok;
}

} // namespace iron::rt::optimized
