"""``relusym families``: the catalogue of named families of critical points."""

from __future__ import annotations

import argparse
import sys

from symbolic.cli.matrix_io import add_output_options, emit

__all__ = ["register", "payload"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "families",
        help="list the named families of critical points",
        description="Named families (global minimum, spurious minima found by gradient "
        "descent, hidden minima it does not find, saddles) with isotropy, seed point and "
        "provenance. Use --family NAME in census, track, spectrum, series and transition "
        "(the names listed here; older names are accepted with a deprecation note).",
    )
    add_output_options(p)
    p.add_argument("--family", help="show one family")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from symbolic.catalogue.families import (
        OVERPARAM_FAMILIES,
        deprecation_note,
        family,
        overparam_family,
    )

    if args.family and args.family.strip() in OVERPARAM_FAMILIES:
        g = overparam_family(args.family)
        emit(args, "families", {"families": [], "overparam_families": [g.to_json()]},
             lambda: _overparam_text([g]))
        return 0
    from symbolic.catalogue.families import FAMILIES

    if args.family:
        note = deprecation_note(args.family)  # unknown names: a clear RelusymError
        if note:
            print(f"relusym: {note}", file=sys.stderr)
    fams = [family(args.family, warn=False)] if args.family else list(FAMILIES.values())
    extra = [] if args.family else list(OVERPARAM_FAMILIES.values())
    doc = payload(fams)
    if extra:
        doc["overparam_families"] = [g.to_json() for g in extra]
    emit(args, "families", doc, lambda: _text(fams, bool(args.family))
         + ("\n\nk > d (relusym overparam):\n" + _overparam_text(extra) if extra else ""))
    return 0


def _overparam_text(fams: list) -> str:
    return "\n".join(f"{g.name:24} k = {g.to_json()['k']:5} {g.kind}  (from {g.parent})"
                      for g in fams)


def payload(fams: list) -> dict:
    """The ``relusym.families/1`` document's payload (docs/schemas.md)."""
    return {"families": [f.to_json() for f in fams]}


def _text(fams: list, one: bool) -> str:
    lines = []
    for f in fams:
        gd = "found by gradient descent" if f.found_by_gd else "NOT found by gradient descent"
        lines.append(f"{f.name:18} isotropy {f.isotropy:8} {f.kind:17} ({gd})")
        lines.append(f"{'':18} {f.description}")
        if one:
            lines.append(f"{'':18} seed at d = {f.seed_d}: "
                         + ", ".join(f"{k}={v}" for k, v in f.seed_values.items()))
            lines.append(f"{'':18} how found: {f.how_found}")
            for k, v in f.expected.items():
                lines.append(f"{'':18} expected {k}: {v}")
    return "\n".join(lines)
