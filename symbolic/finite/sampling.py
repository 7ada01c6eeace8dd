"""Sampling activation regions by volume and by count, and the exhaustive census of the
regions of a shallow network with one-dimensional input.

*By volume* (the paper's protocol, ``kedar2/loss-landscape:
experiments/full_rank_regions.py``, ``prob_jacobian_full_rank``): every sample draws a
fresh data set (``box = (0, 1)``: ``torch.rand``) and a fresh initialisation
(``torch.nn.Linear`` default, :func:`symbolic.finite.network.init_params`); the region
is the one holding the sampled parameters, so regions are weighted by their measure
under the initialisation. *By count*: one fixed data set; every neuron's pattern is drawn
uniformly from the list of realisable one-neuron patterns (exact cells,
:func:`symbolic.finite.regions.neuron_patterns`; for ``d0 = 1`` the ``2n`` step patterns,
the notebook ``jupyter_notebooks/generate-heatmaps.ipynb``, ``sample_step_vector``), so
every non-empty labelled region is equally likely.

Every sampled region is certified non-empty by an exact interior point (the sampled
parameters, or the exact cell points), and its Jacobian rank is exact
(:func:`symbolic.finite.rank.exact_rank`); float ranks (float64, and float32 as in the
paper's ``torch.linalg.matrix_rank`` on float32 tensors) are recorded for comparison.
"""

from __future__ import annotations

import hashlib
import itertools
import math
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np

from symbolic.core.errors import RelusymError
from symbolic.core.formatting import round_outward
from symbolic.finite.data import Dataset, random_dataset
from symbolic.finite.network import (
    Layer,
    Network,
    forward,
    init_params,
    jacobian_float,
    jacobian_integer,
)
from symbolic.finite.rank import exact_rank, float_rank_and_sv
from symbolic.finite.regions import (
    cover_count,
    critical_points_in_region,
    neuron_patterns,
    region_jacobian,
    step_patterns,
    zero_loss_in_region,
)

__all__ = ["ConfigResult", "sample_config", "wilson", "enumerate_regions_1d", "MODES",
           "EnumerationResult"]

MODES = ("volume", "count")
#: Largest number of one-neuron cells enumerated for sampling by count (d0 >= 2).
MAX_CELLS = 5000


def wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[str, str]:
    """95% Wilson score interval for ``k`` successes in ``n`` trials, rounded outward to
    3 significant digits (decimal strings)."""
    if n == 0:
        return ("0", "1")
    with mpmath.workdps(30):
        p = mpmath.mpf(k) / n
        zz = mpmath.mpf(z)
        den = 1 + zz**2 / n
        c = (p + zz**2 / (2 * n)) / den
        h = zz * mpmath.sqrt(p * (1 - p) / n + zz**2 / (4 * n * n)) / den
        lo, hi = max(c - h, mpmath.mpf(0)), min(c + h, mpmath.mpf(1))
        lo_s = round_outward(lo, 3, -1) if lo > 0 else "0"
        hi_s = round_outward(hi, 3, +1) if hi < 1 else "1"
    return lo_s, ("1" if Fraction(hi_s) > 1 else hi_s)


def _key(A: np.ndarray) -> str:
    return hashlib.sha1(np.packbits(np.asarray(A, dtype=bool)).tobytes()
                        + str(A.shape).encode()).hexdigest()[:16]


