r"""Continuation in d: follow one critical point of the reduced system from d0 to d1.

The reduced equations ``grad ell(theta; d) = 0`` define, near a nondegenerate
point, a smooth branch ``theta(d)`` (implicit function theorem: the reduced
Jacobian is invertible). We follow it in ``s = log d`` (so one run can go from
``d = 10`` to ``d = 10^22`` in a few dozen steps, through fractional ``d``) with a
predictor polynomial in ``eps = d^(-1/2)`` and a high-precision Newton corrector
(:func:`symbolic.numerics.solve.newton`), adapting the step: it grows after quick
corrections and halves when the corrector fails or leaves the prediction (which would
risk landing on another branch). This is the package's one continuation: the census,
the atlas links, the transitions, the CLI ``track`` and the series' numeric profile
(:func:`symbolic.asymptotics.profile.track_to`, a wrapper) all use it.

A run stops with

* ``"reached"``: the target ``d1`` was reached;
* ``"turned back"``: the corrector fails ever closer to a point where the
  reduced Jacobian becomes singular (a fold: the branch turns back in d, or a
  bifurcation);
* ``"lost"``: the corrector keeps failing with the Jacobian still regular.

Branch checks (see :func:`track`): a corrected point is accepted only if Newton
converged, it lies near the predictor (relatively, and componentwise so that no component
flips its sign onto a mirror branch), the loss continues its predicted change, and its
Morse index on ``Fix(H)`` -- the inertia of the reduced Hessian, i.e. of the pencil
``(Hess ell, diag |orbit_p|)`` (Sylvester) -- is that of the start: a step onto another
branch through a fold or a bifurcation changes the index, and is halved.

Precision: the user's ``digits`` (:mod:`symbolic.core.precision`); each corrector runs
:func:`symbolic.numerics.solve.newton` at its own working precision (reported as
``Branch.working_digits``, the largest used along the branch).

:func:`point_at` is the cached entry point for one family point at one ``d`` (memory
and disk cache, the directory of :func:`symbolic.core.cache.cache_dir`).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import mpmath

from symbolic.core.backends import MpmathBackend, generalized_eigenvalues
from symbolic.core.errors import ConvergenceError, PrecisionError, RelusymError
from symbolic.core.formatting import decimal
from symbolic.core.parsing import parse_d
from symbolic.core.precision import check_digits, working_digits, zero_tolerance
from symbolic.core.progress import progress_bar

if TYPE_CHECKING:  # a cached point is read without sympy (symbolic.cli spectrum)
    from symbolic.symmetry.groups import FixedSpace

__all__ = ["BranchPoint", "Branch", "track", "fix_index", "point_at"]


@dataclass
class BranchPoint:
    d: Fraction | int
    values: list
    loss: Any
    iterations: int
    #: Newton's last residual and step at this point
    residual: Any = None
    step: Any = None


@dataclass
class Branch:
    space: FixedSpace
    digits: int
    points: list[BranchPoint] = field(default_factory=list)
    status: str = "reached"
    message: str = ""
    #: set when the given start is not (near) critical and Newton moved it far
    warning: str = ""
    #: Morse index on Fix(H) along the branch (checked at every step)
    fix_index: int | None = None
    #: largest decimal working precision of the corrector along the branch
    working_digits: int = 0

    def to_json(self, digits: int | None = None) -> dict:
        n = digits or self.digits
        return {
            "isotropy": self.space.label,
            "status": self.status,
            "message": self.message,
            **({"warning": self.warning} if self.warning else {}),
            "digits": n,
            "working_digits": self.working_digits,
            "fix_index": self.fix_index,
            "points": [
                {
                    "d": _dstr(p.d),
                    "params": {k: decimal(v, n) for k, v in
                               zip(self.space.names, p.values, strict=True)},
                    "loss": decimal(p.loss, n),
                }
                for p in self.points
            ],
        }


    def _rows(self, digits: int, limit: int = 12) -> list:
        pts = self.points
        if len(pts) > limit:  # first, last and an even sample in between
            step = max(1, len(pts) // (limit - 1))
            pts = pts[::step] + ([pts[-1]] if pts[-1] is not pts[::step][-1] else [])
        return [(_dstr(p.d), decimal(p.loss, digits),
                 *(decimal(v, digits) for v in p.values)) for p in pts]

    def _caption(self) -> str:
        return (f"Branch in Fix({self.space.label}): {self.status}, {len(self.points)} "
                f"points. {self.message}" + (f" WARNING: {self.warning}" if self.warning
                                             else ""))

    def _repr_html_(self) -> str:
        from symbolic.core.formatting import html_table

        return html_table(self._caption(), ["d", "loss", *self.space.names],
                          self._rows(12))

    def _repr_latex_(self) -> str:
        from symbolic.core.formatting import latex_table

        names = [q.latex for q in self.space.params]
        return latex_table(["d", "L", *names], self._rows(10))


def _dstr(d) -> str:
    """``d`` exactly: an integer, a finite decimal or ``p/q``
    (:func:`symbolic.core.formatting.exact_str`)."""
    from symbolic.core.formatting import exact_str

    return exact_str(d)


def _to_fraction(x: float | mpmath.mpf, digits: int = 16) -> Fraction:
    """A short exact d from a float (rounded to ``digits`` significant digits)."""
    with mpmath.workdps(digits + 5):
        return Fraction(mpmath.nstr(mpmath.mpf(x), digits))


_INDEX_DIGITS = 16  # digits of the eigenvalues that decide the Morse index on Fix(H)


def _eigen_fix(space: FixedSpace, values: list, d: Any) -> tuple[list, Any]:
    """Eigenvalues of the pencil ``(Hess ell(theta), diag |orbit_p|)`` (the Hessian of
    ``L`` restricted to Fix(H) in orthonormal coordinates) and the backend used."""
    from symbolic.numerics.solve import system_for

    dd = parse_d(d)
    be = MpmathBackend(working_digits(_INDEX_DIGITS, dd, "spectrum"))
    H = system_for(space).hessian(values, dd, backend=be)
    n = space.dim
    G = [[be.number(o) if i == j else be.mp.zero for j in range(n)]
         for i, o in enumerate(space.at(dd).orbit_sizes)]
    return generalized_eigenvalues(H.tolist(), G, backend=be), be


def fix_index(space: FixedSpace | str, values: list, d: Any) -> int | None:
    """Morse index on ``Fix(H)`` (number of negative eigenvalues of the reduced Hessian,
    by Sylvester's law of inertia for the pencil with the orbit sizes); ``None`` when an
    eigenvalue is zero within :func:`symbolic.core.precision.zero_tolerance` (a degenerate
    point has no index)."""
    from symbolic.symmetry.groups import parse_isotropy

    space = parse_isotropy(space)
    ev, be = _eigen_fix(space, values, d)
    tol = zero_tolerance(ev, d, _INDEX_DIGITS, be)
    if any(abs(e) <= tol for e in ev):
        return None
    return sum(1 for e in ev if e < 0)


def _min_singular_ratio(space, values, d) -> float:
    """``min |lambda| / max |lambda|`` of the reduced Hessian on Fix(H) (orthonormal)."""
    ev = [abs(e) for e in _eigen_fix(space, values, d)[0]]
    return float(min(ev) / max(max(ev), mpmath.mpf("1e-300")))


def _neville(xs: list, ys: list, x0):
    """Value at ``x0`` of the polynomial through the points ``(xs, ys)`` (Neville)."""
    p = list(ys)
    n = len(p)
    for k in range(1, n):
        for i in range(n - k):
            p[i] = ((x0 - xs[i + k]) * p[i] + (xs[i] - x0) * p[i + 1]) / (xs[i] - xs[i + k])
    return p[0]


def _eps(d) -> mpmath.mpf:
    """``d^(-1/2)`` of an exact ``d`` in the current mpmath context."""
    d = Fraction(d)
    return 1 / mpmath.sqrt(mpmath.mpf(d.numerator) / d.denominator)


def track(
    space: FixedSpace | str,
    start: Any,
    d_from: Any,
    d_to: Any,
    *,
    digits: int = 30,
    through: Any = (),
    max_steps: int | None = None,
    initial_step: float | None = None,
    progress: bool | None = None,
    start_tol: float = 1e-6,
    strict: bool = False,
) -> Branch:
    """Follow the critical point near ``start`` (at ``d_from``) to ``d_to``.

    ``start`` (dict by name or list; numbers or decimal strings, parsed exactly by
    :func:`symbolic.core.parsing.parse_number`) is first refined by Newton at ``d_from``.
    If the refined point lies farther than ``start_tol`` (max relative distance
    ``|theta - theta_start| / (1 + |theta_start|)``) from the given start, the start
    was not (near) critical: with ``strict=True`` a ConvergenceError is raised,
    otherwise ``Branch.warning`` says where the start moved (never silently).

    ``through``: values of ``d`` between ``d_from`` and ``d_to`` on which the branch must
    land exactly (they appear among ``Branch.points``); the series' numeric profile uses
    them for its fit points.

    Predictor: the polynomial in ``eps = d^(-1/2)`` through the last (up to) four accepted
    points -- exact for the leading terms of a Puiseux branch, so one predictor serves
    moderate ``d`` and ``d = 10^22`` alike. A corrected point ``theta`` with predictor
    ``p`` and previous point ``q`` is accepted only if

    1. Newton converged;
    2. ``max_i |theta_i - p_i| / (1 + |p_i|) < 0.05`` (no jump onto another branch);
    3. componentwise ``|theta_i - p_i| <= 0.25 (|p_i| + |p_i - q_i|) + 10^(-digits/2)``: no
       component flips its sign. Near a branch whose components decay like ``d^(-3/2)``
       there is a mirror branch with them negated (the ``saddle-d-1,1`` family), which
       test 2 alone cannot tell apart;
    4. the loss continues its predicted change:
       ``|L - L_pred| <= 0.25 |L_pred - L_q| + 10^(-digits/2) (1 + |L|)``;
    5. the Morse index on ``Fix(H)`` (:func:`fix_index`) is that of the start.

    Rejected steps are halved; quick corrections grow the step (up to 0.5 in ``log d``).
    """
    from symbolic.core.parsing import parse_number
    from symbolic.numerics.solve import newton, system_for
    from symbolic.symmetry.groups import parse_isotropy

    space = parse_isotropy(space)
    start_vals = [parse_number(v, n) for v, n in
                  zip(space.values_list(start), space.names, strict=True)]
    digits = check_digits(digits)
    d0, d1 = parse_d(d_from), parse_d(d_to)
    space.check_d(d0)
    space.check_d(d1)
    direction = 1 if d1 >= d0 else -1
    stops = sorted({parse_d(t) for t in through}, key=lambda t: direction * t)
    for t in stops:
        if (t - d0) * direction <= 0 or (d1 - t) * direction <= 0:
            raise RelusymError(f"d = {_dstr(t)} in `through` is not strictly between "
                               f"d_from = {_dstr(d0)} and d_to = {_dstr(d1)}")
        space.check_d(t)
    stops.append(d1)
    rs = system_for(space)
    branch = Branch(space, digits)
    r = newton(space, start_vals, d0, digits=digits)
    if not r.converged:
        raise ConvergenceError(f"the start does not converge at d = {_dstr(d0)}: {r.reason}")
    with mpmath.workdps(digits + 10):
        moved = max(abs(mpmath.mpf(a) - mpmath.mpf(b.numerator) / b.denominator)
                    / (1 + abs(mpmath.mpf(b.numerator) / b.denominator))
                    for a, b in zip(r.values, map(Fraction, start_vals), strict=True))
    if moved > start_tol:
        where = ", ".join(f"{n}={decimal(v, 12)}" for n, v in
                          zip(space.names, r.values, strict=True))
        text = (f"the start is not a critical point at d = {_dstr(d0)}: Newton moved it "
                f"by {mpmath.nstr(moved, 3)} (relative) to {where}")
        if strict:
            raise ConvergenceError(text + "; give a (near) critical start")
        branch.warning = text + "; the branch of that point is followed instead"

    def loss(values, d):
        return rs.loss(values, d, backend="mpmath", dps=working_digits(digits, d, "loss"))

    branch.working_digits = r.working_digits
    branch.fix_index = index0 = fix_index(space, r.values, d0)
    branch.points.append(BranchPoint(d0, r.values, loss(r.values, d0), r.iterations,
                                     r.residual, r.step))
    if d0 == d1:
        return branch
    s0, s1 = math.log(float(d0)), math.log(float(d1))
    total = abs(s1 - s0)
    h = initial_step or min(0.05, total / 4)
    h = max(h, 1e-12)
    if max_steps is None:  # steps are at most 0.5 in log d: leave room for halvings
        max_steps = 400 + 4 * math.ceil(total / 0.5) + 40 * len(stops)
    s = s0
    bar = progress_bar(100, progress, "track")
    done_frac = 0
    steps = 0
    while steps < max_steps:
        steps += 1
        target = stops[0]
        s_t = math.log(float(target))
        # land on the next stop exactly, without a sliver of a step before it
        last_step = h * 1.3 >= abs(s_t - s)
        s_new = s_t if last_step else s + direction * h
        d_new = target if last_step else _to_fraction(math.exp(s_new))
        if not last_step and (d_new - target) * direction >= 0:
            # exp(log d) in float may land at or beyond the stop (float(1e100) > 10^100)
            last_step, s_new, d_new = True, s_t, target
        hist = branch.points[-4:]
        prev = hist[-1]
        work = max(digits + 20, branch.working_digits)
        with mpmath.workdps(work):
            es = [_eps(q.d) for q in hist]
            e_new = _eps(d_new)
            pred = [_neville(es, [mpmath.mpf(q.values[i]) for q in hist], e_new)
                    for i in range(len(prev.values))]
            lpred = _neville(es, [mpmath.mpf(q.loss) for q in hist], e_new)
        rr = newton(space, pred, d_new, digits=digits, maxiter=15)
        ok = rr.converged
        with mpmath.workdps(work):
            tiny = mpmath.mpf(10) ** (-(digits // 2))
            if ok:
                ok = max(abs(a - b) / (1 + abs(b))
                         for a, b in zip(rr.values, pred, strict=True)) < 0.05
            if ok:
                ok = all(abs(a - b) <= (abs(b) + abs(b - q)) / 4 + tiny
                         for a, b, q in zip(rr.values, pred, prev.values, strict=True))
            if ok:
                ln = loss(rr.values, d_new)
                ok = len(hist) < 2 or (abs(ln - lpred) <= abs(lpred - prev.loss) / 4
                                       + tiny * (1 + abs(ln)))
        if ok and index0 is not None:  # same Morse index on Fix(H): the same branch
            ok = fix_index(space, rr.values, d_new) == index0
        if not ok:
            h /= 2
            if h < 1e-9 * max(1.0, total):
                ratio = _min_singular_ratio(space, prev.values, prev.d)
                if ratio < 1e-6:
                    branch.status = "turned back"
                    branch.message = (f"the reduced Jacobian becomes singular near d = "
                                      f"{_dstr(prev.d)} (smallest/largest singular value "
                                      f"{ratio:.2e}): a fold or bifurcation")
                else:
                    branch.status = "lost"
                    why = rr.reason if not rr.converged else (
                        "it left the predictor, the loss jumped or the index on Fix(H) "
                        "changed")
                    branch.message = (f"the corrector failed repeatedly after d = "
                                      f"{_dstr(prev.d)} ({why})")
                bar.close()
                return branch
            continue
        branch.points.append(BranchPoint(d_new, rr.values, ln, rr.iterations,
                                         rr.residual, rr.step))
        branch.working_digits = max(branch.working_digits, rr.working_digits)
        s = s_new
        frac = int(100 * abs(s - s0) / total)
        bar.update(max(0, frac - done_frac))
        done_frac = frac
        if last_step:
            stops.pop(0)
            if not stops:
                bar.close()
                branch.message = f"reached d = {_dstr(d1)} in {len(branch.points) - 1} steps"
                return branch
        # a good prediction converges in about log2(digits / accuracy of the predictor)
        # Newton steps (plus one that confirms the step size): grow the step while
        # corrections stay that quick
        if rr.iterations <= 4 + max(0, math.ceil(math.log2(digits / 15))):
            h = min(h * 1.6, 0.5)
    bar.close()
    branch.status = "lost"
    branch.message = f"step limit {max_steps} reached before d = {_dstr(d1)}"
    return branch


# ------------------------------------------------------------------ cached points
#: the modules whose source determines a family point (cache invalidation)
_POINT_SOURCES = ("symbolic.numerics.track", "symbolic.numerics.solve",
                  "symbolic.systems.reduced_numeric",
                  "symbolic.symmetry.groups", "symbolic.loss.kernel")


def _point_key(label: str, seed: tuple, seed_d: Any, d: Any, digits: int) -> str:
    from symbolic.core.cache import source_fingerprint

    return json.dumps([source_fingerprint(*_POINT_SOURCES), label, seed, str(seed_d),
                       str(d), digits])


def _cached_point(label: str, seed: tuple, seed_d: Any, d: Any, digits: int
                  ) -> tuple | None:
    """The stored point (decimal strings) or None; reads the disk cache only (no sympy;
    not memoised, so a miss is never remembered after the point is stored)."""
    from symbolic.core.cache import read_entry

    cached = read_entry("point", _point_key(label, seed, seed_d, d, digits))
    if isinstance(cached, list) and all(isinstance(v, str) for v in cached):
        return tuple(cached)
    return None


@lru_cache(maxsize=256)
def _point_at(label: str, seed: tuple, seed_d: Any, d: Any, digits: int) -> tuple:
    from symbolic.core.cache import write_entry

    hit = _cached_point(label, seed, seed_d, d, digits)
    if hit is not None:
        return hit
    b = track(label, dict(seed), seed_d, d, digits=digits, progress=False)
    if b.status != "reached":
        raise RelusymError(f"the branch could not be followed from d = {_dstr(seed_d)} to "
                           f"d = {_dstr(d)}: {b.message}")
    values = tuple(decimal(v, digits + 5) for v in b.points[-1].values)
    write_entry("point", _point_key(label, seed, seed_d, d, digits), list(values))
    return values


def point_at(space: FixedSpace | str, seed: dict, seed_d: Any, d: Any, *,
             digits: int = 30) -> list[str]:
    """The critical point at ``d`` on the branch through ``seed`` (at ``seed_d``), as
    decimal strings with ``digits + 5`` digits: :func:`track`, cached in memory and on
    disk (keyed by the sources of the numerics, so an edit invalidates it). A stored
    point is returned without parsing the isotropy (no sympy: it was checked when it
    was computed). Raises RelusymError when the branch does not reach ``d``."""
    digits = check_digits(digits)
    dd, d0 = parse_d(d), parse_d(seed_d)
    seed_t = tuple((k, str(v)) for k, v in dict(seed).items())
    if isinstance(space, str):
        hit = _cached_point(space, seed_t, d0, dd, digits)
        if hit is not None:
            return list(hit)
    from symbolic.symmetry.groups import parse_isotropy

    space = parse_isotropy(space)
    space.check_d(dd)
    try:
        return list(_point_at(space.label, seed_t, d0, dd, digits))
    except PrecisionError:  # pragma: no cover - digits checked above
        raise
