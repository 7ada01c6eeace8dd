r"""Certified completeness of a census: interval branch-and-prune over a bounded region.

Source: DESIGN.md section 8.

**The bounded region.** Let ``F(w, u) = E[relu(w.x) relu(u.x)]`` (Gaussian ``x``),
so ``F >= 0``, ``F(w, w) = |w|^2 / 2`` and ``F(w, u) <= |w||u| / 2``. With
``A = sum_ij F(w_i, w_j)``, ``B = sum_ij F(w_i, v_j)``, ``C = sum_ij F(v_i, v_j)`` the
loss is ``L = (A - 2B + C) / 2``. ``F`` is positively homogeneous of degree one in
each argument, so (Euler) ``<grad_{w_i} L, w_i> = sum_j F(w_i, w_j) - sum_j F(w_i, v_j)``;
at a critical point every such sum vanishes, hence ``A = B`` and
``L = (C - A) / 2 >= 0``. Therefore

.. math:: \|W\|_F^2 = 2 \sum_i F(w_i, w_i) \le 2A = 2C - 4L \le 2C,
          \qquad C = d/2 + d(d-1)/(2\pi) \ \text{for } V = I_d,

and per row ``|w_i|^2 / 2 = F(w_i, w_i) <= sum_j F(w_i, v_j) <= |w_i| sum_j |v_j| / 2``,
i.e. ``|w_i| <= sum_j |v_j| = d``. On ``Fix(H)`` the parameter ``theta_p`` fills
``n_p`` entries of ``W`` (its orbit), so ``||W||_F^2 = sum_p n_p theta_p^2``: every
critical point lies in the ellipsoid ``sum_p n_p theta_p^2 <= 2C``, hence in the box
``|theta_p| <= sqrt(2C / n_p)``, and every row type's norm is at most ``d``.

**Branch and prune.** Boxes have exact dyadic endpoints. A box is *excluded* when

1. its lowest value of ``sum_p n_p theta_p^2`` exceeds ``2C`` or some row norm
   squared exceeds ``d^2`` (exact rational lower bounds against an arb upper bound);
2. some component of the reduced gradient has an enclosure (arb backend) that does
   not contain 0: the natural enclosure ``g(B)`` intersected with the centred
   (mean-value) form ``g(m) + H(B)(B - m)``; a NaN or infinite enclosure always
   counts as containing 0;
3. the Krawczyk operator ``K(B) = m - Y g(m) + (I - Y H(B))(B - m)`` misses ``B``.

A box that is not excluded and is small enough starts a float Newton iteration at
its midpoint; a converged endpoint with a regular Jacobian gets a cube about it
(orthonormal coordinates ``y_p = sqrt(n_p) theta_p``) on which the Krawczyk test
``K(X) ⊂ int X`` proves exactly one critical point. Proved cubes are kept disjoint
and subtracted exactly from every later box (the remainder is split into at most
``2n`` boxes), so the region is always partitioned into proved cubes, excluded boxes
and boxes still to do: no critical point can be lost or counted twice. Other boxes
are bisected along the widest scaled side until ``min_width`` (scaled) or the box
budget; what is left is *undecided*, with its volume and the reason: a row whose
norm interval contains 0 (``L`` is not differentiable there), a known non-isolated
critical set or a singular-Jacobian Newton endpoint in the box, the width limit or
the budget.

Verdicts: ``"complete"`` (no undecided volume: every critical point of the region
is one of the proved roots), ``"incomplete-undecided"`` (undecided boxes remain),
``"incomplete-budget"`` (the box budget ran out with boxes not yet examined).
Never ``"complete"`` unless every box was excluded or lies in a proved cube.

The mean-value form and the Krawczyk test use the interval Hessian of
:class:`symbolic.systems.reduced.ReducedSystem`; across parallel rows the gradient is only
Lipschitz and the enclosure must contain the Clarke generalised Jacobian (the arb
backend's bound on a Gram determinant touching 0 provides this).
"""

from __future__ import annotations

import heapq
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from symbolic.core.errors import RelusymError
from symbolic.core.formatting import interval
from symbolic.core.parsing import parse_number
from symbolic.symmetry.groups import D_SYMBOL, FixedSpace, parse_d, parse_isotropy
from symbolic.systems.reduced import ReducedSystem

