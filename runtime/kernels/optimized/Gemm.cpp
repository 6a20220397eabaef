//===- Gemm.cpp - Packed SGEMM and vector kernels per ISA -----------------===//
//
// SGEMM follows the GotoBLAS/BLIS loop nest, single-threaded:
//
//   for jc in N by NC:            (N block)
//     for pc in K by KC:          (K block; the first stores, later ones add)
//       pack B[pc.., jc..] into NR-wide panels (scratch)
//       for ic in M by MC:        (M block, balanced)
//         for jr in NC by NR:     (one B panel, L1-resident)
//           for ir in MC by <=MR: (micro-kernel: MR x NR accumulators)
//
// A is not packed: the micro-kernel broadcasts A's elements straight from
// the caller's row-major (or transposed) matrix, as MLAS does; for the
// weights of a convolution that saves re-packing them at every inference
// (there is nowhere to keep a packed copy between runs). It prefetches
// A's rows a few lines ahead, since weights come from DRAM on first use.
// When M fits one block, each B panel is packed just before its use so it
// stays in L1. B may be row-major, transposed (packed with 8x8 in-register
// transposes) or given as one pointer per row (a convolution's taps).
//
// M tiles are balanced (64 rows with MR 12 run as 11+11+11+11+10+10, not
// 12*5+4), with one micro-kernel instantiation per row count, so no
// accumulators are wasted on padding rows. A narrow last N panel uses a
// half-width kernel. The epilogue applies alpha, the per-row bias (a
// convolution's B) or accumulates into C.
//
// Three instruction-set paths, picked once at run time: AVX-512F (MR 12,
// NR 32), AVX2+FMA (MR 6, NR 16) and portable C++ (MR 4, NR 8). The
// vector paths live in functions compiled for their target with
// __attribute__((target)), so the file builds for any x86-64 (and, without
// them, for any other architecture).
//
//===----------------------------------------------------------------------===//

#include "kernels/optimized/Gemm.h"

#include <cstring>
#include <utility>

// IRON_PORTABLE_KERNELS builds only the portable paths (to test them as
// other architectures build them).
#if (defined(__x86_64__) || defined(__i386__)) && !defined(IRON_PORTABLE_KERNELS)
#define IRON_X86 1
#if defined(__GNUC__) && !defined(__clang__)
// GCC 12's _mm512_undefined_ps() (used by several intrinsics) trips this.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#define IRON_AVX512 __attribute__((target("avx512f")))
#define IRON_AVX2 __attribute__((target("avx2,fma")))
#else
#define IRON_X86 0
#endif

