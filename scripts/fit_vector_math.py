#!/usr/bin/python3
"""Fits the polynomials of the runtime's branch-free erf and tanh
(runtime/kernels/optimized/Epilogue.h: erfOf, tanhOf) and prints their
coefficients, highest degree first, with the largest error in ulp of each
piece when evaluated as the runtime does (float32 Horner steps, no FMA:
Epilogue.cpp is compiled with -ffp-contract=off).

    /usr/bin/python3 scripts/fit_vector_math.py

Each fit is least squares in double over 4000 Chebyshev nodes of its
interval. Needs numpy.
"""

import math

import numpy as np

F32 = np.float32
erf = np.vectorize(math.erf)


def ulp(v):
    v = np.abs(v).astype(F32)
    return (np.nextafter(v, F32(np.inf)) - v).astype(np.float64)


def horner(coeffs, t):
    p = np.full_like(t, F32(coeffs[0]), dtype=F32)
    for c in coeffs[1:]:
        p = (p * t + F32(c)).astype(F32)
    return p


def fit(fn, lo, hi, degree, var):
    k = np.arange(4000)
    x = (lo + hi) / 2 + (hi - lo) / 2 * np.cos(np.pi * (k + 0.5) / 4000)
    return [float(F32(c)) for c in np.polyfit(var(x), fn(x), degree)]


def worst_ulps(got, want):
    return float(np.max(np.abs(got.astype(np.float64) - want) / ulp(want)))


def show(name, coeffs, err):
    print("%s (max %.2f ulp):" % (name, err))
    print("  " + ", ".join("%.9ef" % c for c in coeffs))


def main():
    # erf, |x| < 1: x * P(x^2), P of degree 6.
    p = fit(lambda x: erf(x) / x, 1e-9, 1.0, 6, lambda x: x * x)
    x = np.linspace(0, 1, 200001)[1:].astype(F32)
    got = (x * horner(p, (x * x).astype(F32))).astype(F32)
    show("erf, |x| < 1: x P(x^2)", p, worst_ulps(got, erf(x.astype(np.float64))))

    # erf, 1 <= |x| < 3.92: Q(|x| - 2.46), Q of degree 12. Above 3.92 erf
    # rounds to 1 in float.
    mid = 2.46
    q = fit(erf, 1.0, 3.92, 12, lambda x: x - mid)
    x = np.linspace(1.0, 3.92, 200001).astype(F32)
    got = np.minimum(horner(q, (x - F32(mid)).astype(F32)), F32(1))
    show("erf, 1 <= |x| < 3.92: Q(|x| - 2.46)", q,
         worst_ulps(got, erf(x.astype(np.float64))))

    # tanh, |x| < 0.625: x + x^3 P(x^2), P of degree 5; above, the runtime
    # uses 1 - 2 / (exp(2|x|) + 1).
    t = fit(lambda x: (np.tanh(x) - x) / x ** 3, 1e-4, 0.625, 5,
            lambda x: x * x)
    x = np.linspace(0, 0.625, 200001)[1:].astype(F32)
    xx = (x * x).astype(F32)
    got = (x + (x * xx).astype(F32) * horner(t, xx)).astype(F32)
    show("tanh, |x| < 0.625: x + x^3 P(x^2)", t,
         worst_ulps(got, np.tanh(x.astype(np.float64))))


if __name__ == "__main__":
    main()
