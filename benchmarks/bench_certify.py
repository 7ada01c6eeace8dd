"""Time of a full certificate (Krawczyk + loss + every Hessian eigenvalue) versus d.

    python benchmarks/bench_certify.py
"""

from __future__ import annotations

import time

from symbolic.catalogue.families import family
from symbolic.spectra.certify import certify_point


def main() -> None:
    t = time.perf_counter()
    f = family("spurious-d-1,1")
    certify_point(f.isotropy, f.seed_values, 10, digits=60)
    print(f"first certificate incl. one-off build of the isotypic systems: "
          f"{time.perf_counter() - t:.2f} s")
    for name in ("global-minimum", "spurious-d-1,1", "bounded-d"):
        f = family(name)
        for d in (10, 1000, 10**6):
            vals = f.seed_values if d == 10 else f.point(d, digits=60)
            t = time.perf_counter()
            c = certify_point(f.isotropy, vals, d, digits=60)
            print(f"{name:16} d = {d:>8}: {time.perf_counter() - t:6.2f} s  {c.verdict} "
                  f"{c.classification} (index {c.index}), proved and enclosed at "
                  f"{c.prec} bits")


if __name__ == "__main__":
    main()