__all__ = [
    "CompletenessResult",
    "ProvedRoot",
    "UndecidedBox",
    "bounding_box",
    "certify_complete",
    "orbit_sizes",
    "row_types",
    "search_constant",
]

Box = list[tuple[Fraction, Fraction]]

REASON_ZERO_ROW = "zero row: a row's norm interval contains 0 (L not differentiable)"
REASON_SET = "contains a known non-isolated critical set"
REASON_SINGULAR = "contains a Newton endpoint with a singular Jacobian (non-isolated?)"
REASON_WIDTH = "min_width reached"
REASON_BUDGET = "box budget exhausted"


class CompletenessError(RelusymError, ValueError):
    """Bad input to :func:`certify_complete`."""


# ----------------------------------------------------------------- the region
def orbit_sizes(space: FixedSpace, d: int | Fraction) -> list[Fraction]:
    """``n_p``: the number of entries of ``W`` equal to each parameter, at ``d``."""
    out = []
    for q in space.params:
        poly = q.orbit_size.as_poly(D_SYMBOL)
        out.append(sum((Fraction(int(c)) * Fraction(d) ** e for (e,), c in poly.terms()),
                       Fraction(0)))
    return out


def search_constant(d: int | Fraction, flint) -> Any:
    """``C = d/2 + d(d-1)/(2 pi)`` (``V = I_d``) as an arb ball."""
    dd = flint.arb(flint.fmpq(Fraction(d).numerator, Fraction(d).denominator))
    return dd / 2 + dd * (dd - 1) / (2 * flint.arb.pi())


def row_types(space: FixedSpace, d: int | Fraction) -> list[list[tuple[Fraction, int]]]:
    """Every row type of ``W(theta)`` as ``[(count, parameter index), ...]``: its norm
    squared is ``sum count * theta_p^2`` (a row of diagonal block ``a``: ``D_a`` once,
    ``O_a`` ``p_a - 1`` times, ``P_ab`` ``p_b`` times; an extra row: ``R_eb`` ``p_b`` times)."""
    ps, ms = space.sizes(d)
    idx = {q.symbol: i for i, q in enumerate(space.params)}
    out = []
    for a in range(1, space.r + 1):
        row = []
        for b in range(1, space.r + 1):
            if a == b:
                row.append((Fraction(1), idx[space.entry_symbol(("diag", a), b, True)]))
                s = space.entry_symbol(("diag", a), b, False)
                if s != 0 and Fraction(ps[b - 1]) > 1:
                    row.append((Fraction(ps[b - 1]) - 1, idx[s]))
            elif Fraction(ps[b - 1]) > 0:
                row.append((Fraction(ps[b - 1]), idx[space.entry_symbol(("diag", a), b, False)]))
        out.append(row)
    for e in range(1, len(ms) + 1):
        out.append([(Fraction(ps[b - 1]), idx[space.entry_symbol(("extra", e), b, False)])
                    for b in range(1, space.r + 1) if Fraction(ps[b - 1]) > 0])
    return out


def _dyadic_up(x: float | Fraction, bits: int = 24) -> Fraction:
    """A dyadic rational ``>= x`` (denominator ``2^bits``)."""
    q = Fraction(x)
    return Fraction(math.ceil(q * 2**bits), 2**bits)


def _unit_weights(space: FixedSpace) -> FixedSpace:
    """The bounds of this module (``|W|_F^2 <= 2C - 4L``, DESIGN.md section 8) are derived
    for second-layer weights 1: refuse other weights rather than certify with a wrong box."""
    if space.has_alpha:
        raise CompletenessError(
            f"Fix({space.label}): the bounded region holding every critical point is derived "
            "for second-layer weights 1; with other weights it does not hold")
    return space


