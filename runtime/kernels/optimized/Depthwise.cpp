//===- Depthwise.cpp - Direct depthwise convolution -----------------------===//
//
// Up to 64 (AVX-512) or 32 (AVX2) output columns at a time, in vectors. A
// tap's input columns outside the image are masked off the loads (zero
// padding without a padded copy); its rows outside the image are skipped.
// Column stride 2 loads twice the span and keeps the even lanes.
//
// AVX-512 3x3 and 5x5 (strides 1 or 2 both ways): R output rows at once,
// sweeping the input rows they read, so each loaded vector feeds every
// output row that uses it and the weights stay in registers. Otherwise, two
// output rows at a time with each tap's weight feeding 2 x NV accumulators.
//
//===----------------------------------------------------------------------===//

#include "kernels/optimized/Depthwise.h"
#include "iron/runtime/ConvPath.h"
#include "kernels/optimized/Gemm.h"

// IRON_PORTABLE_KERNELS builds only the portable paths (to test them as
// other architectures build them).
#if (defined(__x86_64__) || defined(__i386__)) && !defined(IRON_PORTABLE_KERNELS)
#define IRON_X86 1
#if defined(__GNUC__) && !defined(__clang__)
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

#if IRON_X86
/// p + n floats, computed without forming an out-of-object pointer in C++
/// terms (the masked loads never touch the masked-off addresses).
inline const float *offsetPtr(const float *p, int64_t n) {
  return reinterpret_cast<const float *>(reinterpret_cast<uintptr_t>(p) +
                                         uintptr_t(n * int64_t(sizeof(float))));
}

/// The lanes l < 16 with 0 <= c0 + l < W.
inline unsigned rangeMask16(int64_t c0, int64_t W) {
  int64_t lo = c0 < 0 ? -c0 : 0, hi = W - c0;
  if (hi > 16)
    hi = 16;
  if (hi <= lo)
    return 0;
  return ((1u << hi) - 1) & ~((1u << lo) - 1);
}

constexpr int kMaxKW = 16;

/// One tap row (kh) into the accumulators of two output rows. With Both,
/// both rows read real input rows and the vectors whose every tap lies
/// inside the image (full[v]) load without masks; otherwise all loads are
/// masked by column and by row validity (m0, m1).
template <int NV, int SW, bool Both>
IRON_AVX512 __attribute__((always_inline)) inline void
tapRowAvx512(const DepthwisePlane &d, const float *r0, const float *r1, __mmask16 m0, __mmask16 m1,
             const float *wr, int64_t base, const __mmask16 (*cm)[4], const __mmask16 (*cmB)[4],
             const bool *full, __m512 *acc0, __m512 *acc1) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  for (int64_t kw = 0; kw < d.KW; ++kw) {
    __m512 wt = _mm512_set1_ps(wr[kw]);
    int64_t off = base + kw * d.dilationW;
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
      const float *p0 = offsetPtr(r0, off + 16 * v * SW), *p1 = offsetPtr(r1, off + 16 * v * SW);
      __m512 in0, in1;
      if (Both && full[v]) {
        if constexpr (SW == 1) {
          in0 = _mm512_loadu_ps(p0);
          in1 = _mm512_loadu_ps(p1);
        } else {
          in0 = _mm512_permutex2var_ps(_mm512_loadu_ps(p0), even, _mm512_loadu_ps(p0 + 16));
          in1 = _mm512_permutex2var_ps(_mm512_loadu_ps(p1), even, _mm512_loadu_ps(p1 + 16));
        }
      } else {
        __mmask16 a0 = Both ? cm[kw][v] : cm[kw][v] & m0, a1 = Both ? cm[kw][v] : cm[kw][v] & m1;
        if constexpr (SW == 1) {
          in0 = _mm512_maskz_loadu_ps(a0, p0);
          in1 = _mm512_maskz_loadu_ps(a1, p1);
        } else {
          __mmask16 b0 = Both ? cmB[kw][v] : cmB[kw][v] & m0,
                    b1 = Both ? cmB[kw][v] : cmB[kw][v] & m1;
          in0 = _mm512_permutex2var_ps(_mm512_maskz_loadu_ps(a0, p0), even,
                                       _mm512_maskz_loadu_ps(b0, p0 + 16));
          in1 = _mm512_permutex2var_ps(_mm512_maskz_loadu_ps(a1, p1), even,
                                       _mm512_maskz_loadu_ps(b1, p1 + 16));
        }
      }
      acc0[v] = _mm512_fmadd_ps(wt, in0, acc0[v]);
      acc1[v] = _mm512_fmadd_ps(wt, in1, acc1[v]);
    }
  }
}

