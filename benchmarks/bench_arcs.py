"""Tangency arcs: reduced fixed-space Newton against the naive full-matrix Newton.

One high-precision point of an arc (the Lagrange system grad L = mu (W - W_c),
|W - W_c|_F = r, solved by Newton at 30 digits from the same float64 predictor):

* reduced: symbolic.arcs.trace.newton_on_sphere in Fix(K) (dimension 5-17, cost
  independent of d);
* naive: the same Newton on the full k d unknowns with symbolic.loss.model's mpmath
  gradient and Hessian (what one would do without the symmetry reduction).

Both must land on the same point (checked). Also the time of a whole arc (20 radii,
float64 continuation + 30-digit mpmath polish at every radius).

    python benchmarks/bench_arcs.py [--d 6,10]
"""

from __future__ import annotations

import argparse
import time

import mpmath
import numpy as np

from symbolic.arcs.core import family_directions
from symbolic.arcs.trace import newton_on_sphere, trace_arc
from symbolic.loss import model


def full_newton(Wc, W0, mu0, r, dps=30, steps=3):
    """Newton on (grad L(W) - mu (W - W_c), (|W - W_c|^2 - r^2)/2) in the full space."""
    mp = mpmath.mp
    with mpmath.workdps(dps):
        k, d = Wc.shape
        n = k * d
        x = [mpmath.mpf(v) for v in np.array(W0, dtype=object).ravel()]
        c = [mpmath.mpf(v) for v in np.array(Wc, dtype=object).ravel()]
        mu = mpmath.mpf(mu0)
        for _ in range(steps):
            W = np.array(x, dtype=object).reshape(k, d)
            g = np.array(model.gradient(W, backend="mpmath", dps=dps), dtype=object).ravel()
            H = model.hessian(W, backend="mpmath", dps=dps)
            J = mp.matrix(n + 1, n + 1)
            F = mp.matrix(n + 1, 1)
            for i in range(n):
                F[i] = g[i] - mu * (x[i] - c[i])
                for j in range(n):
                    J[i, j] = H[i, j]
                J[i, i] -= mu
                J[i, n] = -(x[i] - c[i])
                J[n, i] = x[i] - c[i]
            F[n] = (sum((x[i] - c[i]) ** 2 for i in range(n)) - mpmath.mpf(r) ** 2) / 2
            dx = mp.lu_solve(J, -F)
            x = [x[i] + dx[i] for i in range(n)]
            mu += dx[n]
        return np.array(x, dtype=object).reshape(k, d), mu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--d", default="6,10")
    args = ap.parse_args()
    print(f"{'d':>3} {'k d':>5} {'dim Fix(K)':>10} {'reduced [s]':>12} {'full [s]':>10} "
          f"{'ratio':>7} {'max |W_red - W_full|':>22}")
    for d in (int(x) for x in args.d.split(",")):
        dirs = family_directions("bounded-d", d, 20)[3]
        dr = next(x for x in dirs if x.irrep.startswith("alt2"))
        asp = dr.space
        arc = trace_arc(dr, 1, "0.3", steps=1, isotropy=False)  # float predictor + polish
        p = arc.points[0]
        # perturb the converged point to 1e-8 (a float64-quality predictor) and re-solve
        u0 = [x * (1 + mpmath.mpf("1e-8")) for x in p.u]
        t = time.perf_counter()
        u, mu, _ = newton_on_sphere(asp, u0, p.mu, p.r, tol=mpmath.mpf(10) ** -22)
        t_red = time.perf_counter() - t
        W_red = asp.matrix([c + p.r * x for c, x in zip(asp.theta_c, u, strict=True)])
        Wc = asp.matrix(asp.theta_c)
        W0 = asp.matrix([c + p.r * x for c, x in zip(asp.theta_c, u0, strict=True)])
        t = time.perf_counter()
        W_full, mu_f = full_newton(Wc, W0, p.mu, p.r, steps=2)
        t_full = time.perf_counter() - t
        with mpmath.workdps(40):
            dev = max(abs(mpmath.mpf(a) - mpmath.mpf(b)) for a, b in
                      zip(W_red.ravel(), W_full.ravel(), strict=True))
        print(f"{d:>3} {d * d:>5} {asp.fine.dim:>10} {t_red:>12.3f} {t_full:>10.2f} "
              f"{t_full / t_red:>7.0f} {mpmath.nstr(dev, 3):>22}")
    d = 10
    dirs = family_directions("bounded-d", d, 20)[3]
    dr = next(x for x in dirs if x.irrep.startswith("alt2"))
    t = time.perf_counter()
    trace_arc(dr, 1, "1", steps=20, isotropy=False)
    t_arc = time.perf_counter() - t
    print(f"\nwhole arc at d = {d}, 20 radii, float64 continuation + 30-digit polish: "
          f"{t_arc:.1f} s")


if __name__ == "__main__":
    main()
