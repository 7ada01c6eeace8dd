"""Certified completeness by interval branch-and-prune: Fix(d-1,1) and Fix(d-2,2), d = 10.

Prints boxes processed, excluded (by test), proved roots, undecided boxes with their
volume fraction and reasons, time, and compares the proved roots with ``census``.

    python benchmarks/bench_complete.py [max_boxes] [min_width] [space ...]
    python benchmarks/bench_complete.py local HALF_WIDTH [max_boxes] [space ...]

The second form runs, for every census point, the branch-and-prune on the cube of
half-width HALF_WIDTH (orthonormal coordinates y_p = sqrt(n_p) theta_p) about it:
a "complete" verdict proves that this point is the only critical point there.
"""

from __future__ import annotations

import sys
import time
from fractions import Fraction

from symbolic.critical.census import census
from symbolic.critical.complete import certify_complete, orbit_sizes
from symbolic.symmetry.groups import parse_isotropy


def run(spec: str, d: int, max_boxes: int, min_width: str) -> None:
    t = time.time()
    cen = census(spec, d)
    tc = time.time() - t
    print(f"census Fix({spec}) d={d}: {len(cen.points)} points, {len(cen.sets)} sets, "
          f"{tc:.1f} s")
    res = certify_complete(spec, d, known=cen, max_boxes=max_boxes, min_width=min_width)
    print(res.summary())
    matched = sorted(r.known_index for r in res.roots if r.known_index is not None)
    print(f"  census points proved: {len(matched)}/{len(cen.points)} {matched}")
    print(f"  proved roots not in the census: "
          f"{sum(1 for r in res.roots if r.known_index is None)}")
    for i, p in enumerate(cen.points):
        tag = "proved" if i in matched else "NOT proved"
        print(f"    #{i} loss {float(p.loss):.10f} {tag}")
    sys.stdout.flush()


def run_local(spec: str, d: int, half: float, max_boxes: int) -> None:
    t = time.time()
    cen = census(spec, d)
    print(f"census Fix({spec}) d={d}: {len(cen.points)} points, {len(cen.sets)} sets, "
          f"{time.time() - t:.1f} s")
    sq = [float(n) ** 0.5 for n in orbit_sizes(parse_isotropy(spec), d)]
    ncomplete = 0
    for i, p in enumerate(cen.points):
        reg = [(Fraction(float(v)) - Fraction(half / s), Fraction(float(v)) + Fraction(half / s))
               for v, s in zip(p.values, sq, strict=True)]
        res = certify_complete(spec, d, region=reg, known=[p.values], max_boxes=max_boxes,
                               min_width=str(half / 64))
        ncomplete += res.complete
        reasons = "; ".join(f"{k}: {c} boxes, {float(v):.2e}" for k, (c, v) in
                            res.reasons().items())
        print(f"  #{i} loss {float(p.loss):.10f}: {res.verdict}, roots {len(res.roots)}, "
              f"boxes {res.processed}, undecided {float(res.undecided_fraction):.2e} "
              f"[{reasons}] {res.seconds:.1f} s")
        sys.stdout.flush()
    print(f"  complete neighbourhoods: {ncomplete}/{len(cen.points)}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "local":
        half = float(sys.argv[2])
        nb = int(sys.argv[3]) if len(sys.argv) > 3 else 3000
        for s in sys.argv[4:] or ["d-1,1", "d-2,2"]:
            run_local(s, 10, half, nb)
        sys.exit(0)
    nb = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    mw = sys.argv[2] if len(sys.argv) > 2 else "0.02"
    specs = sys.argv[3:] or ["d-1,1", "d-2,2"]
    for s in specs:
        run(s, 10, nb, mw)