template <int NV, int SW>
IRON_AVX512 void chunkAvx512(const DepthwisePlane &d, int64_t oh, int rows, int64_t o0) {
  // The columns of each tap and vector inside the image (for stride 2, the
  // second half of the 32 floats loaded in cmB); full[v]: all of them, for
  // every tap.
  __mmask16 cm[kMaxKW][4], cmB[kMaxKW][4];
  bool full[4];
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) {
    full[v] = true;
    for (int64_t kw = 0; kw < d.KW; ++kw) {
      int64_t c0 = (o0 + 16 * v) * SW + kw * d.dilationW - d.padLeft;
      cm[kw][v] = __mmask16(rangeMask16(c0, d.W));
      cmB[kw][v] = SW == 2 ? __mmask16(rangeMask16(c0 + 16, d.W)) : __mmask16(0xFFFF);
      full[v] = full[v] && cm[kw][v] == __mmask16(0xFFFF) && cmB[kw][v] == __mmask16(0xFFFF);
    }
  }
  __m512 acc0[NV], acc1[NV];
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v)
    acc0[v] = acc1[v] = _mm512_set1_ps(d.bias);
  const int64_t base = o0 * SW - d.padLeft;
  for (int64_t kh = 0; kh < d.KH; ++kh) {
    int64_t ih0 = oh * d.strideH + kh * d.dilationH - d.padTop, ih1 = ih0 + d.strideH;
    bool v0 = ih0 >= 0 && ih0 < d.H, v1 = rows > 1 && ih1 >= 0 && ih1 < d.H;
    const float *r0 = v0 ? d.x + ih0 * d.W : d.x, *r1 = v1 ? d.x + ih1 * d.W : d.x;
    const float *wr = d.w + kh * d.KW;
    if (v0 && v1)
      tapRowAvx512<NV, SW, true>(d, r0, r1, 0xFFFF, 0xFFFF, wr, base, cm, cmB, full, acc0, acc1);
    else if (v0 || v1)
      tapRowAvx512<NV, SW, false>(d, r0, r1, v0 ? 0xFFFF : 0, v1 ? 0xFFFF : 0, wr, base, cm, cmB,
                                  full, acc0, acc1);
  }
  int64_t n = d.OW - o0;
  float *y0 = d.y + oh * d.OW + o0;
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) {
    int64_t cnt = n - 16 * v;
    __mmask16 m = cnt >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << cnt) - 1);
    _mm512_mask_storeu_ps(y0 + 16 * v, m, acc0[v]);
    if (rows > 1)
      _mm512_mask_storeu_ps(y0 + d.OW + 16 * v, m, acc1[v]);
  }
}

