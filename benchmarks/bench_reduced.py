"""Cost of one reduced gradient + Hessian evaluation versus d (it does not depend on d),
and the one-off symbolic build per isotropy group.

    python benchmarks/bench_reduced.py

Build: pair types and invariants (sympy) + compilation of the invariants (what every
numeric evaluation needs), then, separately, the closed-form sympy expressions of the
loss and gradient (what ``relusym equations`` prints). Evaluation: one call of
``gradient`` plus one of ``hessian`` at a fixed point, mpmath at 50 digits and numpy
float64, at d = 10, 10.5, 1000, 10^6, 10^8 (median of repeats).
"""

from __future__ import annotations

import statistics
import time

from symbolic.systems.reduced import ReducedSystem

GROUPS = ["d", "d-1,1", "d-2,2", "d-3,3", "d-2,1,1", "d-1,1;1"]
DS = [10, "10.5", 1000, 10**6, "1e8"]
POINT = [0.9, 0.01, -0.9, 0.05, 0.1, 0.02, 0.03, 0.01, 0.02, 0.01, 0.04, -0.02]


def _median_ms(f, n: int) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return 1e3 * statistics.median(times)


def main() -> None:
    print("one-off symbolic build per group:")
    print(f"  {'group':10} {'params':>6} {'pairs':>5} {'invariants+compile':>19} "
          f"{'loss+gradient exprs':>20}")
    systems = {}
    for spec in GROUPS:
        t = time.perf_counter()
        rs = ReducedSystem(spec)
        _ = rs._compiled
        t1 = time.perf_counter() - t
        t = time.perf_counter()
        _ = rs.loss_expr, rs.gradient_exprs
        t2 = time.perf_counter() - t
        systems[spec] = rs
        print(f"  {spec:10} {rs.space.dim:6d} {len(rs.pair_types):5d} {t1:17.3f} s "
              f"{t2:18.3f} s")
    print("\none gradient + one Hessian evaluation, median time [ms]:")
    print(f"  {'group':10} {'backend':8}" + "".join(f"{'d=' + str(d):>12}" for d in DS))
    for spec in GROUPS:
        rs = systems[spec]
        th = POINT[: rs.space.dim]
        for backend, n in (("mpmath", 15), ("numpy", 100)):
            row = []
            for d in DS:
                def once(rs=rs, th=th, d=d, backend=backend):
                    rs.gradient(th, d, backend=backend, dps=50)
                    rs.hessian(th, d, backend=backend, dps=50)

                once()  # warm up
                row.append(_median_ms(once, n))
            print(f"  {spec:10} {backend:8}" + "".join(f"{x:12.2f}" for x in row))


if __name__ == "__main__":
    main()
