"""``relusym census``: every critical point in a fixed space at a given d."""

from __future__ import annotations

import argparse
import sys

from symbolic.core.formatting import short

__all__ = ["register"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "census",
        help="find every critical point in Fix(H) at a given d",
        description="Multi-start search of Fix(H), refinement to --digits, Hessian spectrum "
        "and Morse index of every point; non-isolated critical sets reported once. "
        "Example: relusym census --isotropy d-1,1 --d 10 --digits 40 --json",
    )
    p.add_argument("--isotropy", help="isotropy, e.g. 'd-1,1'")
    p.add_argument("--family", help="use the isotropy of a named family (relusym families)")
    p.add_argument("--d", required=True, help="dimension: integer, decimal (10.5) or 1e8")
    p.add_argument("--digits", type=int, default=40, help="significant digits (10..1000)")
    p.add_argument("--starts", default="400",
                   help="random starts of the initial design (default 400); the search then "
                   "adds batches until one finds nothing new")
    p.add_argument("--max-starts", default=None,
                   help="cap on the total number of starts (default max(20 starts, 4000, "
                   "1000 dim Fix(H)))")
    p.add_argument("--seed", default="0", help="random seed of the start design (0..2^32-1)")
    p.add_argument("--no-deflation", action="store_true", help="no deflated Newton rounds")
    p.add_argument("--no-coarse-seeds", action="store_true",
                   help="no seeds embedded from coarser fixed spaces")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--certify", action="store_true",
                   help="certify every point with interval arithmetic")
    p.add_argument("--workers", default="1",
                   help="processes for refinement, spectrum and certificates (default 1)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def resolve_isotropy(args) -> str:
    from symbolic.core.errors import IsotropyError

    if args.family:
        from symbolic.catalogue.families import family

        fam = family(args.family)
        if args.isotropy and args.isotropy.replace(" ", "") != fam.isotropy:
            raise IsotropyError(f"family {fam.name!r} has isotropy {fam.isotropy!r}, "
                                f"not {args.isotropy!r}")
        return fam.isotropy
    if not args.isotropy:
        raise IsotropyError("give --isotropy or --family")
    return args.isotropy


def run(args: argparse.Namespace) -> int:
    from symbolic.core.errors import RelusymError
    from symbolic.core.parsing import parse_int
    from symbolic.critical.census import census
    from symbolic.numerics.solve import check_digits
    from symbolic.symmetry.groups import parse_d

    iso = resolve_isotropy(args)
    check_digits(args.digits)
    starts = parse_int(args.starts, "--starts")
    if starts < 1 or starts > 100_000:
        raise RelusymError(f"--starts {starts}: use 1..100000")
    seed = parse_int(args.seed, "--seed")
    if seed < 0 or seed >= 2**32:
        raise RelusymError(f"--seed {seed}: use an integer from 0 to 4294967295")
    max_starts = None
    if args.max_starts is not None:
        max_starts = parse_int(args.max_starts, "--max-starts")
        if max_starts < 1:
            raise RelusymError(f"--max-starts {max_starts}: use a positive integer")
    workers = parse_int(args.workers, "--workers")
    if workers < 1 or workers > 64:
        raise RelusymError(f"--workers {workers}: use 1..64")
    d = parse_d(args.d)
    if args.certify:
        try:
            import symbolic.spectra.certify  # noqa: F401
        except ImportError:
            raise RelusymError("--certify needs symbolic.spectra.certify, not available in this "
                               "installation") from None
    c = census(iso, d, digits=args.digits, starts=starts, seed=seed,
               progress=False if args.quiet else None, certify=args.certify,
               deflation=not args.no_deflation, coarse_seeds=not args.no_coarse_seeds,
               max_starts=max_starts, workers=workers)
    out = c.to_json()
    out["d_exact"] = out["d"]
    out["d"] = str(args.d).strip()
    if args.json:
        from symbolic.core.schema import dumps

        print(dumps("census", out))
        return 0
    _print_table(out, args.digits)
    return 0


def _print_table(out: dict, digits: int) -> None:
    w = min(digits, 16) + 8
    print(f"census of Fix({out['isotropy']}) at d = {out['d']}: {len(out['points'])} critical "
          f"points, {len(out['sets'])} non-isolated sets ({out['starts']} starts)")
    names = list(out["points"][0]["params"]) if out["points"] else []
    print(f"{'#':>3} {'loss':>{w}} {'index':>6}  " + "  ".join(f"{n:>{w}}" for n in names))
    for i, p in enumerate(out["points"], 1):
        idx = p.get("index")
        if not p.get("differentiable", True):
            idx = "n.d."  # zero row: not differentiable, no index
        elif p.get("index_lower_bound"):
            idx = f">={p['index_lower_bound']}"
        elif p.get("degenerate") or ("index" in p and idx is None):
            idx = "degen"
        else:
            idx = "-" if idx is None else str(idx)
        vals = "  ".join(f"{short(p['params'][n], w - 2):>{w}}" for n in names)
        note = f"  (isotropy {p['larger_isotropy']})" if p.get("larger_isotropy") else ""
        cert = ""
        if p.get("verdict") == "proved":
            c = p["certificate"]
            kind = c["classification"] if c["classification"] != "unknown" else \
                "type not certified"
            cert = f"  certified isolated in Fix ({kind})"
        elif p.get("verdict") in ("disproved", "unknown"):
            cert = f"  certificate: {p['verdict']}"
        if not p.get("differentiable", True):
            note += f"  (zero row in {', '.join(p['zero_rows'])}: not differentiable)"
        print(f"{i:>3} {short(p['loss'], w - 2):>{w}} {idx:>6}  {vals}{note}{cert}")
    for s in out["sets"]:
        dim = (f"dimension {s['dimension']} in Fix" if "dimension" in s else
               f"{s['zero_hessian_eigenvalues']} zero Hessian eigenvalues")
        print(f"  non-isolated critical set: loss {s['loss']}, {dim}, "
              f"{s['newton_endpoints']} points found")
    srch = out.get("search") or {}
    if srch:
        print(f"search: {srch['total_starts']} starts ({srch['random_starts']} random, "
              f"{srch['structured_starts']} structured, {srch['seeded_starts']} seeded from "
              f"{', '.join(srch['seeded_from']) or 'none'}), deflation "
              f"{'on' if srch.get('deflation') else 'off'}; last new class at start "
              f"#{srch['last_new_class_at_start']}; {srch['stopped_because']} "
              f"({srch['confidence']})")
    sys.stdout.flush()
