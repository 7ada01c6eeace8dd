"""Hidden minima: families of spurious minima that gradient descent does not find, with
loss bounded away from 0, certified as minima from d = 10 to d = 10^6.

Checks the limit 1/2 - 1/pi of the Delta S_d family (papers.md) against certified loss
enclosures, and that the second bounded family (isotropy d-1,1) is a minimum too.

    python derivations/hidden_minima.py
"""

from __future__ import annotations

import mpmath

from symbolic.catalogue.families import family
from symbolic.core.formatting import interval
from symbolic.spectra.certify import certify_point


def main() -> None:
    limit = mpmath.mpf(1) / 2 - 1 / mpmath.pi
    print(f"% limit 1/2 - 1/pi = {mpmath.nstr(limit, 15)}")
    print("\\begin{tabular}{lrll}\nfamily & $d$ & certified loss enclosure & type \\\\ \\hline")
    for name in ("bounded-d", "bounded-d-1,1"):
        f = family(name)
        for d in (10, 100, 1000, 10**4, 10**6):
            vals = f.seed_values if d == f.seed_d else f.point(d, digits=50)
            c = certify_point(f.isotropy, vals, d, dps=60)
            lo, hi = interval(c.loss, 15)
            print(f"{name} & {d} & $[{lo}, {hi}]$ & {c.verdict} {c.classification} \\\\")
            assert c.verdict == "proved" and c.classification == "minimum"
    print("\\end{tabular}")


if __name__ == "__main__":
    main()
