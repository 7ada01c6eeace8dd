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
    p.add_argument("--digits", type=int, default=20, help="significant digits (default 20)")
    p.add_argument("--dps", type=int, default=None,
                   help="working precision (default: digits + 15)")
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
            return {str(k): str(v) for k, v in data.items()}
        return [str(v) for v in data]
    out = {}
    for item in text.split(","):
        if not item.strip():
            continue
        if "=" not in item:
            raise IsotropyError(f"--params item {item!r} is not name=value")
        k, v = item.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def _check_numbers(vals: list) -> None:
    import mpmath

    for v in vals:
        try:
            mpmath.mpf(v)
        except (ValueError, TypeError):
            raise IsotropyError(f"parameter value {v!r} is not a number") from None


def run(args: argparse.Namespace) -> int:
    from symbolic.formatting import decimal
    from symbolic.groups import parse_d, parse_isotropy
    from symbolic.spectrum import spectrum

    iso, params = args.isotropy, args.params
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
    if not 1 <= args.digits <= 5000:
        raise RelusymError(f"--digits {args.digits}: use 1..5000")
    vals = space.values_list(parse_params(params))
    _check_numbers(vals)
    dps = args.dps or args.digits + 15
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
