"""``relusym report``: the main job -- every catalogued family at one d, certified."""

from __future__ import annotations

import argparse
import sys

__all__ = ["register"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "report",
        help="certified report on every catalogued family at one d (the main job)",
        description="Follow every family of the catalogue to --d, certify it (existence, "
        "uniqueness, type), list spectra, exact loss expansions and the fractional d "
        "where families change type; write JSON, Markdown and LaTeX to --out.",
    )
    p.add_argument("--d", default="10", help="dimension (integer, decimal, 1e6; default 10)")
    p.add_argument("--digits", type=int, default=30, help="significant digits (default 30)")
    p.add_argument("--out", default="relusym-report", help="output folder")
    p.add_argument("--family", action="append", help="only these families (repeatable)")
    p.add_argument("--series-order", type=int, default=3, help="order of loss series (0: none)")
    p.add_argument("--no-transitions", action="store_true", help="skip the transition search")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Validate every input (digits, series order, d, family names, the output folder)
    before computing; exit 1 with a message when every family failed."""
    from symbolic.errors import RelusymError
    from symbolic.families import family
    from symbolic.groups import parse_d
    from symbolic.report import (
        MAX_SERIES_ORDER,
        build_report,
        markdown,
        prepare_out_dir,
        write_report,
    )
    from symbolic.solve import check_digits

    check_digits(args.digits)
    if not 0 <= args.series_order <= MAX_SERIES_ORDER:
        raise RelusymError(f"--series-order {args.series_order} is out of range: use 0 "
                           f"(no series) to {MAX_SERIES_ORDER}")
    parse_d(args.d)
    for name in args.family or []:
        family(name)
    prepare_out_dir(args.out)
    print(f"relusym report at d = {args.d} ({args.digits} digits)", file=sys.stderr)
    rep = build_report(args.d, digits=args.digits, families=args.family,
                       series_order=args.series_order,
                       transitions=not args.no_transitions,
                       log=lambda s: print(s, file=sys.stderr))
    files = write_report(rep, args.out)
    print(markdown(rep))
    print("written: " + ", ".join(str(f) for f in files))
    fams = rep["families"]
    bad = [e for e in fams if "error" in e or e["certificate"]["verdict"] != "proved"]
    for e in bad:
        why = e["error"] if "error" in e else \
            f"{e['certificate']['verdict']}: {e['certificate']['reason']}"
        print(f"  not certified: {e['name']}: {why}", file=sys.stderr)
    if bad and len(bad) == len(fams):
        print(f"relusym report: error: no family could be certified at d = {args.d} "
              "(every family failed; reasons above)", file=sys.stderr)
        return 1
    if bad:
        print(f"relusym report: warning: {len(bad)} of {len(fams)} families not "
              "certified (reasons above)", file=sys.stderr)
    return 0