/// Strides SH, SW (1 or 2), no row dilation, a KH x KW kernel: R output
/// rows at once, sweeping the (R - 1) * SH + KH input rows they read. Each
/// input vector is loaded once per column tap and feeds every output row
/// that uses it (loads per FMA drop from 1 to about SH / KH); the weights
/// stay in registers.
template <int KH, int KW, int SH, int SW, int NV, int R>
IRON_AVX512 void sweepAvx512(const DepthwisePlane &d, int64_t oh, int rows, int64_t o0) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  __mmask16 cm[KW][NV], cmB[KW][NV];
#pragma GCC unroll 8
  for (int kw = 0; kw < KW; ++kw)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
      int64_t c0 = (o0 + 16 * v) * SW + kw * d.dilationW - d.padLeft;
      cm[kw][v] = __mmask16(rangeMask16(c0, d.W));
      cmB[kw][v] = SW == 2 ? __mmask16(rangeMask16(c0 + 16, d.W)) : __mmask16(0);
    }
  __m512 wt[KH][KW];
#pragma GCC unroll 8
  for (int kh = 0; kh < KH; ++kh)
#pragma GCC unroll 8
    for (int kw = 0; kw < KW; ++kw)
      wt[kh][kw] = _mm512_set1_ps(d.w[kh * KW + kw]);
  __m512 acc[R][NV];
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v)
      acc[r][v] = _mm512_set1_ps(d.bias);
  const int64_t base = o0 * SW - d.padLeft;
#pragma GCC unroll 16
  for (int ir = 0; ir < (R - 1) * SH + KH; ++ir) {
    int64_t ih = oh * SH + ir - d.padTop;
    if (ih < 0 || ih >= d.H)
      continue;
    const float *row = d.x + ih * d.W;
#pragma GCC unroll 8
    for (int kw = 0; kw < KW; ++kw)
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) {
        const float *p = offsetPtr(row, base + 16 * v * SW + kw * d.dilationW);
        __m512 in = _mm512_maskz_loadu_ps(cm[kw][v], p);
        if constexpr (SW == 2)
          in = _mm512_permutex2var_ps(in, even, _mm512_maskz_loadu_ps(cmB[kw][v], p + 16));
#pragma GCC unroll 8
        for (int r = 0; r < R; ++r) {
          const int kh = ir - r * SH;
          if (kh >= 0 && kh < KH)
            acc[r][v] = _mm512_fmadd_ps(wt[kh][kw], in, acc[r][v]);
        }
      }
  }
  int64_t n = d.OW - o0;
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r) {
    if (r >= rows)
      break;
    float *yr = d.y + (oh + r) * d.OW + o0;
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
      int64_t cnt = n - 16 * v;
      __mmask16 m = cnt >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << cnt) - 1);
      _mm512_mask_storeu_ps(yr + 16 * v, m, acc[r][v]);
    }
  }
}

template <int KH, int KW, int SH, int SW, int R>
IRON_AVX512 void sweepPlaneAvx512(const DepthwisePlane &d) {
  for (int64_t oh = 0; oh < d.OH; oh += R) {
    int rows = d.OH - oh >= R ? R : int(d.OH - oh);
    for (int64_t o0 = 0; o0 < d.OW; o0 += 64) {
      int64_t n = d.OW - o0 < 64 ? d.OW - o0 : 64;
      switch ((n + 15) / 16) {
      case 4: sweepAvx512<KH, KW, SH, SW, 4, R>(d, oh, rows, o0); break;
      case 3: sweepAvx512<KH, KW, SH, SW, 3, R>(d, oh, rows, o0); break;
      case 2: sweepAvx512<KH, KW, SH, SW, 2, R>(d, oh, rows, o0); break;
      default: sweepAvx512<KH, KW, SH, SW, 1, R>(d, oh, rows, o0); break;
      }
    }
  }
}

/// The sweep kernels for the common depthwise shapes; false if none fits.
IRON_AVX512 bool sweepAvx512(const DepthwisePlane &d) {
  if (!depthwiseSweepKernel(d.KH, d.KW, d.strideH, d.strideW, d.dilationH))
    return false;
  if (d.KH == 3 && d.KW == 3) {
    if (d.strideW == 1)
      return sweepPlaneAvx512<3, 3, 1, 1, 4>(d), true;
    if (d.strideW == 2)
      return sweepPlaneAvx512<3, 3, 2, 2, 4>(d), true;
  }
  if (d.KH == 5 && d.KW == 5) {
    if (d.strideW == 1)
      return sweepPlaneAvx512<5, 5, 1, 1, 2>(d), true;
    if (d.strideW == 2)
      return sweepPlaneAvx512<5, 5, 2, 2, 2>(d), true;
  }
  return false;
}

