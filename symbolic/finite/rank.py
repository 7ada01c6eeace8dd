"""Exact rank over Q of an integer (or rational) matrix, with a checkable certificate.

The rank of a rational matrix is the rank of the integer matrix obtained by scaling
every row and every column by a non-zero constant, so the Jacobians of
:mod:`symbolic.finite.network` are handed over as integer matrices (``jacobian_integer``).

Algorithm (every step exact):

1. Drop zero and duplicate columns (rank-preserving).
2. ``r_p = rank(M mod p)`` for the prime ``p = 2^61 - 1`` (python-flint ``nmod_mat``).
   A non-zero ``r_p x r_p`` minor mod ``p`` is a non-zero integer, so
   ``rank_Q(M) >= r_p``: the rows ``R`` and columns ``C`` of that minor are recorded.
3. If ``r_p = min(rows, cols)`` the rank is proved. Otherwise every other row ``i`` is
   written exactly as a rational combination of the rows ``R`` (solving the ``r_p x r_p``
   system ``M[R, C]^T c = M[i, C]^T`` with ``fmpz_mat.solve``) and the identity
   ``c^T M[R, :] = M[i, :]`` is checked on *all* columns in ``fmpq_mat``: that proves
   ``rank_Q(M) <= r_p``. If a check fails (an unlucky prime), the rank is computed by
   fraction-free elimination (``fmpz_mat.rank``), which is exact but slower.

The float rank (``numpy.linalg.matrix_rank`` with its default tolerance
``S.max * max(M, N) * eps``, the rule ``torch.linalg.matrix_rank`` applies in the
paper's code, ``kedar2/loss-landscape: metrics.py``, ``experiments/full_rank_regions.py``)
is computed only as a cross-check by :func:`float_rank`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import flint
import numpy as np

__all__ = ["PRIME", "RankResult", "exact_rank", "float_rank", "float_rank_and_sv",
           "rank_mod_p"]

#: The Mersenne prime 2^61 - 1 (fits a machine word, as ``nmod_mat`` needs).
PRIME = (1 << 61) - 1


@dataclass(frozen=True)
class RankResult:
    """Exact rank of an ``nrows x ncols`` matrix and how it was proved.

    ``method``: ``"minor mod p"`` (full rank proved by a non-zero minor mod ``PRIME``),
    ``"minor mod p + row relations"`` (lower bound by the minor, upper bound by exact
    rational relations among the rows), or ``"fraction-free elimination"``.
    ``rows``/``cols``: the indices of a non-singular ``rank x rank`` minor (original
    column indices).
    """

    rank: int
    nrows: int
    ncols: int
    method: str
    rows: tuple[int, ...]
    cols: tuple[int, ...]

    @property
    def full_row_rank(self) -> bool:
        return self.rank == self.nrows


def _to_integer_rows(M: Any) -> list[list[int]]:
    """Integer rows of ``M``; a rational matrix is scaled row by row (rank-preserving)."""
    raw = M.tolist() if hasattr(M, "tolist") else [list(r) for r in M]
    out = []
    for row in raw:
        if all(isinstance(x, (int, np.integer)) for x in row):
            out.append([int(x) for x in row])
            continue
        fr = [Fraction(x) for x in row]
        den = 1
        for q in fr:
            den = den * q.denominator // math.gcd(den, q.denominator)
        out.append([int(q * den) for q in fr])
    return out


def _pivots(rref_rows: list[list[int]]) -> list[int]:
    piv = []
    for row in rref_rows:
        for j, x in enumerate(row):
            if x:
                piv.append(j)
                break
    return piv


def rank_mod_p(rows: Sequence[Sequence[int]], p: int = PRIME) -> int:
    """Rank of the integer matrix modulo the prime ``p`` (a lower bound on the rank over Q)."""
    n = len(rows)
    c = len(rows[0]) if n else 0
    if n == 0 or c == 0:
        return 0
    return flint.nmod_mat(n, c, [x % p for r in rows for x in r], p).rank()


def exact_rank(M: Any) -> RankResult:
    """The rank over Q of an integer or rational matrix (list of rows or numpy array),
    proved as described in the module docstring."""
    rows = _to_integer_rows(M)
    n = len(rows)
    c0 = len(rows[0]) if n else 0
    # 1. zero and duplicate columns
    seen: dict[tuple[int, ...], int] = {}
    keep: list[int] = []
    for j in range(c0):
        col = tuple(r[j] for r in rows)
        if any(col) and col not in seen:
            seen[col] = j
            keep.append(j)
    if n == 0 or not keep:
        return RankResult(0, n, c0, "minor mod p", (), ())
    R = [[r[j] for j in keep] for r in rows]
    c = len(keep)
    p = PRIME
    # 2. independent rows mod p: pivots of rref(M^T)
    MT = flint.nmod_mat(c, n, [R[i][j] % p for j in range(c) for i in range(n)], p)
    rrefT, r = MT.rref()
    prow = _pivots([[int(x) for x in row] for row in rrefT.tolist()[:r]])
    sub = flint.nmod_mat(r, c, [R[i][j] % p for i in prow for j in range(c)], p)
    rrefS, r2 = sub.rref()
    assert r2 == r
    pcol = _pivots([[int(x) for x in row] for row in rrefS.tolist()[:r]])
    cols = tuple(keep[j] for j in pcol)
    if r == min(n, c):
        return RankResult(r, n, c0, "minor mod p", tuple(prow), cols)
    # 3. exact relations of the other rows on the rows prow
    others = [i for i in range(n) if i not in set(prow)]
    A = flint.fmpz_mat(r, r, [R[i][j] for j in pcol for i in prow])  # M[R, C]^T
    B = flint.fmpz_mat(r, len(others), [R[i][j] for j in pcol for i in others])
    X = A.solve(B)  # r x |others|, fmpq
    lhs = X.transpose() * flint.fmpq_mat(flint.fmpz_mat([R[i] for i in prow]))
    if lhs == flint.fmpq_mat(flint.fmpz_mat([R[i] for i in others])):
        return RankResult(r, n, c0, "minor mod p + row relations", tuple(prow), cols)
    rk = flint.fmpz_mat(R).rank()  # pragma: no cover - unlucky prime
    return RankResult(rk, n, c0, "fraction-free elimination", (), ())  # pragma: no cover


def float_rank(J: Any, dtype: Any = np.float64) -> int:
    """``numpy.linalg.matrix_rank`` of ``J`` cast to ``dtype`` (default tolerance)."""
    A = np.asarray(J, dtype=dtype)
    if A.size == 0:
        return 0
    return int(np.linalg.matrix_rank(A))


def float_rank_and_sv(J: Any, dtype: Any = np.float64) -> tuple[int, np.ndarray]:
    """The same rank as :func:`float_rank` (singular values above
    ``S.max * max(shape) * eps(dtype)``, numpy's rule) and the singular values, from one
    SVD in ``dtype``."""
    A = np.asarray(J, dtype=dtype)
    if A.size == 0:
        return 0, np.zeros(0)
    S = np.linalg.svd(A, compute_uv=False)
    tol = S.max(initial=0) * max(A.shape) * np.finfo(A.dtype).eps
    return int((S > tol).sum()), S