@dataclass
class ConfigResult:
    """Summary of ``samples`` regions of one configuration."""

    n: int
    d0: int
    width: int
    depth: int
    mode: str
    samples: int
    seed: int
    full_rank: int = 0
    ranks: Counter = field(default_factory=Counter)
    distinct: int = 0
    distinct_full_rank: int = 0
    float64_disagree: list[dict] = field(default_factory=list)
    float32_disagree: list[dict] = field(default_factory=list)
    redraws: int = 0
    zero_loss: Counter = field(default_factory=Counter)
    gm_dims: Counter = field(default_factory=Counter)
    rank_methods: Counter = field(default_factory=Counter)

    @property
    def params(self) -> int:
        return self.width * (self.d0 + 1) if self.depth == 1 else -1

    def fraction(self) -> Fraction:
        return Fraction(self.full_rank, self.samples)

    def to_json(self) -> dict[str, Any]:
        lo, hi = wilson(self.full_rank, self.samples)
        out = {"n": self.n, "d0": self.d0, "width": self.width, "depth": self.depth,
               "mode": self.mode, "samples": self.samples, "seed": self.seed,
               "full_rank": self.full_rank, "fraction_full_rank": str(self.fraction()),
               "wilson95": [lo, hi], "width_over_n": str(Fraction(self.width, self.n)),
               "rank_histogram": {str(r): c for r, c in sorted(self.ranks.items())},
               "distinct_regions": self.distinct,
               "distinct_full_rank": self.distinct_full_rank,
               "float64_disagreements": self.float64_disagree,
               "float32_disagreements": self.float32_disagree,
               "boundary_redraws": self.redraws,
               "rank_methods": dict(self.rank_methods)}
        if self.zero_loss:
            out["zero_loss"] = dict(self.zero_loss)
            out["global_min_dims"] = {str(k): c for k, c in sorted(self.gm_dims.items())}
        return out


def _record(res: ConfigResult, A_key: str, M: np.ndarray, Jf: np.ndarray,
            seen: dict[str, bool], n: int, idx: int) -> int:
    rr = exact_rank(M)
    r = rr.rank
    res.rank_methods[rr.method] += 1
    res.ranks[r] += 1
    full = r == n
    res.full_rank += full
    if A_key not in seen:
        seen[A_key] = full
    sv = {}
    for dt, lst in ((np.float64, res.float64_disagree), (np.float32, res.float32_disagree)):
        fr, sv[dt] = float_rank_and_sv(Jf, dt)
        if fr != r:
            lst.append(_explain(Jf, dt, r, fr, sv[np.float64], sv[dt], idx))
    return r


def _explain(Jf: np.ndarray, dt: Any, r: int, fr: int, sv64: np.ndarray, svd: np.ndarray,
             idx: int) -> dict:
    """Why the float rank ``fr`` differs from the exact rank ``r``: the relative gap
    ``sigma_r / sigma_1`` (float64 SVD) against numpy's relative tolerance
    ``max(shape) * eps(dtype)``. ``fr < r``: the matrix is that ill-conditioned at this
    precision (explained when ``sigma_r / sigma_1 < 10 tol``); ``fr > r``: an exactly
    zero singular value computed as rounding noise above the tolerance."""
    tol = max(Jf.shape) * float(np.finfo(dt).eps)
    rel_r = float(sv64[r - 1] / sv64[0]) if r >= 1 else 0.0
    rel_next = float(svd[r] / svd[0]) if r < len(svd) else 0.0
    if fr < r:
        why, ok = "sigma_r / sigma_1 below the float tolerance (ill-conditioned)", \
            rel_r < 10 * tol
    else:
        why, ok = "an exactly zero singular value computed above the tolerance", \
            rel_next > tol
    return {"sample": idx, "exact_rank": r, "float_rank": fr,
            "sigma_r_over_sigma_1": f"{rel_r:.3e}", "tolerance": f"{tol:.3e}",
            "reason": why, "explained": bool(ok)}


