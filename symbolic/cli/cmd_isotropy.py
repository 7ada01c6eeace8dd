"""``relusym isotropy``: detect the block isotropy of a weight matrix."""

from __future__ import annotations

import argparse
import json

__all__ = ["register"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "isotropy",
        help="detect the isotropy group and parameters of a weight matrix",
        description="Find H in the block family, the row/column permutations bringing W to "
        "block form, and its parameters. Example: relusym isotropy --W point.json",
    )
    p.add_argument("--W", required=True, help="JSON file: list of rows (numbers or strings)")
    p.add_argument("--tol", type=float, default=1e-8, help="tolerance for equal entries")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from symbolic.cli.cmd_evaluate import _read_matrix
    from symbolic.detect import detect_isotropy

    W = _read_matrix(args.W, "W")
    import mpmath

    mp = mpmath.MPContext()
    mp.dps = 50
    Wm = [[mp.mpf(x) for x in row] for row in W]
    det = detect_isotropy(Wm, tol=args.tol)
    out = det.to_json(20)
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