namespace iron::rt::optimized {
namespace {

// Blocking. KC * NR floats of a B panel (32 KiB for AVX-512) stay in L1;
// an MC x KC block of A in L2 (MC per ISA: 512 rows, 512 KiB, where L2 is
// 1-2 MiB as on AVX-512 server parts; 240 rows otherwise); a packed KC x NC
// block of B, when M needs several blocks, in L2 beside it.
constexpr int64_t kKc = 256;
constexpr int64_t kNc = 512;
constexpr int kMaxNr = 32;
constexpr int kMaxMr = 12;

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }
int64_t minI(int64_t a, int64_t b) { return a < b ? a : b; }

float *alignFloats(void *p) {
  auto u = reinterpret_cast<uintptr_t>(p);
  return reinterpret_cast<float *>((u + 63) / 64 * 64);
}

/// A panel of w columns is nr wide, or nr / 2 when w fits in that.
int panelWidth(int64_t w, int nr) { return w <= nr / 2 ? nr / 2 : nr; }

using MicroFn = void (*)(int64_t kc, const float *a, int64_t lda, const float *b, float *c,
                         int64_t ldc, int ncols, float alpha, const float *bias, bool accumulate);
using GemvFn = void (*)(int64_t m, int64_t k, const float *a, int64_t lda, const float *x,
                        float *y, float alpha, bool accumulate);
using GevmFn = void (*)(int64_t k, int64_t n, const float *x, const float *b, int64_t ldb,
                        float *y, float alpha, bool accumulate);
using DepthwiseFn = void (*)(const float *const *taps, const float *w, int numTaps, float bias,
                             float *y, int64_t outH, int64_t outW, int64_t rowPitch);
using Stride2Fn = void (*)(float *dst, const float *src, int64_t n);
using PackTransposedFn = void (*)(const float *bt, int64_t ld, int64_t p0, int64_t kc, int64_t j,
                                  int w, int pw, float *d);

struct Impl {
  Isa isa = Isa::Generic;
  int nr = 0;     // full panel width
  int mrMax = 0;  // most rows per micro-kernel
  int64_t mc = 0; // rows per M block
  MicroFn micro[2][2][kMaxMr + 1] = {}; // [transA][full width][rows]
  GemvFn gemv = nullptr;
  GevmFn gevm = nullptr;
  DepthwiseFn depthwise = nullptr;
  PackTransposedFn packTransposed = nullptr;
  Stride2Fn stride2 = nullptr; // dst[j] = src[2 j]
};

// The tables are built by constexpr functions, so they are constant data
// (no static constructors).
template <template <int, int, bool> class Kern, int NV, bool TA, int... Rs>
constexpr void fillMicro(MicroFn *table, std::integer_sequence<int, Rs...>) {
  ((table[Rs + 1] = &Kern<Rs + 1, NV, TA>::run), ...);
}

template <template <int, int, bool> class Kern, int MR>
constexpr void fillMicroTables(Impl &im) {
  fillMicro<Kern, 1, false>(im.micro[0][0], std::make_integer_sequence<int, MR>());
  fillMicro<Kern, 2, false>(im.micro[0][1], std::make_integer_sequence<int, MR>());
  fillMicro<Kern, 1, true>(im.micro[1][0], std::make_integer_sequence<int, MR>());
  fillMicro<Kern, 2, true>(im.micro[1][1], std::make_integer_sequence<int, MR>());
}

//===----------------------------------------------------------------------===//
// Portable path: plain loops the compiler vectorizes for its baseline ISA.
//===----------------------------------------------------------------------===//

#if defined(__GNUC__)
// GCC/Clang vector extensions: SSE2 on any x86-64, NEON on AArch64, and
// plain scalar code where there is no vector unit.
typedef float V4 __attribute__((vector_size(16)));
inline V4 loadV4(const float *p) {
  V4 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
#endif

template <int R, int NV, bool TA> struct MicroGeneric {
  static constexpr int W = 4 * NV;
  static void run(int64_t kc, const float *a, int64_t lda, const float *b, float *c, int64_t ldc,
                  int ncols, float alpha, const float *bias, bool accumulate) {
    float out[R][W];
#if defined(__GNUC__)
    V4 acc[R][NV];
    for (int r = 0; r < R; ++r)
      for (int v = 0; v < NV; ++v)
        acc[r][v] = V4{0, 0, 0, 0};
    for (int64_t p = 0; p < kc; ++p) {
      V4 bv[NV];
      for (int v = 0; v < NV; ++v)
        bv[v] = loadV4(b + 4 * v);
      for (int r = 0; r < R; ++r) {
        float av = TA ? a[p * lda + r] : a[r * lda + p];
        V4 a4 = {av, av, av, av};
        for (int v = 0; v < NV; ++v)
          acc[r][v] += a4 * bv[v];
      }
      b += W;
    }
    for (int r = 0; r < R; ++r)
      std::memcpy(out[r], acc[r], sizeof out[r]);
#else
    float acc[R][W] = {};
    for (int64_t p = 0; p < kc; ++p) {
      for (int r = 0; r < R; ++r) {
        float av = TA ? a[p * lda + r] : a[r * lda + p];
        for (int j = 0; j < W; ++j)
          acc[r][j] += av * b[j];
      }
      b += W;
    }
    std::memcpy(out, acc, sizeof out);
#endif
    for (int r = 0; r < R; ++r) {
      float *cr = c + r * ldc;
      for (int j = 0; j < ncols; ++j) {
        float v = alpha * out[r][j];
        cr[j] = accumulate ? cr[j] + v : bias ? v + bias[r] : v;
      }
    }
  }
};

void gemvGeneric(int64_t m, int64_t k, const float *a, int64_t lda, const float *x, float *y,
                 float alpha, bool accumulate) {
  for (int64_t i = 0; i < m; ++i) {
    const float *ar = a + i * lda;
    float part[8] = {};
    int64_t p = 0;
    for (; p + 8 <= k; p += 8)
      for (int l = 0; l < 8; ++l)
        part[l] += ar[p + l] * x[p + l];
    float s = 0.0f;
    for (; p < k; ++p)
      s += ar[p] * x[p];
    for (int l = 0; l < 8; ++l)
      s += part[l];
    y[i] = accumulate ? y[i] + alpha * s : alpha * s;
  }
}

void gevmGeneric(int64_t k, int64_t n, const float *x, const float *b, int64_t ldb, float *y,
                 float alpha, bool accumulate) {
  constexpr int64_t kChunk = 256;
  float acc[kChunk];
  for (int64_t j0 = 0; j0 < n; j0 += kChunk) {
    int64_t w = minI(kChunk, n - j0);
    for (int64_t j = 0; j < w; ++j)
      acc[j] = 0.0f;
    for (int64_t p = 0; p < k; ++p) {
      float xv = x[p];
      const float *br = b + p * ldb + j0;
      for (int64_t j = 0; j < w; ++j)
        acc[j] += xv * br[j];
    }
    for (int64_t j = 0; j < w; ++j)
      y[j0 + j] = accumulate ? y[j0 + j] + alpha * acc[j] : alpha * acc[j];
  }
}

void packTransposedGeneric(const float *bt, int64_t ld, int64_t p0, int64_t kc, int64_t j, int w,
                           int pw, float *d) {
  int x = 0;
  for (; x + 4 <= w; x += 4) {
    const float *s0 = bt + (j + x) * ld + p0, *s1 = s0 + ld, *s2 = s1 + ld, *s3 = s2 + ld;
    for (int64_t p = 0; p < kc; ++p) {
      float *dp = d + p * pw + x;
      dp[0] = s0[p];
      dp[1] = s1[p];
      dp[2] = s2[p];
      dp[3] = s3[p];
    }
  }
  for (; x < w; ++x) {
    const float *s = bt + (j + x) * ld + p0;
    for (int64_t p = 0; p < kc; ++p)
      d[p * pw + x] = s[p];
  }
  if (w < pw)
    for (int64_t p = 0; p < kc; ++p)
      for (int xx = w; xx < pw; ++xx)
        d[p * pw + xx] = 0.0f;
}

void stride2Generic(float *dst, const float *src, int64_t n) {
  for (int64_t j = 0; j < n; ++j)
    dst[j] = src[2 * j];
}

void depthwiseGeneric(const float *const *taps, const float *w, int numTaps, float bias, float *y,
                      int64_t outH, int64_t outW, int64_t pitch) {
  for (int64_t oh = 0; oh < outH; ++oh) {
    float *yr = y + oh * outW;
    for (int64_t o = 0; o < outW; ++o)
      yr[o] = bias;
    for (int t = 0; t < numTaps; ++t) {
      const float *s = taps[t] + oh * pitch;
      float wt = w[t];
      for (int64_t o = 0; o < outW; ++o)
        yr[o] += wt * s[o];
    }
  }
}

#if IRON_X86
//===----------------------------------------------------------------------===//
// AVX2 + FMA: 8-float vectors, MR 6 x NR 16 (12 accumulators).
//===----------------------------------------------------------------------===//

IRON_AVX2 inline __m256i tailMask8(int count) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

template <int R, int NV, bool TA> struct MicroAvx2 {
  IRON_AVX2 static void run(int64_t kc, const float *a, int64_t lda, const float *b, float *c,
                            int64_t ldc, int ncols, float alpha, const float *bias,
                            bool accumulate) {
    __m256 acc[R][NV];
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 2
      for (int v = 0; v < NV; ++v)
        acc[r][v] = _mm256_setzero_ps();
    if constexpr (TA) {
#pragma GCC unroll 2
      for (int64_t p = 0; p < kc; ++p) {
        __m256 bv[NV];
#pragma GCC unroll 2
        for (int v = 0; v < NV; ++v)
          bv[v] = _mm256_load_ps(b + 8 * v);
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) {
          __m256 av = _mm256_broadcast_ss(a + r);
#pragma GCC unroll 2
          for (int v = 0; v < NV; ++v)
            acc[r][v] = _mm256_fmadd_ps(av, bv[v], acc[r][v]);
        }
        a += lda;
        b += 8 * NV;
      }
    } else {
      constexpr int Q = (R + 2) / 3;
      const float *ap[Q];
#pragma GCC unroll 8
      for (int q = 0; q < Q; ++q)
        ap[q] = a + 3 * q * lda;
      const float *pf = a + 64; // as in MicroAvx512
      int pfRow = 0;
#pragma GCC unroll 2
      for (int64_t p = 0; p < kc; ++p) {
        _mm_prefetch(reinterpret_cast<const char *>(pf), _MM_HINT_T0);
        ++pf;
        if (++pfRow == R) {
          pfRow = 0;
          pf -= (R - 1) * lda;
        } else {
          pf += lda;
        }
        __m256 bv[NV];
#pragma GCC unroll 2
        for (int v = 0; v < NV; ++v)
          bv[v] = _mm256_load_ps(b + 8 * v);
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) {
          __m256 av = _mm256_broadcast_ss(ap[r / 3] + (r % 3) * lda);
#pragma GCC unroll 2
          for (int v = 0; v < NV; ++v)
            acc[r][v] = _mm256_fmadd_ps(av, bv[v], acc[r][v]);
        }
#pragma GCC unroll 8
        for (int q = 0; q < Q; ++q)
          ++ap[q];
        b += 8 * NV;
      }
    }
    __m256 va = _mm256_set1_ps(alpha);
    if (ncols == 8 * NV) {
#pragma GCC unroll 16
      for (int r = 0; r < R; ++r) {
        float *cr = c + r * ldc;
        __m256 add = bias && !accumulate ? _mm256_set1_ps(bias[r]) : _mm256_setzero_ps();
#pragma GCC unroll 2
        for (int v = 0; v < NV; ++v) {
          __m256 val = _mm256_fmadd_ps(acc[r][v], va, add);
          if (accumulate)
            val = _mm256_add_ps(val, _mm256_loadu_ps(cr + 8 * v));
          _mm256_storeu_ps(cr + 8 * v, val);
        }
      }
      return;
    }
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
      float *cr = c + r * ldc;
      __m256 add = bias && !accumulate ? _mm256_set1_ps(bias[r]) : _mm256_setzero_ps();
#pragma GCC unroll 2
      for (int v = 0; v < NV; ++v) {
        int count = ncols - 8 * v;
        if (count <= 0)
          break;
        __m256i mask = tailMask8(count);
        __m256 val = _mm256_fmadd_ps(acc[r][v], va, add);
        if (accumulate)
          val = _mm256_add_ps(val, _mm256_maskload_ps(cr + 8 * v, mask));
        _mm256_maskstore_ps(cr + 8 * v, mask, val);
      }
    }
  }
};

