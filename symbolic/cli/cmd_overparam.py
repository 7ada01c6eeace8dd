"""``relusym overparam``: a k = d family continued into k = d + m (annihilation table)."""

from __future__ import annotations

import argparse

__all__ = ["register"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "overparam",
        help="how m extra neurons turn a k = d critical point into saddles",
        description="For a catalogued family at d: the certified type at k = d, the split "
        "of one row into m + 1 pieces (certified inertia In H_k + m In(M_i), smallest "
        "eigenvalue of the full Hessian, Cauchy interlacing bound, descent directions), "
        "the isotropy-keeping split of a whole block, and the m zero extra rows "
        "(non-differentiable). Example: relusym overparam --family spurious-d-1,1 --d 8 "
        "--m 1",
    )
    p.add_argument("--family", required=True,
                   help="a k = d family (relusym families) or a k > d one (NAME+split)")
    p.add_argument("--d", required=True, help="integer dimension, 3..40")
    p.add_argument("--m", "--extra", dest="m", default=None,
                   help="number of extra neurons, 1..4 (default 1, or the k > d family's)")
    p.add_argument("--digits", default=30, help="significant digits (10..200)")
    p.add_argument("--census", action="store_true",
                   help="also search Fix(H; m) (m identical extra neurons) for spurious "
                   "minima (slow)")
    p.add_argument("--json", action="store_true", help="print JSON (kind overparam)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from symbolic.catalogue.families import OVERPARAM_FAMILIES
    from symbolic.core.parsing import parse_int
    from symbolic.core.schema import dumps
    from symbolic.overparam import overparam
    from symbolic.symmetry.groups import parse_d

    name, m_default = args.family, 1
    if isinstance(name, str) and name.strip() in OVERPARAM_FAMILIES:
        of = OVERPARAM_FAMILIES[name.strip()]
        name, m_default = of.parent, of.m
    m = m_default if args.m is None else parse_int(args.m, "--m", minimum=1, maximum=4)
    digits = parse_int(args.digits, "--digits", minimum=10, maximum=200)
    res = overparam(name, parse_d(args.d), m, digits=digits, census=args.census)
    if args.json:
        print(dumps("overparam", res.to_json()))
        return 0
    from symbolic.overparam.analysis import HEADER

    rows = [HEADER] + [r.cells() for r in res.rows]
    widths = [max(len(r[j]) for r in rows) for j in range(len(HEADER))]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    for r in res.rows:
        for x in r.descent:
            print(f"descent ({r.continuation}): mu = {x['mu']} (x{x['multiplicity']}), "
                  f"{x['component']}")
    for c in res.census:
        print(f"Fix({c['isotropy']}): {c['kind']} index {c['index']} loss {c['loss']} "
              f"distance {c['distance_to_family_point']}")
    return 0
