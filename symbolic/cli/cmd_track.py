"""``relusym track``: follow a critical point in d (continuation)."""

from __future__ import annotations

import argparse
import sys

from symbolic.cli.matrix_io import (
    add_digits_option,
    add_output_options,
    check_numbers,
    digits_of,
    emit,
    parse_params,
)

__all__ = ["register", "payload"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "track",
        help="follow one critical point from one d to another",
        description="Continuation in log d with a predictor in d^(-1/2), Newton corrector and "
        "branch checks (Morse index on Fix(H)); reports where the branch turns back or is "
        "lost. Example: relusym track --family spurious-d-1,1 --to 1e8",
    )
    p.add_argument("--isotropy", help="isotropy, e.g. 'd-1,1'")
    p.add_argument("--family", help="a named family (its isotropy and seed point)")
    p.add_argument("--params", help="start: JSON object/list or name=value,...")
    p.add_argument("--from", dest="d_from", help="start d (default: the family's seed d)")
    p.add_argument("--d0", dest="d_from", help="alias of --from (the seed dimension, as in "
                   "relusym series)")
    p.add_argument("--to", dest="d_to", required=True, help="target d (e.g. 1e8 or 3.5)")
    add_digits_option(p, 30)
    p.add_argument("--every", type=int, default=1, help="print every n-th branch point")
    add_output_options(p)
    p.add_argument("--certify", action="store_true",
                   help="certify the point reached at the target d")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--strict", action="store_true",
                   help="refuse (exit 2) when the start is not near a critical point "
                   "instead of following the point Newton reaches from it")
    p.set_defaults(func=run)


def payload(b, digits: int, cert=None) -> dict:
    """The ``relusym.track/1`` document's payload (docs/schemas.md)."""
    out = b.to_json(digits)
    out["certificate"] = cert.to_json(digits) if cert is not None else \
        {"verdict": "not attempted"}
    return out


def _text(b, out: dict, digits: int, every: int) -> str:
    from symbolic.core.formatting import short

    space = b.space
    lines = [f"track Fix({space.label}): {b.status}: {b.message}"]
    if b.warning:
        lines.append(f"WARNING: {b.warning}")
    names = space.names
    w = min(digits, 14) + 7
    lines.append(f"{'d':>22} {'loss':>{w}}  " + "  ".join(f"{n:>{w}}" for n in names))
    pts = out["points"]
    for i, p in enumerate(pts):
        if i % every and i != len(pts) - 1:
            continue
        lines.append(f"{p['d']:>22} {short(p['loss'], w):>{w}}  "
                     + "  ".join(f"{short(p['params'][n], w):>{w}}" for n in names))
    cert = out["certificate"]
    if cert.get("verdict") != "not attempted":
        lines.append(f"certificate at the target: {cert['verdict']} "
                     f"({cert.get('classification')}); {cert.get('reason')}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from symbolic.core.errors import IsotropyError, RelusymError
    from symbolic.numerics.track import track
    from symbolic.symmetry.groups import parse_isotropy

    digits = digits_of(args)
    iso, start, d_from = args.isotropy, None, args.d_from
    if args.family:
        from symbolic.catalogue.families import family

        fam = family(args.family)
        iso = iso or fam.isotropy
        start = dict(fam.seed_values)
        d_from = d_from or str(fam.seed_d)
    if args.params:
        start = parse_params(args.params)
    if not iso or start is None or d_from is None:
        raise IsotropyError("give --family, or --isotropy with --params and --from")
    if args.every < 1:
        raise RelusymError("--every must be >= 1")
    space = parse_isotropy(iso)
    check_numbers(space.values_list(start), list(space.names))
    b = track(space, start, d_from, args.d_to, digits=digits,
              progress=False if args.quiet else None, strict=args.strict)
    if b.warning:
        print(f"relusym track: WARNING: {b.warning}", file=sys.stderr)
    cert = None
    if args.certify and b.status == "reached":
        from symbolic.spectra.certify import certify_point

        last = b.points[-1]
        cert = certify_point(space, last.values, last.d, digits=max(digits, 60))
    out = payload(b, digits, cert)
    emit(args, "track", out, lambda: _text(b, out, digits, args.every))
    return 0 if b.status == "reached" else 3