IRON_AVX2 inline float hsum8(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}

IRON_AVX2 void gemvAvx2(int64_t m, int64_t k, const float *a, int64_t lda, const float *x,
                        float *y, float alpha, bool accumulate) {
  int64_t i = 0;
  for (; i + 4 <= m; i += 4) {
    const float *a0 = a + i * lda, *a1 = a0 + lda, *a2 = a1 + lda, *a3 = a2 + lda;
    __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    int64_t p = 0;
    for (; p + 8 <= k; p += 8) {
      __m256 xv = _mm256_loadu_ps(x + p);
      s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a0 + p), xv, s0);
      s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a1 + p), xv, s1);
      s2 = _mm256_fmadd_ps(_mm256_loadu_ps(a2 + p), xv, s2);
      s3 = _mm256_fmadd_ps(_mm256_loadu_ps(a3 + p), xv, s3);
    }
    float r0 = hsum8(s0), r1 = hsum8(s1), r2 = hsum8(s2), r3 = hsum8(s3);
    for (; p < k; ++p) {
      r0 += a0[p] * x[p];
      r1 += a1[p] * x[p];
      r2 += a2[p] * x[p];
      r3 += a3[p] * x[p];
    }
    float r[4] = {r0, r1, r2, r3};
    for (int l = 0; l < 4; ++l)
      y[i + l] = accumulate ? y[i + l] + alpha * r[l] : alpha * r[l];
  }
  for (; i < m; ++i) {
    const float *ar = a + i * lda;
    __m256 s = _mm256_setzero_ps();
    int64_t p = 0;
    for (; p + 8 <= k; p += 8)
      s = _mm256_fmadd_ps(_mm256_loadu_ps(ar + p), _mm256_loadu_ps(x + p), s);
    float r = hsum8(s);
    for (; p < k; ++p)
      r += ar[p] * x[p];
    y[i] = accumulate ? y[i] + alpha * r : alpha * r;
  }
}

IRON_AVX2 void gevmAvx2(int64_t k, int64_t n, const float *x, const float *b, int64_t ldb,
                        float *y, float alpha, bool accumulate) {
  __m256 va = _mm256_set1_ps(alpha);
  int64_t j = 0;
  for (; j + 32 <= n; j += 32) {
    __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    const float *bp = b + j;
    for (int64_t p = 0; p < k; ++p, bp += ldb) {
      __m256 xv = _mm256_broadcast_ss(x + p);
      s0 = _mm256_fmadd_ps(xv, _mm256_loadu_ps(bp), s0);
      s1 = _mm256_fmadd_ps(xv, _mm256_loadu_ps(bp + 8), s1);
      s2 = _mm256_fmadd_ps(xv, _mm256_loadu_ps(bp + 16), s2);
      s3 = _mm256_fmadd_ps(xv, _mm256_loadu_ps(bp + 24), s3);
    }
    __m256 s[4] = {s0, s1, s2, s3};
    for (int v = 0; v < 4; ++v) {
      __m256 val = _mm256_mul_ps(s[v], va);
      if (accumulate)
        val = _mm256_add_ps(val, _mm256_loadu_ps(y + j + 8 * v));
      _mm256_storeu_ps(y + j + 8 * v, val);
    }
  }
  for (; j < n; j += 8) {
    __m256i mask = tailMask8(int(minI(8, n - j)));
    __m256 s = _mm256_setzero_ps();
    const float *bp = b + j;
    for (int64_t p = 0; p < k; ++p, bp += ldb)
      s = _mm256_fmadd_ps(_mm256_broadcast_ss(x + p), _mm256_maskload_ps(bp, mask), s);
    __m256 val = _mm256_mul_ps(s, va);
    if (accumulate)
      val = _mm256_add_ps(val, _mm256_maskload_ps(y + j, mask));
    _mm256_maskstore_ps(y + j, mask, val);
  }
}

