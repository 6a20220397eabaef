//===- MatMul.cpp - Optimized f32 MatMul and Gemm -------------------------===//
//
// MatMul: numpy semantics (batch broadcasting; a 1-D A is a row, a 1-D B a
// column). When B has no batch dims of its own (weights) and A's batches are
// all distinct, the batches stack into one tall GEMM; otherwise each batch
// is its own GEMM. A single row or column goes to the vector kernels.
//
// A fused kernel's epilogue (bias per column, residual, activation) runs
// on each GEMM panel as soon as it is final, or on the vector kernels'
// output row.
//
// Gemm: Y = alpha * op(A) * op(B) + beta * C. Y starts as beta * C
// (broadcast) and the product accumulates into it; alpha is applied in the
// micro-kernel's epilogue, transA is read in place and transB is handled
// when packing B.
//
//===----------------------------------------------------------------------===//

#include "kernels/optimized/Epilogue.h"
#include "kernels/optimized/Families.h"
#include "kernels/optimized/Gemm.h"
#include "kernels/reference/NNUtil.h"

#include <cstring>

namespace iron::rt::optimized {
namespace {

using namespace nn;

uint8_t *alignedScratch(const KernelContext &ctx) {
  auto base = reinterpret_cast<uintptr_t>(ctx.scratch);
  return reinterpret_cast<uint8_t *>((base + 63) / 64 * 64);
}

//===----------------------------------------------------------------------===//
// MatMul
//===----------------------------------------------------------------------===//

struct MatMulShape {
  const TensorView *a, *b;
  TensorView *y;
  int64_t m, k, n;
  TensorView aBatch, bBatch, yBatch;
  int64_t batches;
  bool stacked; // one GEMM of batches * m rows
};

/// Reads the shapes (the reference prepare has checked them).
Status readMatMul(const KernelContext &ctx, MatMulShape &s) {
  s.a = ctx.input(0);
  s.b = ctx.input(1);
  s.y = ctx.output(0);
  if (!s.a || !s.b || !s.y || s.a->rank < 1 || s.b->rank < 1)
    return ctx.fail("needs A, B and Y of rank >= 1");
  int ra = s.a->rank, rb = s.b->rank, yMat = (ra > 1) + (rb > 1);
  s.m = ra == 1 ? 1 : s.a->shape[ra - 2];
  s.k = s.a->shape[ra - 1];
  s.n = rb == 1 ? 1 : s.b->shape[rb - 1];
  if (s.y->rank < yMat)
    return ctx.fail("Y has rank %d, expected at least %d", s.y->rank, yMat);
  s.aBatch = leadingDims(*s.a, ra - 2);
  s.bBatch = leadingDims(*s.b, rb - 2);
  s.yBatch = leadingDims(*s.y, s.y->rank - yMat);
  s.batches = s.yBatch.numel();
  s.stacked = s.bBatch.numel() == 1 && s.aBatch.numel() == s.batches;
  return Status::Ok;
}

/// Whether a GEMM (rather than a vector kernel) does the work, and for how
/// many rows at a time.
int64_t gemmRows(const MatMulShape &s) {
  int64_t rows = s.stacked ? s.m * s.batches : s.m;
  return s.n > 1 && rows > 1 ? rows : 0;
}

size_t matMulScratch(const MatMulShape &s) {
  int64_t rows = gemmRows(s);
  return rows ? sgemmScratchBytes(rows, s.n, s.k) + 64 : 0;
}

} // namespace

Status matMulPrepare(KernelContext &ctx, size_t *scratchBytes) {
  const KernelDef *ref = findReferenceKernel("MatMul");
  size_t refBytes = 0;
  if (ref && ref->prepare)
    if (Status st = ref->prepare(ctx, &refBytes); st != Status::Ok)
      return st;
  MatMulShape s;
  if (Status st = readMatMul(ctx, s); st != Status::Ok)
    return st;
  size_t mine = matMulScratch(s);
  *scratchBytes = mine > refBytes ? mine : refBytes;
  return Status::Ok;
}

Status matMulEval(KernelContext &ctx) { return matMulRun(ctx, nullptr); }

Status matMulRun(KernelContext &ctx, const Epilogue *ep) {
  MatMulShape s;
  if (Status st = readMatMul(ctx, s); st != Status::Ok)
    return st;
  if (s.a->dtype != DType::F32 || s.b->dtype != DType::F32 || s.y->dtype != DType::F32)
    return ctx.fail("supports f32, got %s", dtypeName(s.a->dtype));
  if (s.y->numel() == 0)
    return Status::Ok;
  float *y = s.y->as<float>();
  // Y as rows of n (a 1-D B leaves one column).
  auto wholeEpilogue = [&] {
    if (ep)
      applyEpilogueRows(*ep, y, s.y->numel() / s.n, s.n, s.n);
  };
  if (s.k == 0) {
    std::memset(y, 0, s.y->bytes());
    wholeEpilogue();
    return Status::Ok;
  }
  size_t need = matMulScratch(s);
  if (need && (!ctx.scratch || ctx.scratchBytes < need)) {
    const KernelDef *ref = findReferenceKernel("MatMul");
    if (!ref)
      return ctx.fail("scratch too small");
    Status st = ref->eval(ctx);
    if (st == Status::Ok)
      wholeEpilogue();
    return st;
  }
  const float *a = s.a->as<float>(), *b = s.b->as<float>();
  // Each product: a column B goes to dot products, a single row of A to a
  // combination of B's rows, anything else to the GEMM.
  auto product = [&](const float *pa, const float *pb, float *py, int64_t rows) {
    if (s.n == 1) {
      gemv(rows, s.k, pa, s.k, pb, py, 1.0f, false);
      if (ep) // one column: every row gets bias[0]
        applyEpilogue(*ep, py, rows, ep->bias, 0);
    } else if (rows == 1) {
      gevm(s.k, s.n, pa, pb, s.n, py, 1.0f, false);
      if (ep)
        applyEpilogue(*ep, py, s.n, ep->bias, 1);
    } else {
      GemmArgs g;
      g.m = rows;
      g.n = s.n;
      g.k = s.k;
      g.a = pa;
      g.lda = s.k;
      g.b.data = pb;
      g.b.ld = s.n;
      g.c = py;
      g.ldc = s.n;
      if (ep) {
        g.epilogue = gemmEpilogue;
        g.epilogueUser = ep;
      }
      sgemm(g, alignedScratch(ctx));
    }
  };
  if (s.stacked) { // B is shared: A's batches stack into one matrix
    product(a, b, y, s.m * s.batches);
    return Status::Ok;
  }
  BroadcastIndexer ia(s.yBatch, s.aBatch), ib(s.yBatch, s.bBatch);
  for (int64_t i = 0; i < s.batches; ++i, ia.next(), ib.next())
    product(a + ia.offset() * s.m * s.k, b + ib.offset() * s.k * s.n, y + i * s.m * s.n, s.m);
  return Status::Ok;
}

//===----------------------------------------------------------------------===//
// Gemm
//===----------------------------------------------------------------------===//

Status gemmPrepare(KernelContext &ctx, size_t *scratchBytes) {
  const KernelDef *ref = findReferenceKernel("Gemm");
  size_t refBytes = 0;
  if (ref && ref->prepare)
    if (Status st = ref->prepare(ctx, &refBytes); st != Status::Ok)
      return st;
  const TensorView *y = ctx.output(0), *a = ctx.input(0);
  bool ta = ctx.attrs.getInt("transA", 0);
  int64_t m = y->shape[0], n = y->shape[1], k = a->shape[!ta];
  size_t mine = m == 1 || n == 1 ? 0 : sgemmScratchBytes(m, n, k) + 64;
  *scratchBytes = mine > refBytes ? mine : refBytes;
  return Status::Ok;
}

Status gemmEval(KernelContext &ctx) {
  const TensorView *a = ctx.input(0), *b = ctx.input(1), *c = ctx.input(2);
  TensorView *y = ctx.output(0);
  if (!a || !b || !y || a->rank != 2 || b->rank != 2 || y->rank != 2)
    return ctx.fail("needs 2-D A, B and Y");
  if (a->dtype != DType::F32 || b->dtype != DType::F32 || y->dtype != DType::F32 ||
      (c && c->dtype != DType::F32))
    return ctx.fail("supports f32, got %s", dtypeName(a->dtype));
  bool ta = ctx.attrs.getInt("transA", 0), tb = ctx.attrs.getInt("transB", 0);
  float alpha = ctx.attrs.getFloat("alpha", 1.0f), beta = ctx.attrs.getFloat("beta", 1.0f);
  int64_t m = y->shape[0], n = y->shape[1], k = a->shape[!ta];
  if (m == 0 || n == 0)
    return Status::Ok;
  size_t need = m == 1 || n == 1 ? 0 : sgemmScratchBytes(m, n, k) + 64;
  if (need && (!ctx.scratch || ctx.scratchBytes < need)) {
    const KernelDef *ref = findReferenceKernel("Gemm");
    return ref ? ref->eval(ctx) : ctx.fail("scratch too small");
  }
  float *py = y->as<float>();
  const float *pa = a->as<float>(), *pb = b->as<float>();
  // Y = beta * C first (beta == 0 ignores C entirely, as onnxruntime does).
  bool accumulate = c && beta != 0.0f;
  if (accumulate) {
    const float *pc = c->as<float>();
    if (sameShape(*c, *y)) {
      for (int64_t i = 0; i < m * n; ++i)
        py[i] = beta * pc[i];
    } else if (c->numel() == n && (c->rank == 1 || c->shape[0] == 1)) {
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j)
          py[i * n + j] = beta * pc[j];
    } else {
      BroadcastIndexer idx(*y, *c);
      for (int64_t i = 0; i < m * n; ++i, idx.next())
        py[i] = beta * pc[idx.offset()];
    }
  }
  if (k == 0) {
    if (!accumulate)
      std::memset(py, 0, y->bytes());
    return Status::Ok;
  }
  if (m == 1) { // op(A) is a contiguous row either way
    if (tb)
      gemv(n, k, pb, k, pa, py, alpha, accumulate);
    else
      gevm(k, n, pa, pb, n, py, alpha, accumulate);
    return Status::Ok;
  }
  if (n == 1) { // op(B) is a contiguous column either way
    if (!ta)
      gemv(m, k, pa, k, pb, py, alpha, accumulate);
    else
      gevm(k, m, pb, pa, m, py, alpha, accumulate);
    return Status::Ok;
  }
  GemmArgs g;
  g.m = m;
  g.n = n;
  g.k = k;
  g.a = pa;
  g.lda = ta ? m : k;
  g.transA = ta;
  g.b.kind = tb ? BKind::Transposed : BKind::RowMajor;
  g.b.data = pb;
  g.b.ld = tb ? k : n;
  g.c = py;
  g.ldc = n;
  g.alpha = alpha;
  g.accumulate = accumulate;
  sgemm(g, alignedScratch(ctx));
  return Status::Ok;
}

} // namespace iron::rt::optimized
