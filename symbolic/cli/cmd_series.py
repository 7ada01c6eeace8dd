"""``relusym series``: Puiseux series in ``eps = d^(-1/2)`` of a family of critical points.

Exact coefficients (sympy-parsable strings) of the parameters, the loss and
every Hessian eigenvalue (per irreducible, with its multiplicity polynomial in
``d``); see :mod:`symbolic.series`.
"""

from __future__ import annotations

import json

from symbolic.errors import RelusymError

__all__ = ["register"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "series",
        help="Puiseux series in d^(-1/2) of a family: parameters, loss, eigenvalues",
        description="Exact expansion of a family of critical points in eps = d^(-1/2). "
        "Example: relusym series --family d-1,1 --order 6 --format json",
    )
    p.add_argument("--family", help="family name (built-ins: global-min, d-1,1, bounded-Sd; "
                   "or a name from symbolic.families)")
    p.add_argument("--isotropy", help="define a family by a seed point: its isotropy")
    p.add_argument("--start", help="seed values name=value,... (with --isotropy)")
    p.add_argument("--d0", default="10", help="dimension of the seed point (default 10)")
    p.add_argument("--order", type=int, default=6, help="highest power of eps (default 6)")
    p.add_argument("--format", choices=["json", "latex"], default="json")
    p.add_argument("--no-eigenvalues", action="store_true",
                   help="skip the eigenvalue series (faster)")
    p.set_defaults(func=run)


def _parse_start(text: str) -> dict:
    out = {}
    for item in text.split(","):
        if not item.strip():
            continue
        if "=" not in item:
            raise RelusymError(f"--start item {item!r} is not name=value")
        k, v = item.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def run(args) -> int:
    from symbolic.series import (
        custom_family,
        family_eigenvalues,
        family_series,
        get_family,
        series_json,
        series_latex,
    )

    if args.order < 0 or args.order > 40:
        raise RelusymError("--order must be between 0 and 40")
    if args.isotropy:
        if not args.start:
            raise RelusymError("--isotropy needs --start name=value,...")
        spec = custom_family(args.isotropy, _parse_start(args.start), args.d0)
    elif args.family:
        spec = get_family(args.family)
    else:
        raise RelusymError("give --family NAME or --isotropy S --start ...")
    if args.no_eigenvalues:
        fs, eig = family_series(spec, args.order), None
    else:
        fs, eig = family_eigenvalues(spec, args.order)
        if not fs.fitted_exponents:
            from symbolic.reduced import ReducedSystem
            from symbolic.series import fit_exponents

            if spec.exact is None:
                fs.fitted_exponents = fit_exponents(ReducedSystem(fs.space), spec, fs.limits)
    if args.format == "latex":
        print(series_latex(fs, eig))
    else:
        print(json.dumps(series_json(fs, eig), indent=1))
    return 0
