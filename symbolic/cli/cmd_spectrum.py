"""``relusym spectrum``: the Hessian spectrum at a point of a fixed space.

Every distinct eigenvalue with its multiplicity (the dimension of its
irreducible) and the irreducible's label, computed through the isotypic
decomposition (:mod:`symbolic.spectra.spectrum`): the cost does not depend on ``d``.
With ``--family`` the point is the family's critical point at ``d``
(:func:`symbolic.numerics.track.point_at`: continuation from the seed, cached on disk).
"""

from __future__ import annotations

import argparse

from symbolic.cli.matrix_io import (
    add_digits_option,
    add_output_options,
    check_numbers,
    digits_of,
    emit,
    parse_params,
    resolve_family_name,
)
from symbolic.core.errors import IsotropyError

__all__ = ["register", "parse_params", "payload"]

_check_numbers = check_numbers  # former name (used by other commands)


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
    p.add_argument("--family", help="a named family (relusym families): its isotropy and "
                   "its point at --d (used when --params is absent)")
    add_digits_option(p, 20, dps_alias=True, what=" (each eigenvalue is rounded to it)")
    add_output_options(p)
    p.add_argument("--certify", action="store_true",
                   help="also certify the point (symbolic.spectra.certify.certify_point)")
    p.set_defaults(func=run)


def payload(spec, space, values: list, digits: int, cert=None) -> dict:
    """The ``relusym.spectrum/1`` document's payload (docs/schemas.md); ``space``: a
    fixed space or its layout (label and names)."""
    from symbolic.core.formatting import decimal, exact_str

    idx = spec.index
    out = {
        "isotropy": space.label,
        "d": exact_str(spec.d),
        "params": {n: decimal(v, digits) if not isinstance(v, str) else v
                   for n, v in zip(space.names, values, strict=True)},
        "digits": digits,
        "working_digits": spec.working_digits,
        "degenerate": spec.degenerate,
        "index": None if idx is None else (int(idx) if int(idx) == idx else str(idx)),
        "spectrum": spec.to_json(digits),
        "certificate": cert.to_json(digits) if cert is not None else
        {"verdict": "not attempted"},
    }
    return out


def _text(spec, space, digits: int, cert) -> str:
    from symbolic.core.formatting import decimal, interval_text

    lines = [f"isotropy {space.label}, d = {spec.d}, {len(spec.eigenvalues)} distinct "
             f"eigenvalues ({digits} digits, working precision {spec.working_digits})"]
    w = digits + 8
    lines.append(f"{'eigenvalue':>{w}}  {'multiplicity':>14}  irrep")
    for e in spec.eigenvalues:
        lines.append(f"{decimal(e.value, digits):>{w}}  {str(e.multiplicity):>14}  "
                     f"{e.irrep}   (dim {e.multiplicity_expr})")
    lines.append("index: " + ("degenerate (an eigenvalue is zero within the precision)"
                              if spec.index is None else str(spec.index)))
    if cert is not None:
        lines.append(f"certificate: {cert.verdict} ({cert.classification}); {cert.reason}")
        if cert.loss is not None:
            lines.append(f"  loss in {interval_text(cert.loss, 12, nonnegative=True)}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    # no sympy on this path when the family point and the spectrum plan are stored on
    # disk (symbolic.numerics.track.point_at, symbolic.spectra.spectrum_plan): a second call is fast
    from symbolic.core.parsing import parse_d
    from symbolic.spectra.spectrum_plan import generic_plan, spectrum

    digits = digits_of(args)
    params = args.params
    d = parse_d(args.d)
    vals = label = None
    if args.isotropy:  # user input: parsed (and canonicalised) by the grammar
        from symbolic.symmetry.groups import parse_isotropy

        label = parse_isotropy(args.isotropy).label
    if args.family:
        fam = resolve_family_name(args.family)
        if label is not None and label != fam.isotropy:
            raise IsotropyError(f"--isotropy {label} disagrees with family {fam.name!r} "
                                f"(isotropy {fam.isotropy})")
        label = fam.isotropy
        if params is None:  # the family's point at this d (continuation, cached)
            from symbolic.numerics.track import point_at

            vals = point_at(label, fam.seed_values, fam.seed_d, d,
                            digits=max(digits, 30))
    if not label:
        raise IsotropyError("give --isotropy (or --family)")
    if params is None and vals is None:
        raise IsotropyError("give --params (or --family)")
    layout = generic_plan(label).layout
    layout.check_d(d)
    if vals is None:
        vals = layout.values_list(parse_params(params))
        check_numbers(vals, list(layout.names))
    spec = spectrum(label, vals, d, digits=digits)
    cert = None
    if args.certify:
        from symbolic.spectra.certify import certify_point

        cert = certify_point(label, vals, d, digits=max(digits, 60))
    emit(args, "spectrum", payload(spec, layout, vals, digits, cert),
         lambda: _text(spec, layout, digits, cert))
    return 0
