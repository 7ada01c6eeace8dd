"""Spectra at spurious minima and at the global minimum coincide to O(d^(-1/2))
(Arjevani & Field, NeurIPS 2021, abstract; Hidden minima 2023 for the bounded family).

delta(d) is the relative Hausdorff distance between the distinct Hessian eigenvalues at
the family's minimum (isotypic spectrum, 30 digits) and at the global minimum (closed
forms in d), see ``symbolic.report.builtin``. Prints delta(d) and sqrt(d) delta(d) at
d = 100, 1000, ... and the log-log slope over the last decade; exits 1 if the slope
exceeds ``--rate`` + 0.05 (default rate -1/2), i.e. if the spectra do not approach
each other at least like d^rate.

    python derivations/spectra_agreement.py [--family spurious-d-1,1] [--max-d 100000]
"""

from __future__ import annotations

import argparse
import sys

import mpmath

from symbolic.core.formatting import decimal
from symbolic.report.builtin import agreement_curve, fit_slope


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--family", action="append")
    ap.add_argument("--max-d", type=int, default=10**5)
    ap.add_argument("--rate", type=float, default=-0.5, help="claimed exponent of delta(d)")
    a = ap.parse_args(argv)
    grid = [10**k for k in range(2, 20) if 10**k <= a.max_d]
    ok = True
    for name in a.family or ["spurious-d-1,1", "bounded-d"]:
        dl = agreement_curve(name, grid)
        for d, x in zip(grid, dl, strict=True):
            print(f"{name}: d = {d}: delta = {decimal(x, 8)}, sqrt(d) delta = "
                  f"{decimal(x * mpmath.sqrt(d), 8)}")
        s = fit_slope(grid[-2:], dl[-2:])
        good = s <= a.rate + 0.05
        ok &= good
        print(f"{name}: slope of log delta over the last decade {s:.4f} "
              f"({'<=' if good else '>'} {a.rate} + 0.05)")
    print("claim: spectra coincide to O(d^{:g}): {}".format(a.rate, "REPRODUCED" if ok
                                                      else "NOT REPRODUCED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
