"""``relusym evaluate``: loss, gradient norm and full Hessian spectrum at a matrix W.

The full (kd x kd) Hessian is diagonalised directly (no symmetry reduction): use it
for small k, d and as an independent check of the reduced computations.
"""

from __future__ import annotations

import argparse

import numpy as np

from symbolic.cli.matrix_io import add_output_options, emit
from symbolic.core.errors import ShapeError

__all__ = ["register"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "evaluate",
        help="loss, gradient norm and Hessian spectrum of a weight matrix",
        description="Evaluate the loss, |grad L| and the full Hessian spectrum at W "
        "(target V = I_d unless --V is given). Example: relusym evaluate --W identity --d 4",
    )
    p.add_argument("--W", required=True,
                   help="a JSON file with a list of rows (numbers or decimal strings), "
                   "'identity', or 'random'")
    p.add_argument("--d", type=int, help="width d (for --W identity/random)")
    p.add_argument("--k", type=int, help="number of rows (for --W random; default d)")
    p.add_argument("--seed", type=int, default=0, help="seed for --W random")
    p.add_argument("--V", help="target: a JSON file with a list of rows (default I_d)")
    p.add_argument("--backend", choices=["numpy", "mpmath", "arb"], default="mpmath",
                   help="mpmath (default; working precision from --digits and d), arb "
                   "(balls; the loss also as a rigorous enclosure; spectrum from "
                   "midpoints) or numpy (float64)")
    p.add_argument("--digits", default="20", help="significant digits of the answer, "
                   "10..500 (default 20)")
    add_output_options(p)
    p.set_defaults(func=run)


def _read_matrix(path: str, name: str):
    from symbolic.cli.matrix_io import read_matrix_json

    return read_matrix_json(path, name)


def run(args: argparse.Namespace) -> int:
    from symbolic.core.precision import check_digits
    from symbolic.spectra.evaluate import check_size, evaluate_matrix

    args.digits = check_digits(args.digits, "--digits")
    if args.W in ("identity", "random"):
        if not args.d or args.d < 1:
            raise ShapeError(f"--W {args.W} needs --d >= 1")
        if args.k is not None and args.k < 1:
            raise ShapeError(f"--k {args.k}: use k >= 1")
        check_size(args.k or args.d, args.d, args.backend)  # before building a huge W
        if args.seed < 0:
            raise ShapeError(f"--seed {args.seed}: use a non-negative integer")
        if args.W == "identity":
            if args.k is not None and args.k != args.d:
                raise ShapeError("--W identity has k = d rows; drop --k or use --W random")
            W = np.eye(args.d).astype(int).tolist()
        else:
            rng = np.random.default_rng(args.seed)
            W = (rng.normal(size=(args.k or args.d, args.d)) / np.sqrt(args.d)).tolist()
    else:
        W = _read_matrix(args.W, "W")
    V = _read_matrix(args.V, "V") if args.V else None
    if args.d is not None and args.d != len(W[0]):
        raise ShapeError(f"W has width {len(W[0])} but --d {args.d} was given")
    out = evaluate_matrix(W, V, backend=args.backend, digits=args.digits)
    be = args.backend

    def text() -> str:
        lines = [f"W: {out['k']} x {out['d']}, backend {be}", f"loss          {out['loss']}"]
        if "loss_enclosure" in out:
            lo, hi = out["loss_enclosure"]
            lines.append(f"loss in       [{lo}, {hi}] (rigorous)")
        lines.append(f"|grad L|      {out['gradient_norm']}")
        lines.append(f"Hessian spectrum ({out['spectrum_method']}): "
                     f"{len(out['spectrum'])} distinct eigenvalues")
        lines += [f"  {s['value']:>{args.digits + 8}}  x {s['multiplicity']}"
                  for s in out["spectrum"]]
        return "\n".join(lines)

    emit(args, "evaluate", out, text)
    return 0
