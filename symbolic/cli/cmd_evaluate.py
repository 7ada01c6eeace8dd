"""``relusym evaluate``: loss, gradient norm and full Hessian spectrum at a matrix W.

The full (kd x kd) Hessian is diagonalised directly (no symmetry reduction): use it
for small k, d and as an independent check of the reduced computations.
"""

from __future__ import annotations

import argparse
import json

import numpy as np

from symbolic.errors import RelusymError, ShapeError

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
    p.add_argument("--backend", choices=["numpy", "mpmath", "arb"], default="mpmath")
    p.add_argument("--digits", type=int, default=20, help="significant digits (default 20)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def _read_matrix(path: str, name: str):
    try:
        with open(path) as fh:
            data = json.load(fh, parse_float=str, parse_int=str)
    except OSError as exc:
        raise ShapeError(f"cannot read {name} from {path!r}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise ShapeError(f"{name} file {path!r} is not valid JSON: {exc}") from None
    if not isinstance(data, list) or not all(isinstance(r, list) for r in data):
        raise ShapeError(f"{name} must be a JSON list of rows")
    return data


def _group(values, tol):
    out: list[list] = []
    for v in sorted(values):
        if out and abs(v - out[-1][0]) <= tol * max(1, abs(v)):
            out[-1][1] += 1
        else:
            out.append([v, 1])
    return out


def run(args: argparse.Namespace) -> int:
    from symbolic import model
    from symbolic.formatting import decimal

    if not 1 <= args.digits <= 1000:
        raise RelusymError(f"--digits {args.digits}: use 1..1000")
    if args.W in ("identity", "random"):
        if not args.d or args.d < 1:
            raise ShapeError(f"--W {args.W} needs --d >= 1")
        if args.W == "identity":
            W = np.eye(args.d).astype(int).tolist()
        else:
            rng = np.random.default_rng(args.seed)
            W = (rng.normal(size=(args.k or args.d, args.d)) / np.sqrt(args.d)).tolist()
    else:
        W = _read_matrix(args.W, "W")
    V = _read_matrix(args.V, "V") if args.V else None
    be, dps = args.backend, args.digits + 10
    L = model.loss(W, V, backend=be, dps=dps)
    g = model.gradient(W, V, backend=be, dps=dps)
    H = model.hessian(W, V, backend=be, dps=dps)
    n = H.shape[0]
    if be == "numpy" or n > 150:
        Hf = np.array(H, dtype=float) if be != "arb" else \
            np.array([[float(x.mid()) for x in row] for row in H])
        ev = list(np.linalg.eigvalsh((Hf + Hf.T) / 2))
        gnorm = float(np.sqrt(np.sum(np.array(g, dtype=float) ** 2)))
        tol = 1e-9
        fmt = repr
        note = "float64 eigvalsh"
    else:
        import mpmath

        mp = mpmath.MPContext()
        mp.dps = dps
        if be == "arb":
            conv = lambda x: mp.mpf(x.mid().str(dps + 5, radius=False))  # noqa: E731
        else:
            conv = mp.mpf
        Hm = mp.matrix([[conv(x) for x in row] for row in H])
        ev = list(mp.eigsy(Hm, eigvals_only=True))
        gnorm = mp.sqrt(sum(conv(x) ** 2 for x in np.ravel(g)))
        tol = mp.mpf(10) ** (-(args.digits - 2))
        fmt = lambda x: decimal(x, args.digits)  # noqa: E731
        note = f"mpmath eigsy at {dps} digits"
    groups = _group(ev, tol)
    Lstr = decimal(L, args.digits) if be != "numpy" else repr(float(L))
    out = {
        "k": len(W), "d": len(W[0]), "backend": be, "loss": Lstr,
        "gradient_norm": fmt(gnorm),
        "spectrum": [{"value": fmt(v), "multiplicity": m} for v, m in groups],
        "spectrum_method": note,
    }
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    print(f"W: {out['k']} x {out['d']}, backend {be}")
    print(f"loss          {Lstr}")
    print(f"|grad L|      {out['gradient_norm']}")
    print(f"Hessian spectrum ({note}): {len(groups)} distinct eigenvalues")
    for s in out["spectrum"]:
        print(f"  {s['value']:>{args.digits + 8}}  x {s['multiplicity']}")
    return 0
