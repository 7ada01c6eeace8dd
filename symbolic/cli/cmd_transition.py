"""``relusym transition``: the fractional d at which a family turns from saddle to minimum.

See :mod:`symbolic.transition`: a scan over integer ``d`` (every integer of a short
range, a geometric grid with bisection of a long one) brackets the crossing of an
eigenvalue through 0, then the reduced equations and the eigenvalue condition are
solved together for ``(theta, d)`` to the requested digits.
"""

from __future__ import annotations

import json
import sys

from symbolic.errors import RelusymError

__all__ = ["register"]

#: Largest d the scan accepts (a geometric grid keeps the cost logarithmic in dmax).
MAX_DMAX = 10**6
MAX_DIGITS = 200


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "transition",
        help="fractional d where a family changes from saddle to minimum",
        description="Scan a family over integer d, then solve grad = 0 and "
        "lambda_min = 0 jointly for (theta, d). Example: "
        "relusym transition --family spurious-d-1,1 --dmin 4 --dmax 8",
    )
    p.add_argument("--family", required=True,
                   help="family name (see relusym families; old names are accepted)")
    p.add_argument("--dmin", default=None, help="smallest integer d to scan")
    p.add_argument("--dmax", default=None,
                   help=f"largest integer d to scan (at most {MAX_DMAX:.0e})")
    p.add_argument("--digits", default="30", help="digits of d (1 to 200, default 30)")
    p.add_argument("--certify", action="store_true",
                   help="certify the type on both sides (symbolic.certify, if available)")
    p.set_defaults(func=run)


def resolve_family(name: str):
    """The FamilySpec of a catalogue name; a deprecated alias gets a note on stderr."""
    import warnings

    from symbolic.families import deprecation_note
    from symbolic.series import get_family

    note = deprecation_note(name)
    if note:
        print(f"relusym: {note}", file=sys.stderr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return get_family(name)


def run(args) -> int:
    from symbolic.groups import parse_isotropy
    from symbolic.parsing import parse_int
    from symbolic.transition import find_transition, scan_grid

    digits = parse_int(args.digits, "--digits", minimum=1, maximum=MAX_DIGITS)
    spec = resolve_family(args.family)
    space = parse_isotropy(spec.isotropy)
    floor = max(space.min_d(), 2)
    lo = (parse_int(args.dmin, "--dmin", minimum=floor, maximum=MAX_DMAX)
          if args.dmin is not None else floor)
    hi = (parse_int(args.dmax, "--dmax", minimum=floor, maximum=MAX_DMAX)
          if args.dmax is not None else max(lo, int(spec.d0) + 10))
    if lo > hi:
        raise RelusymError(f"--dmin {lo} must not exceed --dmax {hi}")
    grid = scan_grid(lo, hi)
    found = find_transition(spec, dps=digits + 20, digits=digits, d_values=grid,
                            certify=args.certify)
    out = {"family": spec.name, "isotropy": spec.isotropy, "scanned": [lo, hi],
           "scan_points": len(grid),
           "transitions": [t.to_json(digits) for t in found]}
    if not found:
        out["message"] = (f"no change between saddle and minimum along {spec.name} for "
                          f"{lo} <= d <= {hi}")
    print(json.dumps(out, indent=1))
    return 0
