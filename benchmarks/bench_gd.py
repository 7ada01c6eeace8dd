"""Gradient-descent census: cost of one GD step, and parallel speed-up on local processes.

    python benchmarks/bench_gd.py [--k 8] [--runs 16]

1. One gradient of the closed-form loss at k = d = 6, 10, 20: the census's per-run path
   (validated once, then ``model._pair_data`` + ``kernel.kernel_grad`` on float64 arrays)
   against the public ``symbolic.loss.model.gradient`` (input validated at every call), the
   same numbers.
2. The same census (``--runs`` runs at k = d = ``--k``, no certificates) on one process
   (``workers=1``, in-process) and on 2 local processes; speed-up = serial / parallel.
   On a machine shared with other jobs the speed-up is below 2 for that reason.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from symbolic.experiments.gd import _Grad, gd_census
from symbolic.loss import model


def bench_gradient() -> None:
    print("gradient per call (microseconds): census path vs symbolic.loss.model.gradient")
    for k in (6, 10, 20):
        W = np.random.default_rng(0).standard_normal((k, k)) / np.sqrt(k)
        g = _Grad(k, k)
        assert np.array_equal(g(W), model.gradient(W))
        n = 300
        t = time.perf_counter()
        for _ in range(n):
            g(W)
        fast = (time.perf_counter() - t) / n * 1e6
        t = time.perf_counter()
        for _ in range(n):
            model.gradient(W)
        slow = (time.perf_counter() - t) / n * 1e6
        print(f"  k = d = {k:2d}: census {fast:8.1f}   model.gradient {slow:8.1f}   "
              f"ratio {slow / fast:5.1f}")


def bench_parallel(k: int, runs: int) -> None:
    res = {}
    for workers in (1, 2):
        t = time.perf_counter()
        s = gd_census(k, k, runs, seed=1, digits=30, workers=workers, progress=False,
                      certify=False)
        res[workers] = (time.perf_counter() - t, s)
    t1, s1 = res[1]
    t2, s2 = res[2]
    same = [g.runs for g in s1.groups] == [g.runs for g in s2.groups]
    print(f"census k = d = {k}, {runs} runs (no certificates): 1 process {t1:.1f} s, "
          f"2 processes {t2:.1f} s, speed-up {t1 / t2:.2f}; identical results: {same}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--k", type=int, default=8)
    ap.add_argument("--runs", type=int, default=16)
    args = ap.parse_args()
    bench_gradient()
    bench_parallel(args.k, args.runs)


if __name__ == "__main__":
    main()
