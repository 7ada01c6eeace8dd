"""``relusym families``: the catalogue of named families of critical points."""

from __future__ import annotations

import argparse
import json
import sys

__all__ = ["register"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "families",
        help="list the named families of critical points",
        description="Named families (global minimum, spurious minima found by gradient "
        "descent, hidden minima it does not find, saddles) with isotropy, seed point and "
        "provenance. Use --family NAME in census, track, spectrum, series and transition "
        "(the names listed here; older names are accepted with a deprecation note).",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--family", help="show one family")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from symbolic.families import FAMILIES, deprecation_note, family

    if args.family:
        note = deprecation_note(args.family)  # unknown names: a clear RelusymError
        if note:
            print(f"relusym: {note}", file=sys.stderr)
    fams = [family(args.family, warn=False)] if args.family else list(FAMILIES.values())
    if args.json:
        print(json.dumps([f.to_json() for f in fams], indent=2))
        return 0
    for f in fams:
        gd = "found by gradient descent" if f.found_by_gd else "NOT found by gradient descent"
        print(f"{f.name:18} isotropy {f.isotropy:8} {f.kind:17} ({gd})")
        print(f"{'':18} {f.description}")
        if args.family:
            print(f"{'':18} seed at d = {f.seed_d}: "
                  + ", ".join(f"{k}={v}" for k, v in f.seed_values.items()))
            print(f"{'':18} how found: {f.how_found}")
            for k, v in f.expected.items():
                print(f"{'':18} expected {k}: {v}")
    return 0