def bounding_box(space: FixedSpace | str, d: Any) -> Box:
    """The box ``|theta_p| <= min(sqrt(2C / n_p), d / sqrt(c_p))`` holding every
    critical point of ``Fix(H)`` (``c_p``: the largest count of ``theta_p`` in one row),
    with dyadic endpoints rounded outward."""
    import flint

    space = _unit_weights(parse_isotropy(space))
    dd = parse_d(d)
    space.check_d(dd)
    n = orbit_sizes(space, dd)
    rows = row_types(space, dd)
    with flint.ctx.workprec(128):
        two_c = 2 * search_constant(dd, flint)
        box = []
        for p in range(space.dim):
            b = (two_c / flint.arb(flint.fmpq(n[p].numerator, n[p].denominator))).sqrt()
            cmax = max((c for row in rows for c, i in row if i == p), default=Fraction(1))
            r = flint.arb(flint.fmpq(Fraction(dd).numerator, Fraction(dd).denominator)) / \
                flint.arb(flint.fmpq(cmax.numerator, cmax.denominator)).sqrt()
            hi = min(_dyadic_up(Fraction(b.upper().str(30, radius=False))) + Fraction(1, 2**20),
                     _dyadic_up(Fraction(r.upper().str(30, radius=False))) + Fraction(1, 2**20))
            box.append((-hi, hi))
    return box


# ----------------------------------------------------------------- results
@dataclass
class ProvedRoot:
    """A box proved (Krawczyk) to hold exactly one critical point of ``Fix(H)``."""

    box: list  # arb balls (K(X) ∩ X)
    loss: Any  # arb enclosure
    known_index: int | None = None

    def to_json(self, digits: int) -> dict:
        out: dict[str, Any] = {"box": [interval(b, digits) for b in self.box],
                               "loss": interval(self.loss, digits)}
        out["matches_known"] = self.known_index
        return out


@dataclass
class UndecidedBox:
    box: Box
    reason: str

    def to_json(self, digits: int) -> dict:
        return {"box": [[_frac_str(lo, digits, -1), _frac_str(hi, digits, 1)]
                        for lo, hi in self.box], "reason": self.reason}


@dataclass
class CompletenessResult:
    """Outcome of :func:`certify_complete`."""

    space: FixedSpace
    d: Any
    region: Box
    verdict: str
    roots: list[ProvedRoot] = field(default_factory=list)
    undecided: list[UndecidedBox] = field(default_factory=list)
    processed: int = 0
    excluded: dict = field(default_factory=dict)
    seconds: float = 0.0
    unmatched_known: list = field(default_factory=list)
    digits: int = 12

    @property
    def complete(self) -> bool:
        return self.verdict == "complete"

    def volume(self, box: Box) -> Fraction:
        v = Fraction(1)
        for lo, hi in box:
            v *= hi - lo
        return v

    @property
    def undecided_fraction(self) -> Fraction:
        tot = self.volume(self.region)
        return sum((self.volume(u.box) for u in self.undecided), Fraction(0)) / tot

    def reasons(self) -> dict[str, tuple[int, Fraction]]:
        """Undecided boxes per reason: (count, fraction of the region's volume)."""
        tot = self.volume(self.region)
        out: dict[str, tuple[int, Fraction]] = {}
        for u in self.undecided:
            c, v = out.get(u.reason, (0, Fraction(0)))
            out[u.reason] = (c + 1, v + self.volume(u.box) / tot)
        return out

    def to_json(self, digits: int | None = None, max_undecided: int = 200) -> dict:
        from symbolic.core.schema import document

        digits = digits or self.digits
        return document("completeness", {
            "isotropy": self.space.label,
            "d": str(self.d),
            "verdict": self.verdict,
            "region": [[_frac_str(lo, digits, -1), _frac_str(hi, digits, 1)]
                       for lo, hi in self.region],
            "parameters": self.space.names,
            "boxes_processed": self.processed,
            "excluded": dict(self.excluded),
            "proved_roots": [r.to_json(digits) for r in self.roots],
            "undecided_fraction": _frac_str(self.undecided_fraction, 6, 1),
            "undecided_reasons": {k: {"boxes": c, "fraction": _frac_str(v, 6, 1)}
                                  for k, (c, v) in self.reasons().items()},
            "undecided": [u.to_json(digits) for u in self.undecided[:max_undecided]],
            "undecided_listed": min(len(self.undecided), max_undecided),
            "undecided_total": len(self.undecided),
            "unmatched_known": self.unmatched_known,
            "seconds": f"{self.seconds:.2f}",
        })

    def summary(self) -> str:
        lines = [f"Fix({self.space.label}) at d = {self.d}: {self.verdict}",
                 f"  boxes processed {self.processed}; excluded "
                 + ", ".join(f"{k} {v}" for k, v in self.excluded.items()),
                 f"  proved roots {len(self.roots)}"]
        for r in self.roots:
            lines.append(f"    loss in {interval(r.loss, 10)}"
                         + ("" if r.known_index is None else f" (known #{r.known_index})"))
        lines.append(f"  undecided {len(self.undecided)} boxes, volume fraction "
                     f"{float(self.undecided_fraction):.3e}")
        for k, (c, v) in self.reasons().items():
            lines.append(f"    {c} boxes, fraction {float(v):.3e}: {k}")
        if self.unmatched_known:
            lines.append(f"  known points not proved: {self.unmatched_known}")
        lines.append(f"  time {self.seconds:.1f} s")
        return "\n".join(lines)


