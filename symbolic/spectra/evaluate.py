"""Full-matrix evaluation of any weight matrix: loss, gradient norm and the whole Hessian
spectrum with multiplicities, without symmetry reduction.

This is the independent reference route (:mod:`symbolic.loss.model`: the closed-form loss
of DESIGN.md section 1, its gradient and Hessian, on one backend of one precision), used
by ``relusym evaluate`` and for checking every reduced computation at small ``k, d``.
The full Hessian has ``(k d)^2`` entries; :data:`MAX_PARAMS` bounds ``k d`` per backend.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from symbolic.core.errors import ShapeError

__all__ = ["MAX_PARAMS", "check_size", "evaluate_matrix"]

#: Largest ``k d`` accepted per backend: the full Hessian has ``(k d)^2`` entries, built
#: pair by pair (about 35 s at ``k d = 150`` with mpmath, 17 s at ``k d = 1500`` with
#: numpy). Larger points belong to ``relusym spectrum`` (isotypic reduction, O(1) in d).
MAX_PARAMS = {"mpmath": 150, "arb": 150, "numpy": 1500}


def check_size(k: int, d: int, backend: str) -> None:
    """Refuse a full Hessian beyond :data:`MAX_PARAMS` (it would run for minutes to hours)."""
    limit = MAX_PARAMS[backend]
    if k * d > limit:
        alt = " or --backend numpy (limit 1500)" if backend != "numpy" else ""
        raise ShapeError(
            f"W is {k} x {d} = {k * d} parameters: the full Hessian ({k * d} x {k * d}) is "
            f"limited to k*d <= {limit} with the {backend} backend{alt}; for larger points "
            "use the symmetry-reduced spectrum: relusym isotropy --W FILE, then relusym "
            "spectrum --isotropy H --d D --params ...")


def evaluate_matrix(W: Any, V: Any = None, *, backend: str = "mpmath",
                    digits: int = 20) -> dict:
    """Loss, ``|grad L|`` and the full Hessian spectrum of ``W`` against ``V``
    (default ``I_d``) as a ``relusym.evaluate`` payload of decimal strings.

    ``backend``: ``mpmath`` (working precision from :func:`symbolic.core.precision.working_digits`;
    eigenvalues by ``eigsy`` and grouped at ``10^-(digits+3)``), ``arb`` (balls: the loss
    also as a rigorous outward enclosure; spectrum from midpoints) or ``numpy`` (float64
    ``eigvalsh``). Matrices above ~150 parameters are diagonalised in float64."""
    from symbolic.core.backends import MpmathBackend, NumpyBackend, get_backend, symmetric_eigen
    from symbolic.core.formatting import decimal, loss_decimal
    from symbolic.core.precision import check_digits, working_digits
    from symbolic.loss import model
    from symbolic.spectra.spectrum import group_eigenvalues

    digits = check_digits(digits, "digits")
    if backend not in MAX_PARAMS:
        raise ShapeError(f"unknown backend {backend!r}; use one of {sorted(MAX_PARAMS)}")
    k, d = len(W), len(W[0])
    if V is not None and len(V[0]) != d:
        raise ShapeError(f"V has width {len(V[0])} but W has width {d}")
    check_size(k, d, backend)
    be = backend
    dps = working_digits(digits, d, "spectrum")
    backend_ = get_backend(be, dps=dps)  # one backend (one private precision) for all
    L = model.loss(W, V, backend=backend_)
    g = model.gradient(W, V, backend=backend_)
    H = model.hessian(W, V, backend=backend_)
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
        from symbolic.core.backends import mpf_from_arb

        ebe = backend_ if be == "mpmath" else MpmathBackend(dps)
        mp = ebe.mp

        def conv(x):
            return mpf_from_arb(x, mp) if be == "arb" else x

        ev = symmetric_eigen([[conv(x) for x in row] for row in H], backend=ebe)
        gnorm = mp.sqrt(sum(conv(x) ** 2 for x in np.ravel(g)))
        # eigsy at the working precision is accurate far beyond the printed digits, so
        # the grouping tolerance separates every pair that differs in the printed digits
        tol = mp.mpf(10) ** (-(digits + 3))
        fmt = lambda x: decimal(x, digits)  # noqa: E731
        note = f"mpmath eigsy at {dps} digits"
    groups = group_eigenvalues(ev, tol)
    Lstr = loss_decimal(L, digits) if be != "numpy" else repr(float(L))
    out = {
        "k": k, "d": d, "backend": be, "loss": Lstr,
        "gradient_norm": fmt(gnorm),
        "spectrum": [{"value": fmt(v), "multiplicity": m} for v, m in groups],
        "spectrum_method": note,
        "digits": digits,
        "working_digits": dps if be != "numpy" else 16,
    }
    if be == "arb":
        from symbolic.core.formatting import enclosure

        # a loss is >= 0: the enclosure is intersected with [0, oo) (outward rounding)
        out["loss_enclosure"] = enclosure(L, digits, nonnegative=True)
    return out
