r"""Independent checks of traced arcs in the full-matrix model (small ``d``).

Source: issue 15. The arcs are computed in reduced coordinates; here every claim
is re-checked without the reduction:

* :func:`full_lagrange_residual`: ``max |grad L(W) - mu (W - W_c)|`` with the
  full ``k x d`` gradient of :mod:`symbolic.loss.model` (mpmath), and ``|W - W_c|_F - r``;
* :func:`verify_isotropy`: the detected group is applied to the full matrix: ``W``
  is invariant under the generators of ``Delta(S_{p_1} x ... x S_{p_r})`` (adjacent
  transpositions inside every block, rows and columns together), and is *not*
  invariant under the transposition of two indices of different blocks (so the
  isotropy is not larger within the diagonal block family);
* :func:`sphere_extrema`: ``min`` / ``max`` of ``L`` on the sphere by direct
  optimisation in the full space (random starts, L-BFGS on ``W_c + r z/|z|``,
  float64), to compare with ``m(r)`` / ``M(r)`` read off the arcs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from symbolic.loss import model
from symbolic.symmetry.detect import detect_isotropy

__all__ = ["full_lagrange_residual", "verify_isotropy", "sphere_extrema", "sphere_index",
           "SPHERE_INDEX_MAX_KD"]

#: Largest ``k d`` for which :func:`sphere_index` is computed along arcs (d = 10).
SPHERE_INDEX_MAX_KD = 100


def full_lagrange_residual(asp, theta: list, mu: Any, r: Any, *, dps: int = 40) -> tuple:
    """``(max |grad L(W) - mu (W - W_c)|, | |W - W_c|_F - r |)`` in the full model."""
    import mpmath

    W = asp.matrix(theta)
    Wc = asp.matrix(asp.theta_c)
    G = model.gradient(W, backend="mpmath", dps=dps)
    with mpmath.workdps(dps):
        diff = [[mpmath.mpf(W[i, j]) - mpmath.mpf(Wc[i, j]) for j in range(W.shape[1])]
                for i in range(W.shape[0])]
        res = max(abs(mpmath.mpf(G[i, j]) - mu * diff[i][j])
                  for i in range(W.shape[0]) for j in range(W.shape[1]))
        norm = mpmath.sqrt(sum(x * x for row in diff for x in row))
        return res, abs(norm - r)


def sphere_index(asp, theta: list, mu: Any, r: Any, tol: float = 1e-9) -> int:
    """Morse index of ``L`` restricted to the sphere at an arc point (full model, float64):
    negative eigenvalues of ``P (Hess L - mu I) P`` on the tangent space
    (``P = I - n n^T``, ``n = (W - W_c)/r``). 0 all along the arc realising ``m(r)``;
    a change along an arc marks a bifurcation of the tangency set (also one leaving
    the arc's fixed space, which the reduced computation cannot see)."""
    W = np.array(asp.matrix(theta), dtype=float)
    Wc = np.array(asp.matrix(asp.theta_c), dtype=float)
    nvec = (W - Wc).ravel() / float(r)
    H = np.asarray(model.hessian(W), dtype=float) - float(mu) * np.eye(W.size)
    P = np.eye(W.size) - np.outer(nvec, nvec)
    ev = np.linalg.eigvalsh(P @ H @ P)
    scale = max(1.0, float(np.max(np.abs(ev))))
    return int(np.sum(ev < -tol * scale))


def _perm_apply(W: np.ndarray, perm: np.ndarray) -> np.ndarray:
    return W[np.ix_(perm, perm)]


def verify_isotropy(W: Any, tol: float = 1e-10, claimed: Any = None) -> dict:
    """Detect the isotropy of ``W`` (k = d) and verify it by permutations of ``W``.

    ``claimed``: a :class:`~symbolic.symmetry.detect.Detection` (e.g. of another point) whose
    group is checked on ``W`` instead of the detected one. Returns ``{"isotropy",
    "invariant", "broken"}``: ``invariant`` is True when ``W`` is fixed by every
    generator of the group (adjacent transpositions inside each block, rows and
    columns together, in the detection's block order), ``broken`` True when every
    transposition of the first indices of two different blocks moves ``W``.
    """
    Wf = np.array(W, dtype=float)
    if Wf.shape[0] != Wf.shape[1]:
        raise ValueError("verify_isotropy handles k = d")
    det = claimed if claimed is not None else detect_isotropy(Wf, tol=tol)
    rows, cols = np.array(det.row_perm), np.array(det.col_perm)
    # W in block form: P = W[rows][:, cols]; the group acts on P by simultaneous
    # permutations of rows and columns (the row and column orders are matched).
    P = Wf[np.ix_(rows, cols)]
    ps, _ = det.space.sizes(Wf.shape[1])
    starts = np.cumsum([0] + [int(p) for p in ps])
    scale = tol * 100 * (1 + np.max(np.abs(P)))
    invariant, broken = True, True
    n = P.shape[0]
    for b in range(len(ps)):
        for i in range(starts[b], starts[b + 1] - 1):
            perm = np.arange(n)
            perm[i], perm[i + 1] = i + 1, i
            invariant &= bool(np.max(np.abs(_perm_apply(P, perm) - P)) < scale)
    for a in range(len(ps)):
        for b in range(a + 1, len(ps)):
            perm = np.arange(n)
            i, j = starts[a], starts[b]
            perm[i], perm[j] = j, i
            broken &= bool(np.max(np.abs(_perm_apply(P, perm) - P)) > scale)
    return {"isotropy": det.spec, "invariant": invariant, "broken": broken}


def sphere_extrema(Wc: Any, r: float, *, starts: int = 20, seed: int = 0,
                   maxiter: int = 400, gtol: float = 1e-10) -> tuple[float, float]:
    """``(min, max)`` of ``L`` on ``|W - W_c|_F = r`` found by local optimisation from
    random starts in the full space (float64; an upper bound of the true minimum and
    a lower bound of the true maximum)."""
    from scipy.optimize import minimize

    Wc = np.array(Wc, dtype=float)
    shape = Wc.shape
    rng = np.random.default_rng(seed)

    def fg(z, sgn):
        nz = np.linalg.norm(z)
        zh = z / nz
        W = Wc + r * zh.reshape(shape)
        try:
            L = float(model.loss(W))
            G = np.asarray(model.gradient(W), dtype=float).ravel()
        except Exception:  # noqa: BLE001 - a zero row: push away
            return np.inf, np.zeros_like(z)
        gz = (r / nz) * (G - zh * np.dot(zh, G))
        return sgn * L, sgn * gz

    best = [np.inf, -np.inf]
    for _ in range(starts):
        z0 = rng.standard_normal(Wc.size)
        for k, sgn in ((0, 1.0), (1, -1.0)):
            res = minimize(fg, z0, args=(sgn,), jac=True, method="L-BFGS-B",
                           options={"maxiter": maxiter, "gtol": gtol, "ftol": 1e-15})
            val = sgn * float(res.fun)
            best[k] = min(best[k], val) if k == 0 else max(best[k], val)
    return best[0], best[1]
