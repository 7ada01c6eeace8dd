r"""The arc-cosine kernel of a two-layer ReLU network and its derivatives, written once.

Source: DESIGN.md section 1 (Cho & Saul's arc-cosine kernel of degree 1).
For ``x ~ N(0, I_d)``,

.. math::  F(w, u) = E[\mathrm{relu}(w\cdot x)\,\mathrm{relu}(u\cdot x)]
           = \frac{\sqrt{G} + (\pi - t)\,C}{2\pi},

with the Gram data of the pair ``A = |w|^2``, ``B = |u|^2``, ``C = w.u``,
``G = AB - C^2`` and the angle ``t = angle(w, u)`` (``cos t = C/\sqrt{AB}``).

Every function here takes these scalars (or arrays of them) and a backend
(:mod:`symbolic.core.backends`), so one description serves sympy, mpmath, arb and
numpy. The caller supplies ``G`` computed stably (a sum of squares, never the
difference ``AB - C^2`` of two nearly equal numbers).

Gradient in ``w`` (``u`` fixed)::

    g(w, u) = alpha * w + beta * u,   alpha = sqrt(G) / (2 pi A),  beta = (pi - t) / (2 pi).

Hessian blocks, with ``S = sqrt(G)`` and ``Q = A u - C w`` (so ``|Q| = sqrt(A) S``)::

    H_ww = d^2 F / dw^2   = c_I I + c_ww w w^T + c_QQ Q Q^T / S
           c_I = S/(2 pi A),  c_ww = -S/(2 pi A^2),  c_QQ = 1/(2 pi A^2)
    H_wu = d^2 F / dw du  = c_I I + c_ww w w^T + c_wQ (w Q^T + Q w^T) + c_QQ Q Q^T / S
           c_I = (pi - t)/(2 pi),  c_ww = C S/(2 pi A^2 B),
           c_wQ = S/(2 pi A^2 B),  c_QQ = -C/(2 pi A^2 B)

``Q Q^T / S`` is the only singular-looking term; ``|Q Q^T / S| <= A S``, so it
tends to 0 at parallel and antiparallel pairs, where ``H_ww -> 0`` and
``H_wu -> (pi - t)/(2 pi) I``. Backends evaluate it with ``vq`` (the vanishing
quotient), which makes the limit exact. Derived by differentiating ``g``;
checked against finite differences in ``tests/test_model.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from symbolic.core.backends import Backend

__all__ = ["PairHessian", "kernel_value", "kernel_grad", "hess_ww", "hess_wu", "bilinear"]


def _root_and_angle(be: Backend, A, B, C, G):
    S = be.sqrt(G)
    return S, be.angle(S, C, A, B)


def kernel_value(be: Backend, A, B, C, G):
    """``F(w, u) = (sqrt(G) + (pi - t) C) / (2 pi)``."""
    S, t = _root_and_angle(be, A, B, C, G)
    return (S + (be.pi - t) * C) / (2 * be.pi)


def kernel_grad(be: Backend, A, B, C, G):
    """Coefficients ``(alpha, beta)`` of ``dF/dw = alpha w + beta u``."""
    S, t = _root_and_angle(be, A, B, C, G)
    return S / (2 * be.pi * A), (be.pi - t) / (2 * be.pi)


@dataclass(frozen=True)
class PairHessian:
    """``c_I I + c_ww w w^T + c_wQ (w Q^T + Q w^T) + c_QQ Q Q^T / S`` with ``Q = A u - C w``."""

    c_I: Any
    c_ww: Any
    c_wQ: Any
    c_QQ: Any
    S: Any
    G: Any


def hess_ww(be: Backend, A, B, C, G) -> PairHessian:
    """Coefficients of ``d^2 F(w, u) / dw^2``."""
    S, _ = _root_and_angle(be, A, B, C, G)
    two_pi = 2 * be.pi
    return PairHessian(S / (two_pi * A), -S / (two_pi * A * A), 0, 1 / (two_pi * A * A), S, G)


def hess_wu(be: Backend, A, B, C, G) -> PairHessian:
    """Coefficients of ``d^2 F(w, u) / dw du`` (rows: w-direction, columns: u-direction)."""
    S, t = _root_and_angle(be, A, B, C, G)
    two_pi = 2 * be.pi
    den = two_pi * A * A * B
    return PairHessian((be.pi - t) / two_pi, C * S / den, S / den, -C / den, S, G)


def bilinear(be: Backend, h: PairHessian, A, wx, wy, xy, Qx, Qy, xx, yy):
    """``x^T H y`` for a :class:`PairHessian` from scalar invariants.

    ``wx = w.x``, ``wy = w.y``, ``xy = x.y``, ``Qx = Q.x``, ``Qy = Q.y``,
    ``xx = x.x``, ``yy = y.y``. The last two only bound the vanishing quotient:
    ``|Qx Qy / S| <= A S |x| |y|``.
    """
    # Arrays stay on the left of every product: mpmath's mpf.__mul__ would
    # otherwise try (slowly) to convert a numpy array before deferring to it.
    out = xy * h.c_I + wx * wy * h.c_ww
    if not _is_zero(h.c_QQ):
        bound = be.sqrt(xx * yy) * (A * h.S) if be.needs_bound else None
        out = out + be.vq(Qx * Qy, h.G, bound) * h.c_QQ
    if not _is_zero(h.c_wQ):
        out = out + (wx * Qy + Qx * wy) * h.c_wQ
    return out


def _is_zero(c) -> bool:
    try:
        return isinstance(c, int) and c == 0
    except Exception:  # pragma: no cover
        return False