def _frac_str(q: Fraction, digits: int, direction: int) -> str:
    import flint

    with flint.ctx.workprec(256):
        return interval(flint.arb(flint.fmpq(q.numerator, q.denominator)), digits)[
            0 if direction < 0 else 1]


# ----------------------------------------------------------------- the engine
class _Engine:
    def __init__(self, space: FixedSpace, d, prec: int):
        import flint

        self.flint = flint
        self.space = space
        self.d = d
        self.n = orbit_sizes(space, d)
        self.sqn = [math.sqrt(float(x)) for x in self.n]
        self.rows = row_types(space, d)
        self.rs = ReducedSystem(space)
        self.prec = prec
        from symbolic.core.backends import ArbBackend

        self.be = ArbBackend(prec=prec)
        with flint.ctx.workprec(prec):
            self.two_c = 2 * search_constant(d, flint)
            self.d2 = self.q(Fraction(d) ** 2)

    def q(self, x: Fraction):
        return self.flint.arb(self.flint.fmpq(x.numerator, x.denominator))

    def ball(self, lo: Fraction, hi: Fraction):
        return self.q(lo).union(self.q(hi))

    # pruning by the bounded region -----------------------------------------
    @staticmethod
    def _sq_range(lo: Fraction, hi: Fraction) -> tuple[Fraction, Fraction]:
        lo2 = Fraction(0) if lo <= 0 <= hi else min(lo * lo, hi * hi)
        return lo2, max(lo * lo, hi * hi)

    def outside_region(self, box: Box) -> bool:
        sq = [self._sq_range(lo, hi)[0] for lo, hi in box]
        fro = sum((self.n[p] * sq[p] for p in range(len(box))), Fraction(0))
        if self.q(fro) > self.two_c:
            return True
        return any(self.q(sum((c * sq[i] for c, i in row), Fraction(0))) > self.d2
                   for row in self.rows)

    def touches_zero_row(self, box: Box) -> bool:
        return any(all(box[i][0] <= 0 <= box[i][1] for _, i in row) for row in self.rows)

    # interval tests -----------------------------------------------------------
    def test(self, box: Box) -> tuple[str, Any]:
        """``("excluded", how)``, ``("proved", K ∩ X)`` or ``("unknown", why)``."""
        flint = self.flint
        nd = len(box)
        with flint.ctx.workprec(self.prec):
            X = [self.ball(lo, hi) for lo, hi in box]
            mid = [(lo + hi) / 2 for lo, hi in box]
            m = [self.q(x) for x in mid]
            rad = [self.q((hi - lo) / 2) for lo, hi in box]
            # X - m ⊂ [-r, r] with r rounded up (m itself is a ball holding the exact mid)
            dX = [flint.arb(0, r.abs_upper()) if r > 0 else flint.arb(0) for r in rad]
            try:
                gX = list(self.rs.gradient(X, self.d, backend=self.be))
            except (ZeroDivisionError, ValueError, ArithmeticError):
                gX = [flint.arb("nan")] * nd
            if any(_excludes_zero(g) for g in gX):
                return "excluded", "gradient"
            try:
                gm = list(self.rs.gradient(m, self.d, backend=self.be))
                HX = self.rs.hessian(X, self.d, backend=self.be)
            except (ZeroDivisionError, ValueError, ArithmeticError):
                return "unknown", "evaluation failed"
            finite_h = all(HX[i, j].is_finite() for i in range(nd) for j in range(nd))
            if not finite_h or not all(g.is_finite() for g in gm):
                return "unknown", "non-finite"
            cen = [gm[i] + sum((HX[i, j] * dX[j] for j in range(nd)), flint.arb(0))
                   for i in range(nd)]
            if any(_excludes_zero(g) for g in cen):
                return "excluded", "centred form"
            # Krawczyk with Y = mid(H(m))^{-1} (any real matrix is sound)
            try:
                Hm = self.rs.hessian(m, self.d, backend=self.be)
                A = np.array([[float(Hm[i, j].mid()) for j in range(nd)] for i in range(nd)])
                Yf = np.linalg.inv(A)
            except (np.linalg.LinAlgError, ValueError, ZeroDivisionError):
                return "unknown", "singular"
            if not np.all(np.isfinite(Yf)):
                return "unknown", "singular"
            Y = [[flint.arb(float(Yf[i, j])) for j in range(nd)] for i in range(nd)]
            K = []
            for i in range(nd):
                s = m[i] - sum((Y[i][k] * gm[k] for k in range(nd)), flint.arb(0))
                for j in range(nd):
                    c = (1 if i == j else 0) - sum((Y[i][k] * HX[k, j] for k in range(nd)),
                                                    flint.arb(0))
                    s = s + c * dX[j]
                K.append(s)
            if any(not K[i].overlaps(X[i]) for i in range(nd)):
                return "excluded", "krawczyk"
            if all(X[i].contains_interior(K[i]) for i in range(nd)):
                return "proved", [K[i].intersection(X[i]) for i in range(nd)]
            return "unknown", "undecided"

    def newton(self, x0: np.ndarray, steps: int = 30) -> tuple[np.ndarray | None, bool]:
        """Float Newton from ``x0``: (endpoint or None, regular Jacobian?)."""
        x = np.array(x0, dtype=float)
        for _ in range(steps):
            try:
                g = np.asarray(self.rs.gradient(list(x), self.d, backend="numpy"), dtype=float)
                H = np.asarray(self.rs.hessian(list(x), self.d, backend="numpy"), dtype=float)
            except (ZeroDivisionError, ValueError, ArithmeticError, FloatingPointError):
                return None, False
            if not (np.all(np.isfinite(g)) and np.all(np.isfinite(H))):
                return None, False
            scale = np.outer(self.sqn, self.sqn)
            Hs = H / scale
            try:
                step = np.linalg.solve(H, g)
            except np.linalg.LinAlgError:
                return x, False
            x = x - step
            if np.max(np.abs(step * self.sqn)) < 1e-13 * (1 + np.max(np.abs(x * self.sqn))):
                ev = np.abs(np.linalg.eigvalsh((Hs + Hs.T) / 2))
                return x, bool(ev.min() > 1e-7 * max(ev.max(), 1.0))
        return None, False


