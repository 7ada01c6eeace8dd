"""``relusym transition``: the fractional d at which a family turns from saddle to minimum.

See :mod:`symbolic.transition`: a scan over integer ``d`` brackets the crossing
of an eigenvalue through 0, then the reduced equations and the eigenvalue
condition are solved together for ``(theta, d)`` to the requested digits.
"""

from __future__ import annotations

import json

from symbolic.errors import RelusymError

__all__ = ["register"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "transition",
        help="fractional d where a family changes from saddle to minimum",
        description="Scan a family over integer d, then solve grad = 0 and "
        "lambda_min = 0 jointly for (theta, d). Example: relusym transition --family d-1,1",
    )
    p.add_argument("--family", required=True, help="family name (see relusym series)")
    p.add_argument("--dmin", type=int, default=None, help="smallest integer d to scan")
    p.add_argument("--dmax", type=int, default=None, help="largest integer d to scan")
    p.add_argument("--digits", type=int, default=30, help="digits of d (default 30)")
    p.add_argument("--certify", action="store_true",
                   help="certify the type on both sides (symbolic.certify, if available)")
    p.set_defaults(func=run)


def run(args) -> int:
    from symbolic.groups import parse_isotropy
    from symbolic.series import get_family
    from symbolic.transition import find_transition

    spec = get_family(args.family)
    space = parse_isotropy(spec.isotropy)
    lo = args.dmin if args.dmin is not None else max(space.min_d(), 2)
    hi = args.dmax if args.dmax is not None else int(float(spec.d0)) + 10
    if lo > hi:
        raise RelusymError("--dmin must not exceed --dmax")
    found = find_transition(spec, dps=args.digits + 20, d_values=list(range(lo, hi + 1)),
                            certify=args.certify)
    out = {"family": spec.name, "scanned": [lo, hi],
           "transitions": [t.to_json(args.digits) for t in found]}
    print(json.dumps(out, indent=1))
    return 0
