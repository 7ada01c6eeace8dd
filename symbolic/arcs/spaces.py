r"""Fixed spaces of tangency arcs and the Hessian eigen-directions they leave along.

Source: issue 15; DESIGN.md sections 2-3. A critical point ``W_c`` with isotropy
``H`` (a block group ``Delta(S_{p_1} x ... x S_{p_r})``) and a subgroup ``K <= H``:
the loss and the sphere ``|W - W_c|_F = r`` are ``K``-invariant, so critical
points of ``L`` on the sphere inside ``Fix(K)`` are critical points on the whole
sphere (symmetric criticality). Each arc is computed in the fixed space of its own
isotropy ``K``, with the reduced machinery (:meth:`FixedSpace.refine`,
:class:`~symbolic.systems.reduced_numeric.NumericReducedSystem`).

Which ``K``. At ``r -> 0`` an arc is tangent to an eigenvector ``v`` of the Hessian.
For an eigenvalue of an irreducible ``V`` of dimension > 1 the eigenspace is ``V``
itself and only some directions inside it carry arcs: the critical points of the
cubic (or quartic) term of ``L`` on the unit sphere of ``V``. If a subgroup ``K``
has a one-dimensional fixed space ``Fix_V(K) = R v`` (an *axial* subgroup), then
``+-v`` are critical points of *every* ``H``-invariant function on that sphere
(symmetric criticality on ``S(V)``): these are the directions the arcs select,
independently of the values of the cubic and quartic terms. Inside ``Fix(K)`` the
eigenvalue is simple, so the blown-up Lagrange system is regular at ``r = 0``
(:mod:`symbolic.arcs.trace`) and the arc is unique. The axial subgroups used
(refinements of a block ``a`` of size ``p``; ``x`` the fixed vectors):

* ``std[a]`` (``R^p = 1 + S``): ``S_q x S_{p-q}``, ``x = (p-q) 1_q - q 1_{p-q}``;
  ``q = 1`` gives the extremal directions of the cubic invariant ``sum x_i^3``;
* ``alt2[a]`` (``Lambda^2 S``): ``S_1 x S_1 x S_{p-2}`` (the two marked indices
  are not interchangeable: the swap maps ``v`` to ``-v``, so the arcs along ``+v``
  and ``-v`` are conjugate and the cubic term vanishes on ``V``);
* ``sym[a]`` (``Y``): ``S_2 x S_{p-2}``;
* ``std[a]xstd[b]``: ``S_1 x S_{p_a-1}`` in ``a`` and ``S_1 x S_{p_b-1}`` in ``b``.

Every eigen-direction found in a candidate ``Fix(K)`` is kept only if the detected
isotropy of ``W_c + t v`` (:func:`symbolic.symmetry.detect.detect_isotropy`, full matrix) has
a fixed space of the same dimension as ``Fix(K)`` (otherwise it belongs to a
smaller fixed space and is found there).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from symbolic.core.backends import MpmathBackend
from symbolic.core.errors import IsotropyError
from symbolic.symmetry.groups import D_SYMBOL, FixedSpace, parse_isotropy
from symbolic.systems.reduced_numeric import NumericReducedSystem

__all__ = ["ArcSpace", "Direction", "arc_space", "candidate_splits", "directions"]


@dataclass
class ArcSpace:
    """``Fix(K)`` for a refinement ``K`` of ``H``, with ``W_c`` embedded in it.

    ``sizes`` are the orbit sizes at ``d`` (the metric: ``|W|_F^2 = sum_p n_p
    theta_p^2``); ``pieces`` maps every coarse block to its fine blocks.
    """

    coarse: FixedSpace
    fine: FixedSpace
    splits: dict
    d: int
    system: NumericReducedSystem
    theta_c: list
    sizes: list
    pieces: dict
    be: MpmathBackend

    @property
    def label(self) -> str:
        return self.fine.label

    def matrix(self, theta: Any) -> np.ndarray:
        """The full ``k x d`` matrix of a point of ``Fix(K)`` (object array of mpf)."""
        return self.fine.matrix(list(theta), self.d)

    def evaluate(self, theta: Any, want=("loss", "gradient", "hessian")) -> dict:
        return self.system.evaluate(list(theta), self.d, backend=self.be, want=want)


def _split_text(space: FixedSpace, splits: dict) -> str:
    if not splits:
        return "H"
    parts = []
    for a, pcs in sorted(splits.items()):
        parts.append(f"block {a} ({space.blocks[a - 1].size}) -> "
                     + " + ".join(str(q) for q in pcs) + " + rest")
    return "; ".join(parts)


def candidate_splits(space: FixedSpace, d: int) -> list[dict]:
    """The refinements ``K`` tried (see the module docstring), coarsest first."""
    ps, _ = space.sizes(d)
    out: list[dict] = [{}]
    big = [a for a, p in enumerate(ps, start=1) if p >= 3]
    for a in big:
        out.append({a: [1]})
    for a in big:
        if ps[a - 1] >= 4:
            out.append({a: [2]})
            out.append({a: [1, 1]})
    for i, a in enumerate(big):
        for b in big[i + 1:]:
            out.append({a: [1], b: [1]})
    return out


def arc_space(space: FixedSpace | str, values: Any, d: int, splits: dict, *,
              dps: int = 40) -> ArcSpace:
    """Embed the critical point ``values`` of ``Fix(H)`` into ``Fix(K)``."""
    space = parse_isotropy(space)
    if not isinstance(d, int) or isinstance(d, bool):
        raise IsotropyError(f"arcs need an integer d (full-matrix checks), got {d!r}")
    space.check_d(d)
    be = MpmathBackend(dps)
    mp = be.mp
    coarse_vals = dict(zip(space.symbols, [be.number(v) for v in space.values_list(values)],
                           strict=True))
    if splits:
        fine, info = space.refine(splits)
        emb, pieces = info["embedding"], info["pieces"]
    else:
        fine = space
        emb = {s: s for s in space.symbols}
        pieces = {a: [a] for a in range(1, space.r + 1)}
    theta_c = []
    for s in fine.symbols:
        e = emb[s]
        theta_c.append(mp.zero if e == 0 else coarse_vals[e])
    sizes = []
    for q in fine.params:
        n = q.orbit_size.subs(D_SYMBOL, d)
        sizes.append(Fraction(int(n)))
    system = NumericReducedSystem(fine, check_d=False)
    return ArcSpace(space, fine, dict(splits), d, system, theta_c, sizes, pieces, be)


@dataclass
class Direction:
    """A Hessian eigen-direction in ``Fix(K)``: ``Hk v = lambda N v``, ``v^T N v = 1``."""

    space: ArcSpace
    eigenvalue: Any
    vector: list
    irrep: str
    multiplicity: Any
    isotropy: str
    conjugate_minus: bool  # -v is H-conjugate to +v (one arc stands for both)
    notes: list = field(default_factory=list)

    @property
    def split_text(self) -> str:
        return _split_text(self.space.coarse, self.space.splits)


def _generalized_eig(mp, Hk: list, sizes: list):
    n = len(sizes)
    s = [mp.sqrt(mp.mpf(x.numerator) / x.denominator) for x in sizes]
    A = mp.matrix(n, n)
    for i in range(n):
        for j in range(n):
            A[i, j] = Hk[i][j] / (s[i] * s[j])
    A = (A + A.T) / 2
    E, Q = mp.eigsy(A)
    vals = [E[i] for i in range(n)]
    vecs = [[Q[p, i] / s[p] for p in range(n)] for i in range(n)]
    return vals, vecs


def _swap_permutations(asp: ArcSpace) -> list[np.ndarray]:
    """Index permutations (rows = columns) swapping two equal fine blocks of one coarse
    block: elements of ``H`` normalising ``K``."""
    ps, _ = asp.fine.sizes(asp.d)
    starts = np.cumsum([0] + [int(p) for p in ps])
    out = []
    for _a, fb in asp.pieces.items():
        for i in range(len(fb)):
            for j in range(i + 1, len(fb)):
                bi, bj = fb[i], fb[j]
                if ps[bi - 1] != ps[bj - 1]:
                    continue
                perm = np.arange(asp.d)
                ri = np.arange(starts[bi - 1], starts[bi])
                rj = np.arange(starts[bj - 1], starts[bj])
                perm[ri], perm[rj] = rj, ri
                out.append(perm)
    return out


def _is_conjugate(asp: ArcSpace, plus: np.ndarray, minus: np.ndarray, tol: float) -> bool:
    for perm in _swap_permutations(asp):
        if np.max(np.abs(minus[np.ix_(perm, perm)] - plus)) < tol:
            return True
    return False


def directions(space: FixedSpace | str, values: Any, d: int, *, dps: int = 40,
               spectrum: Any = None, probe: float = 0.0137) -> list[Direction]:
    """Every arc direction at the critical point: eigenvectors of the Hessian, one per
    simple eigenvalue of each candidate ``Fix(K)`` whose isotropy is exactly ``K``.

    ``spectrum``: the isotypic spectrum at the point (computed if None), used to
    name the irreducible of each eigenvalue.
    """
    from symbolic.spectra.spectrum import spectrum as isotypic_spectrum
    from symbolic.symmetry.detect import detect_isotropy

    space = parse_isotropy(space)
    S = spectrum or isotypic_spectrum(space, values, d, dps=dps)
    out: list[Direction] = []
    for splits in candidate_splits(space, d):
        asp = arc_space(space, values, d, splits, dps=dps)
        mp = asp.be.mp
        tol = mp.mpf(10) ** (-(dps // 2))
        Hk = asp.evaluate(asp.theta_c, want=("hessian",))["hessian"]
        Hk = [[Hk[i][j] for j in range(len(asp.sizes))] for i in range(len(asp.sizes))]
        vals, vecs = _generalized_eig(mp, Hk, asp.sizes)
        scale = max(abs(x) for x in vals)
        for lam, v in zip(vals, vecs, strict=True):
            if sum(1 for x in vals if abs(x - lam) <= tol * scale) > 1:
                continue  # not simple in Fix(K): no unique arc here
            best = min(S.eigenvalues, key=lambda e: abs(e.value - lam))
            if abs(best.value - lam) > tol * scale:
                raise IsotropyError(f"eigenvalue {mp.nstr(lam, 15)} of Fix({asp.label}) "
                                    "is not in the isotypic spectrum")  # pragma: no cover
            if splits and best.irrep == "triv":
                continue  # trivial directions are traced in Fix(H) itself
            Wc = np.array(asp.matrix(asp.theta_c), dtype=float)
            dv = np.array(asp.matrix(v), dtype=float)
            dv = dv / np.max(np.abs(dv))
            det = detect_isotropy(Wc + probe * dv, tol=1e-9)
            if det.space.dim != asp.fine.dim:
                continue  # its own isotropy is larger: found in a smaller fixed space
            conj = bool(splits) and _is_conjugate(asp, Wc + probe * dv, Wc - probe * dv,
                                                  1e-9)
            out.append(Direction(asp, lam, list(v), best.irrep, best.multiplicity,
                                 det.spec, conj))
    out.sort(key=lambda x: x.eigenvalue)
    return out
