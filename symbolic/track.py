r"""Continuation in d: follow one critical point of the reduced system from d0 to d1.

The reduced equations ``grad ell(theta; d) = 0`` define, near a nondegenerate
point, a smooth branch ``theta(d)`` (implicit function theorem: the reduced
Jacobian is invertible). We follow it in ``s = log d`` (so one run can go from
``d = 10`` to ``d = 10^8`` in a few dozen steps, through fractional ``d``) with a
secant predictor and a high-precision Newton corrector
(:func:`symbolic.solve.newton`), adapting the step: it grows after quick
corrections and halves when the corrector fails or jumps too far from the
prediction (which would risk landing on another branch).

A run stops with

* ``"reached"``: the target ``d1`` was reached;
* ``"turned back"``: the corrector fails ever closer to a point where the
  reduced Jacobian becomes singular (a fold: the branch turns back in d, or a
  bifurcation);
* ``"lost"``: the corrector keeps failing with the Jacobian still regular.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import mpmath

from symbolic.errors import ConvergenceError
from symbolic.formatting import decimal
from symbolic.groups import FixedSpace, parse_d, parse_isotropy
from symbolic.solve import check_digits, guard_digits, newton, system_for

__all__ = ["BranchPoint", "Branch", "track"]


@dataclass
class BranchPoint:
    d: Fraction | int
    values: list
    loss: Any
    iterations: int


@dataclass
class Branch:
    space: FixedSpace
    digits: int
    points: list[BranchPoint] = field(default_factory=list)
    status: str = "reached"
    message: str = ""
    #: set when the given start is not (near) critical and Newton moved it far
    warning: str = ""

    def to_json(self, digits: int | None = None) -> dict:
        n = digits or self.digits
        return {
            "isotropy": self.space.label,
            "status": self.status,
            "message": self.message,
            **({"warning": self.warning} if self.warning else {}),
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


def _dstr(d) -> str:
    if isinstance(d, int) or (isinstance(d, Fraction) and d.denominator == 1):
        return str(int(d))
    with mpmath.workdps(30):
        return mpmath.nstr(mpmath.mpf(d.numerator) / d.denominator, 20)


def _to_fraction(x: float | mpmath.mpf, digits: int = 16) -> Fraction:
    """A short exact d from a float (rounded to ``digits`` significant digits)."""
    with mpmath.workdps(digits + 5):
        return Fraction(mpmath.nstr(mpmath.mpf(x), digits))


def _min_singular_ratio(space, values, d) -> float:
    import numpy as np

    J = np.array(system_for(space).hessian([float(v) for v in values], float(d),
                                           backend="numpy"), dtype=float)
    sv = np.linalg.svd(J, compute_uv=False)
    return float(sv[-1] / max(sv[0], 1e-300))


def track(
    space: FixedSpace | str,
    start: Any,
    d_from: Any,
    d_to: Any,
    *,
    digits: int = 30,
    max_steps: int | None = None,
    initial_step: float | None = None,
    progress: bool | None = None,
    start_tol: float = 1e-6,
    strict: bool = False,
) -> Branch:
    """Follow the critical point near ``start`` (at ``d_from``) to ``d_to``.

    ``start`` (dict by name or list; numbers or decimal strings, parsed exactly by
    :func:`symbolic.parsing.parse_number`) is first refined by Newton at ``d_from``.
    If the refined point lies farther than ``start_tol`` (max relative distance
    ``|theta - theta_start| / (1 + |theta_start|)``) from the given start, the start
    was not (near) critical: with ``strict=True`` a ConvergenceError is raised,
    otherwise ``Branch.warning`` says where the start moved (never silently).
    """
    space = parse_isotropy(space)
    from symbolic.parsing import parse_number

    start_vals = [parse_number(v, n) for v, n in
                  zip(space.values_list(start), space.names, strict=True)]
    digits = check_digits(digits)
    d0, d1 = parse_d(d_from), parse_d(d_to)
    space.check_d(d0)
    space.check_d(d1)
    rs = system_for(space)
    branch = Branch(space, digits)
    r = newton(space, start_vals, d0, dps=digits)
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
        return rs.loss(values, d, backend="mpmath", dps=digits + guard_digits(d))

    branch.points.append(BranchPoint(d0, r.values, loss(r.values, d0), r.iterations))
    if d0 == d1:
        return branch
    s0, s1 = math.log(float(d0)), math.log(float(d1))
    direction = 1.0 if s1 > s0 else -1.0
    total = abs(s1 - s0)
    h = initial_step or min(0.05, total / 4) if total > 0 else 0.0
    h = max(h, 1e-12)
    if max_steps is None:  # steps are at most 0.5 in log d: leave room for halvings
        max_steps = 400 + 4 * math.ceil(total / 0.5)
    s = s0
    from symbolic.census import _progress

    bar = _progress(100, progress, "track")
    done_frac = 0
    steps = 0
    fails = 0
    while steps < max_steps:
        steps += 1
        remaining = abs(s1 - s)
        last_step = h >= remaining
        s_new = s1 if last_step else s + direction * h
        d_new = d1 if last_step else _to_fraction(math.exp(s_new))
        if not last_step and (d_new - d1) * direction >= 0:
            # exp(log d) in float may land at or beyond d1 (float(1e100) > 10^100)
            last_step, s_new, d_new = True, s1, d1
        prev = branch.points[-1]
        if len(branch.points) >= 2:
            pp = branch.points[-2]
            sp_, sc = math.log(float(pp.d)), math.log(float(prev.d))
            t = (s_new - sc) / (sc - sp_)
            pred = [c + t * (c - p) for c, p in zip(prev.values, pp.values, strict=True)]
        else:
            pred = list(prev.values)
        rr = newton(space, pred, d_new, dps=digits, maxiter=15)
        ok = rr.converged
        if ok:
            jump = max(abs(a - b) / (1 + abs(b)) for a, b in zip(rr.values, pred, strict=True))
            ok = jump < 0.05
        if not ok:
            fails += 1
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
                    branch.message = (f"the corrector failed repeatedly after d = "
                                      f"{_dstr(prev.d)} ({rr.reason})")
                bar.close()
                return branch
            continue
        branch.points.append(BranchPoint(d_new, rr.values, loss(rr.values, d_new),
                                         rr.iterations))
        s = s_new
        frac = int(100 * abs(s - s0) / total)
        bar.update(max(0, frac - done_frac))
        done_frac = frac
        if last_step:
            bar.close()
            branch.message = f"reached d = {_dstr(d1)} in {len(branch.points) - 1} steps"
            return branch
        # a good prediction converges in about log2(digits / accuracy of the predictor)
        # Newton steps: grow the step while corrections stay that quick
        if rr.iterations <= 3 + max(0, math.ceil(math.log2(digits / 15))):
            h = min(h * 1.6, 0.5)
    bar.close()
    branch.status = "lost"
    branch.message = f"step limit {max_steps} reached before d = {_dstr(d1)}"
    return branch
