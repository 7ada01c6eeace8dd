"""Which points of different fixed spaces are the same critical point.

A critical point of ``Fix(d)`` also lies in ``Fix(d-1,1)``, ``Fix(d-2,2)``, ...; the
atlas stores it once. Two points ``W, W'`` of ``M(k, d)`` in one ``S_k x S_d`` orbit
(``W' = P W Q^T`` with permutation matrices) have the same singular values, the same
multiset of row norms and of column norms, and the same loss. The fingerprint is
that vector (float64 from the refined high-precision parameters). Equal fingerprints
within ``1e-7`` relative are taken as the same orbit: a necessary condition made
practically sufficient by its length (``2d + k`` numbers) -- it is a fingerprint,
not a proof, and the atlas documentation says so.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["fingerprint", "same_point", "TOL"]

TOL = 1e-7


def fingerprint(space: Any, values: list, d: int) -> list[str]:
    """Sorted singular values, row norms and column norms of ``W`` as decimal strings."""
    W = np.array(space.matrix([float(v) for v in values], d), dtype=float)
    sv = np.linalg.svd(W, compute_uv=False)
    rows = np.sort(np.linalg.norm(W, axis=1))
    cols = np.sort(np.linalg.norm(W, axis=0))
    return [f"{x:.12e}" for x in (*sv, *rows, *cols)]


def same_point(fp_a: list[str], loss_a: str, fp_b: list[str], loss_b: str,
               tol: float = TOL) -> bool:
    """Whether two fingerprints (and losses) agree within ``tol`` relative."""
    if len(fp_a) != len(fp_b):
        return False
    la, lb = float(loss_a), float(loss_b)
    if abs(la - lb) > tol * (1e-3 + abs(la)):
        return False
    a = np.array([float(x) for x in fp_a])
    b = np.array([float(x) for x in fp_b])
    return bool(np.all(np.abs(a - b) <= tol * (1.0 + np.abs(a))))