/// Packs columns [j, j + w) of a transposed B (column j = stored row j) for
/// k rows from p0 into a panel of width pw: 8x8 in-register transposes.
IRON_AVX2 void packTransposedAvx2(const float *bt, int64_t ld, int64_t p0, int64_t kc, int64_t j,
                                  int w, int pw, float *d) {
  int x = 0;
  for (; x + 8 <= w; x += 8) {
    const float *s = bt + (j + x) * ld + p0;
    int64_t p = 0;
    for (; p + 8 <= kc; p += 8) {
      __m256 r0 = _mm256_loadu_ps(s + p), r1 = _mm256_loadu_ps(s + ld + p),
             r2 = _mm256_loadu_ps(s + 2 * ld + p), r3 = _mm256_loadu_ps(s + 3 * ld + p),
             r4 = _mm256_loadu_ps(s + 4 * ld + p), r5 = _mm256_loadu_ps(s + 5 * ld + p),
             r6 = _mm256_loadu_ps(s + 6 * ld + p), r7 = _mm256_loadu_ps(s + 7 * ld + p);
      __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1),
             t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3),
             t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5),
             t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
      __m256 u0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0)),
             u1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2)),
             u2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0)),
             u3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2)),
             u4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0)),
             u5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2)),
             u6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0)),
             u7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
      float *dp = d + p * pw + x;
      _mm256_storeu_ps(dp, _mm256_permute2f128_ps(u0, u4, 0x20));
      _mm256_storeu_ps(dp + pw, _mm256_permute2f128_ps(u1, u5, 0x20));
      _mm256_storeu_ps(dp + 2 * pw, _mm256_permute2f128_ps(u2, u6, 0x20));
      _mm256_storeu_ps(dp + 3 * pw, _mm256_permute2f128_ps(u3, u7, 0x20));
      _mm256_storeu_ps(dp + 4 * pw, _mm256_permute2f128_ps(u0, u4, 0x31));
      _mm256_storeu_ps(dp + 5 * pw, _mm256_permute2f128_ps(u1, u5, 0x31));
      _mm256_storeu_ps(dp + 6 * pw, _mm256_permute2f128_ps(u2, u6, 0x31));
      _mm256_storeu_ps(dp + 7 * pw, _mm256_permute2f128_ps(u3, u7, 0x31));
    }
    for (; p < kc; ++p)
      for (int l = 0; l < 8; ++l)
        d[p * pw + x + l] = s[l * ld + p];
  }
  for (; x < w; ++x) {
    const float *s = bt + (j + x) * ld + p0;
    for (int64_t p = 0; p < kc; ++p)
      d[p * pw + x] = s[p];
  }
  if (w < pw)
    for (int64_t p = 0; p < kc; ++p)
      for (int xx = w; xx < pw; ++xx)
        d[p * pw + xx] = 0.0f;
}

IRON_AVX2 void stride2Avx2(float *dst, const float *src, int64_t n) {
  int64_t j = 0;
  for (; j + 8 <= n; j += 8) { // reads src[2j .. 2j + 15]; the last needed is 2j + 14
    if (2 * j + 16 > 2 * n - 1)
      break;
    __m256 a = _mm256_loadu_ps(src + 2 * j), b = _mm256_loadu_ps(src + 2 * j + 8);
    __m256 e = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)); // a0 a2 b0 b2 | a4 a6 b4 b6
    _mm256_storeu_ps(dst + j,
                     _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(e), 0xD8)));
  }
  for (; j < n; ++j)
    dst[j] = src[2 * j];
}

template <int R, int NV>
IRON_AVX2 void depthwiseChunkAvx2(const float *const *src, const float *w, int nt, float bias,
                                  float *y, int64_t outW, int64_t pitch, int64_t o, int64_t n) {
  __m256 acc[R][NV];
#pragma GCC unroll 4
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v)
      acc[r][v] = _mm256_set1_ps(bias);
  for (int t = 0; t < nt; ++t) {
    __m256 wt = _mm256_broadcast_ss(w + t);
    const float *s = src[t] + o;
#pragma GCC unroll 4
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v)
        acc[r][v] = _mm256_fmadd_ps(wt, _mm256_loadu_ps(s + r * pitch + 8 * v), acc[r][v]);
  }
#pragma GCC unroll 4
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
      float *d = y + r * outW + o + 8 * v;
      if (n - 8 * v >= 8)
        _mm256_storeu_ps(d, acc[r][v]);
      else
        _mm256_maskstore_ps(d, tailMask8(int(n - 8 * v)), acc[r][v]);
    }
}

template <int R>
IRON_AVX2 void depthwiseRowsAvx2(const float *const *src, const float *w, int nt, float bias,
                                 float *y, int64_t outW, int64_t pitch) {
  for (int64_t o = 0; o < outW; o += 32) {
    int64_t n = minI(32, outW - o);
    switch ((n + 7) / 8) {
    case 4: depthwiseChunkAvx2<R, 4>(src, w, nt, bias, y, outW, pitch, o, n); break;
    case 3: depthwiseChunkAvx2<R, 3>(src, w, nt, bias, y, outW, pitch, o, n); break;
    case 2: depthwiseChunkAvx2<R, 2>(src, w, nt, bias, y, outW, pitch, o, n); break;
    default: depthwiseChunkAvx2<R, 1>(src, w, nt, bias, y, outW, pitch, o, n); break;
    }
  }
}

IRON_AVX2 void depthwiseAvx2(const float *const *taps, const float *w, int numTaps, float bias,
                             float *y, int64_t outH, int64_t outW, int64_t pitch) {
  const float *src[64];
  int64_t oh = 0;
  for (; oh + 2 <= outH; oh += 2) {
    for (int t = 0; t < numTaps; ++t)
      src[t] = taps[t] + oh * pitch;
    depthwiseRowsAvx2<2>(src, w, numTaps, bias, y + oh * outW, outW, pitch);
  }
  if (oh < outH) {
    for (int t = 0; t < numTaps; ++t)
      src[t] = taps[t] + oh * pitch;
    depthwiseRowsAvx2<1>(src, w, numTaps, bias, y + oh * outW, outW, pitch);
  }
}

