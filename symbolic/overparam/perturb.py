r"""Perturbed targets ``V = I_d + t E``: follow a critical point in ``t`` and watch its spectrum.

Source: Arjevani and Field (NeurIPS 2022), abstract: "for a fixed number of neurons
and inputs, the spectral results remain true under symmetry breaking perturbation
of the target". A symmetry-breaking ``E`` leaves no fixed space to reduce to, so the
point is followed in the full matrix model (:mod:`symbolic.loss.model`) by Newton's
method on ``grad_W L(W; V_t) = 0`` (mpmath, small ``d``), continued from the
previous ``t``. The implicit function theorem makes the branch ``W(t)`` analytic
while ``H(t) = nabla^2 L`` is nonsingular, and its eigenvalues move continuously,
so the inertia (index) is constant on any interval of ``t`` on which no eigenvalue
crosses 0; the sweep shows the smallest eigenvalue staying away from 0.

At ``k = d + m`` the split of row ``i`` (:mod:`symbolic.overparam.split`) stays
critical for every target, and its inertia is ``In H_k(W(t)) + m In M_i(t)``: the
sweep reports both sides, the right one from the theorem and the left one from the
full ``(k+m) d`` Hessian.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np

from symbolic.core.errors import ConvergenceError, RelusymError
from symbolic.loss import model
from symbolic.overparam.split import split_point, splitting_matrix

__all__ = ["perturbation", "newton_full", "SweepPoint", "sweep"]


def perturbation(d: int, kind: str = "random", seed: int = 0) -> np.ndarray:
    """A symmetry-breaking direction ``E`` with ``|E|_F = 1`` (float64, exact once chosen).

    ``"random"``: Gaussian with the given seed; ``"diag"``: ``diag(1, 2, ..., d)`` made
    traceless (breaks ``Delta S_d`` down to the trivial group on the diagonal).
    """
    if kind == "random":
        E = np.random.default_rng(seed).standard_normal((d, d))
    elif kind == "diag":
        E = np.diag(np.arange(1, d + 1, dtype=float))
        E -= np.trace(E) / d * np.eye(d)
    else:
        raise RelusymError(f"unknown perturbation {kind!r}: use 'random' or 'diag'")
    return E / np.linalg.norm(E)


def newton_full(W0: Any, V: Any, *, dps: int = 30, maxiter: int = 30) -> np.ndarray:
    """Newton on the full gradient ``grad_W L(W; V) = 0`` at ``dps`` digits (small ``d``).

    The residual ``grad_W L`` is evaluated in mpmath at ``dps + 5`` digits, the step
    solves with the float64 Hessian (Newton with iterative refinement: every step
    gains about ``16 - log10 cond(H)`` digits, far cheaper than an mpmath LU).
    Converged when the largest gradient entry and the last step are below
    ``10^-(dps - 5)``; otherwise :class:`~symbolic.core.errors.ConvergenceError`.
    """
    mp = mpmath.MPContext()
    mp.dps = dps + 5

    def conv(x):  # binary floats exactly (a decimal string would move the target)
        if hasattr(x, "_mpf_") or isinstance(x, (float, np.floating, int, np.integer)):
            return mp.mpf(x)
        return mp.mpf(str(x))

    W = np.array([[conv(x) for x in r] for r in np.asarray(W0, dtype=object)], dtype=object)
    Vm = np.array([[conv(x) for x in r] for r in np.asarray(V, dtype=object)], dtype=object)
    k, d = W.shape
    eps = mp.mpf(10) ** (-(dps - 5))
    Vf = np.array(Vm, dtype=float)
    H = None
    for it in range(maxiter):
        g = model.gradient(W, Vm, backend="mpmath", dps=dps + 5).ravel()
        if H is None or it % 3 == 0:
            H = model.hessian(np.array(W, dtype=float), Vf)
        gf = np.array([float(x) for x in g])
        step = np.linalg.solve(H, -gf)
        W = W + np.array([mp.mpf(float(x)) for x in step], dtype=object).reshape(k, d)
        smax = float(np.abs(step).max())
        if smax < eps and max(abs(x) for x in g) < eps * 1e3:
            return W
    raise ConvergenceError(f"full-matrix Newton did not converge in {maxiter} iterations")


@dataclass
class SweepPoint:
    """One ``t`` of the sweep (numbers as mpf/float; formatted by the caller)."""

    t: Any
    loss: Any
    eig_min_k: float
    index_k: int
    mu_min: float          # smallest nonzero-relevant eigenvalue of M_i
    index_split_theorem: int
    index_split_full: int
    eig_min_split: float
    grad_split: float       # largest gradient entry at the split point (float64)
    spectrum_k: Any = None      # every eigenvalue at k = d (float64 array)
    spectrum_split: Any = None  # every eigenvalue at k = d + m (float64 array)


def _predict(Wf: np.ndarray, V0: np.ndarray, E: np.ndarray, dt: float) -> np.ndarray:
    """Tangent predictor ``W + dt W'(t)``, ``W' = -H^{-1} d(grad)/dt`` (float64)."""
    h = 1e-6
    gdt = (model.gradient(Wf, V0 + h * E) - model.gradient(Wf, V0 - h * E)).ravel() / (2 * h)
    H = model.hessian(Wf, V0)
    return Wf - dt * np.linalg.solve(H, gdt).reshape(Wf.shape)


def _newton_float(W: np.ndarray, V: np.ndarray, maxiter: int = 50) -> np.ndarray:
    """Plain float64 Newton on the full gradient (the corrector between reported t)."""
    W = np.array(W, dtype=float)
    for _ in range(maxiter):
        g = model.gradient(W, V).ravel()
        step = np.linalg.solve(model.hessian(W, V), -g)
        W = W + step.reshape(W.shape)
        if np.abs(step).max() < 1e-13 * max(1.0, np.abs(W).max()):
            return W
    raise ConvergenceError("float64 full-matrix Newton did not converge")


def sweep(W0: Any, row: int, ts: list, E: np.ndarray, *, m: int = 1, dps: int = 25,
          tol: float = 1e-8, max_dt: float = 0.005) -> list[SweepPoint]:
    """Follow the critical point ``W0`` (of ``V = I``) along ``V = I + t E`` through the
    increasing ``ts`` (from 0), in steps of at most ``max_dt`` (tangent predictor, Newton
    corrector in float64, every reported point polished by :func:`newton_full` at ``dps``
    digits), and at every ``t`` of ``ts`` compute the ``k = d``
    spectrum, ``M_row`` and the spectrum of the equal split into ``m + 1`` pieces at
    ``k = d + m`` (float64 eigenvalues at the refined points). A corrector that moves
    the point by more than 10 times the predictor step is refused (the branch would
    have jumped to another critical point)."""
    d = np.asarray(W0, dtype=object).shape[1]
    out: list[SweepPoint] = []
    W = np.asarray(W0, dtype=object)
    t_now = 0.0

    def target(t: float) -> np.ndarray:
        return np.eye(d) + t * E

    for t in ts:
        t_goal = float(mpmath.mpf(str(t)))
        while t_now < t_goal - 1e-15 or not out and t_now == 0 and t_goal == 0:
            dt = min(max_dt, t_goal - t_now)
            Wf = np.array(W, dtype=float)
            pred = _predict(Wf, target(t_now), E, dt) if dt > 0 else Wf
            Wn = _newton_float(pred, target(t_now + dt))
            move = float(np.linalg.norm(Wn - pred))
            if dt > 0 and move > 10 * float(np.linalg.norm(pred - Wf)) + 1e-10:
                raise ConvergenceError(f"the branch jumped at t = {t_now + dt:.4g}: "
                                       "reduce max_dt")
            W, t_now = Wn, t_now + dt
            if dt == 0:
                break
        V = np.array([[mpmath.mpf(float(x)) for x in r] for r in target(t_now)],
                     dtype=object)
        W = newton_full(W, V, dps=dps)  # polish the reported point to dps digits
        Wf = np.array(W, dtype=float)
        Vf = np.array(V, dtype=float)
        ev = np.linalg.eigvalsh(model.hessian(Wf, Vf))
        M = splitting_matrix(Wf, row, Vf)
        mu = np.linalg.eigvalsh((M + M.T) / 2)
        neg_k = int((ev < -tol).sum())
        neg_m = int((mu < -tol).sum())
        Ws = np.array(split_point(Wf, row, 1 / (m + 1), m), dtype=float)
        evs = np.linalg.eigvalsh(model.hessian(Ws, Vf))
        gs = float(np.abs(model.gradient(Ws, Vf)).max())
        out.append(SweepPoint(mpmath.mpf(str(t)), model.loss(W, V, backend="mpmath",
                                                             dps=dps),
                              float(ev[0]), neg_k, float(mu[0]), neg_k + m * neg_m,
                              int((evs < -tol).sum()), float(evs[0]), gs, ev, evs))
    return out
