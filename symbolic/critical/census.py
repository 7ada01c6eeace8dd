r"""Census: every critical point that a fixed space holds, found, refined and classified.

Method (DESIGN.md section 4a):

1. *Search* (:func:`search_fixed_space`, :mod:`symbolic.numerics.search`). Structured
   guesses, seeded random starts (several scales, and uniform directions inside
   the bounded region of DESIGN.md section 8), critical points of the coarser
   fixed spaces (two blocks merged) embedded with perturbations; every start runs
   batched damped Newton (:func:`symbolic.numerics.solve.newton_float`) and
   Levenberg-Marquardt; a start that reached a root is rerun with that root
   deflated (per start, depth 3); every new class is explored along its soft
   Hessian modes and by perturbations, itself deflated; random batches follow until
   two in a row find no new class. The record (starts, seeds, deflation, stopping
   rule, last new class) is ``Census.search``.
2. *Deduplicate* the converged endpoints under the normaliser of ``H``
   (:class:`symbolic.symmetry.canonical.OrbitRegistry`: an invariant, then an image-by-image
   comparison with tolerance; includes, at ``k > d``, the swap of a size-1 column
   block's row with a size-1 row-only row), then *refine*
   each distinct one with high-precision Newton (:func:`symbolic.numerics.solve.newton`)
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

import contextlib
import time
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp

from symbolic.core.backends import MpmathBackend
from symbolic.core.errors import RelusymError
from symbolic.core.formatting import decimal, loss_decimal
from symbolic.core.precision import working_digits
from symbolic.core.progress import progress_bar
from symbolic.numerics.parallel import LocalProcessExecutor, executor_workers
from symbolic.numerics.search import (
    coarser_spaces,
    deflated_newton_float,
    embed,
    project_fixed,
    random_starts,
    start_design,
    zero_row_groups,
)
from symbolic.numerics.solve import check_digits, newton, newton_float, system_for
from symbolic.symmetry.canonical import OrbitRegistry, normaliser_permutations
from symbolic.symmetry.groups import D_SYMBOL, FixedSpace, parse_d, parse_isotropy

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
                           "no Hessian spectrum and no Morse index; the dead rows are "
                           "exact zeros and the residual is that of the live rows' "
                           "gradient equations")
        if self.spectrum is not None:
            idx = self.spectrum.index
            out["index"] = _jnum(idx)
            out["degenerate"] = self.spectrum.degenerate
            if idx is None:
                n_neg = self.index_lower_bound
                out["index_lower_bound"] = _jnum(n_neg)
                out["note"] = (
                    "degenerate: a Hessian eigenvalue is zero within the spectrum's tol; "
                    + (f"saddle, index >= {_jnum(n_neg)} ({_jnum(n_neg)} eigenvalues, with "
                       f"multiplicity, below -tol at {self.spectrum.digits} digits; not "
                       "interval-certified)" if n_neg else "no eigenvalue below -tol: "
                       "minimum or saddle not decided at second order"))
            out["spectrum"] = self.spectrum.to_json(n)
        if self.certificate is not None:
            cj = self.certificate.to_json(n)
            out["verdict"] = cj["verdict"]
            out["certificate"] = cj
        else:
            out["verdict"] = "not attempted"
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
        """The census document (:func:`symbolic.core.schema.document`, kind ``census``):
        every number a decimal string (exact rationals ``p/q``), counts as integers."""
        from symbolic.core.schema import document

        extra = {} if self.search_d is None else {
            "search_d": str(self.search_d),
            "note": "float64 search at search_d, points continued to d in high precision"}
        return document("census", {**extra,
            "isotropy": self.space.label,
            "d": decimal_d(self.d),
            "search": self.search,
            "failed_refinements": self.failed_refinements,
            "digits": self.digits,
            "points": [p.to_json(self.digits) for p in self.points],
            "sets": [s.to_json(self.digits) for s in self.sets],
            "starts": self.starts,
        })

    def _rows(self, digits: int = 12) -> list[tuple[str, str, str, str]]:
        """(index, loss, type, isotropy) per point, then one row per non-isolated set."""
        rows = []
        for p in self.points:
            if not p.differentiable:
                idx = "n.d."
            elif p.spectrum is None:
                idx = "-"
            elif p.spectrum.index is not None:
                idx = str(p.spectrum.index)
            else:
                idx = f">= {p.index_lower_bound}"
            rows.append((idx, loss_decimal(p.loss, digits), p.kind,
                         p.larger_isotropy or self.space.label))
        for s in self.sets:
            loss = s.loss if isinstance(s.loss, float) else float(s.loss)
            kind = (f"non-isolated set, dimension {s.dimension} in Fix" if s.dimension >= 0
                    else f"non-isolated set ({s.zero_eigenvalues} zero eigenvalues)")
            rows.append(("-", f"{loss:.10g}", kind, self.space.label))
        return rows

    def _repr_html_(self) -> str:
        """A small HTML table (Jupyter): index, loss, type, isotropy."""
        from html import escape

        head = (f"<p>census of Fix({escape(self.space.label)}) at d = "
                f"{escape(decimal_d(self.d))}: {len(self.points)} points, "
                f"{len(self.sets)} non-isolated sets</p>")
        body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
                       for row in self._rows())
        return (head + "<table><thead><tr><th>index</th><th>loss</th><th>type</th>"
                "<th>isotropy</th></tr></thead><tbody>" + body + "</tbody></table>")

    def _repr_latex_(self) -> str:
        """The same table as a LaTeX tabular (inside ``$...$``-free text mode)."""
        def tex(s: str) -> str:
            return s.replace(">=", r"$\geq$").replace("_", r"\_").replace("#", r"\#")

        lines = [r"\begin{tabular}{rlll}", r"index & loss & type & isotropy \\ \hline"]
        lines += [" & ".join(tex(c) for c in row) + r" \\" for row in self._rows()]
        lines.append(r"\end{tabular}")
        return "\n".join(lines)


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
    sizes.sort(key=lambda s: (-sp.Poly(s, D_SYMBOL).degree(), str(s)))
    label = ",".join(str(s).replace(" ", "") for s in sizes)
    if space.extra:
        label += ";" + ",".join(str(b.size).replace(" ", "") for b in space.extra)
    return label


def symmetry_images(space: FixedSpace, x: np.ndarray) -> list[np.ndarray]:
    """Distinct images of a parameter vector under the normaliser of ``H``
    (:func:`symbolic.symmetry.canonical.normaliser_permutations`): simultaneous row-and-column
    permutations of equal blocks, column permutations of literal size-1 blocks, the
    column swap inside a literal size-2 block (``D <-> O``) and, at ``k > d``, the
    swap of a size-1 column block's row with a size-1 row-only block's row."""
    imgs = np.asarray(x, dtype=float)[normaliser_permutations(space)]
    out: list[np.ndarray] = []
    for w in imgs:
        if not any(np.allclose(w, u, rtol=1e-9, atol=1e-12) for u in out):
            out.append(w)
    return out


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
    workers: int = 1,
) -> Census:
    """Find, refine and classify every critical point in ``Fix(H)`` at ``d``.

    ``workers > 1``: refinement, spectrum and certificate of the points run on a
    :class:`concurrent.futures.ProcessPoolExecutor` with that many processes.

    Search (:func:`search_fixed_space`): ``starts`` random starts plus structured
    ones, seeds embedded from coarser fixed spaces, deflation rounds, then random
    batches until a whole batch (plain and deflated) finds no new class of
    endpoints up to the normaliser (:mod:`symbolic.symmetry.canonical`), or ``max_starts``.
    ``Census.search`` records how it searched. Not a proof of completeness.

    For ``d > 10^8`` the float64 search is unreliable (the reduced gradient sums
    terms of size ``d^3`` that cancel), so the search runs at ``d = 10^8`` and every
    point found is continued to ``d`` in high precision (:mod:`symbolic.numerics.track`);
    ``Census.search_d`` records this; ``d > 10^20`` is refused.
    """
    space = parse_isotropy(space)
    digits = check_digits(digits)
    dnum = parse_d(d)
    space.check_d(dnum)
    _check_search_args(starts, seed, max_starts)
    if isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or \
            not 1 <= workers <= 64:
        raise RelusymError(f"workers = {workers!r}: use an integer 1..64")
    if dnum > CONTINUATION_D_MAX:
        raise RelusymError(
            f"d = {_dstr(dnum)} is beyond the census range: the float64 search runs at "
            f"d <= 1e8 and points are continued in d up to 1e20; for larger d use the "
            f"Puiseux expansions (relusym series) or relusym track on a single family")
    if dnum > SEARCH_D_MAX:
        return _census_by_continuation(space, dnum, digits=digits, starts=starts, seed=seed,
                                       progress=progress, with_spectrum=with_spectrum,
                                       certify=certify)
    # one pool of local processes for the search (rows of every batch split over it)
    # and the refinement; stopped with the census (symbolic.numerics.parallel)
    pool = LocalProcessExecutor(max_workers=workers) if workers > 1 else None
    with pool if pool is not None else contextlib.nullcontext():
        sr = search_fixed_space(space, dnum, starts=starts, seed=seed,
                                coarse_seeds=coarse_seeds, deflation=deflation,
                                max_starts=max_starts, executor=pool)
        out = Census(space, dnum, digits, starts=sr.info["total_starts"], search=sr.info)
        cands = [(x, True) for x in sr.isolated] + [(x, False) for x in sr.zero_row]
        bar = progress_bar(len(cands), progress, "refine")
        refined: list[CriticalPoint] = []
        keys = OrbitRegistry(space, 1e-9)
        tasks = [(space.label, x, diff, dnum, digits, with_spectrum, certify)
                 for x, diff in cands]
        for res in _refine_all(tasks, pool):
            bar.update(1)
            if res is None:
                out.failed_refinements += 1
                continue
            if not keys.add(np.array([float(v) for v in res.values]))[1]:
                continue  # two search classes refined to one point
            refined.append(res)
        bar.close()
    rs = system_for(space)
    refined.sort(key=lambda p: p.loss)
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
        # generic members of a continuum have the smallest nullity (the dimension);
        # members near a zero row or a crossing have more: report the smallest, with an
        # example of that nullity as far from a zero row as possible
        dim = min(n for _, n in members)
        x = max((x for x, n in members if n == dim), key=lambda v: _min_row_norm(space, v))
        out.sets.append(CriticalSet(space, loss, dim, len(members), list(x)))
    out.sets.sort(key=lambda s: s.loss)
    return out


def _refine_one(task) -> CriticalPoint | None:
    """Refine one search endpoint to ``digits`` and classify it (a process-pool task):
    high-precision Newton, zero rows, canonical copy, loss, larger isotropy, spectrum,
    certificate. None when a differentiable endpoint does not refine."""
    label, x, differentiable, dnum, digits, with_spectrum, certify = task
    space = parse_isotropy(label)
    # The loss sums O(d^2) terms of size O(1) that cancel at a minimum: guard digits
    # keep its absolute error below 10^-digits (W = I: 1e-26 at d = 1e8 without them).
    be = MpmathBackend(working_digits(digits, dnum, "loss"))
    rs = system_for(space)
    G = normaliser_permutations(space)
    start = [repr(float(v)) for v in x]
    dead = [] if differentiable else _zero_row_indices(space, np.asarray(x, float), 1e-6)
    if dead:
        # a dead block of rows: held at ~0 (exactly 0 is outside the kernel's domain)
        # while Newton solves the live rows' equations; then reported as exact zeros
        tiny = f"1e-{working_digits(digits, dnum, 'newton') + 20}"
        start = [tiny if i in dead else v for i, v in enumerate(start)]
    r = newton(space, start, dnum, dps=digits, maxiter=60, frozen=dead)
    if not r.converged:
        if differentiable:
            return None
        vals = [be.mp.mpf(v) for v in start]
    else:
        vals = list(r.values)
    for i in dead:
        vals[i] = be.mp.zero
    xf = np.array([float(v) for v in vals])
    zero = _zero_rows(space, xf, 10.0 ** (-(digits // 2)) if r.converged else 1e-6)
    if differentiable and zero:
        differentiable = False
    # store the canonical copy (exact coordinate permutation of the refined values)
    perm = G[_canonical_index(G, xf)]
    vals = [vals[i] for i in perm]
    loss = rs.loss(vals, dnum, backend=be)
    cp = CriticalPoint(space, dnum, digits, vals, loss, r.residual,
                       _larger_isotropy_any(space, vals, G, 10.0 ** (-(digits // 2))))
    if not differentiable:
        cp.zero_rows = zero or _zero_rows(space, xf, 1e-6)
        return cp
    if with_spectrum:
        from symbolic.spectra.spectrum import spectrum as _spectrum

        cp.spectrum = _spectrum(space, vals, dnum, digits=digits)  # adds its own guard
    if certify:
        from symbolic.spectra.certify import certify_point

        cp.certificate = certify_point(space, vals, dnum, digits=digits)
    return cp


def _global_mpf(v: Any) -> Any:
    """An mpf of a private mpmath context as a global-context mpf with the same bits
    (private contexts' mpf types do not pickle; ``mpmath.mpf(v)`` would round)."""
    if not hasattr(v, "_mpf_"):
        return v
    import mpmath

    g = mpmath.mpf.__new__(mpmath.mpf)
    g._mpf_ = v._mpf_
    return g


def _refine_portable(task) -> CriticalPoint | None:
    """:func:`_refine_one` for a worker process: every mpf in the result made global
    (picklable, exact); certificates are left to the parent process."""
    label, x, differentiable, dnum, digits, with_spectrum, _certify = task
    cp = _refine_one((label, x, differentiable, dnum, digits, with_spectrum, False))
    if cp is None:
        return None
    cp.values = [_global_mpf(v) for v in cp.values]
    cp.loss = _global_mpf(cp.loss)
    cp.residual = _global_mpf(cp.residual)
    if cp.spectrum is not None:
        cp.spectrum.tol = _global_mpf(cp.spectrum.tol)
        for e in cp.spectrum.eigenvalues:
            e.value = _global_mpf(e.value)
    return cp


def _refine_all(tasks: list, pool: Executor | None):
    """Refined points of the search endpoints, in order; on the executor ``pool`` when
    given (values come back in the working precision's context)."""
    if pool is None or len(tasks) < 2:
        yield from map(_refine_one, tasks)
        return
    workers = executor_workers(pool)
    for task, cp in zip(tasks, pool.map(_refine_portable, tasks,
                                        chunksize=max(1, len(tasks) // (8 * workers))),
                        strict=True):
        if cp is not None:
            label, _x, _diff, dnum, digits, _ws, certify = task
            be = MpmathBackend(working_digits(digits, dnum, "loss"))
            cp.values = [be.mp.mpf(v) for v in cp.values]
            cp.loss = be.mp.mpf(cp.loss)
            cp.residual = be.mp.mpf(cp.residual)
            if certify and cp.differentiable:
                from symbolic.spectra.certify import certify_point

                cp.certificate = certify_point(label, cp.values, dnum, digits=digits)
        yield cp


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


def _zero_row_indices(space: FixedSpace, x: np.ndarray, tol: float) -> list[int]:
    """Indices of the parameters in the row blocks of ``W`` that vanish (``<= tol``)."""
    return sorted(i for _, ix in zero_row_groups(space)
                  if ix and np.max(np.abs(x[ix])) <= tol for i in ix)


def _min_row_norm(space: FixedSpace, x: np.ndarray) -> float:
    """The smallest max-entry over the row blocks of ``W`` (0 at a zero row)."""
    return min((float(np.max(np.abs(x[ix]))) for _, ix in zero_row_groups(space) if ix),
               default=0.0)


def _canonical_index(G: np.ndarray, x: np.ndarray, decimals: int = 8) -> int:
    rounded = np.round(x[G], decimals) + 0.0
    return int(np.lexsort(rounded.T[::-1])[0])


def _larger_isotropy_any(space, vals, G, tol) -> str | None:
    """:func:`larger_isotropy` maximised over the images under the normaliser (the
    merge test compares fixed positions; an image may show the coarser structure).
    Images that differ by a block relabelling give the same label: one per coset
    (:func:`symbolic.symmetry.canonical.relabel_coset_representatives`)."""
    from symbolic.symmetry.canonical import relabel_coset_representatives

    best = None
    for perm in relabel_coset_representatives(space):
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

#: Consecutive random batches (with their deflation sweeps) without a new class to stop.
PATIENCE = 2

#: Deflation depth: a start that reached a root is rerun with it deflated, this often.
DEFLATION_DEPTH = 3

#: Rows per batch of the float64 local solvers (one task on the executor).
SEARCH_CHUNK = 128

#: Singular-Jacobian endpoints kept (they are points of continua; more add nothing).
MAX_SINGULAR = 400


def search_fixed_space(space: FixedSpace | str, d: Any, *, starts: int = 400, seed: int = 0,
                       coarse_seeds: bool = True, deflation: bool = True,
                       max_starts: int | None = None, executor: Executor | None = None,
                       _depth: int = 0) -> SearchResult:
    """The float64 search of the census (see :func:`census`); returns a :class:`SearchResult`.

    Local solvers: every start runs damped Newton (:func:`symbolic.numerics.solve.newton_float`)
    and Levenberg-Marquardt (:func:`symbolic.numerics.search.levenberg_marquardt_float`; larger
    basins at nearly singular saddles). Deflation (per start,
    :func:`symbolic.numerics.search.deflated_newton_float`): a start whose run reached a root is
    rerun with that root deflated, up to ``DEFLATION_DEPTH`` times. Every new class is
    explored along its soft Hessian modes (:func:`symbolic.numerics.search.soft_mode_starts`,
    fold partners) and by perturbations, with itself deflated.

    Stopping rule: after the initial design and seeds, random batches of
    ``B = max(100, 10 dim Fix(H))`` starts, each with its deflation sweep and the
    exploration of what it found, until ``PATIENCE`` consecutive batches find no new
    class; at most ``max_starts`` (default ``max(20 starts, 4000, 1000 dim Fix(H))``)
    starts in all, seeds at most half of them (a random subset when there are more),
    new classes explored in the order found while the budget lasts (the rest reported
    as ``unexplored_classes``; the search then says it is incomplete).

    ``executor``: a :class:`concurrent.futures.Executor` (e.g. the census's local
    processes) over which every batch of starts is split by rows; each row's iteration
    is independent of the others, so the result is the same with or without it."""
    from symbolic.numerics.search import (
        levenberg_marquardt_float,
        scaled_hessian_float,
        soft_mode_starts,
    )
    from symbolic.numerics.solve import _ExactFloat, orbit_sizes
    from symbolic.symmetry.canonical import OrbitRegistry

    space = parse_isotropy(space)
    dnum = parse_d(d)
    memo_key = (space.label, str(dnum), starts, seed, coarse_seeds, deflation, max_starts)
    parts = executor_workers(executor) if executor is not None else 1
    t_start = time.perf_counter()

    def solve_rows(fn, S, *per_row):
        """``fn(label, S, d, *per_row)`` on fixed chunks of ``SEARCH_CHUNK`` rows of ``S``
        (and of the per-row arrays), run on the executor's workers when there is one;
        results concatenated in order. The chunks are the same with or without an
        executor, so the census does not depend on ``workers`` (float64 BLAS results
        depend on the batch size in the last bits; Newton amplifies that)."""
        chunks = [np.arange(s, min(s + SEARCH_CHUNK, len(S)))
                  for s in range(0, len(S), SEARCH_CHUNK)]
        if parts < 2 or len(chunks) < 2:
            outs = [fn(space.label, S[c], dnum, *[a[c] for a in per_row]) for c in chunks]
        else:
            futs = [executor.submit(fn, space.label, S[c], dnum, *[a[c] for a in per_row])
                    for c in chunks]
            outs = [fut.result() for fut in futs]
        return (np.concatenate([o[0] for o in outs]), np.concatenate([o[1] for o in outs]))

    if memo_key in _SEARCH_MEMO:
        return _SEARCH_MEMO[memo_key]
    dim = space.dim
    batch = max(100, 10 * dim)
    cap = max_starts or max(20 * starts, 4000, 1000 * dim)
    G = normaliser_permutations(space)
    sq = np.sqrt(np.array([float(s) for s in orbit_sizes(space, dnum, _ExactFloat())]))
    rng = np.random.default_rng([seed, 7919])
    classes = OrbitRegistry(space, 1e-6)
    zero = OrbitRegistry(space, 1e-5)
    singular: list = []
    pending: list = []  # new classes not explored yet
    counter = {"n": 0, "last_new": 0, "random": 0, "structured": 0, "seeded": 0,
               "deflated": 0, "deflation_sweeps": 0, "batches": 0, "neighbourhood": 0,
               "soft_mode": 0, "singular_endpoints": 0}

    found_by: dict = {}  # new isolated classes per kind of start (how the search works)

    def absorb(X, res, source: str) -> int:
        """Classify endpoints; return how many new classes appeared."""
        new = 0
        ok = np.nonzero(np.isfinite(res) & (res < 1e-7))[0]
        if not len(ok):
            return 0
        X = X[ok]
        zr = [bool(_zero_rows(space, x, 1e-6)) for x in X]
        fresh = []
        for j, x in enumerate(X):
            if zr[j]:
                if zero.add(x)[1]:
                    new += 1
                    counter["last_new"] = counter["n"]
            elif classes.find(x) is None:
                fresh.append(j)
        if fresh:
            Hs = scaled_hessian_float(space, X[fresh], dnum)
            for j, H in zip(fresh, Hs, strict=True):
                if not np.all(np.isfinite(H)):
                    continue
                ev = np.abs(np.linalg.eigvalsh((H + H.T) / 2))
                # float64 resolves eigenvalues to ~1e-16 * max|ev|; below 1e-6 they are 0
                null = int(np.sum(ev <= 1e-6 + 1e-12 * ev.max()))
                if null:
                    counter["singular_endpoints"] += 1
                    if len(singular) < MAX_SINGULAR:
                        singular.append((X[j], null))
                    continue
                if classes.add(X[j])[1]:
                    new += 1
                    found_by[source] = found_by.get(source, 0) + 1
                    counter["last_new"] = counter["n"]
                    pending.append(X[j])
        return new

    def sweep(S, kind: str) -> int:
        """Newton and LM from the starts ``S``, then the per-start deflation sweep."""
        S = S[:max(0, cap - counter["n"])]  # the budget counts every start
        if not len(S):
            return 0
        counter["n"] += len(S)
        counter[kind] += len(S)
        X1, r1 = solve_rows(newton_float, S)
        X2, r2 = solve_rows(levenberg_marquardt_float, S)
        new = absorb(X1, r1, f"{kind} (Newton)") + absorb(X2, r2, f"{kind} (LM)")
        if deflation:  # deflate the LM endpoint only where it differs from Newton's
            other = np.max(np.abs(X2 - X1), axis=1) > 1e-6 * (1 + np.max(np.abs(X1), axis=1))
            other &= np.isfinite(r2) & (r2 < 1e-9)
            new += deflate(np.concatenate([S, S[other]]), np.concatenate([X1, X2[other]]),
                           np.concatenate([r1, r2[other]]), source=f"{kind} (deflated)")
        return new

    def deflate(S, X, r, roots=None, depth=DEFLATION_DEPTH, source="deflation") -> int:
        """Rerun converged starts with their endpoint deflated, ``depth`` times."""
        new = 0
        N = len(S)
        R = np.full((N, depth + (0 if roots is None else roots.shape[1]), dim), np.nan)
        k0 = 0
        if roots is not None:
            R[:, :roots.shape[1]] = roots
            k0 = roots.shape[1]
        act = np.arange(N)
        for k in range(k0, k0 + depth):
            conv = np.isfinite(r) & (r < 1e-9)
            act, Xc = act[conv], X[conv]
            if not len(act):
                break
            R[act, k] = Xc
            X, r = solve_rows(deflated_newton_float, S[act], R[act, :k + 1])
            counter["deflated"] += len(act)
            counter["deflation_sweeps"] += 1
            new += absorb(X, r, source)
        return new

    def explore() -> int:
        """Soft modes and perturbations of every class not explored yet, each deflated
        against the class itself (critical points come in clusters: bifurcations)."""
        new = 0
        while pending and deflation:
            S, own = [], []
            room = cap - counter["n"]
            while pending:  # explore classes in the order found, as the budget allows
                x = pending[0]
                sm = soft_mode_starts(space, x, dnum)
                pert = x[None, :] + np.concatenate(
                    [sc * rng.normal(size=(4, dim)) for sc in (0.05, 0.15, 0.4)]) / sq
                if len(sm) + len(pert) > room:
                    break
                pending.pop(0)
                room -= len(sm) + len(pert)
                counter["soft_mode"] += len(sm)
                counter["neighbourhood"] += len(pert)
                S.extend([sm, pert])
                own.extend([x] * (len(sm) + len(pert)))
            if not S:
                break  # the budget is spent: the rest stays unexplored (reported)
            S = np.concatenate(S)
            own = np.array(own)[:, None, :]
            X, r = solve_rows(deflated_newton_float, S, own)
            counter["n"] += len(S)
            new += absorb(X, r, "exploration")
            new += deflate(S, X, r, roots=own, source="exploration (deflated)")
        return new

    S0 = start_design(space, dnum, starts, seed)
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
                                    max_starts=max(1000, cap // 4), executor=executor,
                                    _depth=_depth + 1)
            for xc in cr.isolated + [x for x, _ in cr.singular[:20]]:
                xe = embed(xc, emb)[0]
                pts.append(xe)
                for scale in (0.05, 0.15, 0.4):
                    pts.append(xe + scale * rng.normal(size=dim) / sq)
        if pts:
            seeds = np.array(pts)
    # starts in the fixed subspaces of normaliser elements (symmetric starts stay there)
    syms = [project_fixed(random_starts(space, dnum, max(10, batch // 4), rng), g)
            for g in G[1:17]]
    if syms:
        seeds = np.concatenate([seeds] + syms)
    share = max(0, (cap - len(S0)) // 2)  # seeds get at most half of what is left
    counter["seeds_available"] = len(seeds)
    if len(seeds) > share:
        seeds = seeds[np.sort(rng.choice(len(seeds), size=share, replace=False))]
    sweep(S0[:len(S0) - starts], "structured")
    sweep(S0[len(S0) - starts:], "random")
    sweep(seeds, "seeded")
    explore()
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
        counter["batches"] += 1
        new = sweep(Sb, "random")
        new += explore()
        empty = 0 if new else empty + 1
        if empty >= PATIENCE:
            break
    info = {
        "total_starts": counter["n"],
        "random_starts": counter["random"],
        "structured_starts": counter["structured"],
        "seeded_starts": counter["seeded"],
        "seeded_from": [c.label for c, _ in coarser_spaces(space)] if len(seeds) and
        coarse_seeds and space.r >= 2 and _depth < 2 else [],
        "symmetric_starts": "in Fix(g) for up to 16 normaliser elements g, and a quarter of "
                            "every batch" if len(G) > 1 else None,
        "local_solvers": "damped Newton and Levenberg-Marquardt from every start",
        "deflation": ({"operator": "M(y) = prod_r (|y - r|^-2 + 1), y orthonormal coords, "
                                   "r the roots this start reached",
                       "depth": DEFLATION_DEPTH,
                       "sweeps": counter["deflation_sweeps"],
                       "deflated_starts": counter["deflated"],
                       "soft_mode_starts": counter["soft_mode"],
                       "perturbation_starts": counter["neighbourhood"]}
                      if deflation else None),
        "batch": batch,
        "stopping_rule": f"stop when {PATIENCE} consecutive batches of {batch} random starts "
                         f"with their deflation sweeps find no new class (up to the "
                         f"normaliser); at most {cap} starts in all (seeds at most half; "
                         f"deflated reruns of converged starts counted apart)",
        "stopped_because": stop,
        "last_new_class_at_start": counter["last_new"],
        "classes": len(classes),
        "unexplored_classes": len(pending),
        "seeds_available": counter["seeds_available"],
        "new_classes_by_start": dict(sorted(found_by.items())),
        "singular_endpoints": counter["singular_endpoints"],
        "seconds": f"{time.perf_counter() - t_start:.3f}",  # wall, with coarse searches
        "confidence": ("heuristic, not a proof: the last "
                       f"{counter['n'] - counter['last_new']} starts found nothing new"
                       if stop.startswith("no new") else
                       f"incomplete: the start budget ran out while new classes were still "
                       f"appearing ({len(pending)} classes not explored; raise max_starts)"),
    }
    out = SearchResult(list(classes.reps), list(zero.reps), singular, info)
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
    from symbolic.numerics.track import track

    base = census(space, SEARCH_D_MAX, digits=digits, starts=starts, seed=seed,
                  progress=progress, with_spectrum=False)
    out = Census(space, dnum, digits, starts=base.starts, search_d=SEARCH_D_MAX,
                 search=base.search)
    rs = system_for(space)
    be = MpmathBackend(working_digits(digits, dnum, "loss"))
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
        from symbolic.spectra.spectrum import spectrum as _spectrum

        for q in out.points:
            q.spectrum = _spectrum(space, q.values, dnum, digits=digits)
        # (singular-Jacobian sets of the search at 10^8 are not continued; degenerate
        # points continued to d are grouped here)
        out.points = _group_degenerate(space, out.points, out, digits)
    if certify:
        from symbolic.spectra.certify import certify_point

        for q in out.points:
            q.certificate = certify_point(space, q.values, dnum, digits=digits)
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
    from symbolic.numerics.solve import newton

    return newton(space, vals, d, dps=digits, maxiter=3).residual


