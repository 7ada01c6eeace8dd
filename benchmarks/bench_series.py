"""Benchmark: Puiseux series of families of critical points (symbolic.series).

Prints, per family, wall-clock times of
1. the numeric profile (50-digit zeros at d = 10^10 ... 10^22, for the limits);
2. the exact parameter series to order 6 and to order 10 (eps-adic Newton in Q(pi));
3. the loss series (substitution) and the eigenvalue series of every isotypic block
   to order 6 (the parameters are recomputed to higher order when clustered
   eigenvalues need it), with the order each eigenvalue reached;
4. the transition d of the d-1,1 family (30 digits).

Run: ``python benchmarks/bench_series.py [--families "d-1,1;bounded-Sd"] [--skip-eigen]``;
the ``d-2,2`` family (coefficients in Q(pi)(sqrt 2)) is slower:
``python benchmarks/bench_series.py --families d-2,2 --skip-eigen --skip-transition``.
"""

from __future__ import annotations

import argparse
import time

from symbolic.series import (
    family_eigenvalues,
    family_series,
    get_family,
    numeric_profile,
)


def _timed(f):
    t = time.perf_counter()
    out = f()
    return time.perf_counter() - t, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--families", default="global-min;d-1,1;bounded-Sd",
                    help="families separated by ';'")
    ap.add_argument("--skip-eigen", action="store_true")
    ap.add_argument("--skip-transition", action="store_true")
    args = ap.parse_args()
    for name in args.families.split(";"):
        spec = get_family(name)
        print(f"== family {name} (isotropy {spec.isotropy})")
        if spec.exact is None:
            t, _ = _timed(lambda spec=spec: numeric_profile(spec))
            print(f"  numeric profile (7 zeros, 60 digits)         {t:8.2f} s")
        for order in (6, 10):
            t, fs = _timed(lambda order=order, spec=spec: family_series(spec, order, fit=False))
            tl, L = _timed(fs.loss_series)
            print(f"  parameters to order {order:2d} (+6 guard orders)     {t:8.2f} s "
                  f"(Newton steps: {len(fs.newton_steps)}); loss {tl:.2f} s, "
                  f"loss known to O(eps^{L.prec})")
        if not args.skip_eigen:
            t, (fs, ev) = _timed(lambda spec=spec: family_eigenvalues(spec, 6))
            reached = sorted(int(e["series"].prec) - 1 if e["series"].prec != float("inf")
                             else 99 for e in ev)
            print(f"  eigenvalues to order 6 ({len(ev)} series)           {t:8.2f} s; "
                  f"orders reached {reached}")
    if not args.skip_transition:
        from symbolic.transition import find_transition

        t, found = _timed(lambda: find_transition("d-1,1", dps=50, d_values=list(range(4, 9))))
        for tr in found:
            print(f"== transition d-1,1 ({tr.irrep}): d = {tr.to_json(30)['d']}   {t:.2f} s")


if __name__ == "__main__":
    main()