//===----------------------------------------------------------------------===//
// AVX-512F: 16-float vectors, MR 12 x NR 32 (24 accumulators).
//===----------------------------------------------------------------------===//

IRON_AVX512 inline __mmask16 tailMask16(int64_t count) {
  return count >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << count) - 1);
}

template <int R, int NV, bool TA> struct MicroAvx512 {
  IRON_AVX512 static void run(int64_t kc, const float *a, int64_t lda, const float *b, float *c,
                              int64_t ldc, int ncols, float alpha, const float *bias,
                              bool accumulate) {
    __m512 acc[R][NV];
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 2
      for (int v = 0; v < NV; ++v)
        acc[r][v] = _mm512_setzero_ps();
    if constexpr (TA) {
#pragma GCC unroll 2
      for (int64_t p = 0; p < kc; ++p) {
        __m512 bv[NV];
#pragma GCC unroll 2
        for (int v = 0; v < NV; ++v)
          bv[v] = _mm512_load_ps(b + 16 * v);
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) {
          __m512 av = _mm512_set1_ps(a[r]);
#pragma GCC unroll 2
          for (int v = 0; v < NV; ++v)
            acc[r][v] = _mm512_fmadd_ps(av, bv[v], acc[r][v]);
        }
        a += lda;
        b += 16 * NV;
      }
    } else {
      constexpr int Q = (R + 2) / 3;
      const float *ap[Q];
#pragma GCC unroll 8
      for (int q = 0; q < Q; ++q)
        ap[q] = a + 3 * q * lda;
      // A's rows stream from memory the first time a block is used: one
      // software prefetch per step, 4 lines ahead, round robin over the rows
      // (each row's next line is requested within its 16 steps per line).
      const float *pf = a + 64;
      int pfRow = 0;
#pragma GCC unroll 2
      for (int64_t p = 0; p < kc; ++p) {
        _mm_prefetch(reinterpret_cast<const char *>(pf), _MM_HINT_T0);
        ++pf;
        if (++pfRow == R) {
          pfRow = 0;
          pf -= (R - 1) * lda;
        } else {
          pf += lda;
        }
        __m512 bv[NV];
#pragma GCC unroll 2
        for (int v = 0; v < NV; ++v)
          bv[v] = _mm512_load_ps(b + 16 * v);
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) {
          __m512 av = _mm512_set1_ps(ap[r / 3][(r % 3) * lda]);
#pragma GCC unroll 2
          for (int v = 0; v < NV; ++v)
            acc[r][v] = _mm512_fmadd_ps(av, bv[v], acc[r][v]);
        }
#pragma GCC unroll 8
        for (int q = 0; q < Q; ++q)
          ++ap[q];
        b += 16 * NV;
      }
    }
    __m512 va = _mm512_set1_ps(alpha);
    if (ncols == 16 * NV) {
#pragma GCC unroll 16
      for (int r = 0; r < R; ++r) {
        float *cr = c + r * ldc;
        __m512 add = bias && !accumulate ? _mm512_set1_ps(bias[r]) : _mm512_setzero_ps();
#pragma GCC unroll 2
        for (int v = 0; v < NV; ++v) {
          __m512 val = _mm512_fmadd_ps(acc[r][v], va, add);
          if (accumulate)
            val = _mm512_add_ps(val, _mm512_loadu_ps(cr + 16 * v));
          _mm512_storeu_ps(cr + 16 * v, val);
        }
      }
      return;
    }
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
      float *cr = c + r * ldc;
      __m512 add = bias && !accumulate ? _mm512_set1_ps(bias[r]) : _mm512_setzero_ps();
#pragma GCC unroll 2
      for (int v = 0; v < NV; ++v) {
        int count = ncols - 16 * v;
        if (count <= 0)
          break;
        __mmask16 mask = tailMask16(count);
        __m512 val = _mm512_fmadd_ps(acc[r][v], va, add);
        if (accumulate)
          val = _mm512_add_ps(val, _mm512_maskz_loadu_ps(mask, cr + 16 * v));
        _mm512_mask_storeu_ps(cr + 16 * v, mask, val);
      }
    }
  }
};

/// The sum of v's lanes (_mm512_reduce_add_ps draws a GCC 12 warning).
IRON_AVX512 inline float hsum16(__m512 v) {
  v = _mm512_add_ps(v, _mm512_shuffle_f32x4(v, v, _MM_SHUFFLE(1, 0, 3, 2)));
  v = _mm512_add_ps(v, _mm512_shuffle_f32x4(v, v, _MM_SHUFFLE(2, 3, 0, 1)));
  __m128 s = _mm512_castps512_ps128(v);
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}

IRON_AVX512 void gemvAvx512(int64_t m, int64_t k, const float *a, int64_t lda, const float *x,
                            float *y, float alpha, bool accumulate) {
  const int64_t kMain = k / 16 * 16;
  const __mmask16 tail = tailMask16(k - kMain);
  int64_t i = 0;
  for (; i + 4 <= m; i += 4) {
    const float *a0 = a + i * lda, *a1 = a0 + lda, *a2 = a1 + lda, *a3 = a2 + lda;
    __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    for (int64_t p = 0; p < kMain; p += 16) {
      __m512 xv = _mm512_loadu_ps(x + p);
      s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a0 + p), xv, s0);
      s1 = _mm512_fmadd_ps(_mm512_loadu_ps(a1 + p), xv, s1);
      s2 = _mm512_fmadd_ps(_mm512_loadu_ps(a2 + p), xv, s2);
      s3 = _mm512_fmadd_ps(_mm512_loadu_ps(a3 + p), xv, s3);
    }
    if (kMain < k) {
      __m512 xv = _mm512_maskz_loadu_ps(tail, x + kMain);
      s0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, a0 + kMain), xv, s0);
      s1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, a1 + kMain), xv, s1);
      s2 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, a2 + kMain), xv, s2);
      s3 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, a3 + kMain), xv, s3);
    }
    float r[4] = {hsum16(s0), hsum16(s1), hsum16(s2), hsum16(s3)};
    for (int l = 0; l < 4; ++l)
      y[i + l] = accumulate ? y[i + l] + alpha * r[l] : alpha * r[l];
  }
  for (; i < m; ++i) {
    const float *ar = a + i * lda;
    __m512 s = _mm512_setzero_ps();
    for (int64_t p = 0; p < kMain; p += 16)
      s = _mm512_fmadd_ps(_mm512_loadu_ps(ar + p), _mm512_loadu_ps(x + p), s);
    if (kMain < k)
      s = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, ar + kMain),
                          _mm512_maskz_loadu_ps(tail, x + kMain), s);
    float r = hsum16(s);
    y[i] = accumulate ? y[i] + alpha * r : alpha * r;
  }
}

