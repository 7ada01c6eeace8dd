r"""Loss, gradient and Hessian of the student-teacher two-layer ReLU network.

Source: DESIGN.md section 1. For ``W in M(k, d)`` (rows ``w_i``) and a target
``V in M(k_t, d)`` (rows ``v_l``, default ``V = I_d``), with ``x ~ N(0, I_d)``:

.. math::

    L(W) = \tfrac12 E_x\Big[\big(\textstyle\sum_i \mathrm{relu}(w_i\cdot x)
            - \sum_l \mathrm{relu}(v_l\cdot x)\big)^2\Big]
         = \tfrac12\sum_{i,j}F(w_i,w_j) - \sum_{i,l}F(w_i,v_l)
           + \tfrac12\sum_{l,l'}F(v_l,v_{l'}),

    \nabla_{w_i}L = \sum_j g(w_i,w_j) - \sum_l g(w_i,v_l),

    \nabla^2_{w_i w_j}L = \delta_{ij}\Big(\sum_{j'} H_{ww}(w_i,w_{j'})
        - \sum_l H_{ww}(w_i,v_l)\Big) + H_{wu}(w_i,w_j),

with ``F``, ``g``, ``H_ww``, ``H_wu`` from :mod:`symbolic.kernel` (the ``j = i``
terms give ``w_i/2`` in the gradient and ``I/2`` in the Hessian, as the kernel's
parallel limit). Parallel and antiparallel rows are handled by the limit forms;
a zero row of ``W`` makes the loss non-differentiable and raises
:class:`~symbolic.errors.NonDifferentiableError` naming the row.

Every function takes ``backend=`` (``"numpy"``, ``"mpmath"``, ``"arb"``,
``"sympy"`` or a :class:`~symbolic.backends.Backend`) and, for mpmath/arb,
``dps=``. numpy returns float64 arrays; the others return numpy object arrays
of ``mpf``, ``arb`` balls or sympy expressions. The Hessian is returned as a
``(k d) x (k d)`` matrix in row-major order of ``W`` (entry ``(i, a)`` has index
``i d + a``).
"""

from __future__ import annotations

import math
from typing import Any

import mpmath
import numpy as np

from symbolic import kernel
from symbolic.backends import Backend, get_backend
from symbolic.errors import NonDifferentiableError, ShapeError

__all__ = ["loss", "gradient", "hessian", "as_matrix", "default_target"]


def default_target(d: int) -> np.ndarray:
    """The default target ``V = I_d``."""
    return np.eye(d)


def _check_matrix(M: Any, name: str) -> np.ndarray:
    try:
        arr = np.array(M, dtype=object)
    except Exception as exc:  # pragma: no cover - numpy rarely fails here
        raise ShapeError(f"{name} could not be read as a matrix: {exc}") from None
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ShapeError(f"{name} must be a non-empty 2-d matrix, got shape {arr.shape}")
    for (i, j), x in np.ndenumerate(arr):
        if isinstance(x, (bool, np.bool_, complex, np.complexfloating, list, tuple, dict)) \
                or x is None:
            raise ShapeError(f"{name}[{i},{j}] = {x!r} is not a number")
        if isinstance(x, str):  # exact grammar: no 'nan', 'inf' or expressions
            from symbolic.errors import RelusymError
            from symbolic.parsing import parse_number

            try:
                parse_number(x, f"{name}[{i},{j}]")
            except RelusymError as exc:
                raise ShapeError(f"{exc}; entries must be finite numbers") from None
        try:
            xf = float(x)
        except TypeError:
            continue  # symbolic entry (sympy) or ball: checked by the backend
        except (ValueError, OverflowError):
            raise ShapeError(f"{name}[{i},{j}] = {x!r} is not a number") from None
        if not math.isfinite(xf):
            if isinstance(x, (float, np.floating)) or (hasattr(x, "_mpf_") and not
                                                         mpmath.isfinite(x)):
                raise ShapeError(f"{name}[{i},{j}] = {x!r} is not finite")
            raise ShapeError(f"{name}[{i},{j}] = {x!r} is outside the supported range "
                             "(|entries| below 1e308)")
    return arr


def as_matrix(M: Any, be: Backend, name: str = "W") -> np.ndarray:
    """Validate ``M`` and convert it to the backend's array type."""
    arr = _check_matrix(M, name)
    out = np.empty(arr.shape, dtype=float if be.name == "numpy" else object)
    with be.context():
        for idx, x in np.ndenumerate(arr):
            try:
                out[idx] = be.number(x)
            except (TypeError, ValueError, ArithmeticError):
                raise ShapeError(
                    f"{name}[{idx[0]},{idx[1]}] = {x!r} is not a number the {be.name} "
                    "backend can use"
                ) from None
    return out


def _setup(W, V, backend, dps):
    be = get_backend(backend, dps=dps)
    Wm = as_matrix(W, be, "W")
    if V is None:
        V = np.eye(Wm.shape[1], dtype=int)
    Vm = as_matrix(V, be, "V")
    if Vm.shape[1] != Wm.shape[1]:
        raise ShapeError(
            f"the target V has width {Vm.shape[1]} but W has width {Wm.shape[1]}: "
            "rows of W and V must live in the same R^d"
        )
    return be, Wm, Vm


def _is_zero_row(row) -> bool:
    return all(x == 0 for x in row)


def _nonzero_rows(M: np.ndarray) -> np.ndarray:
    keep = [i for i in range(M.shape[0]) if not _is_zero_row(M[i])]
    return M[keep]


