"""Benchmark: Hessian spectrum through the isotypic decomposition vs the full matrix.

Prints
1. the one-off symbolic build time of the blocks (per isotropy);
2. at d = 80 (``d-1,1``, a random point of Fix(H)): the isotypic spectrum (mpmath
   at 50 digits, and float64) against ``numpy.linalg.eigvalsh`` of the full
   6400 x 6400 float64 Hessian (:func:`symbolic.model.hessian`), in the same run,
   with the agreement of the two spectra and the speed ratios (required: >= 1000);
3. the spectrum at d = 10^6 at 50 digits for every grammar isotropy (required: < 1 s).

Run: ``python benchmarks/bench_spectrum.py [--skip-full]``.
"""

from __future__ import annotations

import argparse
import time

import mpmath
import numpy as np

from symbolic import model
from symbolic.groups import parse_isotropy
from symbolic.spectrum import spectrum

GRAMMAR = ["d", "d-1,1", "d-2,2", "d-3,3", "d-2,1,1", "d-1,1;1"]


def _best(f, repeat=5):
    best = float("inf")
    out = None
    for _ in range(repeat):
        t = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-full", action="store_true", help="skip the 6400 x 6400 part")
    ap.add_argument("--d", type=int, default=80)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    points = {}
    print("one-off symbolic build (all blocks of the generic decomposition):")
    for spec in GRAMMAR:
        s = parse_isotropy(spec)
        vals = [mpmath.mpf(repr(float(x))) for x in rng.normal(size=s.dim)]
        points[spec] = vals
        t = time.perf_counter()
        spectrum(s, vals, 10**6, dps=50)
        print(f"  {spec:10s} {time.perf_counter() - t:7.2f} s")

    d = args.d
    spec = "d-1,1"
    s = parse_isotropy(spec)
    vals = points[spec]
    t_mp, S = _best(lambda: spectrum(s, vals, d, dps=50))
    fvals = [float(v) for v in vals]
    t_np, Sn = _best(lambda: spectrum(s, fvals, d, backend="numpy"))
    print(f"\nd = {d}, isotropy {spec}, random point; {len(S.eigenvalues)} distinct eigenvalues")
    print(f"  isotypic spectrum, mpmath 50 digits : {t_mp * 1e3:9.2f} ms")
    print(f"  isotypic spectrum, float64          : {t_np * 1e3:9.2f} ms")
    if not args.skip_full:
        W = np.array(s.matrix(fvals, d), dtype=float)
        t0 = time.perf_counter()
        H = model.hessian(W, backend="numpy")
        t1 = time.perf_counter()
        ev = np.linalg.eigvalsh(H)
        t2 = time.perf_counter()
        full = t2 - t0
        mine = np.sort(np.array([float(x) for x in S.values()]))
        err = np.max(np.abs(np.sort(ev) - mine))
        print(f"  full {H.shape[0]} x {H.shape[1]} float64: Hessian {t1 - t0:.2f} s, "
              f"eigvalsh {t2 - t1:.2f} s, total {full:.2f} s")
        print(f"  max |isotypic - full| over all {H.shape[0]} eigenvalues: {err:.2e}")
        print(f"  ratio full / isotypic (eigvalsh only, mpmath 50 digits): "
              f"{(t2 - t1) / t_mp:10.0f}")
        print(f"  ratio full / isotypic (Hessian + eigvalsh, float64)    : {full / t_np:10.0f}")
        print(f"  ratio full / isotypic (Hessian + eigvalsh, mpmath)     : {full / t_mp:10.0f}")

    print("\nd = 10^6 at 50 digits (after the build), best of 5:")
    for spec in GRAMMAR:
        t, S = _best(lambda spec=spec: spectrum(spec, points[spec], 10**6, dps=50))
        flag = "OK" if t < 1 else "TOO SLOW"
        print(f"  {spec:10s} {t * 1e3:8.1f} ms  {len(S.eigenvalues):3d} distinct eigenvalues "
              f"{flag}")


if __name__ == "__main__":
    main()
