"""Census and continuation cost versus d (the reduction makes it independent of d).

Prints the census time of Fix(d-1,1), Fix(d-2,1,1), Fix(d-3,1,1,1) at d = 20 (30
digits, default search: 400 starts, coarse seeds, deflation, adaptive batches) with
the search record; the census time of Fix(d-1,1) at 50 digits for d = 10, 1000, 1e6,
1e8, and the time to track the spurious d-1,1 family from d = 10 to each d.

Before the deflated/seeded search (main at 2026-12-01, 2 shared cores, 30 digits,
d = 20): d-1,1 9.3 s (7 points, 2 sets), d-2,1,1 44.1 s (29 points, 3 sets),
d-3,1,1,1 354.8 s (56 points, 2 sets).

    python benchmarks/bench_census.py
"""

from __future__ import annotations

import time

from symbolic.critical.census import census
from symbolic.numerics.solve import system_for
from symbolic.numerics.track import track


def main() -> None:
    _ = system_for("d-1,1")._compiled  # one-off symbolic build, timed separately
    t0 = time.perf_counter()
    census("d-1,1", 10, digits=20, starts=10)  # warm caches (spectrum systems)
    print(f"one-off build + warm-up: {time.perf_counter() - t0:.2f} s")
    for iso in ("d-1,1", "d-2,1,1", "d-3,1,1,1"):
        t = time.perf_counter()
        c = census(iso, 20, digits=30, progress=False)
        dt = time.perf_counter() - t
        s = c.search
        print(f"census {iso:>10} d = 20: {dt:7.1f} s  {len(c.points)} points, "
              f"{len(c.sets)} sets; {s['total_starts']} starts, last new class at "
              f"#{s['last_new_class_at_start']}, {s['classes']} classes", flush=True)
    base = None
    for d in (10, 1000, 10**6, "1e8"):
        t = time.perf_counter()
        c = census("d-1,1", d, digits=50, starts=400, progress=False)
        dt = time.perf_counter() - t
        base = base or dt
        print(f"census d-1,1  d = {str(d):>8}: {dt:6.2f} s  ({dt / base:4.2f} x d = 10)  "
              f"{len(c.points)} points, {len(c.sets)} non-isolated sets")
    for d in (1000, 10**6, "1e8"):
        t = time.perf_counter()
        b = track("d-1,1", [1, 0, -1, 0, 0], 10, d, digits=50, progress=False)
        print(f"track spurious-d-1,1 10 -> {str(d):>8}: {time.perf_counter() - t:6.2f} s, "
              f"{len(b.points) - 1} steps, {b.status}")


if __name__ == "__main__":
    main()
