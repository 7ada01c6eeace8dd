"""``relusym arcs``: tangency arcs of a catalogued critical point, m(r) and M(r)."""

from __future__ import annotations

import argparse

__all__ = ["register"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "arcs",
        help="tangency arcs (critical points of L on spheres) around a critical point",
        description="For a catalogued family at integer d: the Hessian eigen-directions "
        "(chosen by isotropy inside irreducibles of dimension > 1), the arcs of critical "
        "points of L on the spheres |W - W_c|_F = r leaving along them (each traced in "
        "the fixed space of its own isotropy, mpmath Newton at every recorded radius), "
        "their isotropy along r, the expansion L_c + lambda r^2/2 + c3 r^3 + c4 r^4, and "
        "m(r), M(r) (extrema over the traced arcs). Example: relusym arcs --family "
        "bounded-d --d 10 --rmax 1 --plot arcs.png",
    )
    p.add_argument("--family", required=True, help="a family of relusym families")
    p.add_argument("--d", required=True, help="integer dimension (up to 200)")
    p.add_argument("--rmax", default="1", help="largest radius (default 1)")
    p.add_argument("--steps", default="20", help="recorded radii r_j = j rmax / steps")
    p.add_argument("--which", default="all", choices=["all", "extreme", "lowest"],
                   help="every eigen-direction (default), the lowest and highest "
                   "eigenvalue only, or the lowest only")
    p.add_argument("--digits", default="30", help="working digits of the Newton polish")
    p.add_argument("--json", action="store_true", help="print JSON (kind arcs)")
    p.add_argument("--plot", help="write a PNG (and PDF) of m(r), M(r) and every arc")
    p.add_argument("--out", help="JSON-lines journal: one line per arc, resumed if present")
    p.add_argument("--workers", default="1", help="processes (default 1)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from symbolic.arcs.core import compute_arcs
    from symbolic.core.parsing import parse_int
    from symbolic.core.schema import dumps
    from symbolic.numerics.parallel import make_executor

    workers = parse_int(args.workers, "--workers", minimum=1, maximum=64)
    with make_executor(workers) as ex:
        res = compute_arcs(args.family, args.d, rmax=args.rmax, steps=args.steps,
                           digits=args.digits, which=args.which, executor=ex,
                           progress=not args.quiet, out=args.out)
    fig = None
    if args.plot:
        from pathlib import Path

        from symbolic.arcs.plot import plot_arcs

        fig = plot_arcs(res, args.plot, base=Path(args.plot).resolve().parent)
    if args.json:
        payload = res.to_json()
        if fig is not None:
            payload["plot"] = {"png": fig.png, "pdf": fig.pdf}
        print(dumps("arcs", payload))
        return 0
    print(f"arcs of {res.family} (Fix({res.isotropy})) at d = {res.d}: L(W_c) = {res.loss_c}")
    print(f"{'irrep':<9} {'lambda':>12} {'dir':>3}  {'Fix(K)':<12} {'isotropy':<12} "
          f"{'c3':>12} {'c4':>12}  {'mu = 0 at r':>11}  status")
    for r in res.records:
        cp = r["critical_point"]
        sgn = ("+-" if r["conjugate_minus"] else "+") if r["sign"] > 0 else "-"
        print(f"{r['irrep']:<9} {r['eigenvalue'][:12]:>12} {sgn + 'v':>3}  "
              f"{r['fixed_space']:<12} {r['isotropy_start']:<12} "
              f"{_short(r['expansion']['c3']):>12} {_short(r['expansion']['c4']):>12}  "
              f"{(cp['r'] if cp else '-'):>11}  {r['status']}"
              + (f" ({r['message']})" if r["message"] else ""))
        ref = (cp or {}).get("refined") or {}
        if ref.get("status") == "refined":
            print(f"{'':9} critical point of L at r = {ref['r']}: L - L_c = "
                  f"{ref['loss_minus_loss_c']}, index {ref['index']}, isotropy "
                  f"{ref['isotropy']}, max |grad L| = {ref['full_gradient_max']}")
        elif ref:
            print(f"{'':9} critical point near r = {cp['r']} not refined: {ref['reason']}")
        for ch in r["isotropy_changes"]:
            print(f"{'':9} isotropy changes at r = {ch['r']}: {ch['from']} -> {ch['to']}")
        idx = [p["sphere_index"] for p in r["points"]]
        if idx and idx[0] is not None:
            text = f"index of L on the sphere: {idx[0]}"
            for ch in r["sphere_index_changes"]:
                text += f", {ch['to']} from r = {ch['r']}"
            print(f"{'':9} {text}")
    print("+-v: the arc along -v is conjugate to the one along +v (traced once)")
    print(f"\n{'r':>10} {'m(r)':>22} {'M(r)':>22}  m attained on")
    for e in res.extrema:
        flag = "" if e["complete"] else f"  (only {e['arcs']} of {len(res.records)} arcs)"
        print(f"{e['r'][:10]:>10} {e['m'][:22]:>22} {e['M'][:22]:>22}  {e['m_arc']}{flag}")
    if fig is not None:
        print(f"plot: {args.plot}")
    return 0


def _short(s: str) -> str:
    import mpmath

    return mpmath.nstr(mpmath.mpf(s), 6)
