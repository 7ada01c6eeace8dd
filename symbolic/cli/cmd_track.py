"""``relusym track``: follow a critical point in d (continuation)."""

from __future__ import annotations

import argparse
import json

__all__ = ["register"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "track",
        help="follow one critical point from one d to another",
        description="Continuation in log d with secant predictor and Newton corrector; "
        "reports where the branch turns back or is lost. Example: relusym track "
        "--family spurious-d-1,1 --to 1e8",
    )
    p.add_argument("--isotropy", help="isotropy, e.g. 'd-1,1'")
    p.add_argument("--family", help="a named family (its isotropy and seed point)")
    p.add_argument("--params", help="start: JSON object/list or name=value,...")
    p.add_argument("--from", dest="d_from", help="start d (default: the family's seed d)")
    p.add_argument("--to", dest="d_to", required=True, help="target d (e.g. 1e8 or 3.5)")
    p.add_argument("--digits", default=30, help="significant digits (10..1000)")
    p.add_argument("--every", type=int, default=1, help="print every n-th branch point")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--certify", action="store_true",
                   help="certify the point reached at the target d")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--strict", action="store_true",
                   help="refuse (exit 2) when the start is not near a critical point "
                   "instead of following the point Newton reaches from it")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from symbolic.cli.cmd_spectrum import parse_params
    from symbolic.errors import IsotropyError, RelusymError
    from symbolic.formatting import short
    from symbolic.groups import parse_isotropy
    from symbolic.track import track

    iso, start, d_from = args.isotropy, None, args.d_from
    if args.family:
        from symbolic.families import family

        fam = family(args.family)
        iso = iso or fam.isotropy
        start = dict(fam.seed_values)
        d_from = d_from or str(fam.seed_d)
    if args.params:
        start = parse_params(args.params)
    if not iso or start is None or d_from is None:
        raise IsotropyError("give --family, or --isotropy with --params and --from")
    from symbolic.cli.cmd_spectrum import _check_numbers
    from symbolic.parsing import parse_int

    args.digits = parse_int(args.digits, "--digits", minimum=10, maximum=1000)
    if args.every < 1:
        raise RelusymError("--every must be >= 1")
    space = parse_isotropy(iso)
    _check_numbers(space.values_list(start), list(space.names))
    b = track(space, start, d_from, args.d_to, digits=args.digits,
              progress=False if args.quiet else None, strict=args.strict)
    if b.warning:
        import sys

        print(f"relusym track: WARNING: {b.warning}", file=sys.stderr)
    cert = None
    if args.certify and b.status == "reached":
        try:
            from symbolic.certify import certify_point
        except ImportError:
            raise RelusymError("--certify needs symbolic.certify") from None
        last = b.points[-1]
        cert = certify_point(space, last.values, last.d, dps=args.digits + 30)
    out = b.to_json(args.digits)
    if cert is not None:
        out["certificate"] = cert.to_json(args.digits)
    if args.json:
        print(json.dumps(out, indent=2))
        return 0 if b.status == "reached" else 3
    print(f"track Fix({space.label}): {b.status}: {b.message}")
    if b.warning:
        print(f"WARNING: {b.warning}")
    names = space.names
    w = min(args.digits, 14) + 7
    print(f"{'d':>22} {'loss':>{w}}  " + "  ".join(f"{n:>{w}}" for n in names))
    pts = out["points"]
    for i, p in enumerate(pts):
        if i % args.every and i != len(pts) - 1:
            continue
        print(f"{p['d']:>22} {short(p['loss'], w):>{w}}  "
              + "  ".join(f"{short(p['params'][n], w):>{w}}" for n in names))
    if cert is not None:
        print("certificate at the target: " + json.dumps(out["certificate"]))
    return 0 if b.status == "reached" else 3
