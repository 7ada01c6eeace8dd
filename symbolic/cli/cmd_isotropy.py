"""``relusym isotropy``: detect the block isotropy of a weight matrix."""

from __future__ import annotations

import argparse
import json

from symbolic.errors import ShapeError

__all__ = ["register"]


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
    p.add_argument("--digits", type=int, default=20, help="digits of the printed parameters")
    p.add_argument("--json", action="store_true", help="print JSON")
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

    from symbolic.detect import detect_isotropy
    from symbolic.errors import RelusymError

    if not 1 <= args.digits <= 50:
        raise RelusymError(f"--digits {args.digits}: use 1..50")
    import math

    if not (args.tol > 0 and math.isfinite(args.tol)):
        raise RelusymError(f"--tol {args.tol}: must be a positive finite number")
    mp = mpmath.MPContext()
    mp.dps = 50
    W = read_matrix(args.W, mp)
    det = detect_isotropy(W, tol=args.tol)
    out = det.to_json(args.digits)
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    print(f"isotropy {det.spec}  ({det.space.dim} parameters, k = {len(W)}, d = {len(W[0])})")
    for k, v in out["parameters"].items():
        print(f"  {k:6} {v}")
    print(f"row permutation    {det.row_perm}")
    print(f"column permutation {det.col_perm}")
    print(f"max deviation from block form: {det.deviation:.2e}")
    return 0
