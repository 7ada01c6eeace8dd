"""Type of the split simplex at k = d + 1: certified theorem route vs the naive full matrix.

    python benchmarks/bench_overparam.py

Route A (relusym overparam): certify the k = d point in its fixed space
(symbolic.spectra.certify.certify_point), evaluate the splitting matrix M_i in interval
arithmetic on the certified box, enclose its eigenvalues; the inertia at k = d + 1
follows from Sylvester (symbolic/overparam/split.py). Route B (naive, uncertified): the
full (d+1) d Hessian at the split point at 30 digits (mpmath) and its eigenvalues
(mpmath.eigsy). Both give the index; only A is a proof. Also: overhead of second-layer
weights in the float64 model (loss + gradient + Hessian with wrt_alpha) at d = 20.
"""

from __future__ import annotations

import time

import mpmath
import numpy as np

from symbolic.catalogue.families import family
from symbolic.loss import model
from symbolic.overparam.split import certify_split, split_point
from symbolic.spectra.certify import certify_point

LIMIT = 120.0


def main() -> None:
    f = family("spurious-d-1,1")
    print("index of the split of spurious-d-1,1 at k = d + 1 (row d-1, lambda = 1/2)")
    last_b = None
    for d in (6, 8, 10):
        vals = [str(v) for v in f.space.values_list(f.point(d, digits=40))]
        t = time.perf_counter()
        cert = certify_point(f.space, vals, d, dps=40)
        sc = certify_split(cert, f.space, d, d - 1, 1)
        ta = time.perf_counter() - t
        line = f"d = {d:2}: A certified index {sc.index} in {ta:6.2f} s"
        est = None if last_b is None else last_b[1] * ((d * (d + 1)) / last_b[0]) ** 3
        if est is not None and est > LIMIT:
            line += f" | B skipped (estimated {est:.0f} s)"
        else:
            t = time.perf_counter()
            Ws = split_point(f.space.matrix(vals, d), d - 1, "1/2")
            H = model.hessian(Ws, backend="mpmath", dps=30)
            with mpmath.workdps(30):
                ev = mpmath.eigsy(mpmath.matrix(H.tolist()), eigvals_only=True)
            neg = sum(1 for x in ev if x < -mpmath.mpf(10) ** -20)
            tb = time.perf_counter() - t
            last_b = (d * (d + 1), tb)
            line += f" | B full-matrix index {neg} in {tb:6.2f} s (uncertified)"
        print(line)
    W = np.random.default_rng(0).normal(size=(20, 20)) / np.sqrt(20)
    a = np.random.default_rng(1).normal(size=20)
    for label, kw in (("alpha = 1 (default)", {}),
                      ("alpha given, wrt_alpha", {"alpha": a, "wrt_alpha": True})):
        t = time.perf_counter()
        for _ in range(5):
            model.loss(W, alpha=kw.get("alpha"))
            model.gradient(W, **kw)
            model.hessian(W, **kw)
        print(f"numpy d = 20, {label:24}: {(time.perf_counter() - t) / 5 * 1e3:7.1f} ms")


if __name__ == "__main__":
    main()