def sample_config(n: int, d0: int, width: int, *, depth: int = 1, samples: int = 100,
                  seed: int = 0, mode: str = "volume", box: tuple[int, int] = (0, 1),
                  output: str = "gaussian", zero_loss: bool = False) -> ConfigResult:
    """Sample ``samples`` activation regions (module docstring) and prove the rank of each."""
    if mode not in MODES:
        raise RelusymError(f"mode {mode!r} is not one of {MODES}")
    if depth < 1 or width < 1 or samples < 1:
        raise RelusymError("depth, width and samples must be positive")
    if mode == "count" and depth != 1:
        raise RelusymError("sampling by count is implemented for one hidden layer")
    if zero_loss and depth != 1:
        raise RelusymError("zero-loss regions are implemented for one hidden layer")
    if mode == "count" and d0 >= 2 and cover_count(n, d0) > MAX_CELLS:
        raise RelusymError(f"by count needs the {cover_count(n, d0)} one-neuron cells of "
                           f"n = {n} points in d0 = {d0}; at most {MAX_CELLS} supported")
    res = ConfigResult(n, d0, width, depth, mode, samples, seed)
    ss = np.random.SeedSequence([seed, n, d0, width, depth, MODES.index(mode)])
    seen: dict[str, bool] = {}
    widths = (width,) * depth
    if mode == "count":
        rng = np.random.default_rng(ss)
        data = random_dataset(n, d0, seed=rng, box=box)
        cells = _cells(data)
        template = init_params(d0, widths, seed=rng, output=output)
    for idx in range(samples):
        rng = np.random.default_rng(ss.spawn(1)[0])
        if mode == "volume":
            while True:
                data = random_dataset(n, d0, seed=rng, box=box)
                net = init_params(d0, widths, seed=rng, output=output)
                fw = forward(net, data)
                if not fw.boundary:
                    break
                res.redraws += 1  # pragma: no cover - probability ~ 2^-30
            A = fw.A[0]
            if depth == 1:
                M, _ = region_jacobian(A, net, data)
            else:
                M, _ = jacobian_integer(net, data, fw)
            key = _key(np.hstack([a for a in fw.A]))
        else:
            choice = rng.integers(0, len(cells), size=width)
            pts = [cells[c][1] for c in choice]
            A = np.array([cells[c][0] for c in choice], dtype=bool).T
            net = _net_from_cells(template, pts, d0)
            fw = forward(net, data)
            assert not fw.boundary and (fw.A[0] == A).all()  # the exact witness
            M, _ = region_jacobian(A, net, data)
            key = _key(A)
        Jf = jacobian_float(net, data.X_float())
        r = _record(res, key, M, Jf, seen, n, idx)
        if zero_loss:
            f = zero_loss_in_region(A, net, data)
            res.zero_loss[f.verdict] += 1
            if f.verdict == "proved":
                res.gm_dims[width * (d0 + 1) - r] += 1
    res.distinct = len(seen)
    res.distinct_full_rank = sum(seen.values())
    return res


def _cells(data: Dataset) -> list[tuple[tuple[bool, ...], list[Fraction]]]:
    """Realisable one-neuron patterns with exact interior points ``(w, b)``."""
    if data.d0 == 1:
        xs = sorted(Fraction(int(k), data.den) for k in data.KX[:, 0])
        out = []
        for pat in step_patterns(data):
            on = [Fraction(int(data.KX[j, 0]), data.den) for j in range(data.n) if pat[j]]
            off = [Fraction(int(data.KX[j, 0]), data.den) for j in range(data.n) if not pat[j]]
            if not on:
                out.append((pat, [Fraction(0), Fraction(-1)]))
            elif not off:
                out.append((pat, [Fraction(0), Fraction(1)]))
            elif min(on) > max(off):  # on for x > t
                t = (min(on) + max(off)) / 2
                out.append((pat, [Fraction(1), -t]))
            else:  # on for x < t
                t = (max(on) + min(off)) / 2
                out.append((pat, [Fraction(-1), t]))
        assert len(out) == 2 * len(xs)
        return out
    return neuron_patterns(data)


def _net_from_cells(template: Network, pts: list[list[Fraction]], d0: int) -> Network:
    from symbolic.finite.network import _common

    flat = [q for p in pts for q in p]
    K, den = _common(flat)
    K = K.reshape(len(pts), d0 + 1)
    return Network((Layer(K[:, :d0].copy(), K[:, d0].copy(), den),), template.Kv,
                   template.vden, template.train_output)


