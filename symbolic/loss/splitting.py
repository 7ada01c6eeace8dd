"""Neuron splitting: row ``w_i`` of ``W`` replaced by pieces ``lambda_r w_i``
(``lambda_r > 0``, sum 1). ``relu`` is positively homogeneous, so the network function
``sum_i relu(w_i . x)`` does not change and a critical point stays critical (its inertia:
:mod:`symbolic.overparam.split`). Used by the catalogue's k > d families and by the
over-parameterization analysis."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from symbolic.core.errors import RelusymError

__all__ = ["split_point"]


def _lambdas(lambdas: Any, m: int | None = None) -> list:
    """Split weights: a number ``lam`` (pieces ``lam, (1 - lam)/m, ...``) or a list."""
    from symbolic.core.parsing import parse_number
    if isinstance(lambdas, (list, tuple)):
        lam = [Fraction(parse_number(x, "lambda")) if isinstance(x, str) else x
               for x in lambdas]
    else:
        x = Fraction(parse_number(lambdas, "lambda")) if isinstance(lambdas, str) else lambdas
        mm = 1 if m is None else m
        lam = [x] + [(1 - x) / mm] * mm
    if len(lam) < 2:
        raise RelusymError("a split needs at least two pieces")
    if any(not x > 0 for x in lam):
        raise RelusymError(f"split weights must be positive (zero weights give zero rows, "
                           f"where the loss is not differentiable), got {lambdas!r}")
    if abs(sum(lam) - 1) > 1e-12 * len(lam):
        raise RelusymError(f"split weights must add up to 1, got {lambdas!r}")
    return lam


def split_point(W: Any, i: int, lambdas: Any, m: int | None = None) -> np.ndarray:
    """Row ``i`` of ``W`` replaced by ``lambda_0 w_i`` and the pieces ``lambda_r w_i``
    appended as rows ``k, ..., k + m - 1`` (object array; entries keep their type)."""
    from symbolic.core.parsing import parse_number

    Wm = np.array(W, dtype=object)
    for idx, x in np.ndenumerate(Wm):
        if isinstance(x, str):  # decimal strings: exact rationals
            Wm[idx] = Fraction(parse_number(x, f"W[{idx[0]},{idx[1]}]"))
    k = Wm.shape[0]
    if not 0 <= i < k:
        raise RelusymError(f"row {i} does not exist (W has {k} rows)")
    lam = _lambdas(lambdas, m)
    out = np.empty((k + len(lam) - 1, Wm.shape[1]), dtype=object)
    out[:k] = Wm
    out[i] = [lam[0] * x for x in Wm[i]]
    for r, lr in enumerate(lam[1:]):
        out[k + r] = [lr * x for x in Wm[i]]
    return out
