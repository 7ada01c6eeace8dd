"""Time of loss + gradient + full Hessian per backend at d = 10, 40, 100 (k = d, V = I_d).

    python benchmarks/bench_model.py

numpy runs at every d. mpmath and arb (at 50 digits) run at d = 10 and at d = 40 only
when the d = 10 time, scaled by (40/10)^4 (the Hessian has (kd)^2 = d^4 entries and
every pair (w_i, u_j) carries d x d work), predicts under LIMIT seconds; otherwise the
estimate is printed and the run skipped. They are not run at d = 100 (a 10^4 x 10^4
object matrix).
"""

from __future__ import annotations

import time

import numpy as np

from symbolic.loss import model

LIMIT = 30.0
DPS = 50


def one(W, backend: str) -> float:
    """Seconds for loss + gradient + Hessian at W."""
    t = time.perf_counter()
    model.loss(W, backend=backend, dps=DPS)
    model.gradient(W, backend=backend, dps=DPS)
    model.hessian(W, backend=backend, dps=DPS)
    return time.perf_counter() - t


def main() -> None:
    print(f"loss + gradient + Hessian, k = d, V = I_d (mpmath/arb at {DPS} digits)")
    base: dict[str, float] = {}
    for d in (10, 40, 100):
        W = np.random.default_rng(0).normal(size=(d, d)) / np.sqrt(d)
        cells = [f"d = {d:3}:"]
        for be in ("numpy", "mpmath", "arb"):
            if be != "numpy" and d == 100:
                cells.append(f"{be} not run")
                continue
            if be != "numpy" and d > 10:
                est = base[be] * (d / 10) ** 4
                if est > LIMIT:
                    cells.append(f"{be} skipped (est. {est:.0f} s > {LIMIT:.0f} s)")
                    continue
            t = one(W, be)
            base.setdefault(be, t)
            cells.append(f"{be} {t:8.3f} s")
        print("  ".join(cells), flush=True)


if __name__ == "__main__":
    main()
