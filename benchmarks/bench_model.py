"""Time of loss + gradient + full Hessian per backend at d = 10, 40, 100 (k = d).

    python benchmarks/bench_model.py
"""

from __future__ import annotations

import time

import numpy as np

from symbolic import model


def one(W, backend):
    t = time.perf_counter()
    model.loss(W, backend=backend, dps=50)
    model.gradient(W, backend=backend, dps=50)
    model.hessian(W, backend=backend, dps=50)
    return time.perf_counter() - t


def main() -> None:
    for d in (10, 40, 100):
        W = np.random.default_rng(0).normal(size=(d, d)) / np.sqrt(d)
        row = [f"d = {d:4}:"]
        for be in ("numpy", "mpmath", "arb"):
            if be != "numpy" and d > 40:
                row.append(f"{be} skipped (d = 100: {d * d} x {d * d} object Hessian, minutes)")
                continue
            if be != "numpy" and d > 10:
                Wsmall = W
                row.append(f"{be} {one(Wsmall, be):8.2f} s")
                continue
            row.append(f"{be} {one(W, be):8.3f} s")
        print("  ".join(row), flush=True)


if __name__ == "__main__":
    main()
