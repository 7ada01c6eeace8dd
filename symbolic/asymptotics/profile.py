"""The numeric side of the series: the family's zeros at large ``d`` (the one Newton,
:func:`symbolic.numerics.solve.newton`, continued in ``log d``), recognition of the limits,
the check of a series against its own branch and the fitted truncation slopes."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import mpmath
import numpy as np
from flint import fmpq

from symbolic.asymptotics.specs import FamilySpec
from symbolic.asymptotics.store import _cache_get, _cache_put, evaluate_truncated, to_mpf
from symbolic.core.errors import ConvergenceError, RelusymError
from symbolic.core.precision import working_digits
from symbolic.symmetry.groups import parse_isotropy
from symbolic.systems.puiseux import (
    PiField,
    Series,
)
from symbolic.systems.reduced import ReducedSystem


# --------------------------------------------------------------- numerics
def newton_point(R: ReducedSystem, start: list, d: Any, *, dps: int = 50,
                 maxiter: int = 80) -> tuple[list, Any, Any]:
    """The one Newton (:func:`symbolic.numerics.solve.newton`, its precision policy) on the fixed
    space of ``R`` at ``d`` for ``dps`` correct digits.

    Returns ``(values, residual, step)``; raises :class:`ConvergenceError` (with the
    reason) when it does not converge, e.g. at a zero row or a singular Hessian.
    """
    from symbolic.numerics.solve import newton

    r = newton(R.space, list(start), d, digits=dps, maxiter=maxiter)
    if not r.converged:
        raise ConvergenceError(f"Newton did not converge at d = {_dtext(d)}: {r.reason}")
    return list(r.values), r.residual, r.step


def fix_index(R: ReducedSystem, x: list, d: Any, *, dps: int = 50) -> int:
    """Morse index on ``Fix(H)``: :func:`symbolic.numerics.track.fix_index` (the inertia of the
    pencil of the reduced Hessian and the orbit sizes, with the package's zero
    tolerance); a degenerate point raises :class:`ConvergenceError` (it has no index).
    ``dps`` is accepted for compatibility (the index needs no more than the default)."""
    from symbolic.numerics.track import fix_index as _fix_index

    idx = _fix_index(R.space, list(x), d)
    if idx is None:
        raise ConvergenceError(f"the reduced Hessian is (nearly) singular at d = {_dtext(d)}: "
                               "a degenerate point has no Morse index")
    return idx


def _mpd(mp: Any, d: Any):
    """An exact number (int, Fraction, decimal string, mpf) in the context ``mp``."""
    if isinstance(d, Fraction):
        return mp.mpf(d.numerator) / d.denominator
    return mp.mpf(d)


def _dtext(d: Any) -> str:
    if isinstance(d, int):
        return str(d)
    with mpmath.workdps(20):
        return mpmath.nstr(mpmath.mpf(d.numerator) / d.denominator if isinstance(d, Fraction)
                           else mpmath.mpf(d), 8)


def track_to(R: ReducedSystem, start: list, d0: Any, targets: list, *, dps: int = 50,
             partial: bool = False) -> dict:
    r"""Continue a zero of the reduced gradient from ``d0`` to each target ``d``: the
    package's one continuation, :func:`symbolic.numerics.track.track` (predictor in
    ``eps = d^(-1/2)``, componentwise branch test against mirror branches, loss and Morse
    index checks), landing exactly on every target (``through=``), upwards and downwards.

    Returns ``{target: (values, residual, step)}``; raises :class:`ConvergenceError`
    naming ``d`` where the branch is lost (with ``partial=True``, returns what was reached).
    """
    from symbolic.core.parsing import parse_number
    from symbolic.numerics.track import track

    d0 = parse_number(d0, "d0")
    exact = {t: parse_number(t, "d") for t in targets}
    for v in exact.values():
        R.space.check_d(v)
    out: dict = {}
    up = sorted((t for t in targets if exact[t] > d0), key=lambda v: exact[v])
    down = sorted((t for t in targets if exact[t] < d0), key=lambda v: -exact[v])
    at = [t for t in targets if exact[t] == d0]
    for todo in (at, up, down):
        if not todo:
            continue
        end = exact[todo[-1]]
        b = track(R.space, list(start), d0, end, digits=dps, progress=False,
                  through=[exact[t] for t in todo if exact[t] != end])
        reached = {Fraction(p.d): p for p in b.points}
        for t in todo:
            p = reached.get(Fraction(exact[t]))
            if p is not None:
                out[t] = (list(p.values), p.residual, p.step)
        if b.status != "reached":
            if partial:
                return out
            raise ConvergenceError(f"the branch from d = {_dtext(d0)} is lost: {b.message}")
    return out


def _extrapolate(eps_vals: list, ys: list):
    """Extrapolation of ``y(eps)`` to ``eps = 0``: the polynomial through the points
    (Neville, the continuation's predictor :func:`symbolic.numerics.track._neville`)."""
    from symbolic.numerics.track import _neville

    return _neville(eps_vals, ys, 0)


def _recognise(x, dps: int) -> PiField:
    """A candidate element of ``Q(pi)`` for the real ``x`` (PSLQ; verified later, exactly)."""
    mp = mpmath.MPContext()
    mp.dps = dps
    x = mp.mpf(x)
    if abs(x) < mp.mpf(10) ** (-(dps // 2)):
        return PiField(0)
    pi = mp.pi
    for deg in (0, 1, 2):
        basis = [x * pi**i for i in range(deg + 1)] + [pi**i for i in range(deg + 1)]
        rel = mp.pslq(basis, maxcoeff=10**4, maxsteps=10**5)
        if rel is None or all(r == 0 for r in rel[: deg + 1]):
            continue
        num = [-Fraction(r) for r in rel[deg + 1:]]
        den = [Fraction(r) for r in rel[: deg + 1]]
        cand = PiField(_fq(num)) / PiField(_fq(den))
        if abs(to_mpf(cand, mp) - x) < mp.mpf(10) ** (-(dps * 2 // 3)):
            return cand
    raise RelusymError(f"leading coefficient {mp.nstr(x, 20)} not recognised in Q(pi)")


def _fq(coeffs: list):
    from flint import fmpq_poly

    return fmpq_poly([fmpq(c.numerator, c.denominator) for c in coeffs])



def numeric_profile(spec: FamilySpec, *, dps: int = 60, exps: tuple = (10, 12, 14, 16, 18, 20, 22)):
    """High-precision zeros of the family at ``d = 10^e`` and at ``d = 10^4, 10^6, 10^8``
    (continuation from the seed by :func:`track_to`, with all its checks). Cached on
    disk (:func:`symbolic.core.cache.cache_dir`; decimal strings, parsed exactly)."""
    key = ["profile", spec.name, spec.isotropy, str(spec.d0), sorted(spec.seed.items()),
           dps, list(exps)]
    hit = _cache_get(key)
    R = ReducedSystem(parse_isotropy(spec.isotropy))
    ds = [10**e for e in exps]
    if hit is not None:
        mp = mpmath.MPContext()
        mp.dps = dps + 100
        sols = {int(d): ([mp.mpf(v) for v in vals], mp.mpf(res), mp.mpf(stp))
                for d, (vals, res, stp) in hit.items()}
        if all(d in sols for d in ds):
            return ds, sols
    start = [spec.seed[n] for n in R.space.names]
    # the fit points of fit_exponents and truncation_slopes ride along
    sols = track_to(R, start, spec.d0, sorted(set(ds) | {10**4, 10**6, 10**8}), dps=dps)
    _cache_put(key, {str(d): ([mpmath.nstr(v, dps + 90) for v in x],
                              mpmath.nstr(res, 5), mpmath.nstr(stp, 5))
                     for d, (x, res, stp) in sols.items()})
    return ds, sols


def _leading_terms(space, ds, sols, limits, dps) -> list[Series]:
    r"""``theta_p \approx lim_p + c_p eps^{k_p}``: the first correction of every parameter from
    the numeric profile (integer order ``k_p`` fitted, ``c_p`` extrapolated to ``eps = 0`` and
    recognised in ``Q(pi)``). A *candidate* start for the eps-adic Newton iteration (which
    verifies it) where the limit alone is degenerate, e.g. a neuron that dies as
    ``d -> oo`` (a zero row of ``W`` at ``eps = 0``: the angles are undefined there)."""
    mp = mpmath.MPContext()
    mp.dps = dps
    epss = [1 / mp.sqrt(mp.mpf(d)) for d in ds]
    out = []
    for p in range(space.dim):
        lim = to_mpf(limits[p], mp)
        diffs = [mp.mpf(sols[d][0][p]) - lim for d in ds]
        if all(abs(v) <= mp.mpf(10) ** (-(dps // 2)) for v in diffs):
            out.append(Series.const(limits[p]))
            continue
        a, b = diffs[-2], diffs[-1]
        if a == 0 or b == 0 or (a < 0) != (b < 0):
            raise RelusymError(f"parameter {space.names[p]}: no clean power law at large d")
        kf = mp.log(abs(b) / abs(a)) / mp.log(epss[-1] / epss[-2])
        k = int(mp.nint(kf))
        if abs(kf - k) > 0.05 or k <= 0:
            raise RelusymError(f"parameter {space.names[p]}: first correction of order eps^"
                               f"{mp.nstr(kf, 5)} is not an integer power")
        c = _extrapolate(epss, [v / e**k for v, e in zip(diffs, epss, strict=True)])
        out.append(Series.const(limits[p]) + Series.monomial(_recognise(c, dps // 2), k))
    return out


def _has_zero_row(space, limits) -> bool:
    """Whether ``W(theta)`` has a zero row at the limit point (a neuron vanishing)."""
    vals = [float(to_mpf(c)) for c in limits]
    W = np.array(space.matrix(vals, max(space.min_d(), 4)), dtype=float)
    return bool(np.any(np.all(W == 0, axis=1)))


def check_branch(fs: Any, *, dps: int = 60, ds: tuple = (10**10, 10**14)) -> dict:
    r"""Compare the truncated series ``fs`` (a :class:`~symbolic.asymptotics.series.FamilySeries`)
    with the high-precision continued points of its branch.

    At each ``d`` in ``ds`` (points of the numeric profile, reached from the family's seed by
    :func:`track_to`): every parameter's truncated series ``sum_{k < prec} c_k eps^k`` must
    agree with the continued point to ``10^6 eps^{prec} + 10^{-dps/2}`` (the truncation
    error), the loss series likewise with the loss at the point, and the Morse index on
    ``Fix(H)`` must be the family's. Raises :class:`RelusymError` on a mismatch (a series of
    another branch); returns the measured differences.
    """
    spec = fs.family
    if spec.exact is not None:
        return {}
    R = ReducedSystem(fs.space)
    mp = mpmath.MPContext()
    mp.dps = dps
    missing = [d for d in ds if d not in fs.numeric]
    if missing:
        fs.numeric.update(track_to(R, [spec.seed[n] for n in fs.space.names], spec.d0,
                                   missing, dps=dps))
    report = {}
    loss = fs.loss_series()
    for d in ds:
        x = fs.numeric[d][0]
        e = 1 / mp.sqrt(mp.mpf(d))
        worst = mp.zero
        for nm, t, v in zip(fs.names, fs.theta, x, strict=True):
            n = int(min(t.prec, fs._cap()))
            diff = abs(evaluate_truncated(t, e, n, dps) - mp.mpf(v))
            tol = 10**6 * e**n + mp.mpf(10) ** (-(dps // 2))
            if diff > tol:
                raise RelusymError(
                    f"family {spec.name}: the series of {nm} misses its own branch at d = "
                    f"{_dtext(d)} by {mp.nstr(diff, 3)} (a series of another branch?); "
                    "not printed")
            worst = max(worst, diff)
        n = int(min(loss.prec, fs._cap()))
        lnum = R.loss(x, d, dps=working_digits(dps, d, "loss"))
        ldiff = abs(evaluate_truncated(loss, e, n, dps) - lnum)
        if ldiff > 10**6 * e**n + mp.mpf(10) ** (-(dps // 2)):
            raise RelusymError(f"family {spec.name}: the loss series misses the loss of its "
                               f"branch at d = {_dtext(d)} by {mp.nstr(ldiff, 3)}; not printed")
        idx = fix_index(R, x, d, dps=dps)
        if spec.fix_index is not None and idx != spec.fix_index:
            raise RelusymError(f"family {spec.name}: Morse index on Fix(H) is {idx} at d = "
                               f"{_dtext(d)}, the family's is {spec.fix_index}; not printed")
        report[d] = {"params": worst, "loss": ldiff, "fix_index": idx}
    report["slopes"] = truncation_slopes(fs, dps=dps)
    return report


def truncation_slopes(fs: Any, *, dps: int = 60,
                      ds: tuple = (10**4, 10**6, 10**8)) -> dict:
    r"""The fitted order of the truncation error of every parameter and of the loss.

    For each series, the truncation after ``eps^N`` (``N = fs.order``) is compared with
    the high-precision zeros at ``ds``; the least-squares slope of ``log|error|`` against
    ``log eps`` must equal the index ``k > N`` of the first nonzero omitted coefficient
    (within 0.5), else :class:`RelusymError` (nothing is printed). Points where the
    predicted error is below the numerical noise are left out; fewer than two points left
    give ``None`` (reported, not claimed). Returns ``{name: (fitted, expected)}``.
    """
    spec = fs.family
    if spec.exact is not None:
        return {}
    R = ReducedSystem(fs.space)
    mp = mpmath.MPContext()
    mp.dps = dps + 20
    N = fs.order
    missing = [d for d in ds if d not in fs.numeric]
    if missing:
        fs.numeric.update(track_to(R, [spec.seed[n] for n in fs.space.names], spec.d0,
                                   missing, dps=dps))
    items = [(nm, t, lambda d, p=p: mp.mpf(fs.numeric[d][0][p]))
             for p, (nm, t) in enumerate(zip(fs.names, fs.theta, strict=True))]
    loss = fs.loss_series()
    items.append(("loss", loss, lambda d: mp.mpf(R.loss(fs.numeric[d][0], d,
                                                        dps=working_digits(dps, d, "loss")))))
    noise = mp.mpf(10) ** (-(dps - 12))
    out: dict = {}
    for nm, t, exact in items:
        k = next((j for j in range(N + 1, int(min(t.prec, N + 40)))
                  if not t.coeff(j).is_zero()), None)
        if k is None:
            out[nm] = (None, None)
            continue
        ck = abs(to_mpf(t.coeff(k), mp))
        xs, ys = [], []
        for d in ds:
            e = 1 / mp.sqrt(mp.mpf(d))
            if ck * e**k < noise * 1e3:
                continue
            err = abs(exact(d) - evaluate_truncated(t, e, N + 1, dps + 20))
            if err == 0:
                continue
            xs.append(mp.log(e))
            ys.append(mp.log(err))
        if len(xs) < 2:
            out[nm] = (None, k)
            continue
        n = len(xs)
        mx, my = sum(xs) / n, sum(ys) / n
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
            (x - mx) ** 2 for x in xs)
        if abs(slope - k) > 0.5:
            raise RelusymError(
                f"family {spec.name}: the truncation error of {nm} after eps^{N} falls like "
                f"eps^{mp.nstr(slope, 4)}, not like eps^{k} (the first omitted term): "
                "not printed")
        out[nm] = (float(slope), k)
    return out


def _limits(space, ds, sols, dps) -> list:
    """Values at ``eps = 0`` by polynomial extrapolation in ``eps``."""
    mp = mpmath.MPContext()
    mp.dps = dps
    epss = [1 / mp.sqrt(mp.mpf(d)) for d in ds]
    return [_extrapolate(epss, [mp.mpf(sols[d][0][p]) for d in ds]) for p in range(space.dim)]


def fit_exponents(R: ReducedSystem, spec: FamilySpec, limits: list, ds=(10**4, 10**6, 10**8),
                  dps: int = 50, sols: dict | None = None) -> list:
    """Fitted order in eps of ``theta_p - theta_p(0)`` from zeros at the given d (least squares
    of ``log|.|`` against ``log d``; ``None`` where the difference vanishes). ``sols``: the
    continued points (``{d: (values, ...)}``) if already known."""
    if sols is None or any(d not in sols for d in ds):
        sols = track_to(R, [spec.seed[n] for n in R.space.names], spec.d0, list(ds), dps=dps)
    mp = mpmath.MPContext()
    mp.dps = dps
    out = []
    for p in range(R.space.dim):
        lim = to_mpf(limits[p], mp)
        pts = []
        for d in ds:
            diff = abs(mp.mpf(sols[d][0][p]) - lim)
            if diff > mp.mpf(10) ** (-(dps - 10)):
                pts.append((mp.log(d), mp.log(diff)))
        if len(pts) < 2:
            out.append(None)
            continue
        n = len(pts)
        mx = sum(x for x, _ in pts) / n
        my = sum(y for _, y in pts) / n
        slope = sum((x - mx) * (y - my) for x, y in pts) / sum((x - mx) ** 2 for x, _ in pts)
        out.append(float(-2 * slope))
    return out
