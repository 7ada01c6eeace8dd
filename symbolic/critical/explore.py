"""The search of a census (DESIGN.md section 4a, step 1): starts, batched Newton and
Levenberg-Marquardt, per-start deflation, soft-mode and perturbation exploration of each
new class, and the stopping rule, on one pool of processes; :func:`search_fixed_space`
returns the distinct endpoints (:class:`SearchResult`) for the census to refine."""

from __future__ import annotations

import time
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np

from symbolic.core.errors import RelusymError
from symbolic.critical.points import _zero_rows
from symbolic.numerics.parallel import executor_workers
from symbolic.numerics.search import (
    coarser_spaces,
    deflated_newton_float,
    embed,
    project_fixed,
    random_starts,
    start_design,
)
from symbolic.numerics.solve import newton_float
from symbolic.symmetry.canonical import OrbitRegistry, normaliser_permutations
from symbolic.symmetry.groups import FixedSpace, parse_d, parse_isotropy

__all__ = ["search_fixed_space", "SearchResult", "PATIENCE", "DEFLATION_DEPTH",
           "SEARCH_CHUNK", "MAX_SINGULAR"]


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
