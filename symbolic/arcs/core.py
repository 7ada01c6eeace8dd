r"""Tangency arcs of a catalogued critical point: directions, traces, expansions, m(r), M(r).

Source: issue 15 (hidden-minima paper, ``shared/seeds/003``). For a critical point
``W_c`` the tangency set at radius ``r`` holds the critical points of ``L`` on the
sphere ``|W - W_c|_F = r``; ``m(r)`` and ``M(r)`` are the minimum and maximum of ``L``
there. Every eigen-direction of :func:`symbolic.arcs.spaces.directions` gives one
arc (two for ``+-v`` unless they are conjugate), traced by
:func:`symbolic.arcs.trace.trace_arc` and expanded by
:func:`symbolic.arcs.expansion.expansion`. Here ``m(r)`` and ``M(r)`` are read off
the traced arcs (minimum / maximum over the arcs at each radius): both are values
of ``L`` on the sphere, and at ``d = 6`` they agree with direct constrained
optimisation in the full space (tests/test_arcs.py); in general they are the
extrema *over the traced arcs*.

Results are JSON-ready dicts (decimal strings), one per arc, so that a run can be
streamed to a JSON-lines file and resumed (:func:`compute_arcs` with ``out``).
"""

from __future__ import annotations

import pathlib
from concurrent.futures import Executor
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import mpmath

from symbolic.arcs.checks import SPHERE_INDEX_MAX_KD, sphere_index
from symbolic.arcs.critical import critical_point_on_arc
from symbolic.arcs.expansion import expansion, fit_coefficients
from symbolic.arcs.spaces import Direction, directions
from symbolic.arcs.trace import newton_on_sphere, trace_arc
from symbolic.core.errors import RelusymError
from symbolic.core.formatting import decimal
from symbolic.symmetry.groups import D_SYMBOL

__all__ = ["ArcsResult", "compute_arcs", "family_directions", "arc_record", "extrema",
           "check_inputs"]


@lru_cache(maxsize=16)
def _family_point(name: str, d: int, digits: int) -> tuple:
    from symbolic.catalogue.families import family

    fam = family(name, warn=False)
    vals = fam.point(d, digits=digits + 10)
    return fam.isotropy, tuple(vals)


@lru_cache(maxsize=8)
def family_directions(name: str, d: int, digits: int) -> tuple:
    """``(isotropy, values, spectrum, [Direction])`` of a catalogued family at ``d``."""
    from symbolic.spectra.spectrum import spectrum

    iso, vals = _family_point(name, d, digits)
    S = spectrum(iso, list(vals), d, dps=digits + 10)
    dirs = directions(iso, list(vals), d, dps=digits + 10, spectrum=S)
    return iso, vals, S, tuple(dirs)


def _key(dr: Direction, sign: int) -> str:
    return f"{dr.irrep}|{decimal(dr.eigenvalue, 12)}|{dr.space.label}|{sign:+d}"


def _fmt(x: Any, digits: int) -> str:
    return decimal(x, digits)


