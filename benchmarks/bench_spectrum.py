"""Benchmark: Hessian spectrum through the isotypic decomposition vs the full matrix.

Prints
1. the one-off symbolic build time of the blocks (per isotropy);
2. at d = 80 (``d-1,1``, a random point of Fix(H)): the isotypic spectrum (mpmath
   at 50 digits, and float64) against ``numpy.linalg.eigvalsh`` of the full
   6400 x 6400 float64 Hessian (:func:`symbolic.loss.model.hessian`), in the same run,
   with the agreement of the two spectra and the speed ratios (required: >= 1000);
3. the spectrum at d = 10^6 at 50 digits for every grammar isotropy (required: < 1 s).

``--commands`` (issue 10/12) instead times *whole commands*, side by side in one run:

* ours: ``relusym spectrum --family spurious-d-1,1 --d D`` with a fresh disk cache
  (``RELUSYM_CACHE_DIR``): once cold, then warm (the family point cached on disk by
  :func:`symbolic.numerics.track.point_at`; best of 3);
* naive: one process that gets the family point by continuation, builds the full
  ``d x d`` matrix ``W``, the full ``d^2 x d^2`` Hessian with :mod:`symbolic.loss.model` in
  float64 and calls ``numpy.linalg.eigvalsh`` (no symmetry, no cache);

at d = 20 and d = 80, with the ratios naive / warm (required: > 1 at d = 20, >= 100 at
d = 80) and the agreement of the smallest eigenvalue.

Run: ``python benchmarks/bench_spectrum.py [--skip-full] [--commands [--d-list 20,80]]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import mpmath
import numpy as np

from symbolic.loss import model
from symbolic.spectra.spectrum import spectrum
from symbolic.symmetry.groups import parse_isotropy

GRAMMAR = ["d", "d-1,1", "d-2,2", "d-3,3", "d-2,1,1", "d-1,1;1"]


def _best(f, repeat=5):
    best = float("inf")
    out = None
    for _ in range(repeat):
        t = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t)
    return best, out


FAMILY = "spurious-d-1,1"


def naive(d: int) -> None:
    """The naive route as one process: family point, full Hessian, eigvalsh."""
    from symbolic.catalogue.families import family

    f = family(FAMILY)
    vals = [float(v) for v in f.point(d, digits=20)]
    W = np.array(parse_isotropy(f.isotropy).matrix(vals, d), dtype=float)
    ev = np.linalg.eigvalsh(model.hessian(W, backend="numpy"))
    print(json.dumps({"min": repr(float(ev[0])), "n": int(len(ev))}))


def _timed(cmd: list[str], env: dict) -> tuple[float, float, str]:
    """Wall time, CPU time (user + sys of the child) and stdout of a command."""
    import resource

    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True).stdout
    wall = time.perf_counter() - t
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return wall, cpu, out


def commands(d_list: list[int]) -> None:
    # one BLAS thread for both routes (a shared machine; CPU times are then comparable)
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
               MKL_NUM_THREADS="1")
    ours_cmd = [sys.executable, "-m", "symbolic.cli.main", "spectrum", "--family", FAMILY,
                "--json"]
    print(f"whole commands, family {FAMILY} (ours: relusym spectrum; naive: point + full "
          "float64 Hessian + eigvalsh); wall / CPU seconds")
    print(f"{'d':>4} {'ours cold':>14} {'ours warm':>14} {'naive':>16} {'ratio wall':>10} "
          f"{'ratio CPU':>10}  min eigenvalue (ours / naive)")
    with tempfile.TemporaryDirectory(prefix="relusym-bench-") as cache:
        env["RELUSYM_CACHE_DIR"] = cache
        for d in d_list:
            cw, cc, _ = _timed([*ours_cmd, "--d", str(d)], env)
            warm = [_timed([*ours_cmd, "--d", str(d)], env) for _ in range(3)]
            ww, wc = min(w[0] for w in warm), min(w[1] for w in warm)  # best of 3
            out = warm[-1][2]
            lam = min(float(e["value"]) for e in json.loads(out)["spectrum"])
            nw, nc, nout = _timed([sys.executable, __file__, "--naive", str(d)], env)
            lam_n = float(json.loads(nout)["min"])
            print(f"{d:>4} {cw:>6.2f}/{cc:<6.2f}  {ww:>6.2f}/{wc:<6.2f}  {nw:>7.2f}/{nc:<7.2f} "
                  f"{nw / ww:>9.1f}x {nc / wc:>9.1f}x  {lam:.12f} / {lam_n:.12f}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-full", action="store_true", help="skip the 6400 x 6400 part")
    ap.add_argument("--d", type=int, default=80)
    ap.add_argument("--commands", action="store_true", help="time whole commands")
    ap.add_argument("--d-list", default="20,80", help="with --commands: the d values")
    ap.add_argument("--naive", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.naive:
        naive(args.naive)
        return
    if args.commands:
        commands([int(x) for x in args.d_list.split(",")])
        return
    rng = np.random.default_rng(0)
    points = {}
    print("one-off symbolic build (all blocks of the generic decomposition):")
    for spec in GRAMMAR:
        s = parse_isotropy(spec)
        vals = [mpmath.mpf(repr(float(x))) for x in rng.normal(size=s.dim)]
        points[spec] = vals
        t = time.perf_counter()
        spectrum(s, vals, 10**6, digits=50)
        print(f"  {spec:10s} {time.perf_counter() - t:7.2f} s")

    d = args.d
    spec = "d-1,1"
    s = parse_isotropy(spec)
    vals = points[spec]
    t_mp, S = _best(lambda: spectrum(s, vals, d, digits=50))
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
        t, S = _best(lambda spec=spec: spectrum(spec, points[spec], 10**6, digits=50))
        flag = "OK" if t < 1 else "TOO SLOW"
        print(f"  {spec:10s} {t * 1e3:8.1f} ms  {len(S.eigenvalues):3d} distinct eigenvalues "
              f"{flag}")


if __name__ == "__main__":
    main()
