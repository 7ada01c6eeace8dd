"""``relusym equations``: the symmetry-reduced critical-point equations, symbolic in d."""

from __future__ import annotations

import argparse

from symbolic.cli.matrix_io import add_output_options, emit

__all__ = ["register"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "equations",
        help="print the reduced critical-point equations and loss on Fix(H)",
        description="Parameters of Fix(H) with their orbit sizes (polynomials in d), the "
        "reduced gradient equations and the loss, exact in pi, square roots and arccos. "
        "Example: relusym equations --isotropy d-1,1 --format latex",
    )
    p.add_argument("--isotropy", required=True, help="isotropy, e.g. 'd-1,1'")
    p.add_argument("--format", choices=["text", "latex", "json"], default="text",
                   help="text (default), latex, or json (the same as --json)")
    add_output_options(p)
    p.add_argument("--d", help="substitute a value of d (default: keep d symbolic)")
    p.add_argument("--document", action="store_true",
                   help="with --format latex: a complete compilable document")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from symbolic.symmetry.groups import parse_d, parse_isotropy
    from symbolic.systems.reduced import reduced_system

    space = parse_isotropy(args.isotropy)
    d = None
    if args.d is not None:
        d = parse_d(args.d)
        space.check_d(d)
    if args.format == "json":
        args.json = True
    if args.format == "latex":
        from symbolic.export.latex import equations_latex, latex_document

        print(latex_document(space, d=d) if args.document else equations_latex(space, d=d))
        return 0
    out = reduced_system(space.label).equations(d)

    def text() -> str:
        lines = [f"Fix({space.label}): {space.dim} parameters (independent of d)"]
        import sympy as sp

        lines += [f"  {q.name:6} orbit size {sp.factor(q.orbit_size)}" for q in space.params]
        lines.append(f"\nloss = {out['loss']}\n")
        lines += [f"d loss / d {name} = {g} = 0\n" for name, g in out["equations"].items()]
        return "\n".join(lines)

    emit(args, "equations", out, text)
    return 0