IRON_AVX512 void gevmAvx512(int64_t k, int64_t n, const float *x, const float *b, int64_t ldb,
                            float *y, float alpha, bool accumulate) {
  __m512 va = _mm512_set1_ps(alpha);
  int64_t j = 0;
  for (; j + 64 <= n; j += 64) {
    __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    const float *bp = b + j;
    for (int64_t p = 0; p < k; ++p, bp += ldb) {
      __m512 xv = _mm512_set1_ps(x[p]);
      s0 = _mm512_fmadd_ps(xv, _mm512_loadu_ps(bp), s0);
      s1 = _mm512_fmadd_ps(xv, _mm512_loadu_ps(bp + 16), s1);
      s2 = _mm512_fmadd_ps(xv, _mm512_loadu_ps(bp + 32), s2);
      s3 = _mm512_fmadd_ps(xv, _mm512_loadu_ps(bp + 48), s3);
    }
    __m512 s[4] = {s0, s1, s2, s3};
    for (int v = 0; v < 4; ++v) {
      __m512 val = _mm512_mul_ps(s[v], va);
      if (accumulate)
        val = _mm512_add_ps(val, _mm512_loadu_ps(y + j + 16 * v));
      _mm512_storeu_ps(y + j + 16 * v, val);
    }
  }
  for (; j < n; j += 16) {
    __mmask16 mask = tailMask16(n - j);
    __m512 s = _mm512_setzero_ps();
    const float *bp = b + j;
    for (int64_t p = 0; p < k; ++p, bp += ldb)
      s = _mm512_fmadd_ps(_mm512_set1_ps(x[p]), _mm512_maskz_loadu_ps(mask, bp), s);
    __m512 val = _mm512_mul_ps(s, va);
    if (accumulate)
      val = _mm512_add_ps(val, _mm512_maskz_loadu_ps(mask, y + j));
    _mm512_mask_storeu_ps(y + j, mask, val);
  }
}

IRON_AVX512 void stride2Avx512(float *dst, const float *src, int64_t n) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  for (int64_t j = 0; j < n; j += 16) {
    // Needs src[2j .. 2j + 2 (cnt - 1)]: masked loads never touch more.
    int64_t need = 2 * minI(16, n - j) - 1;
    __m512 a = _mm512_maskz_loadu_ps(tailMask16(need), src + 2 * j);
    __m512 b = _mm512_maskz_loadu_ps(tailMask16(need - 16 > 0 ? need - 16 : 0), src + 2 * j + 16);
    _mm512_mask_storeu_ps(dst + j, tailMask16(n - j), _mm512_permutex2var_ps(a, even, b));
  }
}

/// Rows [0, R) of one output chunk (NV vectors, `n` valid columns from
/// column o): each tap's weight is broadcast once and feeds R * NV
/// independent accumulators (one chain per accumulator would stall on the
/// FMA latency).
template <int R, int NV>
IRON_AVX512 void depthwiseChunkAvx512(const float *const *src, const float *w, int nt, float bias,
                                      float *y, int64_t outW, int64_t pitch, int64_t o, int64_t n) {
  __m512 acc[R][NV];
#pragma GCC unroll 4
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v)
      acc[r][v] = _mm512_set1_ps(bias);
  for (int t = 0; t < nt; ++t) {
    __m512 wt = _mm512_set1_ps(w[t]);
    const float *s = src[t] + o;
#pragma GCC unroll 4
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v)
        acc[r][v] = _mm512_fmadd_ps(wt, _mm512_loadu_ps(s + r * pitch + 16 * v), acc[r][v]);
  }
#pragma GCC unroll 4
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v)
      _mm512_mask_storeu_ps(y + r * outW + o + 16 * v, tailMask16(n - 16 * v), acc[r][v]);
}

template <int R>
IRON_AVX512 void depthwiseRowsAvx512(const float *const *src, const float *w, int nt, float bias,
                                     float *y, int64_t outW, int64_t pitch) {
  for (int64_t o = 0; o < outW; o += 64) {
    int64_t n = minI(64, outW - o);
    switch ((n + 15) / 16) {
    case 4: depthwiseChunkAvx512<R, 4>(src, w, nt, bias, y, outW, pitch, o, n); break;
    case 3: depthwiseChunkAvx512<R, 3>(src, w, nt, bias, y, outW, pitch, o, n); break;
    case 2: depthwiseChunkAvx512<R, 2>(src, w, nt, bias, y, outW, pitch, o, n); break;
    default: depthwiseChunkAvx512<R, 1>(src, w, nt, bias, y, outW, pitch, o, n); break;
    }
  }
}

IRON_AVX512 void depthwiseAvx512(const float *const *taps, const float *w, int numTaps,
                                 float bias, float *y, int64_t outH, int64_t outW,
                                 int64_t pitch) {
  const float *src[64];
  int64_t oh = 0;
  for (; oh + 2 <= outH; oh += 2) {
    for (int t = 0; t < numTaps; ++t)
      src[t] = taps[t] + oh * pitch;
    depthwiseRowsAvx512<2>(src, w, numTaps, bias, y + oh * outW, outW, pitch);
  }
  if (oh < outH) {
    for (int t = 0; t < numTaps; ++t)
      src[t] = taps[t] + oh * pitch;
    depthwiseRowsAvx512<1>(src, w, numTaps, bias, y + oh * outW, outW, pitch);
  }
}
#endif // IRON_X86

