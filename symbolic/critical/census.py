r"""Census: every critical point that a fixed space holds, found, refined and classified.

Method (DESIGN.md section 4a):

1. *Search* (:func:`search_fixed_space` in :mod:`symbolic.critical.explore`, its
   starts and solvers in :mod:`symbolic.numerics.search`). Structured
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

The records (:class:`CriticalPoint`, :class:`CriticalSet`, :class:`Census`) are
:mod:`symbolic.critical.points`; both modules' public names are re-exported here.
"""

from __future__ import annotations

import contextlib
from concurrent.futures import Executor
from typing import Any

import numpy as np

from symbolic.core.backends import MpmathBackend
from symbolic.core.errors import RelusymError
from symbolic.core.precision import working_digits
from symbolic.core.progress import progress_bar
from symbolic.critical.explore import SearchResult, search_fixed_space
from symbolic.critical.points import (
    Census,
    CriticalPoint,
    CriticalSet,
    _canonical_index,
    _larger_isotropy_any,
    _min_row_norm,
    _zero_row_indices,
    _zero_rows,
    decimal_d,
    larger_isotropy,
    symmetry_images,
)
from symbolic.numerics.parallel import LocalProcessExecutor, executor_workers
from symbolic.numerics.search import (
    start_design,
)
from symbolic.numerics.solve import check_digits, newton, system_for
from symbolic.symmetry.canonical import OrbitRegistry, normaliser_permutations
from symbolic.symmetry.groups import FixedSpace, parse_d, parse_isotropy

__all__ = ["CriticalPoint", "CriticalSet", "Census", "census", "larger_isotropy", "start_design",
           "search_fixed_space", "SearchResult", "symmetry_images", "decimal_d"]


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
    ``Census.search_d`` records this; ``d > 10^22`` is refused.
    """
    space = parse_isotropy(space)
    if space.has_alpha:
        raise RelusymError(
            f"census of {space.label!r}: second-layer weights other than 1 are supported by "
            "the reduced system, Newton, continuation and spectra, not yet by the census "
            "(its deduplication and larger-isotropy detection permute rows of all weights)")
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
            f"d <= 1e8 and points are continued in d up to 1e22; for larger d use the "
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


#: Largest d at which the float64 multi-start search is run directly.
SEARCH_D_MAX = 10**8

#: Largest d reached by continuation from SEARCH_D_MAX (beyond: refused, use series).
CONTINUATION_D_MAX = 10**22  # the range of numerics.track.track


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