def _require_nonzero_rows(W: np.ndarray) -> None:
    for i in range(W.shape[0]):
        if _is_zero_row(W[i]):
            raise NonDifferentiableError(
                f"row {i} of W is zero: the loss is not differentiable there "
                "(the kernel F(w, u) = |w||u| phi(angle) has a cone point at w = 0)"
            )


def _pair_data(be: Backend, W: np.ndarray, U: np.ndarray):
    """Gram data of every pair (w_i, u_j): A (k,1), B (1,m), C, G (k,m), Q (k,m,d).

    ``G = A |P|^2`` with ``P = u - (C/A) w`` the part of ``u`` orthogonal to ``w``,
    a stable form of ``AB - C^2``; ``Q = A P = A u - C w``.
    """
    A = np.einsum("ia,ia->i", W, W)[:, None]
    B = np.einsum("ja,ja->j", U, U)[None, :]
    C = W @ U.T
    P = U[None, :, :] - (C / A)[:, :, None] * W[:, None, :]
    G = A * np.einsum("ija,ija->ij", P, P)
    Q = A[:, :, None] * P
    return A, B, C, G, Q


def loss(W: Any, V: Any = None, *, backend: str | Backend = "numpy", dps: int = 50):
    """The loss ``L(W)`` (a scalar of the backend's type)."""
    be, Wm, Vm = _setup(W, V, backend, dps)
    with be.context():
        Wn, Vn = _nonzero_rows(Wm), _nonzero_rows(Vm)
        total = 0
        for X, Y, coef in ((Wn, Wn, 1), (Wn, Vn, -2), (Vn, Vn, 1)):
            if X.shape[0] == 0 or Y.shape[0] == 0:
                continue
            A, B, C, G, _ = _pair_data(be, X, Y)
            F = kernel.kernel_value(be, A, B, C, G)
            total = total + coef * np.sum(F)
        return total / 2


def gradient(W: Any, V: Any = None, *, backend: str | Backend = "numpy", dps: int = 50):
    """The gradient ``dL/dW`` as a ``k x d`` array."""
    be, Wm, Vm = _setup(W, V, backend, dps)
    _require_nonzero_rows(Wm)
    with be.context():
        Vn = _nonzero_rows(Vm)
        k = Wm.shape[0]
        U = np.concatenate([Wm, Vn], axis=0)
        sign = np.array([1] * k + [-1] * Vn.shape[0])[None, :]
        A, B, C, G, _ = _pair_data(be, Wm, U)
        alpha, beta = kernel.kernel_grad(be, A, B, C, G)
        alpha = alpha * sign
        beta = beta * sign
        return np.sum(alpha, axis=1)[:, None] * Wm + beta @ U


def hessian(W: Any, V: Any = None, *, backend: str | Backend = "numpy", dps: int = 50):
    """The Hessian ``d^2 L / dW^2`` as a ``(k d) x (k d)`` array."""
    be, Wm, Vm = _setup(W, V, backend, dps)
    _require_nonzero_rows(Wm)
    with be.context():
        Vn = _nonzero_rows(Vm)
        k, d = Wm.shape
        U = np.concatenate([Wm, Vn], axis=0)
        sign = np.array([1] * k + [-1] * Vn.shape[0])[None, :]
        A, B, C, G, Q = _pair_data(be, Wm, U)
        S = be.sqrt(G)
        # R = Q / sqrt(S): Q Q^T / S = R R^T; |R_a| <= sqrt(A S), 0 at parallel pairs.
        R = be.vq(Q, S[:, :, None] * np.ones((1, 1, d), dtype=int),
                  be.sqrt(A[:, :, None] * S[:, :, None]))
        dtype = float if be.name == "numpy" else object
        H = np.zeros((k, d, k, d), dtype=dtype)
        if dtype is object:
            H[...] = 0
        # Diagonal blocks: sum_j s_j H_ww(w_i, u_j).
        hw = kernel.hess_ww(be, A, B, C, G)
        cI = np.sum(hw.c_I * sign, axis=1)
        cww = np.sum(hw.c_ww * sign, axis=1)
        cQQ = hw.c_QQ * sign
        diag = np.einsum("i,ia,ib->iab", cww, Wm, Wm) + np.einsum("ij,ija,ijb->iab", cQQ, R, R)
        for a in range(d):
            diag[:, a, a] = diag[:, a, a] + cI
        for i in range(k):
            H[i, :, i, :] = diag[i]
        # Mixed blocks H_wu(w_i, w_j) for every pair of rows, i = j included.
        Ar, Br, Cr, Gr = A, B[:, :k], C[:, :k], G[:, :k]
        Qr, Rr = Q[:, :k, :], R[:, :k, :]
        hu = kernel.hess_wu(be, Ar, Br, Cr, Gr)
        mixed = (
            np.einsum("ij,ia,ib->iajb", hu.c_ww, Wm, Wm)
            + np.einsum("ij,ia,ijb->iajb", hu.c_wQ, Wm, Qr)
            + np.einsum("ij,ija,ib->iajb", hu.c_wQ, Qr, Wm)
            + np.einsum("ij,ija,ijb->iajb", hu.c_QQ, Rr, Rr)
        )
        for a in range(d):
            mixed[:, a, :, a] = mixed[:, a, :, a] + hu.c_I
        H = H + mixed
        return H.reshape(k * d, k * d)
