"""``relusym report``: the main job -- the seed papers' claims, reproduced and verified."""

from __future__ import annotations

import argparse
import sys

__all__ = ["register"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "report",
        help="the main job: every seed paper's claims reproduced (PDF, HTML, Markdown, JSON)",
        description="Certify every catalogued family at --d, then compute every report "
        "section (Hessian spectra, agreement of spectra, fractional critical dimensions, "
        "loss series, and the sections of the application modules); write report.json, "
        "report.md, report.html, report.tex, report.pdf (when pdflatex is installed) and "
        "the figures into --out. Exit 1 when a claim fails or no family is certified.",
    )
    p.add_argument("--d", default="10", help="dimension (integer, decimal, 1e6; default 10)")
    p.add_argument("--digits", type=int, default=30, help="significant digits (default 30)")
    p.add_argument("--out", default="relusym-report", help="output folder")
    p.add_argument("--family", action="append", help="only these families (repeatable)")
    p.add_argument("--series-order", type=int, default=3, help="order of loss series (0: none)")
    p.add_argument("--no-transitions", action="store_true",
                   help="skip the transition search of the catalogue table")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--quick", dest="quick", action="store_true", default=True,
                      help="the README's main job: a few minutes on 2 cores (default)")
    mode.add_argument("--full", dest="quick", action="store_false",
                      help="more dimensions, families and series orders (longer)")
    p.add_argument("--no-sections", action="store_true",
                   help="only the catalogue table (no paper sections, figures or PDF)")
    p.add_argument("--workers", default="2", help="processes for the sections (default 2)")
    p.add_argument("--resume", action="store_true",
                   help="reuse the sections already stored in --out/sections/")
    p.add_argument("--no-pdf", action="store_true", help="do not run pdflatex")
    p.add_argument("--json", action="store_true", help="print the JSON document")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Validate every input (digits, series order, d, family names, workers, the output
    folder) before computing; exit 1 when every family failed or a claim failed."""
    from symbolic.catalogue.families import family
    from symbolic.core.errors import RelusymError
    from symbolic.core.parsing import parse_int
    from symbolic.core.schema import dumps
    from symbolic.numerics.solve import check_digits
    from symbolic.report import (
        MAX_SERIES_ORDER,
        build_report,
        markdown,
        prepare_out_dir,
        write_report,
    )
    from symbolic.symmetry.groups import parse_d

    check_digits(args.digits)
    if not 0 <= args.series_order <= MAX_SERIES_ORDER:
        raise RelusymError(f"--series-order {args.series_order} is out of range: use 0 "
                           f"(no series) to {MAX_SERIES_ORDER}")
    parse_d(args.d)
    for name in args.family or []:
        family(name)
    workers = parse_int(args.workers, "--workers", minimum=1, maximum=64)
    prepare_out_dir(args.out)
    quiet = args.quiet

    def log(s: str) -> None:
        if not quiet:
            print(s, file=sys.stderr)

    log(f"relusym report at d = {args.d} ({args.digits} digits, "
        f"{'quick' if args.quick else 'full'})")
    sections = not args.no_sections
    rep = build_report(args.d, digits=args.digits, families=args.family,
                       series_order=args.series_order,
                       transitions=not args.no_transitions and not sections,
                       log=log, sections=sections, quick=args.quick, out_dir=args.out,
                       workers=workers, progress=not quiet, resume=args.resume)
    files = write_report(rep, args.out, pdf=sections and not args.no_pdf)
    if args.json:
        print(dumps("report", rep))
    else:
        print(markdown(rep) if not sections else _short(rep))
    log("written: " + ", ".join(str(f) for f in files))
    tex = rep.get("latex")
    if tex:
        if tex.get("pdf"):
            log(f"pdflatex: {tex['overfull_hbox']} overfull \\hbox warnings")
        else:
            log(f"relusym report: warning: no PDF: {tex.get('error')}")
    fams = rep["families"]
    bad = [e for e in fams if "error" in e or e["certificate"]["verdict"] != "proved"]
    for e in bad:
        why = e["error"] if "error" in e else \
            f"{e['certificate']['verdict']}: {e['certificate']['reason']}"
        print(f"  not certified: {e['name']}: {why}", file=sys.stderr)
    failed = [(s["title"], c["claim"]) for s in rep["sections"] for c in s["claims"]
              if c["verdict"] == "fail"]
    for t, c in failed:
        print(f"  FAILED claim: {t}: {c}", file=sys.stderr)
    if bad and len(bad) == len(fams):
        print(f"relusym report: error: no family could be certified at d = {args.d} "
              "(every family failed; reasons above)", file=sys.stderr)
        return 1
    if failed:
        print(f"relusym report: error: {len(failed)} claim(s) failed (listed above)",
              file=sys.stderr)
        return 1
    if bad:
        print(f"relusym report: warning: {len(bad)} of {len(fams)} families not "
              "certified (reasons above)", file=sys.stderr)
    return 0


def _short(rep: dict) -> str:
    """One line per section: verdict and claim counts."""
    s = rep["summary"]
    lines = [f"relusym report at d = {rep['d']} ({rep['mode']}): {s['pass']} pass, "
             f"{s['fail']} fail, {s['unknown']} unknown in {s['sections']} sections"]
    for sec in rep["sections"]:
        v = [c["verdict"] for c in sec["claims"]]
        lines.append(f"  [{sec['verdict']:>7}] {sec['title']} ({v.count('pass')} pass, "
                     f"{v.count('fail')} fail, {v.count('unknown')} unknown)")
    return "\n".join(lines)
