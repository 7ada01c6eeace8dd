"""Hidden minima are told apart from the minimum gradient descent finds by their
tangency arcs, on account of the O(d^-1/2) eigenvalue terms.

Claim checked (Arjevani, "Hidden minima in two-layer ReLU networks", abstract,
shared/seeds/003): the Hessian spectra of hidden and non-hidden minima agree up to
O(d^-1/2); the arcs emanating from hidden minima (curves along which the loss is
minimised or maximised on spheres around the minimum) differ by their structure and
symmetry, precisely on account of the O(d^-1/2) eigenvalue terms.

What is printed (relusym's families: spurious-d-1,1 found by gradient descent;
bounded-d and bounded-d-1,1 hidden):

1. at every d: the lowest Hessian eigenvalue with its irreducible (verified: isotypic
   spectrum, agreement with a certified enclosure), the arc realising m(r) for small r
   -- its fixed space, isotropy (detected and verified on the full matrix), whether
   +v and -v are conjugate, c3 and c4 of L = L_c + lambda r^2/2 + c3 r^3 + c4 r^4
   (high-precision differentiation, checked by a fit of the traced arc) -- and,
   observed numerically, the first critical point met along it (mu = 0) and the rise
   of m(r) up to it;
2. the O(d^-1/2) coefficients of the eigenvalues tending to 1/4 - 1/(2 pi)
   (Richardson estimates from the isotypic spectrum; with --exact also the exact
   series of symbolic.asymptotics.series, minutes per family).

    python derivations/tangency_arcs.py [--quick] [--exact] [--d 10,20,40] [--plots DIR]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from symbolic.arcs.report import arcs_section
from symbolic.core.parsing import parse_int


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="d = 10 only (about a minute)")
    ap.add_argument("--exact", action="store_true", help="also the exact series (slow)")
    ap.add_argument("--plots", help="folder for the m(r) / arc plots")
    ap.add_argument("--d", default="10,20,40", help="comma-separated dimensions")
    ap.add_argument("--eps-d", default="400,1600",
                    help="two dimensions for the Richardson estimates of the d^-1/2 terms")
    args = ap.parse_args(argv)
    print(__doc__.split("\n\n")[1])
    ds = (10,) if args.quick else tuple(parse_int(x, "--d", minimum=6, maximum=200)
                                        for x in args.d.split(","))
    eps_ds = tuple(parse_int(x, "--eps-d", minimum=10) for x in args.eps_d.split(","))
    sec = arcs_section(ds, steps=8 if args.quick else 16, eps_ds=eps_ds, exact=args.exact,
                       out_dir=Path(args.plots) if args.plots else None)
    for c in sec.claims:
        print(f"\n[{c.verdict}] {c.claim}\n    value: {c.value}\n    expected: {c.expected}")
        if c.detail:
            print(f"    detail: {c.detail}")
    for t in sec.tables:
        print(f"\n{t.caption}\n")
        widths = [max(len(str(x)) for x in col) for col in zip(t.header, *t.rows, strict=True)]
        for row in [t.header] + t.rows:
            print("  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)))
    for f in sec.figures:
        print(f"figure: {f.png}")
    print(f"({sec.seconds:.0f} s)")
    assert not any(c.verdict == "fail" for c in sec.claims), "a claim failed"


if __name__ == "__main__":
    main()
