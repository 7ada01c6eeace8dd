"""Hessian spectrum along the spurious d-1,1 minimum: dk - O(d) eigenvalues stay O(1)
and Theta(d) grow linearly in d (Arjevani & Field, NeurIPS 2020, abstract).

Computed through the isotypic decomposition (exact multiplicities, cost independent of
d) at d = 100, 1000, ...; prints every distinct eigenvalue with its multiplicity and
irreducible, counts the eigenvalues above 1 (with multiplicity) and fits the log-log
slope of the large ones over the last decade. Exits 1 unless every large eigenvalue
grows with slope ``--slope`` (default 1, within ``--tol``), their number lies in
``[d, 1.1 d + 2]`` and the others stay below 1.

    python derivations/spurious_spectrum.py [--max-d 100000] [--slope 1] [--tol 0.05]
"""

from __future__ import annotations

import argparse
import sys

from symbolic.core.formatting import decimal
from symbolic.report.builtin import _spectrum, fit_slope, large_eigenvalue_census


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-d", type=int, default=10**5)
    ap.add_argument("--family", default="spurious-d-1,1")
    ap.add_argument("--slope", type=float, default=1.0, help="claimed growth exponent")
    ap.add_argument("--tol", type=float, default=0.05)
    a = ap.parse_args(argv)
    grid = [10**k for k in range(2, 20) if 10**k <= a.max_d]
    if len(grid) < 2:
        print("need --max-d >= 1000", file=sys.stderr)
        return 2
    specs = {d: list(_spectrum(a.family, d)) for d in grid}
    ok = True
    for d in grid:
        c = large_eigenvalue_census(specs[d], d)
        print(f"d = {d}: {len(specs[d])} distinct eigenvalues; {c['n_large']} above 1 "
              f"(with multiplicity), {c['n_small']} at most {decimal(c['max_small'], 6)}; "
              f"max/d = {decimal(c['max_ratio'], 10)}")
        ok &= d <= c["n_large"] <= 1.1 * d + 2 and c["max_small"] < 1
    print(f"{'eigenvalue at d = ' + str(grid[-1]):>40}  multiplicity  irreducible  slope")
    for i, (v, m, irr) in enumerate(specs[grid[-1]]):
        s = fit_slope(grid[-2:], [specs[grid[-2]][i][0], v]) if v > 1 else None
        print(f"{decimal(v, 30):>40}  {m!s:>12}  {irr:>11}  "
              + (f"{s:.5f}" if s is not None else "-"))
        if s is not None and abs(s - a.slope) > a.tol:
            ok = False
    verdict = "REPRODUCED" if ok else "NOT REPRODUCED"
    print(f"claim: Theta(d) eigenvalues grow like d^{a.slope:g}, the others stay O(1): "
          f"{verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