@dataclass
class EnumerationResult:
    """Exhaustive census of the labelled activation regions of a shallow network with
    ``d0 = 1`` (every neuron one of the ``2n`` step patterns: ``(2n)^m`` regions).

    ``deficient_critical``: for the rank-deficient regions, whether the region holds an
    interior critical point and of which kind (a bad local minimum when its loss, the
    least-squares residual, is positive)."""

    n: int
    width: int
    seed: int
    regions: int = 0
    orbits: int = 0
    full_rank: int = 0
    zero_loss: Counter = field(default_factory=Counter)
    gm_dims: Counter = field(default_factory=Counter)
    ranks: Counter = field(default_factory=Counter)
    full_rank_zero_loss: int = 0
    deficient_critical: Counter = field(default_factory=Counter)
    data: dict = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"n": self.n, "d0": 1, "width": self.width, "seed": self.seed,
                "regions": self.regions, "orbits_computed": self.orbits,
                "full_rank": self.full_rank,
                "fraction_full_rank": str(Fraction(self.full_rank, self.regions)),
                "rank_histogram": {str(k): c for k, c in sorted(self.ranks.items())},
                "zero_loss": dict(self.zero_loss),
                "full_rank_and_zero_loss": self.full_rank_zero_loss,
                "global_min_dims": {str(k): c for k, c in sorted(self.gm_dims.items())},
                "max_global_min_dim": str(2 * self.width - self.n),
                "rank_deficient_regions_interior_minima": dict(self.deficient_critical),
                "no_bad_local_minimum": self.full_rank
                + self.deficient_critical.get("none", 0)
                + self.deficient_critical.get("global minimum", 0),
                "data": self.data}


def enumerate_regions_1d(n: int, width: int, *, seed: int = 0, max_regions: int = 20000,
                         ) -> EnumerationResult:
    """Every labelled region of ``f(x) = sum_i v_i relu(w_i x + b_i)`` with
    ``v = (+1, -1, +1, ...)`` (``common.py``: ``ones_init``) on ``n`` seeded points of
    ``[-1, 1]`` with uniform targets: exact rank, zero-loss certificate and the exact
    dimension ``2m - rank`` of the global-minimum set of every region.

    Neurons with the same output weight are exchangeable, so one region per orbit of
    ``S_{m+} x S_{m-}`` is computed and counted with its orbit size (exact)."""
    total = (2 * n) ** width
    if total > max_regions:
        raise RelusymError(f"(2n)^m = {total} regions exceeds max_regions = {max_regions}")
    data = random_dataset(n, 1, seed=np.random.default_rng([seed, n, width]), box=(-1, 1))
    pats = step_patterns(data)
    mp = (width + 1) // 2
    mm = width // 2
    v = [(1 if i % 2 == 0 else -1) for i in range(width)]
    plus = [i for i in range(width) if v[i] > 0]
    minus = [i for i in range(width) if v[i] < 0]
    res = EnumerationResult(n, width, seed, data=data.to_json())

    def orbit(ms: tuple[int, ...]) -> int:
        c = Counter(ms)
        out = math.factorial(len(ms))
        for k in c.values():
            out //= math.factorial(k)
        return out

    for cp in itertools.combinations_with_replacement(range(len(pats)), mp):
        for cm in itertools.combinations_with_replacement(range(len(pats)), mm):
            wgt = orbit(cp) * orbit(cm)
            cols = [None] * width
            for i, c in zip(plus, cp, strict=True):
                cols[i] = pats[c]
            for i, c in zip(minus, cm, strict=True):
                cols[i] = pats[c]
            A = np.array(cols, dtype=bool).T
            M, _ = region_jacobian(A, v, data)
            r = exact_rank(M).rank
            res.orbits += 1
            res.regions += wgt
            res.ranks[r] += wgt
            res.full_rank += wgt * (r == n)
            f = zero_loss_in_region(A, v, data)
            res.zero_loss[f.verdict] += wgt
            if f.verdict == "proved":
                res.gm_dims[2 * width - r] += wgt
                res.full_rank_zero_loss += wgt * (r == n)
            if r < n:
                g, ell = critical_points_in_region(A, v, data)
                kind = ("bad local minimum" if ell else "global minimum") \
                    if g.verdict == "proved" else ("none" if g.verdict == "disproved"
                                                  else "unknown")
                res.deficient_critical[kind] += wgt
    assert res.regions == total
    return res
