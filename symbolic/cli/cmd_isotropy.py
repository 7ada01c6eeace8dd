"""``relusym isotropy``: detect the block isotropy of a weight matrix."""

from __future__ import annotations

import argparse

from symbolic.cli.matrix_io import add_output_options, emit
from symbolic.core.errors import ShapeError

__all__ = ["register"]

#: Most digits of a detected parameter (the entries are read at 60 digits).
MAX_ISOTROPY_DIGITS = 50


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "isotropy",
        help="detect the isotropy group and parameters of a weight matrix",
        description="Find H in the block family (see docs/isotropy.md), the row/column "
        "permutations bringing W to block form, and its parameters (decimal strings). "
        "Example: relusym isotropy --W point.json",
    )
    p.add_argument("--W", required=True,
                   help="JSON file: a list of rows (numbers or decimal strings), k x d, k >= d")
    p.add_argument("--tol", type=float, default=1e-8, help="tolerance for equal entries")
    p.add_argument("--digits", default="20", help="significant digits of the printed "
                   f"parameters, 10..{MAX_ISOTROPY_DIGITS} (default 20)")
    add_output_options(p)
    p.set_defaults(func=run)


def read_matrix(path: str, mp) -> list[list]:
    """Read a JSON list of rows; entries (numbers or strings) become ``mp.mpf`` exactly."""
    from symbolic.cli.matrix_io import read_matrix_json

    out = []
    for i, row in enumerate(read_matrix_json(path, "W")):
        try:
            out.append([mp.mpf(str(x)) for x in row])
        except (ValueError, TypeError):
            raise ShapeError(f"W: row {i} has an entry that is not a number") from None
    return out


def run(args: argparse.Namespace) -> int:
    import mpmath

    from symbolic.core.errors import PrecisionError, RelusymError
    from symbolic.core.precision import check_digits
    from symbolic.symmetry.detect import detect_isotropy

    digits = check_digits(args.digits, "--digits")
    if digits > MAX_ISOTROPY_DIGITS:
        raise PrecisionError(f"--digits = {digits}: must be at most {MAX_ISOTROPY_DIGITS} "
                             "for a detected parameter")
    import math

    if not (args.tol > 0 and math.isfinite(args.tol)):
        raise RelusymError(f"--tol {args.tol}: must be a positive finite number")
    mp = mpmath.MPContext()
    mp.dps = 60
    W = read_matrix(args.W, mp)
    det = detect_isotropy(W, tol=args.tol)
    out = {**det.to_json(digits), "k": len(W), "d": len(W[0]), "digits": digits,
           "tol": repr(float(args.tol))}

    def text() -> str:
        lines = [f"isotropy {det.spec}  ({det.space.dim} parameters, k = {len(W)}, "
                 f"d = {len(W[0])})"]
        lines += [f"  {k:6} {v}" for k, v in out["params"].items()]
        lines += [f"row permutation    {det.row_perm}", f"column permutation {det.col_perm}",
                  f"max deviation from block form: {det.deviation:.2e}"]
        return "\n".join(lines)

    emit(args, "isotropy", out, text)
    return 0
