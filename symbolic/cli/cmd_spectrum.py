"""``relusym spectrum``: the Hessian spectrum at a point of a fixed space.

Every distinct eigenvalue with its multiplicity (the dimension of its
irreducible) and the irreducible's label, computed through the isotypic
decomposition (:mod:`symbolic.spectrum`): the cost does not depend on ``d``.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from symbolic.errors import IsotropyError, RelusymError

__all__ = ["register", "parse_params"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "spectrum",
        help="Hessian eigenvalues with multiplicities through the isotypic decomposition",
        description="Hessian spectrum at a point of Fix(H), O(1) in d. Example: relusym "
        "spectrum --isotropy d --d 1000 --params D1=1,O1=0",
    )
    p.add_argument("--isotropy", help="isotropy, e.g. 'd-1,1' (see the grammar in groups)")
    p.add_argument("--d", required=True, help="dimension (integer, decimal or 1e8)")
    p.add_argument("--params", help="parameter values: a JSON object or list, or "
                   "name=value,name=value")
    p.add_argument("--family", help="a named family (symbolic.families): its isotropy and "
                   "seed values (used when --params is absent)")
    p.add_argument("--digits", default=None,
                   help="significant digits printed, 1..5000 (default 20); the working "
                   "precision is digits + 15 + 3 log10(d) guard digits")
    p.add_argument("--dps", default=None,
                   help="deprecated alias of --digits (validated the same)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--certify", action="store_true",
                   help="also certify the point (symbolic.certify.certify_point)")
    p.set_defaults(func=run)


def parse_params(text: str) -> Any:
    """A JSON object / list, or ``name=value,...`` (values kept as decimal strings)."""
    text = text.strip()
    if text.startswith("{") or text.startswith("["):
        try:
            data = json.loads(text, parse_float=str, parse_int=str)
        except json.JSONDecodeError as exc:
            raise IsotropyError(f"--params is not valid JSON: {exc}") from None
        if isinstance(data, dict):
            items = list(data.items())
        elif isinstance(data, list):
            items = [(f"value {i + 1}", v) for i, v in enumerate(data)]
        else:
            raise IsotropyError("--params JSON must be an object {name: number} or a list")
        for k, v in items:
            if not isinstance(v, str):  # numbers arrive as strings (parse_float=str)
                raise IsotropyError(f"--params: {k} = {json.dumps(v)} is not a number")
        if isinstance(data, dict):
            return {str(k): v for k, v in data.items()}
        return list(data)
    out = {}
    for item in text.split(","):
        if not item.strip():
            continue
        if "=" not in item:
            raise IsotropyError(f"--params item {item!r} is not name=value")
        k, v = item.split("=", 1)
        if k.strip() in out:
            raise IsotropyError(f"--params: {k.strip()} given twice")
        out[k.strip()] = v.strip()
    if not out:
        raise IsotropyError("--params is empty: give name=value pairs, e.g. D1=1,O1=0")
    return out


def _check_numbers(vals: list, names: list[str] | None = None) -> None:
    """Every value must parse exactly (:func:`symbolic.parsing.parse_number`): no
    ``nan``, ``inf`` or expressions."""
    from symbolic.parsing import parse_number

    names = names or [f"value {i + 1}" for i in range(len(vals))]
    for v, n in zip(vals, names, strict=True):
        parse_number(v, n)


def resolve_digits(args: argparse.Namespace, default: int = 20) -> int:
    """``--digits`` (or its deprecated alias ``--dps``) as an int in 1..5000."""
    import sys

    from symbolic.parsing import parse_int

    digits = None if args.digits is None else parse_int(args.digits, "--digits",
                                                        minimum=1, maximum=5000)
    if getattr(args, "dps", None) is not None:
        dps = parse_int(args.dps, "--dps", minimum=1, maximum=5000)
        print("relusym: warning: --dps is deprecated, use --digits", file=sys.stderr)
        if digits is not None and digits != dps:
            raise RelusymError(f"--dps {dps} and --digits {digits} disagree: give --digits")
        digits = dps
    return default if digits is None else digits


def run(args: argparse.Namespace) -> int:
    from symbolic.formatting import decimal
    from symbolic.groups import parse_d, parse_isotropy
    from symbolic.spectrum import spectrum

    iso, params = args.isotropy, args.params
    args.digits = resolve_digits(args)
    args.dps = None
    if args.family:
        try:
            from symbolic.families import family
        except ImportError:
            raise RelusymError("--family needs symbolic.families, which is not "
                               "available in this installation") from None
        fam = family(args.family)
        iso = iso or fam.isotropy
        if params is None:
            # the family's point at this d (continuation from its seed)
            dd = parse_d(args.d)
            vals_f = fam.point(dd, digits=(args.dps or args.digits + 15))
            params = json.dumps([decimal(v, (args.dps or args.digits + 15)) for v in vals_f])
    if not iso:
        raise IsotropyError("give --isotropy (or --family)")
    if params is None:
        raise IsotropyError("give --params (or --family)")
    space = parse_isotropy(iso)
    d = parse_d(args.d)
    space.check_d(d)
    vals = space.values_list(parse_params(params))
    _check_numbers(vals, list(space.names))
    dps = args.digits + 15
    spec = spectrum(space, vals, d, dps=dps)
    cert = None
    if args.certify:
        try:
            from symbolic.certify import certify_point
        except ImportError:
            raise RelusymError("--certify needs symbolic.certify, which is not available "
                               "in this installation") from None
        cert = certify_point(space, vals, d, dps=max(dps, 60))
    if args.json:
        out = {
            "isotropy": space.label,
            "d": str(args.d).strip(),
            "params": dict(zip(space.names, [str(v) for v in vals], strict=True)),
            "degenerate": spec.degenerate,
            "spectrum": spec.to_json(args.digits),
        }
        idx = spec.index
        out["index"] = None if idx is None else (int(idx) if int(idx) == idx else str(idx))
        if cert is not None:
            out["certificate"] = cert.to_json(args.digits)
        print(json.dumps(out, indent=2))
        return 0
    print(f"isotropy {space.label}, d = {d}, {len(spec.eigenvalues)} distinct eigenvalues")
    w = args.digits + 8
    print(f"{'eigenvalue':>{w}}  {'multiplicity':>14}  irrep")
    for e in spec.eigenvalues:
        m = e.multiplicity
        print(f"{decimal(e.value, args.digits):>{w}}  {str(m):>14}  {e.irrep}"
              f"   (dim {e.multiplicity_expr})")
    print("index: " + ("degenerate (an eigenvalue is zero within the precision)"
                       if spec.index is None else str(spec.index)))
    if cert is not None:
        print("certificate: " + json.dumps(cert.to_json(args.digits)))
    return 0
