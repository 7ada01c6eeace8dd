r"""High-precision Newton on the symmetry-reduced critical-point equations.

The critical points of ``L`` in ``Fix(H)`` are the zeros of the reduced gradient
``grad ell(theta; d)`` (principle of symmetric criticality, DESIGN.md section 2);
its Jacobian is the reduced Hessian. Both come from
:class:`symbolic.systems.reduced.ReducedSystem`, so one Newton step costs the same at
``d = 10`` and at ``d = 10^8``.

Convergence is judged on two numbers, never on mpmath.findroot's own test
(which only checks ``|f|^2 <= tol``, DESIGN.md section 7):

* the *residual*: the largest entry of the gradient of ``L`` on ``W(theta)``,
  ``max_p |d ell/d theta_p| / |orbit_p|`` (the entrywise gradient; independent of
  the orbit sizes, hence of the scale of ``d``);
* the *step*: the largest Newton correction ``max_p |delta_p| / (1 + |theta_p|)``.

Both must fall below ``10^-(digits + 2)``. The working precision comes from the
package's precision policy (:func:`symbolic.core.precision.working_digits`, algorithm
``"newton"``: ``digits + 5 + 10 + 3 log10 d``) and is reported in
:attr:`NewtonResult.working_digits`. Steps are damped by a backtracking
line search on the residual. A run that does not converge returns a
:class:`NewtonResult` with ``converged = False`` and the reason (iteration limit,
singular Jacobian, divergence, a zero row of ``W``); :func:`solve_point` turns
that into a :class:`~symbolic.core.errors.ConvergenceError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from symbolic.core.backends import (
    ArbBackend,
    MpmathBackend,
    arb_midpoints,
    digits_bits,
    mpf_from_arb,
)
from symbolic.core.errors import ConvergenceError
from symbolic.core.precision import MAX_DIGITS, MIN_DIGITS, check_digits, guard_digits, resolve
from symbolic.core.precision import working_digits as _working_digits
from symbolic.symmetry.groups import FixedSpace, parse_d, parse_isotropy
from symbolic.systems.reduced import ReducedSystem

__all__ = [
    "NewtonResult",
    "newton",
    "solve_point",
    "system_for",
    "check_digits",
    "guard_digits",
    "orbit_sizes",
    "newton_float",
]

#: re-exported from :mod:`symbolic.core.precision` (the one precision policy)
_ = (MIN_DIGITS, MAX_DIGITS, check_digits, guard_digits)


@lru_cache(maxsize=64)
def _system(label: str) -> ReducedSystem:
    """Numeric evaluation from the pair types (symbolic.systems.reduced_numeric): the same
    loss, gradient and Hessian as :class:`ReducedSystem` (tests/test_reduced_numeric.py)
    without building sympy expressions, so its cost grows with the number of pair
    types, not with the size of an expanded expression."""
    from symbolic.systems.reduced_numeric import NumericReducedSystem

    return NumericReducedSystem(parse_isotropy(label))


def system_for(space: FixedSpace | str) -> ReducedSystem:
    """The cached reduced system (coordinate directions) of a fixed space."""
    return _system(parse_isotropy(space).label)


def orbit_sizes(space: FixedSpace, d: Any, be) -> list:
    """Orbit sizes of the parameters at ``d`` in the backend's arithmetic (exact values
    from :meth:`FixedSpace.at`, converted once by ``be.number``)."""
    return [be.number(o) for o in parse_isotropy(space).at(d).orbit_sizes]


@dataclass
class NewtonResult:
    """Outcome of a Newton run: the point, how well it solves the system, and why it stopped."""

    converged: bool
    values: list
    residual: Any
    step: Any
    iterations: int
    reason: str
    history: list = field(default_factory=list, repr=False)
    #: digits asked for and decimal working precision used (symbolic.core.precision)
    digits: int = 0
    working_digits: int = 0


def _scatter(vals, free, n, zero):
    """A length-``n`` list with ``vals`` at ``free`` and ``zero`` elsewhere."""
    out = [zero] * n
    for i, v in zip(free, vals, strict=True):
        out[i] = v
    return out


def _residual(g, sizes):
    return max(abs(gi) / abs(si) for gi, si in zip(g, sizes, strict=True))


def newton(
    space: FixedSpace | str,
    start: Any,
    d: Any,
    *,
    digits: int | None = None,
    dps: int | None = None,
    maxiter: int = 100,
    tol: Any = None,
    frozen: Sequence[int] = (),
) -> NewtonResult:
    """Damped Newton on the reduced gradient at ``d`` for ``digits`` correct digits.

    ``start``: parameter values (list in ``space.params`` order or dict by name;
    numbers or decimal strings). ``dps``: deprecated alias of ``digits`` (default 50).
    ``frozen``: indices of parameters held at their start values; Newton solves the
    gradient equations of the other parameters only (a block of dead rows held at
    ``~0``: the loss restricted to the live rows is smooth there).
    Never raises on non-convergence: the result says what happened.
    """
    space = parse_isotropy(space)
    digits = resolve(digits, dps, default=50)
    rs = system_for(space)
    dnum = parse_d(d)
    at = space.at(dnum)
    work = _working_digits(digits, dnum, "newton")
    be = MpmathBackend(work)
    mp = be.mp
    x = [be.number(v) for v in space.values_list(start)]
    sizes = [be.number(o) for o in at.orbit_sizes]
    eps = mp.mpf(10) ** (-(digits + 2)) if tol is None else be.number(tol)
    free = [i for i in range(len(x)) if i not in set(frozen)]
    if len(free) < len(x):
        sizes = [sizes[i] for i in free]
    scale0 = max([abs(v) for v in x] + [mp.one])
    history: list = []

    def result(ok, xv, res, step, it, why):
        return NewtonResult(ok, xv, res, step, it, why, history, digits, work)

    # Evaluate in arb at the working precision (10-20 x faster than pure-Python
    # mpmath), solve with flint's approximate solver, continue in mpmath; a ball too
    # wide (near parallel or zero rows) falls back to mpmath for that evaluation.
    ab = ArbBackend(prec=digits_bits(work))
    g_rel = f"1e-{digits + 4}"     # residual tests need |g| to ~10^-(digits+2) / orbit
    j_rel = f"1e-{digits // 2 + 2}"  # the Jacobian only sets the convergence rate

    def grad_all(xv):
        with ab.context():
            mids = arb_midpoints(rs.gradient(xv, dnum, backend=ab), mp, g_rel)
        return mids if mids is not None else list(rs.gradient(xv, dnum, backend=be))

    def newton_step(xv, gv):
        import flint

        n = len(free)
        with ab.context():
            J = rs.hessian(xv, dnum, backend=ab)
            if arb_midpoints(J, mp, j_rel) is not None:
                Ja = flint.arb_mat([[J[i, j].mid() for j in free] for i in free])
                rhs = flint.arb_mat([[-ab.number(gi)] for gi in gv])
                sol = Ja.solve(rhs, algorithm="approx")  # ZeroDivisionError: singular
                return _scatter([mpf_from_arb(sol[i, 0], mp) for i in range(n)], free,
                                len(xv), mp.zero)
        J = rs.hessian(xv, dnum, backend=be)
        sol = mp.lu_solve(mp.matrix([[J[i, j] for j in free] for i in free]),
                          mp.matrix([-gi for gi in gv]))
        return _scatter([sol[i] for i in range(n)], free, len(xv), mp.zero)

    def grad(xv):
        g_all = grad_all(xv)
        return g_all if len(free) == len(xv) else [g_all[i] for i in free]

    try:
        g = grad(x)
    except ZeroDivisionError:
        return result(False, x, mp.inf, mp.inf, 0,
                      "a row of W is zero at the start (loss not differentiable)")
    res = _residual(g, sizes)
    step = mp.inf
    for it in range(1, maxiter + 1):
        try:
            delta = newton_step(x, g)
        except ZeroDivisionError:
            return result(False, x, res, step, it,
                          "singular Jacobian (a degenerate or non-isolated critical point?)")
        step = max(abs(di) / (1 + abs(xi)) for di, xi in zip(delta, x, strict=True))
        t = mp.one
        accepted = False
        for _ in range(40):
            xn = [xi + t * di for xi, di in zip(x, delta, strict=True)]
            try:
                gn = grad(xn)
            except ZeroDivisionError:
                t /= 2
                continue
            rn = _residual(gn, sizes)
            if rn <= (1 - t / 4) * res or rn <= eps:
                accepted = True
                break
            t /= 2
        if not accepted:
            # Near the root at full precision the residual stalls: accept the full step
            # if it is already tiny, otherwise report the failure.
            if step <= eps:
                return result(True, x, res, step, it, "converged")
            return result(False, x, res, step, it,
                          "line search failed: no decrease of the residual")
        x, g, res = xn, gn, rn
        history.append((res, step))
        if max(abs(v) for v in x) > 1e8 * scale0:
            return result(False, x, res, step, it, "diverged: parameters blow up")
        if res <= eps and step * t <= eps:
            return result(True, x, res, step * t, it, "converged")
        if res <= eps and step <= mp.mpf(10) ** (-(digits // 2)):
            # one more iteration confirms the step size (quadratic convergence)
            continue
    return result(False, x, res, step, maxiter, f"no convergence in {maxiter} iterations")


def solve_point(space: FixedSpace | str, start: Any, d: Any, *, digits: int | None = None,
                dps: int | None = None, maxiter: int = 100) -> list:
    """Like :func:`newton` but returns the values, or raises ConvergenceError."""
    r = newton(space, start, d, digits=digits, dps=dps, maxiter=maxiter)
    if not r.converged:
        raise ConvergenceError(
            f"Newton did not converge after {r.iterations} iterations: {r.reason} "
            f"(residual {_short(r.residual)}, last step {_short(r.step)})"
        )
    return r.values


def _short(x) -> str:
    import mpmath

    return mpmath.nstr(x, 3)


def newton_float(space: FixedSpace | str, starts: np.ndarray, d: Any, *,
                 maxiter: int = 60, tol: float = 1e-11) -> tuple[np.ndarray, np.ndarray]:
    """Batched damped Newton in float64 from many starts at once.

    ``starts``: array ``(N, n)``. Returns ``(points (N, n), residual (N,))``;
    rows that failed have residual ``inf`` or ``nan``. Used by the census to
    search; every point it reports is refined by :func:`newton`.
    """
    space = parse_isotropy(space)
    rs = system_for(space)

    dnum = parse_d(d)
    sizes = np.array([float(s) for s in space.at(dnum).orbit_sizes])[:, None]
    rs_sqrt = np.sqrt(sizes[:, 0])
    X = np.array(starts, dtype=float).T.copy()  # (n, N)
    n, N = X.shape

    def resid(Xv):
        with np.errstate(all="ignore"):
            g = rs.batch_at(Xv.T, dnum, ("gradient",))["gradient"].T
            r = np.max(np.abs(g) / sizes, axis=0)
        return np.asarray(g), np.where(np.isfinite(r), r, np.inf)

    g, r = resid(X)
    active = np.isfinite(r) & (r > tol)
    r_old = r.copy()
    for it in range(maxiter):
        act = np.nonzero(active)[0]
        if not len(act):
            break
        Xa, ga, ra = X[:, act], g[:, act], r[act]
        dy = newton_directions(rs, Xa, ga, dnum, rs_sqrt)
        delta = dy / rs_sqrt[:, None]
        t = np.ones(len(act))
        todo = np.ones(len(act), dtype=bool)
        for _ls in range(25):
            sub = np.nonzero(todo)[0]
            if not len(sub):
                break
            cand = Xa[:, sub] + t[sub] * delta[:, sub]
            gc, rc = resid(cand)
            ok = np.isfinite(rc) & (rc <= (1 - t[sub] / 4) * ra[sub])
            cols = act[sub[ok]]
            X[:, cols] = cand[:, ok]
            g[:, cols] = gc[:, ok]
            r[cols] = rc[ok]
            todo[sub[ok]] = False
            t[sub[~ok]] /= 2
        active[act[todo]] = False  # no decrease found: deactivate
        active &= (r > tol) & np.all(np.abs(X) < 1e6, axis=0)
        if (it + 1) % 8 == 0:  # stagnation: less than a halving in 8 iterations
            active &= ~(r > 0.5 * r_old)
            r_old = r.copy()
    return X.T, r


def newton_directions(rs, Xa: np.ndarray, ga: np.ndarray, dnum: Any, sq: np.ndarray
                      ) -> np.ndarray:
    """Batched Newton steps ``dy`` (shape ``(n, Na)``) in orthonormal coordinates
    ``y = sqrt(orbit) * theta``, where the Jacobian is the Hessian of ``L`` on Fix(H)
    (entries O(1)..O(d), not O(d^2)); least squares where it is singular. Shared by
    :func:`newton_float` and the deflated search (:mod:`symbolic.numerics.search`)."""
    with np.errstate(all="ignore"):
        H = rs.batch_at(Xa.T, dnum, ("hessian",))["hessian"]  # (Na, n, n)
        Hm = H / (sq[:, None] * sq[None, :])
        return batched_solve(Hm, (-ga / sq[:, None]).T).T


def batched_solve(A: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``x[i] = A[i]^-1 b[i]`` for a batch ``A (N, n, n)``, ``b (N, n)``; a singular
    ``A[i]`` gets the least-squares solution (NaN if even that fails) *for that row
    only*, so every row's result is independent of the rest of the batch (the search
    splits batches over processes and must find the same points)."""
    try:
        return np.linalg.solve(A, b[:, :, None])[:, :, 0]
    except np.linalg.LinAlgError:
        return np.stack([_solve_one(A[i], b[i]) for i in range(len(A))]) if len(A) \
            else np.zeros_like(b)


def _solve_one(A, b):
    try:
        return np.linalg.solve(A, b)
    except np.linalg.LinAlgError:
        try:
            return np.linalg.lstsq(A, b, rcond=None)[0]
        except np.linalg.LinAlgError:
            return np.full_like(b, np.nan)


class _ExactFloat:
    """A minimal 'backend' turning exact d into Python numbers for orbit sizes."""

    name = "exact"

    def number(self, x):
        return x