def _excludes_zero(g) -> bool:
    """True only when the ball is finite and proved not to contain 0."""
    return bool(g.is_finite() and (g > 0 or g < 0))


def _split(box: Box, widths: Sequence[float]) -> tuple[Box, Box]:
    k = int(np.argmax(widths))
    lo, hi = box[k]
    mid = (lo + hi) / 2
    a, b = list(box), list(box)
    a[k] = (lo, mid)
    b[k] = (mid, hi)
    return a, b


def _intersects(box: Box, cube: Box) -> bool:
    return all(lo < chi and clo < hi for (lo, hi), (clo, chi) in zip(box, cube, strict=True))


def _contains_point(box: Box, x: Sequence[float]) -> bool:
    return all(lo <= Fraction(float(v)) <= hi for (lo, hi), v in zip(box, x, strict=True))


def _subtract(box: Box, cube: Box) -> list[Box]:
    """``box`` minus the interior of ``cube``: at most ``2n`` boxes (closed)."""
    if not _intersects(box, cube):
        return [list(box)]
    out = []
    cur = list(box)
    for i, (clo, chi) in enumerate(cube):
        lo, hi = cur[i]
        if lo < clo:
            piece = list(cur)
            piece[i] = (lo, clo)
            out.append(piece)
        if chi < hi:
            piece = list(cur)
            piece[i] = (chi, hi)
            out.append(piece)
        cur[i] = (max(lo, clo), min(hi, chi))
    return out


