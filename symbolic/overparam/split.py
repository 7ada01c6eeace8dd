r"""Neuron splitting: the segment of critical points at ``k + m`` and its exact inertia.

Source: DESIGN.md section 9 (positive homogeneity); Arjevani and Field, *Annihilation
of spurious minima in two-layer ReLU networks* (NeurIPS 2022), for the question; the
inertia formula below is proved here and checked against the full-matrix model in
``tests/test_overparam.py``.

**Splitting.** Let ``W`` (rows ``w_1..w_k``) be a critical point of ``L`` at ``k``
neurons (second layer all ones) and ``lambda_0, ..., lambda_m > 0`` with
``sum lambda_r = 1``. Replacing row ``i`` by the ``m + 1`` rows ``lambda_r w_i``
(:func:`split_point`) leaves the network function unchanged, since
``relu(lambda w.x) = lambda relu(w.x)`` for ``lambda >= 0``; the gradient of each
piece is ``grad_{w_i} L(W) = 0`` (``g`` is homogeneous of degree 0 in its first
argument). So every split point is critical: a simplex of critical points of
dimension ``m`` (a segment for ``m = 1``), ending in points with zero rows, where
``L`` is not differentiable.

**Inertia (proved).** Perturb the pieces by ``a_r``. Write ``a_r = lambda_r s + c_r``
with ``sum_r c_r = 0`` (an invertible linear change of variables). With
``sigma_w = relu(w.x)`` expanded in ``L^2(N(0, I))`` (the kernel is analytic at
non-parallel pairs) and ``r = f(x; W) - f(x; V)`` the residual,

.. math::

    \sum_r \lambda_r\,\sigma(w_i + a_r/\lambda_r) = \sigma(w_i) + \sigma'(w_i)\,s
      + \tfrac12\Big(s^T\sigma''(w_i)s + \sum_r c_r^T\sigma''(w_i)c_r/\lambda_r\Big)
      + O(|a|^3),

so the second-order term of ``L`` is the Hessian form of ``L`` at ``W`` in
``(s, other rows)`` plus ``1/2 sum_r c_r^T M_i c_r / lambda_r``, with the
*splitting matrix*

.. math::  M_i = E[r\,\sigma''(w_i)] = \sum_j H_{ww}(w_i, w_j) - \sum_l H_{ww}(w_i, v_l)
           = \nabla^2_{w_i w_i} L(W) - \tfrac12 I_d

(the diagonal Hessian block minus its ``j = i`` term ``H_wu(w_i, w_i) = I/2``;
:func:`splitting_matrix`). The form ``sum_r c_r^T M_i c_r / lambda_r`` on
``{sum c_r = 0}`` is congruent to ``M_i (x) P`` with ``P`` positive definite of size
``m``. By Sylvester's law of inertia, for every ``lambda`` in the open simplex,

.. math::  \mathrm{In}\,\nabla^2 L_{k+m}(W_\lambda)
           = \mathrm{In}\,\nabla^2 L_k(W) + m\,\mathrm{In}(M_i)

(numbers of negative, zero and positive eigenvalues). ``M_i w_i = 0`` always
(``H_ww(w, u) w = 0``), which gives the ``m`` zero eigenvalues along the simplex.
Hence a strict minimum at ``k`` splits into a simplex of *saddles* iff ``M_i`` has a
negative eigenvalue, of index ``m * #{eig M_i < 0}``; otherwise into degenerate minima.

**Descent directions (Cauchy interlacing).** For ``m = 1`` and an eigenvector ``c``
of ``M_i`` with eigenvalue ``mu < 0``, the unit vector ``u`` that moves the two
pieces by ``+c/sqrt 2`` and ``-c/sqrt 2`` (``s = 0``) has Rayleigh quotient

.. math::  u^T \nabla^2 L_{k+1}(W_\lambda)\, u = \frac{\mu}{2\lambda(1-\lambda)} < 0 .

For the span ``U`` of such vectors over the negative eigenspace ``E`` of ``M_i`` the
compression ``U^T H U`` is ``diag(mu)/(2 lambda (1 - lambda))``; Cauchy's
interlacing theorem gives ``lambda_j(H) <= mu_j / (2 lambda(1-lambda))`` for
``j <= dim E``: at least ``dim E`` negative eigenvalues, with explicit bounds. The
eigenspaces of ``M_i`` are given by the symmetry: ``M_i`` commutes with the
stabiliser of row ``i`` in the isotropy of ``W`` (for ``Delta(S_{d-1} x S_1)`` and the
row of the size-1 block, ``R^d = 1_{d-1} + e_d + S_{d-1}``: a 2 x 2 block on the
block-constant vectors and one eigenvalue of multiplicity ``d - 2``);
:func:`descent_directions` names the component of each negative eigenvector. At the
equal split ``lambda_r = 1/(m+1)`` the pieces are interchangeable, the vectors with
``s = 0`` form an invariant subspace, and on it the Hessian is exactly
``(m + 1) M_i`` (each eigenvalue ``m`` times): the bound ``(m + 1) mu_min`` is then an
eigenvalue, and the smallest one unless the complementary sector goes lower.

**Zero extra rows** (``lambda_r = 0``): ``L`` is not differentiable there and no
Hessian or Morse index exists. The embedded point ``(W, 0)`` is nevertheless not a
local minimum when some ``M_i`` has a negative eigenvalue: the split points with
``lambda`` near 1 have the same loss, lie arbitrarily close to ``(W, 0)`` and are
saddles (so points of lower loss lie arbitrarily close to ``(W, 0)``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from symbolic.loss import model
from symbolic.loss.splitting import split_point

__all__ = ["split_point", "splitting_matrix", "split_inertia", "descent_directions",
           "SplitCertificate", "certify_split", "rayleigh_bound", "row_orbits"]


def splitting_matrix(W: Any, i: int, V: Any = None, *, backend: str = "numpy",
                     dps: int = 50) -> np.ndarray:
    """``M_i = d^2 L / dw_i^2 - I/2`` (the module docstring), a ``d x d`` array."""
    H = model.hessian(W, V, backend=backend, dps=dps)
    d = np.asarray(W, dtype=object).shape[1]
    M = np.array(H[i * d:(i + 1) * d, i * d:(i + 1) * d])
    half = 0.5 if backend == "numpy" else _half(backend, dps)
    for a in range(d):
        M[a, a] = M[a, a] - half
    return M


def _half(backend: str, dps: int):
    from symbolic.core.backends import get_backend

    be = get_backend(backend, dps=dps)
    with be.context():
        return be.number(Fraction(1, 2))


def split_inertia(H_k_inertia: tuple[int, int, int], M_inertia: tuple[int, int, int],
                  m: int) -> tuple[int, int, int]:
    """``In H_{k+m}(W_lambda) = In H_k(W) + m In(M_i)`` as (negative, zero, positive)."""
    return tuple(a + m * b for a, b in zip(H_k_inertia, M_inertia, strict=True))


def row_orbits(space, d: int) -> list[tuple[str, list[int]]]:
    """Rows of a point of ``Fix(H)`` grouped by block: ``[(label, [row indices])]``."""
    rows, _ = space.row_layout(d)
    out: dict[str, list[int]] = {}
    for r, (kind, a) in enumerate(rows):
        out.setdefault(f"{'block' if kind == 'diag' else 'extra'} {a}", []).append(r)
    return list(out.items())


def _component(vecs: np.ndarray, col_blocks: list[int]) -> str:
    """Name the component (of the stabiliser of the row) holding the columns of ``vecs``:
    block-constant ("trivial"), zero-sum on blocks ("standard of block a"), or mixed."""
    V = np.asarray(vecs, dtype=float).reshape(len(col_blocks), -1)
    blocks = sorted(set(col_blocks))
    idx = {b: [j for j, c in enumerate(col_blocks) if c == b] for b in blocks}
    const = np.zeros_like(V)
    for b in blocks:
        const[idx[b]] = V[idx[b]].mean(axis=0)
    n = np.linalg.norm(V)
    if np.linalg.norm(V - const) < 1e-6 * n:
        return "block-constant (trivial)"
    if np.linalg.norm(const) < 1e-6 * n:
        hit = [str(b) for b in blocks if np.linalg.norm(V[idx[b]]) > 1e-6 * n]
        return "zero-sum on block " + ",".join(hit) + " (standard)"
    return "mixed"


@dataclass
class Descent:
    """A negative eigenvalue ``mu`` of ``M_i`` with its multiplicity, the component of
    its eigenspace, and the interlacing bound ``mu / (2 lambda (1 - lambda))`` of the
    split Hessian at ``lambda = 1/2`` (``= 2 mu``)."""

    mu: float
    multiplicity: int
    component: str
    vectors: np.ndarray
    bound_half: float


def descent_directions(W: Any, i: int, col_blocks: list[int], V: Any = None,
                       tol: float = 1e-9) -> list[Descent]:
    """Negative eigenvalues of ``M_i`` (float64), grouped by value, with components."""
    M = np.asarray(splitting_matrix(np.asarray(W, dtype=float), i, V), dtype=float)
    ev, Q = np.linalg.eigh((M + M.T) / 2)
    groups: list[list[int]] = []
    for j, mu in enumerate(ev):
        if mu >= -tol:
            continue
        if groups and abs(ev[groups[-1][-1]] - mu) < 1e-7 * max(1.0, abs(mu)):
            groups[-1].append(j)
        else:
            groups.append([j])
    return [Descent(float(ev[g[0]]), len(g), _component(Q[:, g], col_blocks), Q[:, g],
                    float(2 * ev[g[0]])) for g in groups]


def rayleigh_bound(W_split: Any, i: int, extra: int, c: Any, *, backend: str = "numpy",
                   dps: int = 50):
    """``u^T H u`` for ``u`` moving row ``i`` by ``+c/sqrt2`` and row ``extra`` by
    ``-c/sqrt2`` (``|c| = 1``), from the full-matrix Hessian at the split point."""
    H = model.hessian(W_split, backend=backend, dps=dps)
    Wn = np.asarray(W_split, dtype=object)
    k, d = Wn.shape
    u = np.zeros(k * d, dtype=object)
    u[...] = 0
    cn = np.asarray(c, dtype=object)
    norm2 = sum(x * x for x in cn)
    for a in range(d):
        u[i * d + a] = cn[a]
        u[extra * d + a] = -cn[a]
    return (u @ H @ u) / (2 * norm2)


@dataclass
class SplitCertificate:
    """Three-way verdict on the type of the split simplex of a certified critical point.

    ``verdict``: ``"proved"`` (the inertia below is rigorous), or ``"unknown"`` with the
    ``reason``. ``index`` = negative eigenvalues at ``k + m`` (counted with
    multiplicity), ``nullity`` = zero eigenvalues, from the certified inertia at ``k``
    (:func:`symbolic.spectra.certify.certify_point`) and the certified inertia of ``M_i``
    (interval enclosures of its eigenvalues at the certified box).
    """

    verdict: str
    reason: str
    row: int
    m: int
    k_index: Any = None
    M_inertia: tuple | None = None
    index: Any = None
    nullity: Any = None
    M_eigenvalues: list = field(default_factory=list)  # arb enclosures

    @property
    def classification(self) -> str:
        if self.verdict != "proved":
            return "unknown"
        return "saddle" if self.index else "degenerate minimum"


def certify_split(cert, space, d: int, i: int, m: int, *, dps: int = 40) -> SplitCertificate:
    """Certified inertia of the split of row ``i`` into ``m + 1`` pieces.

    ``cert``: a :class:`~symbolic.spectra.certify.Certificate` of the point at ``k`` with
    verdict ``proved`` and a classification (every Hessian eigenvalue enclosure
    excludes 0, so the nullity at ``k`` is 0). ``M_i`` is evaluated in interval
    arithmetic on the certified box (so it encloses ``M_i`` at the true critical
    point); its eigenvalues are enclosed with
    :func:`symbolic.spectra.certify.enclose_eigenvalues`. ``M_i`` has the exact eigenvalue
    0 (eigenvector ``w_i``); the inertia is proved when exactly one enclosure
    contains 0 (it holds that eigenvalue, the enclosures being disjoint) and the
    others exclude it.
    """
    import flint

    from symbolic.spectra.certify import enclose_eigenvalues

    if cert.verdict != "proved" or cert.index is None:
        return SplitCertificate("unknown", f"the point at k is not certified: {cert.reason}",
                                i, m)
    W = space.matrix(cert.box, d)
    M = splitting_matrix(W, i, backend="arb", dps=dps)
    n = M.shape[0]
    B = [[M[a, b] for b in range(n)] for a in range(n)]
    I = [[flint.arb(1 if a == b else 0) for b in range(n)] for a in range(n)]
    encl, why = enclose_eigenvalues(B, I, flint=flint)
    if not encl:
        return SplitCertificate("unknown", f"eigenvalues of M_i not separated: {why}", i, m,
                                k_index=cert.index)
    zero = [e for e in encl if e.contains(0)]
    neg = sum(1 for e in encl if e < 0)
    pos = sum(1 for e in encl if e > 0)
    if len(zero) == n:
        return SplitCertificate("unknown", "every eigenvalue enclosure of M_i contains 0 "
                                "(M_i = 0 when the residual vanishes, as at the global "
                                "minimum: the split is then a degenerate minimum, which "
                                "interval arithmetic cannot decide)", i, m,
                                k_index=cert.index, M_eigenvalues=encl)
    if len(zero) != 1 or neg + pos + 1 != n:
        return SplitCertificate("unknown", "the eigenvalue 0 of M_i is not isolated by the "
                                "enclosures", i, m, k_index=cert.index, M_eigenvalues=encl)
    k_total = int(np.asarray(W).shape[0]) * n
    k_in = (int(cert.index), 0, k_total - int(cert.index))
    neg_k, null_k, _ = split_inertia(k_in, (neg, 1, pos), m)
    return SplitCertificate(
        "proved", "Sylvester: In H_{k+m} = In H_k + m In(M_i); In H_k certified by "
        "Krawczyk + eigenvalue enclosures, In(M_i) by eigenvalue enclosures on the box",
        i, m, k_index=int(cert.index), M_inertia=(neg, 1, pos), index=neg_k,
        nullity=null_k, M_eigenvalues=encl)
