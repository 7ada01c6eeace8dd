"""``relusym atlas build|query|export``: the database of every block critical point."""

from __future__ import annotations

import argparse

__all__ = ["register"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "atlas", help="build, query and export the atlas of every block critical point",
        description="Census and certificate of every block fixed space at every d, stored "
        "once per orbit in SQLite, linked across d into families. Example: relusym atlas "
        "build --d 4..8 --max-blocks 3 --db atlas.sqlite")
    sub = p.add_subparsers(dest="atlas_command", metavar="ACTION")
    b = sub.add_parser("build", help="run (or resume) the censuses and fill the database")
    b.add_argument("--d", required=True, help="d values: 4..10, or 4,6,8, or 20")
    b.add_argument("--max-blocks", default="3", help="at most this many diagonal blocks "
                   "(default 3; 'all' for every partition)")
    b.add_argument("--extra", default="0", help="also row-only blocks of size 1..M (k > d)")
    b.add_argument("--db", required=True, help="SQLite file (created if absent)")
    b.add_argument("--digits", default="30", help="digits of every point (10..100)")
    b.add_argument("--seed", default="0", help="census seed")
    b.add_argument("--max-starts", default=None, help="start budget per census")
    b.add_argument("--no-certify", action="store_true", help="skip the certificates")
    b.add_argument("--workers", default=None, help="local worker processes (default: cores)")
    b.add_argument("--scheduler", default=None,
                   help="Dask scheduler address (or 'local-cluster') instead of processes")
    b.add_argument("--no-resume", action="store_true",
                   help="start again (discard the journal of an interrupted build)")
    b.add_argument("--quiet", action="store_true", help="no progress bars")
    b.add_argument("--json", action="store_true", help="print the summary as JSON")
    b.set_defaults(func=run_build)
    q = sub.add_parser("query", help="filter the points of an atlas")
    q.add_argument("--db", required=True)
    q.add_argument("--d", default=None)
    q.add_argument("--isotropy", default=None)
    q.add_argument("--kind", default=None, help="minimum, saddle, degenerate, ...")
    q.add_argument("--index", default=None, help="Morse index")
    q.add_argument("--loss-below", default=None, help="exact bound, e.g. 0.05 or 1/20")
    q.add_argument("--catalogue", default=None, help="a catalogue family name")
    q.add_argument("--found-by-gd", action="store_true",
                   help="points of families gradient descent reaches")
    q.add_argument("--certified", action="store_true", help="only certified points")
    q.add_argument("--family", default=None, help="an atlas family id")
    q.add_argument("--type-changes", action="store_true",
                   help="list the families whose type changes along d")
    q.add_argument("--summary", action="store_true", help="counts per d")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=run_query)
    e = sub.add_parser("export", help="write a static HTML site")
    e.add_argument("--db", required=True)
    e.add_argument("--html", required=True, help="output directory")
    e.set_defaults(func=run_export)
    p.set_defaults(func=lambda a: (p.print_help(), 1)[1])


def run_build(args: argparse.Namespace) -> int:
    from symbolic.atlas import build_atlas
    from symbolic.atlas.partitions import parse_d_range
    from symbolic.core.parsing import parse_int
    from symbolic.core.schema import dumps

    ds = parse_d_range(args.d)
    mb = None if str(args.max_blocks) == "all" else parse_int(args.max_blocks, "--max-blocks",
                                                              minimum=1)
    res = build_atlas(
        args.db, ds, max_blocks=mb, extra=parse_int(args.extra, "--extra", minimum=0),
        digits=parse_int(args.digits, "--digits", minimum=10, maximum=100),
        seed=parse_int(args.seed, "--seed", minimum=0),
        certify=not args.no_certify,
        max_starts=None if args.max_starts is None else parse_int(args.max_starts,
                                                                  "--max-starts", minimum=1),
        workers=None if args.workers is None else parse_int(args.workers, "--workers",
                                                            minimum=1),
        scheduler=args.scheduler, resume=not args.no_resume, progress=not args.quiet)
    if args.json:
        print(dumps("atlas", {"build": {k: str(v) if not isinstance(v, int) else v
                                        for k, v in res.items()}}))
    else:
        print(f"atlas {args.db}: {res['done']}/{res['tasks']} fixed spaces done "
              f"({res['failed']} failed), {res['points']} points, {res['sets']} non-isolated "
              f"sets, {res['families']} families ({res['links']} links across d, "
              f"{res['catalogued']} catalogued points), {res['seconds']} s")
    return 0


def run_query(args: argparse.Namespace) -> int:
    from symbolic.atlas import connect, query_points, summary, type_changes
    from symbolic.core.parsing import parse_int, parse_number
    from symbolic.core.schema import dumps

    con = connect(args.db, create=False)
    if args.summary:
        s = summary(con)
        if args.json:
            print(dumps("atlas", {"summary": s}))
        else:
            print(" d  spaces failed points minima saddles certified sets  seconds")
            for r in s["per_d"]:
                print(f"{r['d']:>2} {r['fixed_spaces']:>7} {r['failed']:>6} {r['points']:>6} "
                      f"{r['minima']:>6} {r['saddles']:>7} {r['certified']:>9} {r['sets']:>4} "
                      f"{r['census_seconds']:>8}")
            print(f"families: {s['families']}, with a type change along d: "
                  f"{s['type_changes']}")
        return 0
    if args.type_changes:
        ch = type_changes(con)
        if args.json:
            print(dumps("atlas", {"type_changes": ch}))
        else:
            for c in ch:
                types = ", ".join(f"d={k}: {v}" for k, v in c["types"].items())
                print(f"family {c['family']} ({c['isotropy']}"
                      f"{', ' + c['catalogue'] if c['catalogue'] else ''}): {types}")
        return 0
    lb = None
    if args.loss_below is not None:
        from fractions import Fraction

        lb = Fraction(parse_number(args.loss_below, "--loss-below"))
    pts = query_points(
        con, d=None if args.d is None else parse_int(args.d, "--d", minimum=2),
        isotropy=args.isotropy, kind=args.kind,
        index=None if args.index is None else parse_int(args.index, "--index", minimum=0),
        loss_below=lb, catalogue=args.catalogue, found_by_gd=args.found_by_gd,
        certified=args.certified,
        family=None if args.family is None else parse_int(args.family, "--family"))
    if args.json:
        print(dumps("atlas", {"points": pts}))
        return 0
    print(f"{'id':>5} {'d':>3} {'isotropy':<14} {'loss':<20} {'type':<24} {'verdict':<9} "
          f"family")
    for p in pts:
        typ = p["kind"] + ("" if p["index"] is None else f" (index {p['index']})")
        print(f"{p['id']:>5} {p['d']:>3} {p['isotropy']:<14} {p['loss'][:20]:<20} "
              f"{typ:<24} {p['verdict']:<9} {p['family']}"
              f"{' ' + p['catalogue'] if p['catalogue'] else ''}")
    print(f"{len(pts)} points")
    return 0


def run_export(args: argparse.Namespace) -> int:
    from symbolic.atlas import connect, export_html

    con = connect(args.db, create=False)
    files = export_html(con, args.html)
    print(f"wrote {len(files)} files to {args.html} (open {args.html}/index.html)")
    return 0
