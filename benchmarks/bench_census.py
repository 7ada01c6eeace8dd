"""Census and continuation cost versus d (the reduction makes it independent of d).

Prints the census time of Fix(d-1,1) at 50 digits for d = 10, 1000, 1e6, 1e8 (400
random starts + structured ones, spectra included), and the time to track the
spurious d-1,1 family from d = 10 to each d.

    python benchmarks/bench_census.py
"""

from __future__ import annotations

import time

from symbolic.census import census
from symbolic.solve import system_for
from symbolic.track import track


def main() -> None:
    _ = system_for("d-1,1")._compiled  # one-off symbolic build, timed separately
    t0 = time.perf_counter()
    census("d-1,1", 10, digits=20, starts=10)  # warm caches (spectrum systems)
    print(f"one-off build + warm-up: {time.perf_counter() - t0:.2f} s")
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
