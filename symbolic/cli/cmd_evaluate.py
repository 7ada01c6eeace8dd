"""``relusym evaluate``: loss, gradient norm and full Hessian spectrum at a matrix W.

The full (kd x kd) Hessian is diagonalised directly (no symmetry reduction): use it
for small k, d and as an independent check of the reduced computations.
"""

from __future__ import annotations

import argparse

import numpy as np

from symbolic.cli.matrix_io import add_output_options, emit
from symbolic.errors import ShapeError

__all__ = ["register", "MAX_PARAMS"]

#: Largest ``k d`` accepted per backend: the full Hessian has ``(k d)^2`` entries, built
#: pair by pair (about 35 s at ``k d = 150`` with mpmath, 17 s at ``k d = 1500`` with
#: numpy). Larger points belong to ``relusym spectrum`` (isotypic reduction, O(1) in d).
MAX_PARAMS = {"mpmath": 150, "arb": 150, "numpy": 1500}


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


def _check_size(k: int, d: int, backend: str) -> None:
    """Refuse a full Hessian beyond :data:`MAX_PARAMS` (it would run for minutes to hours)."""
    limit = MAX_PARAMS[backend]
    if k * d > limit:
        alt = " or --backend numpy (limit 1500)" if backend != "numpy" else ""
        raise ShapeError(
            f"W is {k} x {d} = {k * d} parameters: the full Hessian ({k * d} x {k * d}) is "
            f"limited to k*d <= {limit} with the {backend} backend{alt}; for larger points "
            "use the symmetry-reduced spectrum: relusym isotropy --W FILE, then relusym "
            "spectrum --isotropy H --d D --params ...")




def run(args: argparse.Namespace) -> int:
    from symbolic import model
    from symbolic.backends import MpmathBackend, NumpyBackend, get_backend, symmetric_eigen
    from symbolic.formatting import decimal, loss_decimal
    from symbolic.precision import check_digits, working_digits
    from symbolic.spectrum import group_eigenvalues

    args.digits = check_digits(args.digits, "--digits")
    if args.W in ("identity", "random"):
        if not args.d or args.d < 1:
            raise ShapeError(f"--W {args.W} needs --d >= 1")
        if args.k is not None and args.k < 1:
            raise ShapeError(f"--k {args.k}: use k >= 1")
        _check_size(args.k or args.d, args.d, args.backend)
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
    k, d = len(W), len(W[0])
    if args.d is not None and args.d != d:
        raise ShapeError(f"W has width {d} but --d {args.d} was given")
    if V is not None and len(V[0]) != d:
        raise ShapeError(f"V has width {len(V[0])} but W has width {d}")
    _check_size(k, d, args.backend)
    be = args.backend
    dps = working_digits(args.digits, d, "spectrum")
    backend = get_backend(be, dps=dps)  # one backend (one private precision) for all
    L = model.loss(W, V, backend=backend)
    g = model.gradient(W, V, backend=backend)
    H = model.hessian(W, V, backend=backend)
    n = H.shape[0]
    if be == "numpy" or n > 150:
        Hf = np.array(H, dtype=float) if be != "arb" else \
            np.array([[float(x.mid()) for x in row] for row in H])
        ev = list(symmetric_eigen(Hf, backend=NumpyBackend()))
        gnorm = float(np.sqrt(np.sum(np.array(g, dtype=float) ** 2)))
        tol = 1e-9
        fmt = lambda x: repr(float(x))  # noqa: E731
        note = "float64 eigvalsh"
    else:
        from symbolic.backends import mpf_from_arb

        ebe = backend if be == "mpmath" else MpmathBackend(dps)
        mp = ebe.mp

        def conv(x):
            return mpf_from_arb(x, mp) if be == "arb" else x

        ev = symmetric_eigen([[conv(x) for x in row] for row in H], backend=ebe)
        gnorm = mp.sqrt(sum(conv(x) ** 2 for x in np.ravel(g)))
        # eigsy at the working precision is accurate far beyond the printed digits, so
        # the grouping tolerance separates every pair that differs in the printed digits
        tol = mp.mpf(10) ** (-(args.digits + 3))
        fmt = lambda x: decimal(x, args.digits)  # noqa: E731
        note = f"mpmath eigsy at {dps} digits"
    groups = group_eigenvalues(ev, tol)
    Lstr = loss_decimal(L, args.digits) if be != "numpy" else repr(float(L))
    out = {
        "k": k, "d": d, "backend": be, "loss": Lstr,
        "gradient_norm": fmt(gnorm),
        "spectrum": [{"value": fmt(v), "multiplicity": m} for v, m in groups],
        "spectrum_method": note,
        "digits": args.digits,
        "working_digits": dps if be != "numpy" else 16,
    }
    if be == "arb":
        from symbolic.formatting import enclosure

        # a loss is >= 0: the enclosure is intersected with [0, oo) (outward rounding)
        out["loss_enclosure"] = enclosure(L, args.digits, nonnegative=True)

    def text() -> str:
        lines = [f"W: {out['k']} x {out['d']}, backend {be}", f"loss          {Lstr}"]
        if "loss_enclosure" in out:
            lo, hi = out["loss_enclosure"]
            lines.append(f"loss in       [{lo}, {hi}] (rigorous)")
        lines.append(f"|grad L|      {out['gradient_norm']}")
        lines.append(f"Hessian spectrum ({note}): {len(groups)} distinct eigenvalues")
        lines += [f"  {s['value']:>{args.digits + 8}}  x {s['multiplicity']}"
                  for s in out["spectrum"]]
        return "\n".join(lines)

    emit(args, "evaluate", out, text)
    return 0