template <int SW> IRON_AVX512 void planeAvx512(const DepthwisePlane &d) {
  for (int64_t oh = 0; oh < d.OH; oh += 2) {
    int rows = d.OH - oh >= 2 ? 2 : 1;
    for (int64_t o0 = 0; o0 < d.OW; o0 += 64) {
      int64_t n = d.OW - o0 < 64 ? d.OW - o0 : 64;
      switch ((n + 15) / 16) {
      case 4: chunkAvx512<4, SW>(d, oh, rows, o0); break;
      case 3: chunkAvx512<3, SW>(d, oh, rows, o0); break;
      case 2: chunkAvx512<2, SW>(d, oh, rows, o0); break;
      default: chunkAvx512<1, SW>(d, oh, rows, o0); break;
      }
    }
  }
}

/// The lanes l < 8 with 0 <= c0 + l < W, as an AVX2 mask (or none).
IRON_AVX2 inline __m256i rangeMask8(int64_t c0, int64_t W, __m256i rowMask) {
  __m256i idx = _mm256_add_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
                                 _mm256_set1_epi32(int(c0 < -8 ? -8 : c0 > W ? W : c0)));
  __m256i ge0 = _mm256_cmpgt_epi32(idx, _mm256_set1_epi32(-1));
  __m256i ltW = _mm256_cmpgt_epi32(_mm256_set1_epi32(int(W)), idx);
  return _mm256_and_si256(_mm256_and_si256(ge0, ltW), rowMask);
}

