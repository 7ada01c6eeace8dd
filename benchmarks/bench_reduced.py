"""Cost of one reduced gradient + Hessian evaluation versus d (independent of d).

    python benchmarks/bench_reduced.py
"""

from __future__ import annotations

import time

from symbolic.reduced import ReducedSystem

GROUPS = ["d", "d-1,1", "d-2,2", "d-3,3", "d-2,1,1", "d-1,1;1"]


def main() -> None:
    print("one-off symbolic build (pair types, invariants, compilation):")
    systems = {}
    for spec in GROUPS:
        t = time.perf_counter()
        rs = ReducedSystem(spec)
        _ = rs._compiled
        systems[spec] = rs
        print(f"  {spec:10} {time.perf_counter() - t:6.3f} s  ({rs.space.dim} parameters, "
              f"{len(rs.pair_types)} pair types)")
    print("gradient + Hessian, per evaluation:")
    for spec in ("d-1,1", "d-2,1,1"):
        rs = systems[spec]
        th = [0.9, 0.01, -0.9, 0.05, 0.1, 0.02, 0.03, 0.01, 0.02, 0.01][: rs.space.dim]
        for backend in ("mpmath", "numpy"):
            row = []
            for d in (10, "10.5", 1000, 10**6, "1e8"):
                n = 20 if backend == "mpmath" else 200
                t = time.perf_counter()
                for _ in range(n):
                    rs.gradient(th, d, backend=backend, dps=50)
                    rs.hessian(th, d, backend=backend, dps=50)
                row.append(f"d={d}: {1e3 * (time.perf_counter() - t) / n:7.2f} ms")
            print(f"  {spec:8} {backend:7} " + "  ".join(row))


if __name__ == "__main__":
    main()
