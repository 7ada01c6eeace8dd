"""Loss of the families as d grows: d L -> 1/2 - 2/pi^2 along the d-1,1 family (the
minimum gradient descent finds) and L -> 1/2 - 1/pi along the hidden Delta S_d family
(Arjevani & Field, Physica D 2021 abstract; constants: research/papers.md, independent
numerics).

The leading coefficient comes from the exact series in eps = d^(-1/2)
(``symbolic.asymptotics.series.family_series``), and is checked against the loss of
high-precision critical points at d = 10^3, 10^4, 10^5 (the truncated series must match
them with an error falling at the predicted rate). Prints the series (LaTeX, broken
into lines) and exits 1 if a leading coefficient differs from the claimed value
(``--claim FAMILY=DECIMAL``, compared to 25 digits) or the error rate is missed.

    python derivations/family_losses.py [--order 3] [--claim spurious-d-1,1=0.2973...]
"""

from __future__ import annotations

import argparse
import sys
from fractions import Fraction

import mpmath
import sympy as sp

from symbolic.asymptotics.series import evaluate_truncated, family_series
from symbolic.core.parsing import parse_number
from symbolic.export.latex import series_align
from symbolic.report.builtin import LEADING, eps_of, family_loss, fit_slope


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--family", action="append")
    ap.add_argument("--order", type=int, default=3)
    ap.add_argument("--claim", action="append", default=[],
                    help="FAMILY=DECIMAL: claimed leading coefficient")
    a = ap.parse_args(argv)
    claims = {}
    for c in a.claim:
        name, _, val = c.partition("=")
        claims[name] = parse_number(val, "--claim")
    ok = True
    rows = []
    for name in a.family or ["spurious-d-1,1", "bounded-d"]:
        k0, c0 = LEADING[name]
        fs = family_series(name, order=a.order, fit=False)
        S = fs.loss_series()
        got = S.coeff(k0).to_sympy()
        with mpmath.workdps(40):
            want = claims.get(name)
            wv = (mpmath.mpf(str(sp.N(c0, 40))) if want is None
                  else mpmath.mpf(Fraction(want).numerator) / Fraction(want).denominator)
            gv = mpmath.mpf(str(sp.N(got, 40)))
            same = abs(gv - wv) < mpmath.mpf(10) ** -25
        lowest = next(k for k in range(S.v, a.order + 1) if not S.coeff(k).is_zero())
        top = min(a.order, int(S.prec) - 1)
        ds = [10**3, 10**4, 10**5]
        errs = [abs(evaluate_truncated(S, eps_of(d), top + 1, dps=40)
                    - family_loss(name, d)) for d in ds]
        slope = fit_slope(ds, errs)
        rate = slope <= -(top + 1) / 2 + 0.3
        ok &= same and lowest == k0 and rate
        print(f"{name}: leading term ({got}) eps^{lowest} = {mpmath.nstr(gv, 25)} "
              f"(claimed {mpmath.nstr(wv, 25)} eps^{k0}): {'agrees' if same else 'DIFFERS'};"
              f" truncation errors {', '.join(mpmath.nstr(e, 3) for e in errs)} at d = "
              f"{ds}, slope {slope:.3f} (predicted {-(top + 1) / 2:g})")
        rows.append((rf"\mathcal{{L}}_{{\text{{{name}}}}}", S, 0, top))
    print("\\begin{align*}\n" + series_align(rows) + "\n\\end{align*}")
    print("claim: leading loss coefficients and series: %s" % ("REPRODUCED" if ok
                                                               else "NOT REPRODUCED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