template <int NV, int SW>
IRON_AVX2 void chunkAvx2(const DepthwisePlane &d, int64_t oh, int rows, int64_t o0) {
  const __m256i all = _mm256_set1_epi32(-1);
  __m256i cm[kMaxKW][NV], cmB[kMaxKW][NV];
  for (int64_t kw = 0; kw < d.KW; ++kw)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
      int64_t c0 = (o0 + 8 * v) * SW + kw * d.dilationW - d.padLeft;
      cm[kw][v] = rangeMask8(c0, d.W, all);
      cmB[kw][v] = SW == 2 ? rangeMask8(c0 + 8, d.W, all) : all;
    }
  __m256 acc0[NV], acc1[NV];
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v)
    acc0[v] = acc1[v] = _mm256_set1_ps(d.bias);
  const int64_t base = o0 * SW - d.padLeft;
  const __m256i none = _mm256_setzero_si256();
  for (int64_t kh = 0; kh < d.KH; ++kh) {
    int64_t ih0 = oh * d.strideH + kh * d.dilationH - d.padTop, ih1 = ih0 + d.strideH;
    bool v0 = ih0 >= 0 && ih0 < d.H, v1 = rows > 1 && ih1 >= 0 && ih1 < d.H;
    if (!v0 && !v1)
      continue;
    const float *r0 = v0 ? d.x + ih0 * d.W : d.x, *r1 = v1 ? d.x + ih1 * d.W : d.x;
    __m256i m0 = v0 ? all : none, m1 = v1 ? all : none;
    const float *wr = d.w + kh * d.KW;
    for (int64_t kw = 0; kw < d.KW; ++kw) {
      __m256 wt = _mm256_broadcast_ss(wr + kw);
      int64_t off = base + kw * d.dilationW;
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) {
        int64_t c0 = off + 8 * v * SW;
        __m256i ka0 = _mm256_and_si256(cm[kw][v], m0), ka1 = _mm256_and_si256(cm[kw][v], m1);
        __m256 in0, in1;
        if constexpr (SW == 1) {
          in0 = _mm256_maskload_ps(offsetPtr(r0, c0), ka0);
          in1 = _mm256_maskload_ps(offsetPtr(r1, c0), ka1);
        } else {
          __m256i kb0 = _mm256_and_si256(cmB[kw][v], m0), kb1 = _mm256_and_si256(cmB[kw][v], m1);
          __m256 a0 = _mm256_maskload_ps(offsetPtr(r0, c0), ka0);
          __m256 b0 = _mm256_maskload_ps(offsetPtr(r0, c0 + 8), kb0);
          __m256 a1 = _mm256_maskload_ps(offsetPtr(r1, c0), ka1);
          __m256 b1 = _mm256_maskload_ps(offsetPtr(r1, c0 + 8), kb1);
          __m256 e0 = _mm256_shuffle_ps(a0, b0, _MM_SHUFFLE(2, 0, 2, 0));
          __m256 e1 = _mm256_shuffle_ps(a1, b1, _MM_SHUFFLE(2, 0, 2, 0));
          in0 = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(e0), 0xD8));
          in1 = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(e1), 0xD8));
        }
        acc0[v] = _mm256_fmadd_ps(wt, in0, acc0[v]);
        acc1[v] = _mm256_fmadd_ps(wt, in1, acc1[v]);
      }
    }
  }
  int64_t n = d.OW - o0;
  float *y0 = d.y + oh * d.OW + o0;
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) {
    int64_t cnt = n - 8 * v;
    if (cnt >= 8) {
      _mm256_storeu_ps(y0 + 8 * v, acc0[v]);
      if (rows > 1)
        _mm256_storeu_ps(y0 + d.OW + 8 * v, acc1[v]);
    } else {
      __m256i m = _mm256_cmpgt_epi32(_mm256_set1_epi32(int(cnt)),
                                     _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
      _mm256_maskstore_ps(y0 + 8 * v, m, acc0[v]);
      if (rows > 1)
        _mm256_maskstore_ps(y0 + d.OW + 8 * v, m, acc1[v]);
    }
  }
}

template <int SW> IRON_AVX2 void planeAvx2(const DepthwisePlane &d) {
  for (int64_t oh = 0; oh < d.OH; oh += 2) {
    int rows = d.OH - oh >= 2 ? 2 : 1;
    for (int64_t o0 = 0; o0 < d.OW; o0 += 32) {
      int64_t n = d.OW - o0 < 32 ? d.OW - o0 : 32;
      switch ((n + 7) / 8) {
      case 4: chunkAvx2<4, SW>(d, oh, rows, o0); break;
      case 3: chunkAvx2<3, SW>(d, oh, rows, o0); break;
      case 2: chunkAvx2<2, SW>(d, oh, rows, o0); break;
      default: chunkAvx2<1, SW>(d, oh, rows, o0); break;
      }
    }
  }
}
#endif // IRON_X86

} // namespace

bool depthwiseDirectSupported(int64_t strideW, int64_t kernelW) {
#if IRON_X86
  // 32-bit lane indices in the AVX2 masks.
  return activeIsa() != Isa::Generic && (strideW == 1 || strideW == 2) && kernelW <= kMaxKW;
#else
  (void)strideW;
  (void)kernelW;
  return false;
#endif
}

void depthwiseDirect(const DepthwisePlane &d) {
#if IRON_X86
  if (d.OH <= 0 || d.OW <= 0)
    return;
  if (activeIsa() == Isa::Avx512) {
    if (sweepAvx512(d))
      return;
    if (d.strideW == 1)
      planeAvx512<1>(d);
    else
      planeAvx512<2>(d);
  } else {
    if (d.strideW == 1)
      planeAvx2<1>(d);
    else
      planeAvx2<2>(d);
  }
#else
  (void)d;
#endif
}

} // namespace iron::rt::optimized