//===----------------------------------------------------------------------===//
// Dispatch
//===----------------------------------------------------------------------===//

constexpr Impl makeGeneric() {
  Impl im;
  im.isa = Isa::Generic;
  im.nr = 8;
  im.mrMax = 4;
  im.mc = 240;
  fillMicroTables<MicroGeneric, 4>(im);
  im.gemv = gemvGeneric;
  im.gevm = gevmGeneric;
  im.depthwise = depthwiseGeneric;
  im.packTransposed = packTransposedGeneric;
  im.stride2 = stride2Generic;
  return im;
}

#if IRON_X86
constexpr Impl makeAvx2() {
  Impl im;
  im.isa = Isa::Avx2;
  im.nr = 16;
  im.mrMax = 6;
  im.mc = 240;
  fillMicroTables<MicroAvx2, 6>(im);
  im.gemv = gemvAvx2;
  im.gevm = gevmAvx2;
  im.depthwise = depthwiseAvx2;
  im.packTransposed = packTransposedAvx2;
  im.stride2 = stride2Avx2;
  return im;
}

constexpr Impl makeAvx512() {
  Impl im;
  im.isa = Isa::Avx512;
  im.nr = 32;
  im.mrMax = 12;
  im.mc = 512;
  fillMicroTables<MicroAvx512, 12>(im);
  im.gemv = gemvAvx512;
  im.gevm = gevmAvx512;
  im.depthwise = depthwiseAvx512;
  im.packTransposed = packTransposedAvx2;
  im.stride2 = stride2Avx512;
  return im;
}
#endif

constexpr Impl kGeneric = makeGeneric();
#if IRON_X86
constexpr Impl kAvx2 = makeAvx2();
constexpr Impl kAvx512 = makeAvx512();
#endif

int gForced = -1;   // an Isa forced by tests, or -1
int gDetected = -1; // the detected Isa, once known

Isa detect() {
#if IRON_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f"))
    return Isa::Avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return Isa::Avx2;
#endif
  return Isa::Generic;
}

const Impl &impl() {
  switch (activeIsa()) {
#if IRON_X86
  case Isa::Avx512: return kAvx512;
  case Isa::Avx2: return kAvx2;
#endif
  default: return kGeneric;
  }
}

//===----------------------------------------------------------------------===//
// Packing B
//===----------------------------------------------------------------------===//

template <int W> inline void copyPanelRow(float *d, const float *s) {
  std::memcpy(d, s, W * sizeof(float));
}

/// kc rows of a panel of width pw (w columns real, the rest zero) from
/// contiguous rows row(p) + j.
template <typename RowFn>
void packRowsPanel(RowFn row, int64_t kc, int64_t j, int w, int pw, float *d) {
  if (w == pw) {
    switch (pw) {
    case 32:
      for (int64_t p = 0; p < kc; ++p)
        copyPanelRow<32>(d + p * 32, row(p) + j);
      return;
    case 16:
      for (int64_t p = 0; p < kc; ++p)
        copyPanelRow<16>(d + p * 16, row(p) + j);
      return;
    case 8:
      for (int64_t p = 0; p < kc; ++p)
        copyPanelRow<8>(d + p * 8, row(p) + j);
      return;
    case 4:
      for (int64_t p = 0; p < kc; ++p)
        copyPanelRow<4>(d + p * 4, row(p) + j);
      return;
    default: break;
    }
  }
  for (int64_t p = 0; p < kc; ++p) {
    const float *s = row(p) + j;
    float *dp = d + p * pw;
    int x = 0;
    for (; x < w; ++x)
      dp[x] = s[x];
    for (; x < pw; ++x)
      dp[x] = 0.0f;
  }
}

/// Packs B(p0 + [0, kc), j0 + [0, nc)) into panels: the one starting at
/// column jj lies at dst + jj * kc, row p of it at + p * width.
void packB(const Impl &im, const GemmB &b, int64_t p0, int64_t kc, int64_t j0, int64_t nc, int nr,
           float *dst) {
  for (int64_t jj = 0; jj < nc; jj += nr) {
    int w = int(minI(nr, nc - jj));
    int pw = panelWidth(w, nr);
    float *d = dst + jj * kc;
    int64_t j = j0 + jj;
    switch (b.kind) {
    case BKind::RowMajor: {
      const float *base = b.data + p0 * b.ld;
      int64_t ld = b.ld;
      packRowsPanel([&](int64_t p) { return base + p * ld; }, kc, j, w, pw, d);
      break;
    }
    case BKind::RowPointers: {
      const float *const *rows = b.rows + p0;
      packRowsPanel([&](int64_t p) { return rows[p]; }, kc, j, w, pw, d);
      break;
    }
    case BKind::Transposed:
      im.packTransposed(b.data, b.ld, p0, kc, j, w, pw, d);
      break;
    }
  }
}

/// Columns of `rows` rows of C an epilogue call covers: about 16K floats,
/// at least one panel.
int64_t epilogueColumns(int64_t rows, int nr) {
  int64_t cols = rows > 0 ? 16384 / rows : nr;
  return cols < nr ? nr : cols;
}

/// Rows [i0, i1) of C against one packed B panel (w columns at column j),
/// in balanced tiles of at most mrMax rows.
void runTiles(const Impl &im, const GemmArgs &g, int64_t i0, int64_t i1, int64_t pc, int64_t kc,
              const float *panel, int64_t j, int w, bool accumulate, const float *bias) {
  int64_t rows = i1 - i0, tiles = ceilDiv(rows, im.mrMax);
  int64_t base = rows / tiles, extra = rows % tiles;
  int full = panelWidth(w, im.nr) == im.nr;
  for (int64_t t = 0, i = i0; t < tiles; ++t) {
    int r = int(base + (t < extra));
    const float *a = g.transA ? g.a + pc * g.lda + i : g.a + i * g.lda + pc;
    im.micro[g.transA][full][r](kc, a, g.lda, panel, g.c + i * g.ldc + j, g.ldc, w, g.alpha,
                                bias ? bias + i : nullptr, accumulate);
    i += r;
  }
}

} // namespace

//===----------------------------------------------------------------------===//
// Public entry points
//===----------------------------------------------------------------------===//

