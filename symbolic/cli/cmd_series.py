"""``relusym series``: Puiseux series in ``eps = d^(-1/2)`` of a family of critical points.

Exact coefficients (sympy-parsable strings) of the parameters, the loss and
every Hessian eigenvalue (per irreducible, with its multiplicity polynomial in
``d``); see :mod:`symbolic.asymptotics.series`. Before printing, the series is checked against
its own branch (:func:`symbolic.asymptotics.series.check_branch`: values at large ``d`` and the
fitted slope of the truncation error). Results are cached on disk
(``RELUSYM_CACHE_DIR``; ``RELUSYM_CACHE=0`` disables).
"""

from __future__ import annotations

import sys

from symbolic.core.errors import RelusymError

__all__ = ["register"]

MAX_ORDER = 40


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "series",
        help="Puiseux series in d^(-1/2) of a family: parameters, loss, eigenvalues",
        description="Exact expansion of a family of critical points in eps = d^(-1/2). "
        "Example: relusym series --family spurious-d-1,1 --order 6 --json",
    )
    p.add_argument("--family", help="family name (see relusym families; old names such as "
                   "d-1,1 or bounded-Sd are accepted)")
    p.add_argument("--isotropy", help="define a family by a seed point: its isotropy")
    p.add_argument("--start", help="seed values name=value,... (with --isotropy)")
    p.add_argument("--d0", default=None,
                   help="dimension of the seed point (with --isotropy; default 10)")
    p.add_argument("--order", default="6",
                   help=f"highest power of eps (0 to {MAX_ORDER}, default 6)")
    p.add_argument("--json", action="store_true", help="JSON document (relusym.series/1)")
    p.add_argument("--latex", action="store_true", help="LaTeX align* block")
    p.add_argument("--format", choices=["json", "latex", "text"], default=None,
                   help="deprecated: use --json or --latex")
    p.add_argument("--out", default=None, help="also write the output to this file")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.add_argument("--no-eigenvalues", action="store_true",
                   help="skip the eigenvalue series (faster)")
    p.set_defaults(func=run)


def run(args) -> int:
    from symbolic.asymptotics.series import custom_family, series_result
    from symbolic.cli.cmd_transition import resolve_family
    from symbolic.core.parsing import parse_int, parse_params
    from symbolic.systems.puiseux import FieldExtensionError

    order = parse_int(args.order, "--order", minimum=0, maximum=MAX_ORDER)
    if args.isotropy and args.family:
        raise RelusymError("give either --family or --isotropy/--start, not both")
    if args.isotropy:
        if not args.start:
            raise RelusymError("--isotropy needs --start name=value,...")
        from symbolic.symmetry.groups import parse_isotropy

        space = parse_isotropy(args.isotropy)
        start = parse_params(args.start, list(space.names))
        spec = custom_family(args.isotropy, start, "10" if args.d0 is None else args.d0)
    elif args.family:
        if args.start or args.d0 is not None:
            raise RelusymError("--start and --d0 define a custom family: use them with "
                               "--isotropy, not with --family")
        spec = resolve_family(args.family)
    else:
        raise RelusymError("give --family NAME or --isotropy S --start ...")
    fmt = "json" if args.json else "latex" if args.latex else "text"
    if args.format is not None:
        print("relusym series: note: --format is deprecated; use --json or --latex",
              file=sys.stderr)
        fmt = args.format
    progress = False if args.quiet else None
    try:
        res = series_result(spec, order, eigenvalues=not args.no_eigenvalues,
                            progress=progress)
    except FieldExtensionError as exc:
        if args.no_eigenvalues:
            raise RelusymError(f"series of {spec.name}: {exc}") from None
        raise RelusymError(f"eigenvalue series of {spec.name}: {exc}; the parameter and "
                           "loss series are available with --no-eigenvalues") from None
    text = res.dumps() if fmt == "json" else res.latex() if fmt == "latex" else res.text()
    print(text)
    if args.out:
        try:
            with open(args.out, "w") as fh:
                fh.write(text + "\n")
        except OSError as exc:
            raise RelusymError(f"cannot write {args.out}: {exc}") from None
    return 0