def _parse_region(space: FixedSpace, region, d) -> Box:
    if region is None:
        return bounding_box(space, d)
    if isinstance(region, dict):
        missing = [n for n in space.names if n not in region]
        if missing:
            raise CompletenessError(f"region misses parameters {missing}; need {space.names}")
        region = [region[n] for n in space.names]
    region = list(region)
    if len(region) != space.dim:
        raise CompletenessError(f"region needs {space.dim} intervals {space.names}, "
                                f"got {len(region)}")
    out = []
    for name, iv in zip(space.names, region, strict=True):
        try:
            lo, hi = iv
        except (TypeError, ValueError):
            raise CompletenessError(f"region for {name} must be a pair (lo, hi)") from None
        lo = lo if isinstance(lo, Fraction) else Fraction(str(parse_number(str(lo))))
        hi = hi if isinstance(hi, Fraction) else Fraction(str(parse_number(str(hi))))
        if not lo < hi:
            raise CompletenessError(f"region for {name}: need lo < hi, got [{lo}, {hi}]")
        out.append((_dyadic_down(lo), _dyadic_up(hi)))
    return out


def _dyadic_down(x: Fraction, bits: int = 40) -> Fraction:
    return Fraction(math.floor(Fraction(x) * 2**bits), 2**bits)


def _known_points(space: FixedSpace, known) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """(isolated points, example points of non-isolated sets) from a census or lists."""
    if known is None:
        return [], []
    pts = getattr(known, "points", None)
    if pts is not None:
        iso = [np.array([float(v) for v in p.values]) for p in pts]
        sets = [np.array([float(v) for v in s.example]) for s in getattr(known, "sets", [])]
        return iso, sets
    return [np.array([float(v) for v in space.values_list(p)]) for p in known], []


