r"""Census: every critical point that a fixed space holds, found, refined and classified.

Method (DESIGN.md section 4a):

1. *Search.* Seeded random starts (entries of several scales, ``1``, ``d^{-1/2}``
   and ``d^{-1}`` for the parameters whose orbits grow with ``d``) plus
   structured guesses (``W = I``, ``W = -I + (2/d)(J - I)``, every choice of
   ``+-1`` on the diagonal blocks with small off-diagonal entries) run a batched
   damped float64 Newton (:func:`symbolic.solve.newton_float`) all at once.
2. *Deduplicate* the converged endpoints, then *refine* each distinct one with
   high-precision Newton (:func:`symbolic.solve.newton`) to the requested digits.
3. *Classify.* Endpoints where the reduced Jacobian is singular are not isolated
   critical points: a continuum of critical points (e.g. neurons dead on a
   half-space) on which Newton lands anywhere. They are grouped by loss and
   reported once as a :class:`CriticalSet` with the dimension of the kernel of
   the Jacobian, never as isolated points. A point whose parameters satisfy the
   equalities of a coarser block structure has a larger isotropy (e.g. the
   global minimum in ``Fix(d-1,1)`` has isotropy ``d``): the census says so.
   With :mod:`symbolic.spectrum` available each point gets its Hessian spectrum
   and Morse index.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp

from symbolic.backends import MpmathBackend
from symbolic.formatting import decimal
from symbolic.groups import FixedSpace, parse_d, parse_isotropy
from symbolic.solve import check_digits, guard_digits, newton, newton_float, system_for

__all__ = ["CriticalPoint", "CriticalSet", "Census", "census", "larger_isotropy", "start_design"]


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
            "loss": decimal(self.loss, n),
            "residual": decimal(self.residual, 3),
        }
        if self.larger_isotropy:
            out["larger_isotropy"] = self.larger_isotropy
        if self.spectrum is not None:
            out["index"] = self.spectrum.index
            out["degenerate"] = self.spectrum.degenerate
            out["spectrum"] = self.spectrum.to_json(n)
        if self.certificate is not None:
            cj = self.certificate.to_json(n)
            out["certified"] = bool(cj.get("certified"))
            out["certificate"] = cj
        else:
            out["certified"] = False
        return out


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
            "loss": decimal(self.loss, min(digits, 12)) if not isinstance(self.loss, float)
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

    def to_json(self) -> dict:
        extra = {} if self.search_d is None else {
            "search_d": str(self.search_d),
            "note": "float64 search at search_d, points continued to d in high precision"}
        return {**extra,
            "isotropy": self.space.label,
            "d": str(self.d),
            "digits": self.digits,
            "points": [p.to_json(self.digits) for p in self.points],
            "sets": [s.to_json(self.digits) for s in self.sets],
            "starts": self.starts,
        }


def _is_big_orbit(q) -> bool:
    """Parameters whose orbit grows faster than the block: off-diagonal entries."""
    return q.kind in ("O", "P", "R") and q.orbit_size.has(sp.Symbol("d", positive=True))


def start_design(space: FixedSpace, d: Any, n_random: int, seed: int) -> np.ndarray:
    """Starting points: structured guesses and seeded random ones, shape ``(N, dim)``."""
    rng = np.random.default_rng(seed)
    dfl = float(parse_d(d))
    names = space.names
    big = np.array([_is_big_orbit(q) for q in space.params])
    starts = []
    # structured: signs on the diagonal blocks, off-diagonal 0 or 2/d
    r = space.r
    for mask in range(2 ** min(r, 6)):
        for off in (0.0, 2.0 / dfl, -1.0 / dfl):
            x = np.zeros(len(names))
            for i, q in enumerate(space.params):
                if q.kind == "D":
                    x[i] = -1.0 if (mask >> (q.row - 1)) & 1 else 1.0
                elif q.kind in ("O", "P"):
                    x[i] = off
                else:  # row-only neurons: small
                    x[i] = 0.1
            starts.append(x)
    scales = np.array([1.0, dfl ** -0.5, 1.0 / dfl])
    for _ in range(n_random):
        x = rng.normal(size=len(names))
        s = scales[rng.integers(0, 3)]
        x = np.where(big, x * s, x * rng.choice([0.5, 1.0, 1.5]))
        starts.append(x)
    return np.array(starts)


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
    """Images of a parameter vector under symmetries of ``L`` that map ``Fix(H)`` to itself.

    ``L`` is invariant under all of ``S_k x S_d`` (target ``I_d``); the elements
    normalising ``H`` act on ``Fix(H)`` and identify critical points that are the
    same up to symmetry. Generated here: simultaneous row-and-column permutations
    of blocks of equal size, independent column permutations of literal blocks of
    size 1, and the column transposition inside a literal block of size 2 (which
    swaps its ``D`` and ``O``).
    """
    r = space.r
    idx = {(q.kind, q.row, q.col): i for i, q in enumerate(space.params)}
    sizes = [b.size for b in space.blocks]
    ones = [a for a in range(1, r + 1) if space.blocks[a - 1].literal and sizes[a - 1] == 1]
    twos = [a for a in range(1, r + 1) if space.blocks[a - 1].literal and sizes[a - 1] == 2]

    def entry(v, a, b, same):
        if a == b:
            return v[idx[("D", a, a)]] if same or ("O", a, a) not in idx else v[idx[("O", a, a)]]
        return v[idx[("P", a, b)]]

    def build(fn):
        """New vector from fn(kind, row, col) -> value."""
        return np.array([fn(q.kind, q.row, q.col) for q in space.params])

    gens = []
    for a in range(1, r + 1):
        for b in range(a + 1, r + 1):
            if sp.expand(sizes[a - 1] - sizes[b - 1]) == 0:
                perm = {a: b, b: a}

                def g(v, perm=perm):
                    p = lambda c: perm.get(c, c)  # noqa: E731
                    return build(lambda k, i, j: v[idx[(k, p(i), p(j))]] if k != "R"
                                 else v[idx[("R", i, p(j))]])

                gens.append(g)
    for a in ones:
        for b in ones:
            if a < b:
                perm = {a: b, b: a}

                def gc(v, perm=perm):
                    p = lambda c: perm.get(c, c)  # noqa: E731

                    def val(k, i, j):
                        if k == "R":
                            return v[idx[("R", i, p(j))]]
                        if k == "O":
                            return v[idx[("O", i, j)]]
                        return entry(v, i, p(j), k == "D")

                    return build(val)

                gens.append(gc)
    for a in twos:
        def gs(v, a=a):
            w = v.copy()
            w[idx[("D", a, a)]], w[idx[("O", a, a)]] = v[idx[("O", a, a)]], v[idx[("D", a, a)]]
            return w

        gens.append(gs)
    seen = [np.asarray(x, dtype=float)]
    frontier = list(seen)
    while frontier and len(seen) < 256:
        nxt = []
        for v in frontier:
            for g in gens:
                w = g(v)
                if not any(np.allclose(w, u, rtol=1e-9, atol=1e-12) for u in seen):
                    seen.append(w)
                    nxt.append(w)
        frontier = nxt
    return seen


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
) -> Census:
    """Find, refine and classify every critical point in ``Fix(H)`` at ``d``.

    For ``d > 10^8`` the float64 search is unreliable (the reduced gradient sums
    terms of size ``d^3`` that cancel), so the search runs at ``d = 10^8`` and every
    point found is continued to ``d`` in high precision (:mod:`symbolic.track`);
    ``Census.search_d`` records this.
    """
    space = parse_isotropy(space)
    digits = check_digits(digits)
    dnum = parse_d(d)
    space.check_d(dnum)
    if dnum > SEARCH_D_MAX:
        return _census_by_continuation(space, dnum, digits=digits, starts=starts, seed=seed,
                                       progress=progress, with_spectrum=with_spectrum,
                                       certify=certify)
    S = start_design(space, dnum, starts, seed)
    X, res = newton_float(space, S, dnum)
    ok = np.isfinite(res) & (res < 1e-7)
    pts = X[ok]
    out = Census(space, dnum, digits, starts=len(S))
    if len(pts) == 0:
        return out
    # Split into isolated candidates and singular-Jacobian endpoints.
    iso, sing = [], []
    for x in pts:
        Hs = _scaled_hessian_float(space, x, dnum)
        if not np.all(np.isfinite(Hs)):
            continue
        ev = np.abs(np.linalg.eigvalsh((Hs + Hs.T) / 2))
        # float64 resolves eigenvalues to ~1e-16 * max|ev|; those below 1e-6 (absolute:
        # the Hessian on Fix(H) has O(1) eigenvalues at nondegenerate points) are zero.
        null = int(np.sum(ev <= 1e-6 + 1e-12 * ev.max()))
        (sing if null else iso).append((x, null))
    # Deduplicate isolated candidates (relative tolerance)
    uniq: list[np.ndarray] = []

    def seen_before(x, pool):
        return any(np.max(np.abs(y - u) / (1 + np.abs(u))) < 1e-5
                   for y in symmetry_images(space, x) for u in pool)

    for x, _ in iso:
        if not seen_before(x, uniq):
            uniq.append(x)
    # The loss sums O(d^2) terms of size O(1) that cancel at a minimum: guard digits
    # keep its absolute error below 10^-digits (W = I: 1e-26 at d = 1e8 without them).
    be = MpmathBackend(digits + guard_digits(dnum))
    rs = system_for(space)
    bar = _progress(len(uniq), progress, "refine")
    refined: list[CriticalPoint] = []
    for x in uniq:
        r = newton(space, [repr(float(v)) for v in x], dnum, dps=digits, maxiter=60)
        bar.update(1)
        if not r.converged:
            out.failed_refinements += 1
            continue
        xr = np.array([float(v) for v in r.values])
        if seen_before(xr, [np.array([float(v) for v in p.values]) for p in refined]):
            continue
        loss = rs.loss(r.values, dnum, backend=be)
        cp = CriticalPoint(space, dnum, digits, r.values, loss, r.residual,
                           larger_isotropy(space, r.values, 10.0 ** (-(digits // 2))))
        refined.append(cp)
    bar.close()
    refined.sort(key=lambda p: p.loss)
    if with_spectrum:
        try:
            from symbolic.spectrum import spectrum as _spectrum
        except ImportError:  # pragma: no cover - spectrum module is part of the package
            _spectrum = None
        if _spectrum is not None:
            for p in refined:
                p.spectrum = _spectrum(space, p.values, dnum, dps=digits + guard_digits(dnum))
    if certify:
        from symbolic.certify import certify_point

        for p in refined:
            p.certificate = certify_point(space, p.values, dnum, dps=digits + 20)
    if with_spectrum:
        refined = _group_degenerate(space, refined, out, digits)
    out.points = refined
    # Non-isolated sets: group singular endpoints by loss.
    groups: list[list] = []
    for x, null in sing:
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


#: Largest d at which the float64 multi-start search is run directly.
SEARCH_D_MAX = 10**8


def _census_by_continuation(space, dnum, *, digits, starts, seed, progress, with_spectrum,
                            certify) -> Census:
    from symbolic.track import track

    base = census(space, SEARCH_D_MAX, digits=digits, starts=starts, seed=seed,
                  progress=progress, with_spectrum=False)
    out = Census(space, dnum, digits, starts=base.starts, search_d=SEARCH_D_MAX)
    rs = system_for(space)
    be = MpmathBackend(digits + guard_digits(dnum))
    for p in base.points:
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
    if not refined or refined[0].spectrum is None:
        return refined
    tol_l = 10.0 ** (-(digits // 2))
    groups_d: list[list] = []
    for p in refined:
        if p.spectrum.index is None:
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
