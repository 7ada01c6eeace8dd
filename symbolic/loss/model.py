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

with ``F``, ``g``, ``H_ww``, ``H_wu`` from :mod:`symbolic.loss.kernel` (the ``j = i``
terms give ``w_i/2`` in the gradient and ``I/2`` in the Hessian, as the kernel's
parallel limit). Parallel and antiparallel rows are handled by the limit forms;
a zero row of ``W`` makes the loss non-differentiable and raises
:class:`~symbolic.core.errors.NonDifferentiableError` naming the row.

Second-layer weights (the annihilation paper's setting, Arjevani and Field 2022).
With ``f(x; W, alpha) = sum_i alpha_i relu(w_i.x)`` against the target
``sum_l beta_l relu(v_l.x)`` (``alpha=``, ``beta=``; default all ones, which is the
model above, unchanged) and ``c = (alpha, -beta)`` the signed weights of the rows
``u = (W, V)``:

.. math::

    L(W,\alpha) = \tfrac12 \sum_{j,j'} c_j c_{j'} F(u_j, u_{j'}),\qquad
    \nabla_{w_i}L = \alpha_i \sum_j c_j\, g(w_i, u_j),\qquad
    \partial_{\alpha_i}L = \sum_j c_j F(w_i, u_j),

    \nabla^2_{w_i w_j}L = \delta_{ij}\,\alpha_i\sum_{j'} c_{j'} H_{ww}(w_i,u_{j'})
        + \alpha_i\alpha_j H_{wu}(w_i,w_j),\qquad
    \partial_{\alpha_i}\partial_{\alpha_j}L = F(w_i,w_j),

    \partial_{\alpha_j}\nabla_{w_i}L = \delta_{ij}\sum_{j'} c_{j'}\, g(w_i,u_{j'})
        + \alpha_i\, g(w_i, w_j).

``gradient(..., wrt_alpha=True)`` returns ``(dL/dW, dL/dalpha)`` and
``hessian(..., wrt_alpha=True)`` the ``(k d + k)`` square matrix in the order
``(W row-major, alpha)``. Checked against Monte Carlo and finite differences in
``tests/test_model.py``.

Every function takes ``backend=`` (``"numpy"``, ``"mpmath"``, ``"arb"``,
``"sympy"`` or a :class:`~symbolic.core.backends.Backend`) and, for mpmath/arb,
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

from symbolic.core.backends import Backend, get_backend
from symbolic.core.errors import NonDifferentiableError, ShapeError
from symbolic.loss import kernel

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
            from symbolic.core.errors import RelusymError
            from symbolic.core.parsing import parse_number

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


def _setup(W, V, backend, dps, alpha=None, beta=None):
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
    a = _weights(alpha, Wm.shape[0], be, "alpha", "rows of W")
    b = _weights(beta, Vm.shape[0], be, "beta", "rows of V")
    return be, Wm, Vm, a, b


def _weights(w: Any, n: int, be: Backend, name: str, what: str) -> np.ndarray:
    """Second-layer weights as a length-``n`` backend array (all ones by default)."""
    if w is None:
        out = np.ones(n, dtype=int if be.name != "numpy" else float)
        if be.name != "numpy":
            out = out.astype(object)
        return out
    arr = np.array(w, dtype=object)
    if arr.ndim != 1 or arr.shape[0] != n:
        raise ShapeError(f"{name} must be a vector with one entry per {what} ({n}), "
                         f"got shape {arr.shape}")
    return as_matrix(arr[None, :], be, name)[0]


def _is_zero_row(row) -> bool:
    return all(x == 0 for x in row)


def _nonzero(M: np.ndarray) -> list[int]:
    return [i for i in range(M.shape[0]) if not _is_zero_row(M[i])]


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


def _rows_and_signs(Wm, Vm, a, b):
    """``U = (W, V without zero rows)`` and the signed weights ``c = (alpha, -beta)``."""
    keep = _nonzero(Vm)
    Vn = Vm[keep]
    U = np.concatenate([Wm, Vn], axis=0)
    c = np.concatenate([a, -b[keep]])[None, :]
    return U, c


def loss(W: Any, V: Any = None, *, backend: str | Backend = "numpy", dps: int = 50,
         alpha: Any = None, beta: Any = None):
    """The loss ``L(W)`` (a scalar of the backend's type); ``alpha``/``beta``: second-layer
    weights of the student and the target (default all ones)."""
    be, Wm, Vm, a, b = _setup(W, V, backend, dps, alpha, beta)
    with be.context():
        kw, kv = _nonzero(Wm), _nonzero(Vm)
        Wn, Vn, an, bn = Wm[kw], Vm[kv], a[kw], b[kv]
        total = 0
        for X, Y, cx, cy, coef in ((Wn, Wn, an, an, 1), (Wn, Vn, an, bn, -2),
                                   (Vn, Vn, bn, bn, 1)):
            if X.shape[0] == 0 or Y.shape[0] == 0:
                continue
            A, B, C, G, _ = _pair_data(be, X, Y)
            F = kernel.kernel_value(be, A, B, C, G)
            total = total + coef * np.sum(F * cx[:, None] * cy[None, :])
        return total / 2


def gradient(W: Any, V: Any = None, *, backend: str | Backend = "numpy", dps: int = 50,
             alpha: Any = None, beta: Any = None, wrt_alpha: bool = False):
    """The gradient ``dL/dW`` as a ``k x d`` array; with ``wrt_alpha`` the pair
    ``(dL/dW, dL/dalpha)`` (``dL/dalpha`` of length ``k``)."""
    be, Wm, Vm, a, b = _setup(W, V, backend, dps, alpha, beta)
    _require_nonzero_rows(Wm)
    with be.context():
        U, c = _rows_and_signs(Wm, Vm, a, b)
        A, B, C, G, _ = _pair_data(be, Wm, U)
        ka, kb = kernel.kernel_grad(be, A, B, C, G)
        ka = ka * c
        kb = kb * c
        inner = np.sum(ka, axis=1)[:, None] * Wm + kb @ U  # sum_j c_j g(w_i, u_j)
        gW = a[:, None] * inner
        if not wrt_alpha:
            return gW
        F = kernel.kernel_value(be, A, B, C, G)
        return gW, np.sum(F * c, axis=1)


def hessian(W: Any, V: Any = None, *, backend: str | Backend = "numpy", dps: int = 50,
            alpha: Any = None, beta: Any = None, wrt_alpha: bool = False):
    """The Hessian ``d^2 L / dW^2`` as a ``(k d) x (k d)`` array; with ``wrt_alpha`` the
    ``(k d + k)`` square Hessian in ``(W row-major, alpha)``."""
    be, Wm, Vm, a, b = _setup(W, V, backend, dps, alpha, beta)
    _require_nonzero_rows(Wm)
    with be.context():
        k, d = Wm.shape
        U, sign = _rows_and_signs(Wm, Vm, a, b)
        A, B, C, G, Q = _pair_data(be, Wm, U)
        S = be.sqrt(G)
        # R = Q / sqrt(S): Q Q^T / S = R R^T; |R_a| <= sqrt(A S), 0 at parallel pairs.
        R = be.vq(Q, S[:, :, None] * np.ones((1, 1, d), dtype=int),
                  be.sqrt(A[:, :, None] * S[:, :, None]))
        dtype = float if be.name == "numpy" else object
        H = np.zeros((k, d, k, d), dtype=dtype)
        if dtype is object:
            H[...] = 0
        # Diagonal blocks: alpha_i sum_j c_j H_ww(w_i, u_j).
        hw = kernel.hess_ww(be, A, B, C, G)
        cI = np.sum(hw.c_I * sign, axis=1) * a
        cww = np.sum(hw.c_ww * sign, axis=1) * a
        cQQ = hw.c_QQ * sign * a[:, None]
        diag = np.einsum("i,ia,ib->iab", cww, Wm, Wm) + np.einsum("ij,ija,ijb->iab", cQQ, R, R)
        for a_ in range(d):
            diag[:, a_, a_] = diag[:, a_, a_] + cI
        for i in range(k):
            H[i, :, i, :] = diag[i]
        # Mixed blocks alpha_i alpha_j H_wu(w_i, w_j) for every pair of rows, i = j included.
        Ar, Br, Cr, Gr = A, B[:, :k], C[:, :k], G[:, :k]
        Qr, Rr = Q[:, :k, :], R[:, :k, :]
        hu = kernel.hess_wu(be, Ar, Br, Cr, Gr)
        aa = a[:, None] * a[None, :]
        mixed = (
            np.einsum("ij,ia,ib->iajb", hu.c_ww * aa, Wm, Wm)
            + np.einsum("ij,ia,ijb->iajb", hu.c_wQ * aa, Wm, Qr)
            + np.einsum("ij,ija,ib->iajb", hu.c_wQ * aa, Qr, Wm)
            + np.einsum("ij,ija,ijb->iajb", hu.c_QQ * aa, Rr, Rr)
        )
        cIu = hu.c_I * aa
        for a_ in range(d):
            mixed[:, a_, :, a_] = mixed[:, a_, :, a_] + cIu
        H = (H + mixed).reshape(k * d, k * d)
        if not wrt_alpha:
            return H
        # Blocks with alpha: d/dalpha_j grad_{w_i} and d^2/dalpha_i dalpha_j.
        ka, kb = kernel.kernel_grad(be, A, B, C, G)
        inner = np.sum(ka * sign, axis=1)[:, None] * Wm + (kb * sign) @ U
        gww = ka[:, :k, None] * Wm[:, None, :] + kb[:, :k, None] * Wm[None, :, :]
        cross = gww * a[:, None, None]  # (i, j, axis): alpha_i g(w_i, w_j)
        for i in range(k):
            cross[i, i, :] = cross[i, i, :] + inner[i]
        F = kernel.kernel_value(be, Ar, Br, Cr, Gr)
        n = k * d + k
        out = np.zeros((n, n), dtype=dtype)
        if dtype is object:
            out[...] = 0
        out[:k * d, :k * d] = H
        X = np.transpose(cross, (0, 2, 1)).reshape(k * d, k)  # row (i, axis), column j
        out[:k * d, k * d:] = X
        out[k * d:, :k * d] = X.T
        out[k * d:, k * d:] = F
        return out