def certify_complete(
    space: FixedSpace | str,
    d: Any,
    *,
    region: Any = None,
    digits: int = 12,
    max_boxes: int = 20000,
    min_width: Any = "1e-3",
    known: Any = None,
    prec: int = 128,
    progress: Callable[[dict], None] | None = None,
    newton_width: float = 0.5,
) -> CompletenessResult:
    """Branch-and-prune over ``region`` (default: :func:`bounding_box`): every box is
    excluded (no critical point), lies in a Krawczyk-proved cube (exactly one), or is
    reported undecided with its reason. See the module docstring for the math.

    ``known``: a :class:`symbolic.critical.census.Census` (points and non-isolated sets) or a
    list of parameter vectors; their cubes are proved first and each proved root is
    matched to the known point inside it. ``min_width`` and ``newton_width`` are in
    the orthonormal coordinates ``y_p = sqrt(n_p) theta_p``.
    """
    space = _unit_weights(parse_isotropy(space))
    dd = parse_d(d)
    space.check_d(dd)
    if not isinstance(max_boxes, int) or max_boxes < 1:
        raise CompletenessError(f"max_boxes must be a positive integer, got {max_boxes!r}")
    try:
        mw = float(parse_number(str(min_width)))
    except RelusymError:
        raise
    except Exception:  # pragma: no cover - parse_number raises RelusymError
        raise CompletenessError(f"min_width must be a number, got {min_width!r}") from None
    if not mw > 0:
        raise CompletenessError(f"min_width must be positive, got {min_width!r}")
    reg = _parse_region(space, region, dd)
    eng = _Engine(space, dd, prec)
    t0 = time.time()
    res = CompletenessResult(space, dd, reg, "incomplete-undecided",
                             excluded={"region": 0, "gradient": 0, "centred form": 0,
                                       "krawczyk": 0})
    iso, sets = _known_points(space, known)
    cubes: list[Box] = []
    singular_pts: list[np.ndarray] = []

    def try_prove(x: np.ndarray) -> bool:
        """Prove a cube about the Newton endpoint ``x``; keep it if disjoint from others."""
        if any(_contains_point(c, x) for c in cubes):
            return False  # a root already proved: no new cube
        for rho in (3e-2, 3e-3, 3e-4, 1e-5, 1e-7, 1e-9):
            cube = [(_dyadic_down(Fraction(float(v)) - Fraction(rho / s), 48),
                     _dyadic_up(Fraction(float(v)) + Fraction(rho / s), 48))
                    for v, s in zip(x, eng.sqn, strict=True)]
            if any(_intersects(cube, c) for c in cubes):
                continue
            verdict, kbox = eng.test(cube)
            if verdict == "proved":
                # a tiny cube about the same center lies inside ``cube``: if it is proved
                # too, its root is the same one, with a much tighter enclosure
                tiny = [(_dyadic_down(Fraction(float(v)) - Fraction(1e-12 / s), 60),
                         _dyadic_up(Fraction(float(v)) + Fraction(1e-12 / s), 60))
                        for v, s in zip(x, eng.sqn, strict=True)]
                if all(c[0] <= t[0] and t[1] <= c[1] for c, t in zip(cube, tiny, strict=True)):
                    v2, kb2 = eng.test(tiny)
                    if v2 == "proved":
                        kbox = kb2
                with eng.flint.ctx.workprec(prec):
                    loss = eng.rs.loss(kbox, dd, backend=eng.be)
                cubes.append(cube)
                ki = next((i for i, p in enumerate(iso) if _contains_point(cube, p)), None)
                res.roots.append(ProvedRoot(kbox, loss, ki))
                return True
        return False

    for p in iso:
        if not _contains_point(reg, p):
            continue
        xe, regular = eng.newton(p)
        if xe is not None and regular:
            try_prove(xe)
    # largest (scaled) boxes first, so that a budget cut leaves the least volume
    heap: list = []
    counter = 0

    def push(b: Box) -> None:
        nonlocal counter
        w = max(float(hi - lo) * s for (lo, hi), s in zip(b, eng.sqn, strict=True))
        heapq.heappush(heap, (-w, counter, b))
        counter += 1

    push(reg)
    while heap:
        if res.processed >= max_boxes:
            for _, _, b in heap:
                res.undecided.append(UndecidedBox(b, REASON_BUDGET))
            heap = []
            break
        box = heapq.heappop(heap)[2]
        hit = next((c for c in cubes if _intersects(box, c)), None)
        if hit is not None:
            for piece in _subtract(box, hit):
                push(piece)
            continue
        res.processed += 1
        if progress is not None and res.processed % 500 == 0:
            progress({"processed": res.processed, "queue": len(heap),
                      "roots": len(res.roots), "undecided": len(res.undecided)})
        if eng.outside_region(box):
            res.excluded["region"] += 1
            continue
        zero_row = eng.touches_zero_row(box)
        widths = [float(hi - lo) * s for (lo, hi), s in zip(box, eng.sqn, strict=True)]
        if not zero_row:
            verdict, info = eng.test(box)
            if verdict == "excluded":
                res.excluded[info] += 1
                continue
            if verdict == "proved":  # the whole box holds exactly one root
                with eng.flint.ctx.workprec(prec):
                    loss = eng.rs.loss(info, dd, backend=eng.be)
                cubes.append(box)
                ki = next((i for i, p in enumerate(iso) if _contains_point(box, p)), None)
                res.roots.append(ProvedRoot(info, loss, ki))
                continue
            if max(widths) <= newton_width:
                x, regular = eng.newton(np.array([float((lo + hi) / 2) for lo, hi in box]))
                if x is not None and _contains_point(box, x):
                    if regular:
                        if try_prove(x):
                            push(box)  # subtracted against the new cube when popped
                            continue
                    else:
                        singular_pts.append(x)
        if max(widths) <= mw:
            if zero_row:
                why = REASON_ZERO_ROW
            elif any(_contains_point(box, s) for s in sets):
                why = REASON_SET
            elif any(_contains_point(box, s) for s in singular_pts):
                why = REASON_SINGULAR
            else:
                why = REASON_WIDTH
            res.undecided.append(UndecidedBox(box, why))
            continue
        for half in _split(box, widths):
            push(half)
    res.seconds = time.time() - t0
    res.unmatched_known = [i for i in range(len(iso))
                           if _contains_point(reg, iso[i])
                           and not any(r.known_index == i for r in res.roots)]
    if not res.undecided:
        res.verdict = "complete"
    elif any(u.reason == REASON_BUDGET for u in res.undecided):
        res.verdict = "incomplete-budget"
    else:
        res.verdict = "incomplete-undecided"
    res.digits = digits
    return res
