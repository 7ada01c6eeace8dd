"""Seeded rational data sets for the finite-data landscape (Karhadkar, Murray, Tseran,
Montufar, TMLR 2024).

Inputs are ``n`` points of ``[low, high]^d0`` with coordinates ``low + (high - low) k / D``
for integers ``k`` drawn uniformly from ``0..D`` (``D = 2^30`` by default), so every
coordinate is an exact rational with the common denominator ``D`` and the data are in
general position with high probability (the paper's "generic" data). Points are
distinct (redrawn otherwise). Targets are uniform rationals in ``[-1, 1]``.

The paper's code draws ``X = torch.rand(n, d0)`` (uniform on ``[0, 1)``) in the
full-rank experiment (``kedar2/loss-landscape: experiments/full_rank_regions.py``) and
``2 * rand - 1`` (uniform on ``[-1, 1]``) inputs and targets in the global-minimum
experiments (``jupyter_notebooks/generate-heatmaps.ipynb``,
``experiments/global minima/common.py``); both boxes are available here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from symbolic.core.errors import RelusymError

__all__ = ["Dataset", "DEFAULT_DENOMINATOR", "random_dataset", "dataset_from_rows"]

DEFAULT_DENOMINATOR = 2**30


@dataclass(frozen=True)
class Dataset:
    """``n`` inputs in ``R^d0`` and targets, exact: ``X = KX / den`` and ``y = Ky / den``
    with integer arrays ``KX`` (``n x d0``, Python ints in an object array) and ``Ky``."""

    KX: np.ndarray
    Ky: np.ndarray
    den: int

    @property
    def n(self) -> int:
        return int(self.KX.shape[0])

    @property
    def d0(self) -> int:
        return int(self.KX.shape[1])

    def X(self) -> list[list[Fraction]]:
        """The inputs as exact Fractions."""
        return [[Fraction(int(k), self.den) for k in row] for row in self.KX]

    def y(self) -> list[Fraction]:
        return [Fraction(int(k), self.den) for k in self.Ky]

    def X_float(self) -> np.ndarray:
        return self.KX.astype(float) / self.den

    def y_float(self) -> np.ndarray:
        return self.Ky.astype(float) / self.den

    def augmented_integer(self) -> np.ndarray:
        """``den * [x_j, 1]`` row by row: an integer ``n x (d0 + 1)`` object array."""
        ones = np.full((self.n, 1), self.den, dtype=object)
        return np.hstack([self.KX, ones])

    def with_targets(self, Ky: np.ndarray) -> Dataset:
        return Dataset(self.KX, np.asarray(Ky, dtype=object), self.den)

    def to_json(self) -> dict:
        return {"n": self.n, "d0": self.d0, "denominator": str(self.den),
                "X": [[str(Fraction(int(k), self.den)) for k in row] for row in self.KX],
                "y": [str(Fraction(int(k), self.den)) for k in self.Ky]}


def _check_sizes(n: int, d0: int) -> None:
    if not isinstance(n, int) or n < 1:
        raise RelusymError(f"n = {n!r} must be a positive integer")
    if not isinstance(d0, int) or d0 < 1:
        raise RelusymError(f"d0 = {d0!r} must be a positive integer")


def random_dataset(n: int, d0: int, *, seed: int | np.random.Generator = 0,
                   box: tuple[int, int] = (-1, 1), den: int = DEFAULT_DENOMINATOR,
                   ) -> Dataset:
    """``n`` distinct rational points uniform on the grid ``box^d0`` of step
    ``(high - low) / den`` and uniform rational targets in ``[-1, 1]`` (seeded)."""
    _check_sizes(n, d0)
    low, high = box
    if not (isinstance(low, int) and isinstance(high, int) and low < high):
        raise RelusymError(f"box = {box!r} must be two integers low < high")
    if den < 2 * n:
        raise RelusymError(f"denominator {den} too small for {n} distinct points")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    span = high - low
    while True:
        K = rng.integers(0, den, size=(n, d0), endpoint=True)
        if len({tuple(r) for r in K.tolist()}) == n:
            break
    KX = np.array([[low * den + span * int(k) for k in row] for row in K.tolist()],
                  dtype=object).reshape(n, d0)
    Ky = np.array([int(k) for k in rng.integers(-den, den, size=n, endpoint=True)],
                  dtype=object)
    return Dataset(KX, Ky, den)


def dataset_from_rows(X: list[list], y: list | None = None) -> Dataset:
    """A data set from exact numbers (ints, Fractions, decimal strings) given row by row."""
    from symbolic.core.parsing import parse_number

    rows = [[Fraction(parse_number(v, "data")) for v in row] for row in X]
    if not rows or not rows[0] or any(len(r) != len(rows[0]) for r in rows):
        raise RelusymError("X must be a non-empty list of rows of equal length")
    ys = [Fraction(parse_number(v, "target")) for v in (y if y is not None else [0] * len(rows))]
    if len(ys) != len(rows):
        raise RelusymError("y must have one target per row of X")
    den = 1
    for q in [q for r in rows for q in r] + ys:
        den = den * q.denominator // math.gcd(den, q.denominator)
    KX = np.array([[int(q * den) for q in r] for r in rows], dtype=object).reshape(
        len(rows), len(rows[0]))
    Ky = np.array([int(q * den) for q in ys], dtype=object)
    return Dataset(KX, Ky, den)
