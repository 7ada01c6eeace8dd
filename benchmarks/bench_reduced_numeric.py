"""Symbolic ReducedSystem versus the numeric evaluator (symbolic/systems/reduced_numeric.py),
side by side, for r = 2..6 blocks ("d-1,1", "d-2,1,1", ..., "d-5,1,1,1,1,1") at d = 20.

    python benchmarks/bench_reduced_numeric.py [--symbolic-max-r 5] [--points 1000]

Columns: build (ReducedSystem: pair types, invariants, compilation; numeric: pair-type
index arrays), a batch of N points gradient + Hessian in float64, and one point
loss + gradient + Hessian in mpmath at 50 digits. The symbolic build grows like
r^4.8 (r = 5 takes many minutes), so it is run only up to ``--symbolic-max-r``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from symbolic.systems.reduced import ReducedSystem
from symbolic.systems.reduced_numeric import NumericReducedSystem

D = 20


def _spec(r: int) -> str:
    return ",".join([f"d-{r - 1}"] + ["1"] * (r - 1))


def _t(f):
    t = time.perf_counter()
    out = f()
    return time.perf_counter() - t, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--symbolic-max-r", type=int, default=5)
    ap.add_argument("--points", type=int, default=1000)
    ap.add_argument("--max-r", type=int, default=6)
    a = ap.parse_args()
    print(f"d = {D}, batch of {a.points} points (gradient + Hessian), mpmath 50 digits "
          "(loss + gradient + Hessian); times in seconds")
    print(f"{'isotropy':16} {'dim':>3} {'pairs':>5} | {'sym build':>9} {'sym batch':>9} "
          f"{'sym mp50':>8} | {'num build':>9} {'num batch':>9} {'num mp50':>8} | {'max diff':>8}")
    for r in range(2, a.max_r + 1):
        spec = _spec(r)
        nr = NumericReducedSystem(spec)
        tb_n, _ = _t(lambda nr=nr: nr._structure)
        X = np.random.default_rng(r).normal(size=(a.points, nr.space.dim))
        tn_n, out = _t(lambda nr=nr, X=X: nr.batch(X, D, want=("gradient", "hessian")))
        th = [repr(float(x)) for x in X[0]]
        tm_n, mp_out = _t(lambda nr=nr, th=th: nr.evaluate(th, D, dps=50))
        sym = ["-"] * 3
        diff = "-"
        if r <= a.symbolic_max_r:
            rs = ReducedSystem(spec)
            tb_s, _ = _t(lambda rs=rs: rs._compiled)
            cols = list(X.T)
            tn_s, (g, H) = _t(lambda rs=rs, cols=cols: (rs.gradient(cols, D, backend="numpy"),
                                                        rs.hessian(cols, D, backend="numpy")))
            tm_s, Hm = _t(lambda rs=rs, th=th: (rs.loss(th, D, dps=50), rs.gradient(th, D, dps=50),
                                                rs.hessian(th, D, dps=50))[2])
            sym = [f"{tb_s:9.2f}", f"{tn_s:9.3f}", f"{tm_s:8.3f}"]
            dv = max(float(np.max(np.abs(out["gradient"] - g.T))),
                     float(np.max(np.abs(out["hessian"] - np.moveaxis(H, -1, 0)))),
                     float(max(abs(x - y) for x, y in zip(Hm.ravel(),
                                                          mp_out["hessian"].ravel(),
                                                          strict=True))))
            diff = f"{dv:8.1e}"
        print(f"{spec:16} {nr.space.dim:3d} {nr._structure['T']:5d} | {sym[0]:>9} {sym[1]:>9} "
              f"{sym[2]:>8} | {tb_n:9.3f} {tn_n:9.3f} {tm_n:8.3f} | {diff:>8}", flush=True)


if __name__ == "__main__":
    main()
