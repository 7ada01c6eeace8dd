r"""Derivation: the loss of the d-1,1 spurious-minimum family as a series in d^{-1/2}.

Prints the exact expansion of ``d * L`` along the family of isotropy
``Delta(S_{d-1} x S_1)`` (the minimum gradient descent finds), with
``eps = d^{-1/2}``, in LaTeX, and compares

* the leading coefficient with the value ``1/2 - 2/pi^2`` reported for this family
  (research/papers.md), exactly in Q(pi);
* the truncated series with 50-digit zeros of the reduced gradient at
  d = 10^3, 10^4, 10^6 (error and the order at which it falls);
* the transition dimension at which the family turns from saddle into minimum.

Run: ``python derivations/d_minus_1_1_loss.py [--order 6]``.
"""

from __future__ import annotations

import argparse

import mpmath
import sympy as sp

from symbolic.asymptotics.series import family_series, get_family, to_mpf, track_to
from symbolic.export.latex import series_align
from symbolic.systems.puiseux import PiField
from symbolic.systems.reduced import ReducedSystem


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--order", type=int, default=6)
    ap.add_argument("--no-transition", action="store_true")
    args = ap.parse_args()
    N = args.order
    fs = family_series("spurious-d-1,1", N + 2, progress=False)
    L = fs.loss_series()
    dL = L.shift(-2)  # d * L = eps^-2 L
    print(r"% d-1,1 family, \varepsilon = d^{-1/2} (long sums broken over lines)")
    print(r"\begin{align*}")
    rows = [(p.latex, t, 0, N) for p, t in zip(fs.space.params, fs.theta, strict=True)]
    rows.append((r"d\,\mathcal{L}", dL, 0, N))
    print(series_align(rows))
    print(r"\end{align*}")

    paper = PiField.from_sympy(sp.Rational(1, 2) - 2 / sp.pi**2)
    c0 = dL.coeff(0)
    verdict = "MATCH" if c0 == paper else "MISMATCH"
    print(f"% leading coefficient of d L: {c0.to_sympy()}  vs papers.md 1/2 - 2/pi^2: {verdict}")
    print(f"% first correction: ({dL.coeff(1).to_sympy()}) eps  (relative order d^(-1/2))")

    spec = get_family("spurious-d-1,1")
    R = ReducedSystem(spec.isotropy)
    mp = mpmath.MPContext()
    mp.dps = 60
    ds = [10**3, 10**4, 10**6]
    sols = track_to(R, [spec.seed[n] for n in R.space.names], spec.d0, ds, dps=50)
    print("% truncation error of d L (terms up to eps^N) against 50-digit zeros:")
    for d in ds:
        e = 1 / mp.sqrt(d)
        exact = R.loss(sols[d][0], d, dps=80) * d
        trunc = sum((to_mpf(dL.coeff(k), mp) * e**k for k in range(N + 1)), mp.zero)
        err = mpmath.nstr(exact - trunc, 3)
        print(f"%   d = {d:>8}: d L = {mpmath.nstr(exact, 25)}   error {err}"
              f"   (eps^{N + 1} = {mpmath.nstr(e ** (N + 1), 3)})")
    if not args.no_transition:
        from symbolic.critical.transition import find_transition

        for tr in find_transition(spec, dps=50, d_values=list(range(4, 9))):
            print(f"% {tr.below} -> {tr.above} at d = {tr.to_json(30)['d']} ({tr.irrep} block)")


if __name__ == "__main__":
    main()
