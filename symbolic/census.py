r"""Census: every critical point that a fixed space holds, found, refined and classified.

Method (DESIGN.md section 4a):

1. *Search* (:func:`search_fixed_space`, :mod:`symbolic.search`). Structured
   guesses, seeded random starts (several scales, and uniform directions inside
   the bounded region of DESIGN.md section 8), critical points of the coarser
   fixed spaces (two blocks merged) embedded with perturbations, all run through
   a batched damped float64 Newton (:func:`symbolic.solve.newton_float`); then
   deflated Newton rounds (known roots and all their images repel) and random
   batches until one batch and its deflation round find no new class. The record
   (starts, seeds, deflation, stopping rule, last new class) is ``Census.search``.
2. *Deduplicate* the converged endpoints by one canonical key under the
   normaliser of ``H`` (:mod:`symbolic.canonical`; includes, at ``k > d``, the
   swap of a size-1 column block's row with a size-1 row-only row), then *refine*
   each distinct one with high-precision Newton (:func:`symbolic.solve.newton`)
   to the requested digits.
3. *Classify.* Endpoints where the reduced Jacobian is singular are not isolated
   critical points: a continuum of critical points (e.g. neurons dead on a
   half-space) on which Newton lands anywhere. They are grouped by loss and
   reported once as a :class:`CriticalSet` with the dimension of the kernel of
   the Jacobian, never as isolated points. A point whose parameters satisfy the
   equalities of a coarser block structure has a larger isotropy (e.g. the
   global minimum in ``Fix(d-1,1)`` has isotropy ``d``): the census says so.
   Each differentiable point gets its Hessian spectrum and Morse index; at a
   degenerate point the index is ``None`` and ``index_lower_bound`` counts the
   clearly negative eigenvalues ("saddle, index >= n"). Points with a zero row of
   ``W`` (loss not differentiable) are flagged, with no spectrum and no index.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp

from symbolic.backends import MpmathBackend
from symbolic.canonical import canonical_key, normaliser_permutations
from symbolic.errors import RelusymError
from symbolic.formatting import decimal, loss_decimal
from symbolic.groups import FixedSpace, parse_d, parse_isotropy
from symbolic.search import (
    coarser_spaces,
    deflated_newton_float,
    embed,
    project_fixed,
    random_starts,
    start_design,
    zero_row_groups,
)
from symbolic.solve import check_digits, guard_digits, newton, newton_float, system_for

__all__ = ["CriticalPoint", "CriticalSet", "Census", "census", "larger_isotropy", "start_design",
           "search_fixed_space", "SearchResult", "symmetry_images", "decimal_d"]


def decimal_d(d: Any) -> str:
    """``d`` as a string: an integer, or an exact rational ``p/q`` with its decimal value
    (fractional ``d`` must survive every output format)."""
    from fractions import Fraction

    if isinstance(d, Fraction) and d.denominator != 1:
        return f"{d.numerator}/{d.denominator}"
    return str(int(d)) if isinstance(d, Fraction) else str(d)


@dataclass
class CriticalPoint:
    """An isolated critical point of ``L`` in ``Fix(H)``, refined to ``digits``."""

    space: FixedSpace
    d: Any
    digits: int
    values: list
    loss: Any
    residual: Any
    larger_isotropy: str | None = None
    spectrum: Any = None
    certificate: Any = None
    zero_rows: list = field(default_factory=list)

    @property
    def differentiable(self) -> bool:
        """False when a row of ``W`` vanishes: ``L`` is not differentiable there, the
        point has no Hessian spectrum and no Morse index."""
        return not self.zero_rows

    @property
    def index_lower_bound(self) -> Any:
        """At a degenerate point: the number of clearly negative eigenvalues (below
        ``-tol``, with multiplicity), a lower bound of the Morse index; else the index."""
        if self.spectrum is None:
            return None
        if self.spectrum.index is not None:
            return self.spectrum.index
        return sum(e.multiplicity for e in self.spectrum.eigenvalues
                   if e.value < -self.spectrum.tol)

    @property
    def kind(self) -> str:
        """``minimum``, ``saddle``, ``degenerate saddle``, ``degenerate`` or
        ``non-differentiable (zero row)``; ``unclassified`` without a spectrum."""
        if not self.differentiable:
            return "non-differentiable (zero row)"
        if self.spectrum is None:
            return "unclassified"
        if self.spectrum.index is not None:
            return "minimum" if self.spectrum.index == 0 else "saddle"
        return "degenerate saddle" if self.index_lower_bound else "degenerate"

    @property
    def isotropy_note(self) -> str | None:
        """The larger isotropy of the point, if any (name used in notes/interfaces.md)."""
        return self.larger_isotropy

    def params(self) -> dict[str, Any]:
        return dict(zip(self.space.names, self.values, strict=True))

    def to_json(self, digits: int | None = None) -> dict:
        n = digits or self.digits
        out: dict[str, Any] = {
            "params": {k: decimal(v, n) for k, v in self.params().items()},
            "loss": loss_decimal(self.loss, n),
            "residual": decimal(self.residual, 3),
        }
        if self.larger_isotropy:
            out["larger_isotropy"] = self.larger_isotropy
        out["kind"] = self.kind
        out["differentiable"] = self.differentiable
        if not self.differentiable:
            out["zero_rows"] = list(self.zero_rows)
            out["note"] = ("a row of W is zero: the loss is not differentiable here; "
                           "no Hessian spectrum and no Morse index")
        if self.spectrum is not None:
            idx = self.spectrum.index
            out["index"] = _jnum(idx)
            out["degenerate"] = self.spectrum.degenerate
            if idx is None:
                out["index_lower_bound"] = _jnum(self.index_lower_bound)
            out["spectrum"] = self.spectrum.to_json(n)
        if self.certificate is not None:
            cj = self.certificate.to_json(n)
            out["certified"] = bool(cj.get("certified"))
            out["certificate"] = cj
        else:
            out["certified"] = False
        return out


def _jnum(m: Any) -> Any:
    """A multiplicity count for JSON: an int, or an exact rational string at fractional d."""
    from fractions import Fraction

    if m is None or isinstance(m, int):
        return m
    if isinstance(m, Fraction):
        return int(m) if m.denominator == 1 else f"{m.numerator}/{m.denominator}"
    return str(m)


@dataclass
class CriticalSet:
    """A non-isolated set of critical points (singular reduced Jacobian), reported once."""

    space: FixedSpace
    loss: Any
    dimension: int
    endpoints: int
    example: list
    zero_eigenvalues: int | None = None

    def to_json(self, digits: int) -> dict:
        out = {
            "loss": loss_decimal(self.loss, min(digits, 12)) if not isinstance(self.loss, float)
            else repr(self.loss),
            "newton_endpoints": self.endpoints,
            "example_params": {k: repr(float(v))
                               for k, v in zip(self.space.names, self.example, strict=True)},
        }
        if self.dimension >= 0:
            out["dimension"] = self.dimension
            out["note"] = ("non-isolated within Fix(H): the reduced Jacobian is singular; "
                           "dimension = its nullity at the example point")
        else:
            out["dimension_in_fix"] = 0
            out["zero_hessian_eigenvalues"] = self.zero_eigenvalues
            out["note"] = ("distinct points of Fix(H) with one loss and a degenerate Hessian "
                           f"({self.zero_eigenvalues} zero eigenvalues counted with "
                           "multiplicity): one non-isolated critical set of L, whose "
                           "directions leave Fix(H); not certified as isolated points")
        return out


@dataclass
class Census:
    space: FixedSpace
    d: Any
    digits: int
    points: list[CriticalPoint] = field(default_factory=list)
    sets: list[CriticalSet] = field(default_factory=list)
    starts: int = 0
    failed_refinements: int = 0
    search_d: Any = None
    search: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        extra = {} if self.search_d is None else {
            "search_d": str(self.search_d),
            "note": "float64 search at search_d, points continued to d in high precision"}
        return {**extra,
            "isotropy": self.space.label,
            "d": decimal_d(self.d),
            "search": self.search,
            "failed_refinements": self.failed_refinements,
            "digits": self.digits,
            "points": [p.to_json(self.digits) for p in self.points],
            "sets": [s.to_json(self.digits) for s in self.sets],
            "starts": self.starts,
        }


def larger_isotropy(space: FixedSpace, values: list, tol: float) -> str | None:
    """The coarsest block structure whose equalities the point satisfies, if coarser.

    Two diagonal blocks ``a, b`` merge when ``D_a = D_b``, the off-diagonal
    entries inside and between them agree (``O_a = O_b = P_ab = P_ba``, where they
    exist) and their entries against every other block agree.
    """
    val = {q.symbol: v for q, v in zip(space.params, values, strict=True)}
    key = space._by_key  # (kind, row, col) -> symbol

    def get(kind, a, b):
        s = key.get((kind, a, b))
        return None if s is None else val[s]

    def close(x, y):
        return x is None or y is None or abs(x - y) <= tol * (1 + abs(x) + abs(y))

    parent = list(range(space.r + 1))

    def find(a):
        while parent[a] != a:
            a = parent[a]
        return a

    changed = True
    while changed:
        changed = False
        for a in range(1, space.r + 1):
            for b in range(a + 1, space.r + 1):
                if find(a) == find(b):
                    continue
                ok = close(get("D", a, a), get("D", b, b))
                offs = [get("O", a, a), get("O", b, b), get("P", a, b), get("P", b, a)]
                offs = [o for o in offs if o is not None]
                ok &= all(close(offs[0], o) for o in offs)
                for c in range(1, space.r + 1):
                    if c in (a, b):
                        continue
                    ok &= close(get("P", a, c), get("P", b, c))
                    ok &= close(get("P", c, a), get("P", c, b))
                for e in range(1, len(space.extra) + 1):
                    ok &= close(get("R", e, a), get("R", e, b))
                if ok:
                    parent[find(b)] = find(a)
                    changed = True
    groups: dict[int, list[int]] = {}
    for a in range(1, space.r + 1):
        groups.setdefault(find(a), []).append(a)
    if len(groups) == space.r:
        return None
    sizes = [sp.expand(sum(space.blocks[a - 1].size for a in g)) for g in groups.values()]
    sizes.sort(key=lambda s: (-sp.Poly(s, sp.Symbol("d", positive=True)).degree(), str(s)))
    label = ",".join(str(s).replace(" ", "") for s in sizes)
    if space.extra:
        label += ";" + ",".join(str(b.size).replace(" ", "") for b in space.extra)
    return label


def symmetry_images(space: FixedSpace, x: np.ndarray) -> list[np.ndarray]:
    """Distinct images of a parameter vector under the normaliser of ``H``
    (:func:`symbolic.canonical.normaliser_permutations`): simultaneous row-and-column
    permutations of equal blocks, column permutations of literal size-1 blocks, the
    column swap inside a literal size-2 block (``D <-> O``) and, at ``k > d``, the
    swap of a size-1 column block's row with a size-1 row-only block's row."""
    imgs = np.asarray(x, dtype=float)[normaliser_permutations(space)]
    out: list[np.ndarray] = []
    for w in imgs:
        if not any(np.allclose(w, u, rtol=1e-9, atol=1e-12) for u in out):
            out.append(w)
    return out


def _scaled_hessian_float(space, x, d):
    """The reduced Jacobian in orthonormal coordinates ``y_p = sqrt(|orbit_p|) theta_p``:
    the Hessian of ``L`` restricted to ``Fix(H)`` (its eigenvalues are eigenvalues of
    the full Hessian), free of the orbit-size scales ``d, d^2``."""
    rs = system_for(space)
    from symbolic.backends import NumpyBackend

    dd = parse_d(d)
    J = np.asarray(rs.hessian(list(x), float(dd), backend=NumpyBackend()), float)
    sq = np.sqrt(np.array([float(q.orbit_size.subs(q.orbit_size.free_symbols.pop(), dd))
                           if q.orbit_size.free_symbols else float(q.orbit_size)
                           for q in space.params]))
    return J / (sq[:, None] * sq[None, :])


def census(
    space: FixedSpace | str,
    d: Any,
    *,
    digits: int = 40,
    starts: int = 400,
    seed: int = 0,
    progress: bool | None = None,
    with_spectrum: bool = True,
    certify: bool = False,
    coarse_seeds: bool = True,
    deflation: bool = True,
    max_starts: int | None = None,
) -> Census:
    """Find, refine and classify every critical point in ``Fix(H)`` at ``d``.

    Search (:func:`search_fixed_space`): ``starts`` random starts plus structured
    ones, seeds embedded from coarser fixed spaces, deflation rounds, then random
    batches until a whole batch (plain and deflated) finds no new class of
    endpoints up to the normaliser (:mod:`symbolic.canonical`), or ``max_starts``.
    ``Census.search`` records how it searched. Not a proof of completeness.

    For ``d > 10^8`` the float64 search is unreliable (the reduced gradient sums
    terms of size ``d^3`` that cancel), so the search runs at ``d = 10^8`` and every
    point found is continued to ``d`` in high precision (:mod:`symbolic.track`);
    ``Census.search_d`` records this; ``d > 10^20`` is refused.
    """
    space = parse_isotropy(space)
    digits = check_digits(digits)
    dnum = parse_d(d)
    space.check_d(dnum)
    _check_search_args(starts, seed, max_starts)
    if dnum > CONTINUATION_D_MAX:
        raise RelusymError(
            f"d = {_dstr(dnum)} is beyond the census range: the float64 search runs at "
            f"d <= 1e8 and points are continued in d up to 1e20; for larger d use the "
            f"Puiseux expansions (relusym series) or relusym track on a single family")
    if dnum > SEARCH_D_MAX:
        return _census_by_continuation(space, dnum, digits=digits, starts=starts, seed=seed,
                                       progress=progress, with_spectrum=with_spectrum,
                                       certify=certify)
    sr = search_fixed_space(space, dnum, starts=starts, seed=seed, coarse_seeds=coarse_seeds,
                            deflation=deflation, max_starts=max_starts)
    out = Census(space, dnum, digits, starts=sr.info["total_starts"], search=sr.info)
    # The loss sums O(d^2) terms of size O(1) that cancel at a minimum: guard digits
    # keep its absolute error below 10^-digits (W = I: 1e-26 at d = 1e8 without them).
    be = MpmathBackend(digits + guard_digits(dnum))
    rs = system_for(space)
    cands = [(x, True) for x in sr.isolated] + [(x, False) for x in sr.zero_row]
    bar = _progress(len(cands), progress, "refine")
    refined: list[CriticalPoint] = []
    keys: set = set()
    G = normaliser_permutations(space)
    zero_tol = 10.0 ** (-(digits // 2))
    for x, differentiable in cands:
        r = newton(space, [repr(float(v)) for v in x], dnum, dps=digits, maxiter=60)
        bar.update(1)
        if not r.converged:
            if differentiable:
                out.failed_refinements += 1
                continue
            vals = [be.mp.mpf(repr(float(v))) for v in x]
        else:
            vals = list(r.values)
        xf = np.array([float(v) for v in vals])
        zero = _zero_rows(space, xf, zero_tol if r.converged else 1e-6)
        if differentiable and zero:
            differentiable = False
        # store the canonical copy (exact coordinate permutation of the refined values)
        perm = G[_canonical_index(G, xf)]
        vals = [vals[i] for i in perm]
        key = canonical_key(space, xf, decimals=8)
        if key in keys:
            continue
        keys.add(key)
        loss = rs.loss(vals, dnum, backend=be)
        cp = CriticalPoint(space, dnum, digits, vals, loss, r.residual,
                           _larger_isotropy_any(space, vals, G, 10.0 ** (-(digits // 2))))
        if not differentiable:
            cp.zero_rows = zero or _zero_rows(space, xf, 1e-6)
        refined.append(cp)
    bar.close()
    refined.sort(key=lambda p: p.loss)
    if with_spectrum:
        from symbolic.spectrum import spectrum as _spectrum

        for p in refined:
            if p.differentiable:
                p.spectrum = _spectrum(space, p.values, dnum, dps=digits + guard_digits(dnum))
    if certify:
        from symbolic.certify import certify_point

        for p in refined:
            if p.differentiable:
                p.certificate = certify_point(space, p.values, dnum, dps=digits + 20)
    if with_spectrum:
        refined = _group_degenerate(space, refined, out, digits)
    out.points = refined
    # Non-isolated sets: group singular endpoints by loss.
    groups: list[list] = []
    for x, null in sr.singular:
        loss = float(rs.loss(list(x), float(dnum), backend="numpy"))
        for g in groups:
            if abs(g[0] - loss) <= 1e-7 * (1 + abs(loss)):
                g[1].append((x, null))
                break
        else:
            groups.append([loss, [(x, null)]])
    for loss, members in groups:
        x, null = members[0]
        out.sets.append(CriticalSet(space, loss, max(n for _, n in members), len(members),
                                    list(x)))
    out.sets.sort(key=lambda s: s.loss)
    return out


def _dstr(d) -> str:
    return decimal_d(d)


def _check_search_args(starts, seed, max_starts) -> None:
    if isinstance(starts, bool) or not isinstance(starts, (int, np.integer)) or \
            not 0 <= starts <= 100_000:
        raise RelusymError(f"starts = {starts!r}: use an integer 0..100000")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or \
            not 0 <= seed < 2**32:
        raise RelusymError(f"seed = {seed!r}: use an integer 0..4294967295")
    if max_starts is not None and (not isinstance(max_starts, (int, np.integer))
                                   or max_starts < 1):
        raise RelusymError(f"max_starts = {max_starts!r}: use a positive integer")


def _zero_rows(space: FixedSpace, x: np.ndarray, tol: float) -> list[str]:
    """Names of the row blocks of ``W`` whose entries all vanish (``|entry| <= tol``)."""
    return [name for name, ix in zero_row_groups(space)
            if ix and np.max(np.abs(x[ix])) <= tol]


def _canonical_index(G: np.ndarray, x: np.ndarray, decimals: int = 8) -> int:
    rounded = np.round(x[G], decimals) + 0.0
    return int(np.lexsort(rounded.T[::-1])[0])


def _larger_isotropy_any(space, vals, G, tol) -> str | None:
    """:func:`larger_isotropy` maximised over the images under the normaliser (the
    merge test compares fixed positions; an image may show the coarser structure)."""
    best = None
    for perm in G:
        lab = larger_isotropy(space, [vals[i] for i in perm], tol)
        if lab is not None and (best is None or lab.count(",") < best.count(",")):
            best = lab
    return best


@dataclass
class SearchResult:
    """Float64 endpoints of a search: isolated classes (one per normaliser orbit),
    zero-row endpoints, singular-Jacobian endpoints (with nullity), and the record."""

    isolated: list
    zero_row: list
    singular: list
    info: dict


_SEARCH_MEMO: dict = {}

#: Consecutive random batches (with their deflation rounds) without a new class to stop.
PATIENCE = 2


def search_fixed_space(space: FixedSpace | str, d: Any, *, starts: int = 400, seed: int = 0,
                       coarse_seeds: bool = True, deflation: bool = True,
                       max_starts: int | None = None, _depth: int = 0) -> SearchResult:
    """The float64 search of the census (see :func:`census`); returns a :class:`SearchResult`.

    Stopping rule: after the initial design, seeds, deflation rounds and deflated rounds
    from perturbations of the points found (until one finds nothing new), random batches
    of ``B = max(100, 10 dim Fix(H))`` starts, each followed by a deflation round, are
    run until ``PATIENCE`` consecutive batches with their deflation rounds find no new
    class; at most
    ``max_starts`` (default ``max(20 starts, 4000)``) starts in all."""
    space = parse_isotropy(space)
    dnum = parse_d(d)
    memo_key = (space.label, str(dnum), starts, seed, coarse_seeds, deflation, max_starts)
    if memo_key in _SEARCH_MEMO:
        return _SEARCH_MEMO[memo_key]
    dim = space.dim
    batch = max(100, 10 * dim)
    cap = max_starts or max(20 * starts, 4000)
    G = normaliser_permutations(space)
    rng = np.random.default_rng([seed, 7919])
    classes: dict = {}
    zero: dict = {}
    singular: list = []
    counter = {"n": 0, "last_new": 0, "random": 0, "structured": 0, "seeded": 0,
               "deflated": 0, "deflation_rounds": 0, "batches": 0, "neighbourhood": 0}

    def absorb(X, res, n_starts) -> int:
        """Classify endpoints; return how many new classes appeared."""
        new = 0
        base = counter["n"]
        counter["n"] += n_starts
        ok = np.isfinite(res) & (res < 1e-7)
        for j in np.nonzero(ok)[0]:
            x = X[j]
            zr = _zero_rows(space, x, 1e-6)
            if zr:
                k = canonical_key(space, x, decimals=5)
                if k not in zero:
                    zero[k] = x
                    new += 1
                    counter["last_new"] = int(base + j + 1)
                continue
            Hs = _scaled_hessian_float(space, x, dnum)
            if not np.all(np.isfinite(Hs)):
                continue
            ev = np.abs(np.linalg.eigvalsh((Hs + Hs.T) / 2))
            # float64 resolves eigenvalues to ~1e-16 * max|ev|; those below 1e-6 are zero
            null = int(np.sum(ev <= 1e-6 + 1e-12 * ev.max()))
            if null:
                singular.append((x, null))
                continue
            k = canonical_key(space, x, decimals=6)
            if k not in classes:
                classes[k] = x
                new += 1
                counter["last_new"] = int(base + j + 1)
        return new

    explored: set = set()

    def neighbourhood_round() -> int:
        """Deflated Newton from perturbations of every class not explored yet and of
        singular endpoints: critical points come in clusters (bifurcations)."""
        if not deflation:
            return 0
        pts = []
        for k, x in list(classes.items()):
            if k in explored:
                continue
            explored.add(k)
            pts.append(x)
        for x, _ in singular[len(explored_sing):][:60]:
            pts.append(x)
        explored_sing.extend(singular[len(explored_sing):][:60])
        if not pts:
            return 0
        P = np.array(pts)
        S = np.concatenate([P + sc * (1 + np.abs(P)) * rng.normal(size=P.shape)
                            for sc in (0.03, 0.1, 0.3)])
        counter["neighbourhood"] += len(S)
        return deflate_round(S)

    explored_sing: list = []

    def deflate_round(S) -> int:
        if not classes or not len(S):
            return 0
        roots = np.concatenate([x[G] for x in classes.values()])
        X, res = deflated_newton_float(space, S, dnum, roots)
        counter["deflated"] += len(S)
        counter["deflation_rounds"] += 1
        return absorb(X, res, len(S))

    S0 = start_design(space, dnum, starts, seed)
    counter["structured"] = len(S0) - starts
    counter["random"] += starts
    seeds = np.zeros((0, dim))
    if coarse_seeds and space.r >= 2 and _depth < 2:
        pts = []
        for coarse, emb in coarser_spaces(space):
            try:
                coarse.check_d(dnum)
            except RelusymError:
                continue
            cr = search_fixed_space(coarse, dnum, starts=max(50, starts // 4), seed=seed,
                                    coarse_seeds=True, deflation=deflation,
                                    max_starts=max(1000, cap // 4), _depth=_depth + 1)
            for xc in cr.isolated + [x for x, _ in cr.singular[:20]]:
                xe = embed(xc, emb)[0]
                pts.append(xe)
                for scale in (0.02, 0.1, 0.3):
                    pts.append(xe + scale * (1 + np.abs(xe)) * rng.normal(size=dim))
        if pts:
            seeds = np.array(pts)
    # starts in the fixed subspaces of normaliser elements (symmetric starts stay there)
    syms = [project_fixed(random_starts(space, dnum, max(10, batch // 4), rng), g)
            for g in G[1:17]]
    if syms:
        seeds = np.concatenate([seeds] + syms)
    counter["seeded"] = len(seeds)
    S = np.concatenate([S0, seeds]) if len(seeds) else S0
    X, res = newton_float(space, S, dnum)
    absorb(X, res, len(S))
    if deflation:
        for _ in range(4):
            pick = S[rng.choice(len(S), size=min(len(S), batch), replace=False)]
            if not deflate_round(pick):
                break
        for _ in range(4):
            if not neighbourhood_round():
                break
    stop = f"no new class in the last {PATIENCE} batches"
    empty = 0
    while True:
        if counter["n"] >= cap:
            stop = f"start budget ({cap}) exhausted"
            break
        Sb = random_starts(space, dnum, batch, rng)
        if len(G) > 1:  # a quarter of every batch in the fixed subspace of one element
            q = batch // 4
            Sb[:q] = project_fixed(Sb[:q], G[rng.integers(1, len(G))])
        counter["random"] += batch
        counter["batches"] += 1
        X, res = newton_float(space, Sb, dnum)
        new = absorb(X, res, batch)
        if deflation:
            new += deflate_round(Sb)
            if new:
                new += neighbourhood_round()
        empty = 0 if new else empty + 1
        if empty >= PATIENCE:
            break
    info = {
        "total_starts": counter["n"],
        "random_starts": counter["random"],
        "structured_starts": counter["structured"],
        "seeded_starts": counter["seeded"],
        "seeded_from": [c.label for c, _ in coarser_spaces(space)] if counter["seeded"]
        else [],
        "symmetric_starts": "in Fix(g) for up to 16 normaliser elements g, and a quarter of "
                            "every batch" if len(G) > 1 else None,
        "deflation": ({"operator": "M(y) = prod_r (|y - r|^-2 + 1), y orthonormal coords",
                       "rounds": counter["deflation_rounds"],
                       "deflated_starts": counter["deflated"],
                       "of_which_near_found_points": counter["neighbourhood"]}
                      if deflation else None),
        "batch": batch,
        "stopping_rule": f"stop when {PATIENCE} consecutive batches of {batch} random starts "
                         f"and their deflation rounds find no new class (up to the "
                         f"normaliser); at most {cap} starts",
        "stopped_because": stop,
        "last_new_class_at_start": counter["last_new"],
        "classes": len(classes),
        "confidence": ("heuristic, not a proof: the last "
                       f"{counter['n'] - counter['last_new']} starts found nothing new"),
    }
    out = SearchResult(list(classes.values()), list(zero.values()), singular, info)
    _SEARCH_MEMO[memo_key] = out
    if len(_SEARCH_MEMO) > 64:
        _SEARCH_MEMO.pop(next(iter(_SEARCH_MEMO)))
    return out


#: Largest d at which the float64 multi-start search is run directly.
SEARCH_D_MAX = 10**8

#: Largest d reached by continuation from SEARCH_D_MAX (beyond: refused, use series).
CONTINUATION_D_MAX = 10**20


def _census_by_continuation(space, dnum, *, digits, starts, seed, progress, with_spectrum,
                            certify) -> Census:
    from symbolic.track import track

    base = census(space, SEARCH_D_MAX, digits=digits, starts=starts, seed=seed,
                  progress=progress, with_spectrum=False)
    out = Census(space, dnum, digits, starts=base.starts, search_d=SEARCH_D_MAX,
                 search=base.search)
    rs = system_for(space)
    be = MpmathBackend(digits + guard_digits(dnum))
    for p in base.points:
        if not p.differentiable:  # zero rows: not continued (no smooth branch)
            continue
        b = track(space, p.values, SEARCH_D_MAX, dnum, digits=digits, progress=False)
        if b.status != "reached":
            out.failed_refinements += 1
            continue
        vals = b.points[-1].values
        xr = np.array([float(v) for v in vals])
        if any(np.max(np.abs(xr - np.array([float(v) for v in q.values]))
                      / (1 + np.abs(xr))) < 1e-12 for q in out.points):
            continue
        loss = rs.loss(vals, dnum, backend=be)
        out.points.append(CriticalPoint(space, dnum, digits, vals, loss,
                                        _residual_at(space, vals, dnum, digits),
                                        larger_isotropy(space, vals,
                                                        10.0 ** (-(digits // 2)))))
    out.points.sort(key=lambda q: q.loss)
    if with_spectrum:
        from symbolic.spectrum import spectrum as _spectrum

        for q in out.points:
            q.spectrum = _spectrum(space, q.values, dnum, dps=digits + guard_digits(dnum))
        # (singular-Jacobian sets of the search at 10^8 are not continued; degenerate
        # points continued to d are grouped here)
        out.points = _group_degenerate(space, out.points, out, digits)
    if certify:
        from symbolic.certify import certify_point

        for q in out.points:
            q.certificate = certify_point(space, q.values, dnum, dps=digits + 20)
    return out


def _group_degenerate(space, refined: list, out: Census, digits: int) -> list:
    """Degenerate points (zero Hessian eigenvalue) sharing one loss are points of one
    non-isolated critical set of L (isolated in Fix(H), but not in the full space):
    report them once, as a :class:`CriticalSet`; return the remaining points."""
    tol_l = 10.0 ** (-(digits // 2))
    groups_d: list[list] = []
    for p in refined:
        if p.spectrum is not None and p.spectrum.index is None:
            for g in groups_d:
                if abs(g[0].loss - p.loss) <= tol_l * (1 + abs(p.loss)):
                    g.append(p)
                    break
            else:
                groups_d.append([p])
    grouped = {id(p) for g in groups_d if len(g) > 1 for p in g}
    for g in groups_d:
        if len(g) > 1:
            nzero = sum(e.multiplicity for e in g[0].spectrum.eigenvalues
                        if abs(e.value) <= g[0].spectrum.tol)
            out.sets.append(CriticalSet(space, g[0].loss, -1, len(g),
                                        [float(v) for v in g[0].values],
                                        zero_eigenvalues=nzero))
    return [p for p in refined if id(p) not in grouped]


def _residual_at(space, vals, d, digits):
    from symbolic.solve import newton

    return newton(space, vals, d, dps=digits, maxiter=3).residual


class _NoBar:
    def update(self, n=1):
        pass

    def close(self):
        pass


def _progress(total: int, progress: bool | None, desc: str):
    """A tqdm bar on a terminal (``progress=None``: only if stderr is a TTY)."""
    if progress is None:
        progress = sys.stderr.isatty()
    if not progress:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, file=sys.stderr, mininterval=1.0, delay=1.0)