def arc_record(dr: Direction, sign: int, rmax: Any, steps: int, digits: int,
               refine: bool = True) -> dict:
    """Trace one arc, expand it, check the expansion by a fit; a JSON-ready dict.
    ``refine``: polish and classify the first critical point met along the arc (where
    ``mu`` turns from positive to negative: the maximum of ``L`` along the arc)."""
    arc = trace_arc(dr, sign, rmax, steps=steps)
    ex = expansion(dr, sign, digits=max(20, digits))
    asp = dr.space
    mp = asp.be.mp
    # fit check: the arc at small radii r = rho j (independent of the derivatives)
    rho = mp.mpf(rmax) / 200 if mp.mpf(rmax) < 1 else mp.mpf(1) / 200
    small = []
    u, mu = [sign * x for x in dr.vector], dr.eigenvalue
    for j in range(1, 7):
        sol = newton_on_sphere(asp, u, mu, rho * j, tol=mp.mpf(10) ** (-(mp.dps - 8)))
        if sol is None:
            break
        u, mu, _ = sol
        theta = [c + rho * j * x for c, x in zip(asp.theta_c, u, strict=True)]
        small.append(type("P", (), {"r": rho * j, "loss": asp.evaluate(
            theta, want=("loss",))["loss"]})())
    fit = None
    if len(small) >= 5:
        with mpmath.workdps(mp.dps):
            c3f, c4f = fit_coefficients(small, ex.loss_c, 2 * ex.c2)
        fit = {"c3": _fmt(c3f, 12), "c4": _fmt(c4f, 8), "radii": [_fmt(p.r, 6) for p in small]}
    pts = arc.points
    index = [None] * len(pts)
    k = asp.fine.k_expr.subs(D_SYMBOL, asp.d)
    if int(k) * asp.d <= SPHERE_INDEX_MAX_KD:
        index = [sphere_index(asp, p.theta(asp.theta_c), p.mu, p.r) for p in pts]
    index_changes = [{"r": _fmt(pts[j].r, 8), "from": index[j - 1], "to": index[j]}
                     for j in range(1, len(pts)) if index[j] != index[j - 1]]
    changes = []
    for j, b in enumerate(pts):
        prev = pts[j - 1].isotropy if j else dr.isotropy
        if b.isotropy != prev:
            changes.append({"r": _fmt(b.r, 8), "from": prev, "to": b.isotropy})
    crit = None
    for a, b in zip(pts[:-1], pts[1:], strict=True):
        if (a.mu > 0) != (b.mu > 0):
            t = a.mu / (a.mu - b.mu)
            crit = {"bracket": [_fmt(a.r, 8), _fmt(b.r, 8)], "r": _fmt(a.r + t * (b.r - a.r), 6),
                    "loss": _fmt(a.loss + t * (b.loss - a.loss), 8)}
            if refine and a.mu > 0:
                crit["refined"] = critical_point_on_arc(asp, a, b, digits=min(digits, 25))
            break
    return {
        "key": _key(dr, sign),
        "irrep": dr.irrep,
        "multiplicity": str(dr.multiplicity),
        "eigenvalue": _fmt(dr.eigenvalue, digits),
        "sign": sign,
        "conjugate_minus": dr.conjugate_minus,
        "fixed_space": dr.space.label,
        "fixed_space_dim": dr.space.fine.dim,
        "refinement": dr.split_text,
        "isotropy_start": dr.isotropy,
        "expansion": {"loss_c": _fmt(ex.loss_c, digits), "c2": _fmt(ex.c2, digits),
                      "c3": _fmt(ex.c3, min(digits, 20)), "c4": _fmt(ex.c4, min(digits, 20)),
                      "c4_quartic": _fmt(ex.q4, min(digits, 20)),
                      "c4_coupling": _fmt(ex.coupling, min(digits, 20)),
                      "error": _fmt(ex.error, 3)},
        "fit": fit,
        "status": arc.status,
        "message": arc.message,
        "isotropy_changes": changes,
        "critical_point": crit,
        "sphere_index_changes": index_changes,
        "points": [{"r": _fmt(p.r, digits), "loss": _fmt(p.loss, digits),
                    "mu": _fmt(p.mu, digits), "residual": _fmt(p.residual, 3),
                    "isotropy": p.isotropy, "sphere_index": ix}
                   for p, ix in zip(pts, index, strict=True)],
    }


def _task(task: dict) -> dict:
    """One arc (module-level, picklable: the directions are recomputed per process)."""
    dirs = family_directions(task["family"], task["d"], task["digits"])[3]
    return arc_record(dirs[task["index"]], task["sign"], task["rmax"], task["steps"],
                      task["digits"])


def extrema(records: list[dict], steps: int) -> list[dict]:
    """``m(r)`` and ``M(r)`` at every grid radius, over the arcs that reach it;
    ``complete`` is False where some traced arc stopped before that radius."""
    out = []
    for j in range(steps):
        vals = [(mpmath.mpf(rec["points"][j]["loss"]), rec["key"]) for rec in records
                if len(rec["points"]) > j]
        if not vals:
            break
        r = next(rec["points"][j]["r"] for rec in records if len(rec["points"]) > j)
        lo, hi = min(vals), max(vals)
        out.append({"r": r, "m": mpmath.nstr(lo[0], 20), "m_arc": lo[1],
                    "M": mpmath.nstr(hi[0], 20), "M_arc": hi[1], "arcs": len(vals),
                    "complete": len(vals) == len(records)})
    return out


@dataclass
class ArcsResult:
    """All arcs of one critical point (records are JSON-ready dicts)."""

    family: str
    isotropy: str
    d: int
    digits: int
    rmax: str
    steps: int
    loss_c: str
    spectrum: list
    records: list[dict] = field(default_factory=list)
    which: str = "all"

    @property
    def extrema(self) -> list[dict]:
        return extrema(self.records, self.steps)

    def to_json(self) -> dict:
        return {"family": self.family, "isotropy": self.isotropy, "d": self.d,
                "digits": self.digits, "rmax": self.rmax, "steps": self.steps,
                "loss_c": self.loss_c, "which": self.which, "spectrum": self.spectrum,
                "arcs": self.records, "extrema": self.extrema}


