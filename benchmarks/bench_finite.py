"""Exact rank of region Jacobians: relusym's route (non-zero minor mod 2^61-1 plus exact
rational row relations) side by side with fraction-free elimination (fmpz_mat.rank),
sympy's Matrix.rank (the naive exact route, small cases only) and the float SVD rank.

    python benchmarks/bench_finite.py
"""

from __future__ import annotations

import time

import flint
import numpy as np
import sympy as sp

from symbolic.finite.data import random_dataset
from symbolic.finite.network import init_params, jacobian_float
from symbolic.finite.rank import exact_rank
from symbolic.finite.regions import pattern_of, region_jacobian, zero_loss_in_region


def _time(fn, reps=1):
    t = time.perf_counter()
    for _ in range(reps):
        out = fn()
    return out, (time.perf_counter() - t) / reps


def main() -> None:
    cases = [(10, 2, 8, True), (20, 10, 3, True), (40, 1, 60, False), (100, 2, 100, False),
             (60, 30, 3, False), (100, 2, 200, False)]
    print(f"{'n':>4} {'d0':>3} {'m':>4} {'shape':>10} {'rank':>5} {'relusym':>9} "
          f"{'fmpz.rank':>10} {'sympy':>9} {'float SVD':>10}  method")
    for n, d0, m, small in cases:
        data = random_dataset(n, d0, seed=n, box=(0, 1))
        net = init_params(d0, (m,), seed=m)
        A = pattern_of(net, data)
        M, _ = region_jacobian(A, net, data)
        r, t1 = _time(lambda M=M: exact_rank(M))
        rows = M.tolist()
        r2, t2 = _time(lambda rows=rows: flint.fmpz_mat([[int(x) for x in rw] for rw in rows])
                       .rank())
        t3, r3 = "-", None
        if small:
            r3, t3s = _time(lambda rows=rows: sp.Matrix(rows).rank())
            t3 = f"{t3s:.3f}s"
        Jf = jacobian_float(net, data.X_float())
        r4, t4 = _time(lambda Jf=Jf: int(np.linalg.matrix_rank(Jf)), reps=5)
        assert r.rank == r2 and (r3 is None or r3 == r.rank)
        print(f"{n:>4} {d0:>3} {m:>4} {str(M.shape):>10} {r.rank:>5} {t1:>8.3f}s {t2:>9.3f}s "
              f"{t3:>9} {t4:>9.4f}s  {r.method} (float rank {r4})")
    # zero-loss question per region (LP + exact point or exact certificate)
    for n, m in ((6, 24), (10, 40)):
        data = random_dataset(n, 1, seed=1, box=(-1, 1))
        net = init_params(1, (m,), seed=2, output="alternating")
        A = pattern_of(net, data)
        f, t = _time(lambda A=A, net=net, data=data: zero_loss_in_region(A, net, data))
        print(f"zero-loss region question n = {n}, m = {m}: {f.verdict} in {t:.3f}s")


if __name__ == "__main__":
    main()