bool isaSupported(Isa isa) {
  if (gDetected < 0)
    gDetected = int(detect());
  return int(isa) <= gDetected;
}

Isa activeIsa() {
  if (gForced >= 0)
    return Isa(gForced);
  if (gDetected < 0)
    gDetected = int(detect());
  return Isa(gDetected);
}

Isa forceIsa(Isa isa) {
  Isa previous = activeIsa();
  if (isaSupported(isa))
    gForced = int(isa);
  return previous;
}

const char *isaName(Isa isa) {
  switch (isa) {
  case Isa::Avx512: return "avx512";
  case Isa::Avx2: return "avx2";
  default: return "generic";
  }
}

size_t sgemmScratchBytes(int64_t m, int64_t n, int64_t k) {
  if (m <= 0 || n <= 0 || k <= 0)
    return 0;
  int64_t kc = minI(k, kKc);
  // Any ISA's MC is at least 240; with one M block only a panel is packed.
  int64_t nc = m <= 240 ? kMaxNr : ceilDiv(minI(n, kNc), kMaxNr) * kMaxNr;
  return size_t(kc * nc) * sizeof(float) + 64;
}

void sgemm(const GemmArgs &g, void *scratch) {
  if (g.m <= 0 || g.n <= 0)
    return;
  if (g.k <= 0) {
    if (!g.accumulate)
      for (int64_t i = 0; i < g.m; ++i) {
        float v = g.rowBias ? g.rowBias[i] : 0.0f;
        float *cr = g.c + i * g.ldc;
        for (int64_t j = 0; j < g.n; ++j)
          cr[j] = v;
      }
    if (g.epilogue)
      g.epilogue(g.epilogueUser, g.c, g.ldc, 0, g.m, 0, g.n);
    return;
  }
  const Impl &im = impl();
  // One column of C with B's column contiguous (a 1x1 convolution on a 1x1
  // map, a matrix times a vector): a packed panel would pad it to nr
  // columns and waste nr - 1 of every nr FMAs. Dot products do it once.
  const bool bColumnContiguous = g.b.kind == BKind::Transposed ||
                                 (g.b.kind == BKind::RowMajor && g.b.ld == 1);
  if (g.n == 1 && g.ldc == 1 && !g.transA && bColumnContiguous) {
    im.gemv(g.m, g.k, g.a, g.lda, g.b.data, g.c, g.alpha, g.accumulate);
    if (g.rowBias && !g.accumulate)
      for (int64_t i = 0; i < g.m; ++i)
        g.c[i] += g.rowBias[i];
    if (g.epilogue)
      g.epilogue(g.epilogueUser, g.c, g.ldc, 0, g.m, 0, 1);
    return;
  }
  const int nr = im.nr;
  float *packed = alignFloats(scratch);
  const int64_t kBlocks = ceilDiv(g.k, kKc), kcStep = ceilDiv(g.k, kBlocks);
  const int64_t mBlocks = ceilDiv(g.m, im.mc);
  for (int64_t jc = 0; jc < g.n; jc += kNc) {
    int64_t nc = minI(kNc, g.n - jc);
    for (int64_t pc = 0; pc < g.k; pc += kcStep) {
      int64_t kc = minI(kcStep, g.k - pc);
      bool accumulate = g.accumulate || pc > 0;
      const float *bias = accumulate ? nullptr : g.rowBias;
      // After the last K block each panel's columns are final; the
      // epilogue takes them a few panels at a time (about 64 KiB of C,
      // still in L2) so that its per-call cost does not show.
      bool last = pc + kc >= g.k && g.epilogue;
      if (mBlocks == 1) {
        // One M block: pack each panel right before its use (L1-hot).
        int64_t from = jc, span = epilogueColumns(g.m, nr);
        for (int64_t jr = 0; jr < nc; jr += nr) {
          int w = int(minI(nr, nc - jr));
          packB(im, g.b, pc, kc, jc + jr, w, nr, packed);
          runTiles(im, g, 0, g.m, pc, kc, packed, jc + jr, w, accumulate, bias);
          if (last && (jc + jr + w - from >= span || jr + w >= nc)) {
            g.epilogue(g.epilogueUser, g.c, g.ldc, 0, g.m, from, jc + jr + w - from);
            from = jc + jr + w;
          }
        }
        continue;
      }
      packB(im, g.b, pc, kc, jc, nc, nr, packed);
      for (int64_t ib = 0, i0 = 0; ib < mBlocks; ++ib) {
        int64_t i1 = i0 + g.m / mBlocks + (ib < g.m % mBlocks);
        int64_t from = jc, span = epilogueColumns(i1 - i0, nr);
        for (int64_t jr = 0; jr < nc; jr += nr) {
          int w = int(minI(nr, nc - jr));
          runTiles(im, g, i0, i1, pc, kc, packed + jr * kc, jc + jr, w, accumulate, bias);
          if (last && (jc + jr + w - from >= span || jr + w >= nc)) {
            g.epilogue(g.epilogueUser, g.c, g.ldc, i0, i1 - i0, from, jc + jr + w - from);
            from = jc + jr + w;
          }
        }
        i0 = i1;
      }
    }
  }
}

void gemv(int64_t m, int64_t k, const float *a, int64_t lda, const float *x, float *y, float alpha,
          bool accumulate) {
  if (m > 0)
    impl().gemv(m, k, a, lda, x, y, alpha, accumulate);
}

void gevm(int64_t k, int64_t n, const float *x, const float *b, int64_t ldb, float *y, float alpha,
          bool accumulate) {
  if (n > 0)
    impl().gevm(k, n, x, b, ldb, y, alpha, accumulate);
}

void copyStrided(float *dst, const float *src, int64_t n, int64_t stride) {
  if (n <= 0)
    return;
  if (stride == 2) {
    impl().stride2(dst, src, n);
    return;
  }
  for (int64_t j = 0; j < n; ++j)
    dst[j] = src[j * stride];
}

void depthwisePlane(const float *const *taps, const float *w, int numTaps, float bias, float *y,
                    int64_t outH, int64_t outW, int64_t rowPitch) {
  if (outH > 0 && outW > 0)
    impl().depthwise(taps, w, numTaps, bias, y, outH, outW, rowPitch);
}

} // namespace iron::rt::optimized