def _select(dirs: tuple, which: str) -> list[int]:
    if which == "all":
        return list(range(len(dirs)))
    vals = [dr.eigenvalue for dr in dirs]
    lo, hi = min(vals), max(vals)
    tol = mpmath.mpf(10) ** -12 * (1 + abs(hi))
    keep = [i for i, v in enumerate(vals) if abs(v - lo) < tol or abs(v - hi) < tol]
    if which == "lowest":
        keep = [i for i in keep if abs(vals[i] - lo) < tol]
    return keep


def _exact_decimal(q: Any) -> str:
    """A rational as a decimal string (exact when it terminates, else 25 digits)."""
    from decimal import Decimal, localcontext
    from fractions import Fraction

    q = Fraction(q)
    with localcontext() as ctx:
        ctx.prec = 25
        text = format((Decimal(q.numerator) / Decimal(q.denominator)).normalize(), "f")
    return text


def check_inputs(fam, d: Any, rmax: Any, steps: Any, digits: Any, which: str) -> tuple:
    """Validate the public inputs once: ``(d, rmax as a decimal string, steps, digits)``."""
    from symbolic.core.parsing import parse_int, parse_number
    from symbolic.symmetry.groups import parse_d

    if which not in ("all", "extreme", "lowest"):
        raise RelusymError(f"which = {which!r}: use 'all', 'extreme' or 'lowest'")
    dd = parse_d(d)
    if not isinstance(dd, int):
        raise RelusymError(f"d = {d!r}: arcs need an integer d (full-matrix checks)")
    if dd > 200:
        raise RelusymError(f"d = {dd}: arcs are supported up to d = 200 (isotropy detection "
                           "on the full matrix at every arc point)")
    fam.space.check_d(dd)
    if fam.kind == "global minimum":
        raise RelusymError(f"family {fam.name!r}: W = V has exactly parallel rows; the "
                           "reduced Hessian there is fine but the arcs leave into "
                           "non-generic points -- use a spurious family or a saddle")
    rq = parse_number(rmax, "rmax")
    if not 0 < rq <= 10:
        raise RelusymError(f"rmax = {rmax!r} must be in (0, 10]")
    rstr = _exact_decimal(rq)
    steps = parse_int(steps, "steps", minimum=1, maximum=400)
    digits = parse_int(digits, "digits", minimum=15, maximum=100)
    return dd, rstr, steps, digits


def compute_arcs(name: str, d: int, *, rmax: Any = 1, steps: int = 20, digits: int = 30,
                 which: str = "all", executor: Executor | None = None,
                 progress: bool | None = False, out: str | pathlib.Path | None = None
                 ) -> ArcsResult:
    """Trace the arcs of the catalogued family ``name`` at integer ``d``.

    ``which``: ``"all"`` directions, ``"extreme"`` (lowest and highest eigenvalue) or
    ``"lowest"``. ``out``: a JSON-lines file; arcs already in it are not recomputed
    (resume) and new ones are appended as they finish.
    """
    import tempfile

    from symbolic.catalogue.families import family
    from symbolic.numerics.parallel import SerialExecutor, run_tasks

    fam = family(name, warn=False)
    d, rmax, steps, digits = check_inputs(fam, d, rmax, steps, digits, which)
    iso, vals, S, dirs = family_directions(fam.name, d, digits)
    tasks = []
    for i in _select(dirs, which):
        for sign in ((1,) if dirs[i].conjugate_minus else (1, -1)):
            key = _key(dirs[i], sign)
            tasks.append({"id": f"{fam.name}|d={d}|{key}|rmax={rmax}|steps={steps}|"
                                f"digits={digits}",
                          "family": fam.name, "d": d, "digits": digits, "index": i,
                          "sign": sign, "rmax": rmax, "steps": steps})
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(out) if out else pathlib.Path(tmp) / "arcs.jsonl"
        records = list(run_tasks(_task, tasks, executor or SerialExecutor(), path,
                                 resume=bool(out), progress=bool(progress),
                                 desc=f"arcs {fam.name} d={d}"))
    records.sort(key=lambda r: (mpmath.mpf(r["eigenvalue"]), r["fixed_space_dim"], -r["sign"]))
    loss_c = records[0]["expansion"]["loss_c"] if records else ""
    return ArcsResult(fam.name, iso, d, digits, rmax, steps, loss_c,
                      S.to_json(min(digits, 20)), records, which)
