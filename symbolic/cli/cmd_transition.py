"""``relusym transition``: the fractional d at which a family turns from saddle to minimum.

See :mod:`symbolic.critical.transition`: a scan over integer ``d`` (every integer of a short
range, a geometric grid with bisection of a long one) brackets the crossing of an
eigenvalue through 0, then the reduced equations and the eigenvalue condition are
solved together for ``(theta, d)`` to the requested digits. Text by default,
``--json`` for the ``relusym.transition/1`` document.
"""

from __future__ import annotations

import sys

from symbolic.cli.matrix_io import (
    add_digits_option,
    add_output_options,
    digits_of,
    emit,
    resolve_family_name,
)
from symbolic.core.errors import RelusymError

__all__ = ["register", "resolve_family", "payload"]

#: Largest d the scan accepts (a geometric grid keeps the cost logarithmic in dmax).
MAX_DMAX = 10**6


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "transition",
        help="fractional d where a family changes from saddle to minimum",
        description="Scan a family over integer d, then solve grad = 0 and "
        "lambda_min = 0 jointly for (theta, d). Example: "
        "relusym transition --family spurious-d-1,1 --dmin 4 --dmax 8",
    )
    p.add_argument("--family",
                   help="family name (see relusym families; old names are accepted)")
    p.add_argument("--isotropy", help="with --params and --from: a family given by a seed "
                   "point instead of a name")
    p.add_argument("--params", help="seed point: name=value,... or a JSON object")
    p.add_argument("--from", "--d0", dest="d_from", help="d of the seed point")
    p.add_argument("--dmin", default=None, help="smallest integer d to scan")
    p.add_argument("--dmax", default=None,
                   help=f"largest integer d to scan (at most {MAX_DMAX:.0e})")
    add_digits_option(p, 30, what=" (of the critical d)")
    add_output_options(p)
    p.add_argument("--certify", action="store_true",
                   help="certify the type on both sides (symbolic.spectra.certify)")
    p.set_defaults(func=run)


def resolve_family(name: str):
    """The series FamilySpec of a catalogue name (used by ``relusym series``); a
    deprecated alias gets a note on stderr."""
    import warnings

    from symbolic.asymptotics.series import get_family
    from symbolic.catalogue.families import OVERPARAM_FAMILIES, deprecation_note

    if name in OVERPARAM_FAMILIES:  # a k > d family: split families have series
        return get_family(name)
    note = deprecation_note(name)
    if note:
        print(f"relusym: {note}", file=sys.stderr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return get_family(name)


def payload(fam, lo: int, hi: int, grid: list, found: list, digits: int) -> dict:
    """The ``relusym.transition/1`` document's payload (docs/schemas.md)."""
    out = {"family": fam.name, "isotropy": fam.isotropy, "scanned": [lo, hi],
           "scan_points": len(grid), "digits": digits,
           "transitions": [t.to_json(digits) for t in found]}
    if not found:
        out["message"] = (f"no change between saddle and minimum along {fam.name} for "
                          f"{lo} <= d <= {hi}")
    return out


def _text(out: dict) -> str:
    lines = [f"transition of {out['family']} (Fix({out['isotropy']})), scanned "
             f"{out['scanned'][0]} <= d <= {out['scanned'][1]} ({out['scan_points']} points)"]
    if not out["transitions"]:
        lines.append(out["message"])
    for t in out["transitions"]:
        lines.append(f"d* = {t['d']}")
        lines.append(f"  {t['below']} below, {t['above']} above, through the "
                     f"{t['irrep']} block; bracket {t['bracket'][0]} < d* < {t['bracket'][1]}")
        lines.append(f"  residuals: gradient {t['residual']}, eigenvalue "
                     f"{t['eigenvalue_residual']} (working precision {t['working_digits']})")
        lines.append("  point: " + ", ".join(f"{k}={v}" for k, v in t["params"].items()))
        lines.append(f"  certificate: {t['certificate'].get('verdict')}")
    return "\n".join(lines)


def _family_of(args):
    """The catalogue family of ``--family``, or the custom one of ``--isotropy``,
    ``--params`` and ``--from``."""
    from symbolic.cli.matrix_io import check_numbers, parse_params
    from symbolic.critical.transition import _Family
    from symbolic.symmetry.groups import parse_d, parse_isotropy

    custom = (args.isotropy, args.params, args.d_from)
    if args.family:
        if any(custom):
            raise RelusymError("give --family, or --isotropy with --params and --from, "
                               "not both")
        return resolve_family_name(args.family)
    if not all(custom):
        raise RelusymError("give --family NAME, or --isotropy, --params and --from")
    space = parse_isotropy(args.isotropy)
    seed = space.values_list(parse_params(args.params))
    check_numbers(seed, list(space.names))
    d0 = parse_d(args.d_from)
    space.check_d(d0)
    return _Family("custom", space.label, d0, dict(zip(space.names, seed, strict=True)))


def run(args) -> int:
    from symbolic.core.parsing import parse_int
    from symbolic.critical.transition import find_transition, scan_grid
    from symbolic.symmetry.groups import parse_isotropy

    digits = digits_of(args)
    fam = _family_of(args)
    space = parse_isotropy(fam.isotropy)
    floor = max(space.min_d(), 2)
    lo = (parse_int(args.dmin, "--dmin", minimum=floor, maximum=MAX_DMAX)
          if args.dmin is not None else floor)
    hi = (parse_int(args.dmax, "--dmax", minimum=floor, maximum=MAX_DMAX)
          if args.dmax is not None else max(lo, int(fam.seed_d) + 10))
    if lo > hi:
        raise RelusymError(f"--dmin {lo} must not exceed --dmax {hi}")
    grid = scan_grid(lo, hi)
    found = find_transition(fam, digits=digits, d_values=grid, certify=args.certify)
    out = payload(fam, lo, hi, grid, found, digits)
    emit(args, "transition", out, lambda: _text(out))
    return 0
