r"""The fractional dimension at which a family of critical points changes type.

Source: DESIGN.md sections 2-4 (``d`` enters the reduced system as a real
parameter) and the NeurIPS 2021 abstract ("the exact fractional dimensionality at
which families of critical points turn from saddles into spurious minima").

Along a family ``theta(d)`` the Hessian splits into isotypic blocks
(:mod:`symbolic.spectra.spectrum`); the family changes type where an eigenvalue of one
block crosses 0. Method:

1. *Scan.* Continue the family to the scanned integers ``d`` (every integer of a
   short range, a geometric grid of a long one; the branch-checked continuation
   :func:`symbolic.numerics.track.track`, from the seed of the catalogue
   :mod:`symbolic.catalogue.families`) and compute the spectrum (:mod:`symbolic.spectra.spectrum`,
   signs only: :data:`SCAN_DIGITS` digits); a change between saddle and minimum
   between two scan points is bisected down to ``d`` and ``d + 1``, and the block
   whose smallest eigenvalue changes sign names the irreducible.
2. *Solve.* The critical dimension solves, jointly in ``(theta, d)``, the reduced
   equations ``grad ell(theta; d) = 0`` and ``lambda_min(B(theta, d), G(d)) = 0``.
   We eliminate ``theta`` (:func:`symbolic.numerics.solve.newton` at each trial ``d``, exact
   rational ``d``, verified by residual and step) and solve the scalar equation in
   ``d`` by the secant/Anderson method of :func:`mpmath.findroot` inside the
   bracket; the reported residuals of both equations at the final ``(theta, d)``
   verify the joint solution. Precision: ``digits`` of ``d`` are asked for; the
   working precision is :func:`symbolic.core.precision.working_digits` ``(digits, d,
   "transition")``, reported as ``working_digits``.
3. *Certify* (``certify=True``): Krawczyk certificates of the critical point at
   rational ``d`` just below and just above the crossing, one a saddle and one a
   minimum, prove that the crossing lies in between.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import mpmath

from symbolic.core.backends import MpmathBackend
from symbolic.core.errors import ConvergenceError, RelusymError
from symbolic.core.formatting import decimal
from symbolic.core.precision import check_digits, working_digits
from symbolic.numerics.solve import newton
from symbolic.numerics.track import track
from symbolic.symmetry.groups import FixedSpace, parse_d, parse_isotropy

__all__ = ["Transition", "scan_family", "find_transition", "block_min_eigenvalue",
           "scan_grid", "SCAN_DIGITS"]

#: Digits of the scan (only the signs of the smallest eigenvalues are used there).
SCAN_DIGITS = 20


@dataclass
class Transition:
    """A crossing of an eigenvalue through 0 along a family."""

    family: str
    irrep: str
    d: Any  # mpf
    values: list  # theta at the crossing (mpf)
    residual: Any  # |grad ell| at (theta, d)
    eigen_residual: Any  # |lambda_min| at (theta, d)
    bracket: tuple  # integer d on both sides
    below: str  # "saddle" | "minimum" (type for d slightly below the crossing)
    above: str
    certificate: dict = field(default_factory=dict)
    digits: int = 30
    working_digits: int = 0
    names: tuple = ()  # parameter names of the fixed space

    def to_json(self, digits: int | None = None) -> dict:
        n = digits or self.digits
        out = {
            "family": self.family,
            "irrep": self.irrep,
            "d": decimal(self.d, n),
            "values": [decimal(v, n) for v in self.values],
            "residual": mpmath.nstr(self.residual, 3),
            "eigenvalue_residual": mpmath.nstr(self.eigen_residual, 3),
            "bracket": [str(b) for b in self.bracket],
            "below": self.below,
            "above": self.above,
            "digits": n,
            "working_digits": self.working_digits,
        }
        if self.names:
            out["params"] = dict(zip(self.names, out["values"], strict=True))
        out["certificate"] = self.certificate or {"verdict": "not attempted"}
        return out

    def _rows(self, digits: int) -> list:
        rows = [("d", decimal(self.d, digits)), ("irreducible", self.irrep),
                ("type below / above", f"{self.below} / {self.above}"),
                ("bracket", f"{self.bracket[0]} < d < {self.bracket[1]}"),
                ("residuals", f"{mpmath.nstr(self.residual, 3)}, "
                              f"{mpmath.nstr(self.eigen_residual, 3)}")]
        if self.certificate:
            rows.append(("certificate", self.certificate.get("verdict", "")))
        return rows

    def _repr_html_(self) -> str:
        from symbolic.core.formatting import html_table

        return html_table(f"Transition of {self.family}", ["", ""],
                          self._rows(min(self.digits, 30)))

    def _repr_latex_(self) -> str:
        from symbolic.core.formatting import latex_number

        return (f"$d^* = {latex_number(decimal(self.d, min(self.digits, 30)))}$ "
                f"(\\text{{{self.family}}}, {self.below} $\\to$ {self.above} "
                f"through \\text{{{self.irrep}}})")


@dataclass(frozen=True)
class _Family:
    """What the transition needs of a family: a name, an isotropy and a seed point."""

    name: str
    isotropy: str
    seed_d: Any
    seed: dict


def _family(spec: Any) -> _Family:
    """A catalogue name (:func:`symbolic.catalogue.families.family`; deprecated aliases warn), a
    :class:`symbolic.catalogue.families.Family`, or any object with ``name``, ``isotropy`` and a
    seed (``seed_values``/``seed_d`` or ``seed``/``d0``, e.g. a series FamilySpec)."""
    if isinstance(spec, str):
        from symbolic.catalogue.families import family

        spec = family(spec)
    seed = getattr(spec, "seed_values", None) or getattr(spec, "seed", None)
    seed_d = getattr(spec, "seed_d", None) or getattr(spec, "d0", None)
    if seed is None or seed_d is None:
        raise RelusymError(f"{spec!r} is not a family (needs an isotropy and a seed point)")
    return _Family(spec.name, spec.isotropy, parse_d(seed_d), dict(seed))


def block_min_eigenvalue(space: FixedSpace | str, label: str, values: list, d: Any, *,
                         digits: int | None = None, dps: int | None = None):
    """Smallest eigenvalue of ``B u = lambda G u`` for one irreducible at real ``d``
    (the generic decomposition, :func:`symbolic.spectra.spectrum.block_pencil`), for ``digits``
    correct digits (``dps``: deprecated alias); ``d`` exact or an mpf (its exact
    binary value)."""
    from symbolic.core.backends import generalized_eigenvalues
    from symbolic.spectra.spectrum import block_pencil

    digits = check_digits(digits if digits is not None else (dps or 50))
    dd = parse_d(d)
    be = MpmathBackend(working_digits(digits, dd, "spectrum"))
    blk = block_pencil(space, label, values, dd, backend=be)
    return generalized_eigenvalues(blk.B, blk.G, backend=be)[0]


def scan_grid(lo: int, hi: int, *, max_points: int = 40) -> list[int]:
    """Integers to scan in ``[lo, hi]``: all of them when there are at most ``max_points``,
    else a geometric grid (crossings between grid points are then bisected)."""
    if hi - lo + 1 <= max_points:
        return list(range(lo, hi + 1))
    r = (hi / lo) ** (1 / (max_points - 1))
    pts = {lo, hi}
    for k in range(1, max_points - 1):
        pts.add(min(hi, max(lo, round(lo * r**k))))
    return sorted(pts)


def _row(space, x, d, digits=SCAN_DIGITS):
    from symbolic.spectra.spectrum import spectrum

    s = spectrum(space, x, d, digits=digits)
    mins: dict = {}
    for e in s.eigenvalues:
        if e.irrep not in mins or e.value < mins[e.irrep]:
            mins[e.irrep] = e.value
    return {"d": d, "values": x, "index": s.index, "min_eigenvalues": mins}


def _continue(space: FixedSpace, start: list, d0: Any, targets: list, digits: int) -> dict:
    """``{d: values}`` along the branch through ``start`` at ``d0``, to each target
    (increasing targets above ``d0``, decreasing below), by :func:`symbolic.numerics.track.track`
    from one target to the next; stops (partial result) where the branch is lost."""
    out: dict = {}
    d0 = parse_d(d0)
    up = sorted(t for t in targets if t >= d0)
    down = sorted((t for t in targets if t < d0), reverse=True)
    for todo in (up, down):
        x, dc = list(start), d0
        for t in todo:
            try:
                b = track(space, x, dc, t, digits=digits, progress=False, strict=True)
            except (ConvergenceError, RelusymError):
                break
            if b.status != "reached":
                break
            x, dc = b.points[-1].values, t
            out[t] = x
    return out


def scan_family(spec: Any, d_values: list[int] | None = None, *,
                digits: int = SCAN_DIGITS, dps: int | None = None) -> list[dict]:
    """The family's index and per-irreducible smallest eigenvalue at integer ``d``.

    The branch is continued from the seed to each ``d`` by :func:`symbolic.numerics.track.track`
    (branch-checked predictor-corrector); the scan stops where the branch is lost.
    ``dps``: deprecated alias of ``digits``.
    """
    fam = _family(spec)
    digits = check_digits(dps if dps is not None else digits)
    space = parse_isotropy(fam.isotropy)
    if d_values is None:
        d0 = int(fam.seed_d)
        d_values = list(range(max(space.min_d(), 2), d0 + 11))
    d_values = sorted({int(d) for d in d_values})
    sols = _continue(space, [fam.seed[n] for n in space.names], fam.seed_d, d_values,
                     digits)
    return [_row(space, sols[d], d, digits) for d in d_values if d in sols]


def _bisect(space, a: dict, b: dict, digits: int) -> tuple[dict, dict]:
    """Shrink a bracket ``a["d"] < b["d"]`` of a saddle/minimum change to consecutive
    integers (continuation from the nearer end, spectrum at the midpoint)."""
    while b["d"] - a["d"] > 1:
        m = (a["d"] + b["d"]) // 2
        x = _continue(space, a["values"], a["d"], [m], digits)[m]
        row = _row(space, x, m, digits)
        if (row["index"] == 0) == (a["index"] == 0):
            a = row
        else:
            b = row
    return a, b


def find_transition(spec: Any, *, digits: int | None = None, dps: int | None = None,
                    d_values: list[int] | None = None, certify: bool = False
                    ) -> list[Transition]:
    """Every saddle/minimum change of the family within the scanned range of ``d``.

    ``spec``: a catalogue name or family. Brackets between scan points further apart
    than 1 are bisected to consecutive integers; each crossing is then solved for
    ``digits`` correct digits of ``d`` (default 30). ``dps`` (deprecated) asks for at
    least that many digits: the larger of ``digits`` and ``dps`` is used.
    """
    fam = _family(spec)
    want = [v for v in (digits, dps) if v is not None]
    digits = max(check_digits(v) for v in want) if want else 30
    space = parse_isotropy(fam.isotropy)
    rows = scan_family(fam, d_values)
    out = []
    for a, b in zip(rows, rows[1:], strict=False):
        if a["index"] is None or b["index"] is None:
            continue
        if (a["index"] == 0) == (b["index"] == 0):
            continue  # not a saddle <-> minimum change
        if b["d"] - a["d"] > 1:
            a, b = _bisect(space, a, b, SCAN_DIGITS)
        for label in a["min_eigenvalues"]:
            la, lb = a["min_eigenvalues"][label], b["min_eigenvalues"].get(label)
            if lb is None or (la < 0) == (lb < 0):
                continue
            out.append(_solve_crossing(fam, space, label, a, b, digits, certify))
    return out


def _solve_crossing(fam, space, label, a, b, digits, certify) -> Transition:
    work = working_digits(digits, b["d"], "transition")
    mp = MpmathBackend(work).mp
    inner = digits + 10  # theta and lambda_min a margin beyond the digits of d
    cache = {"x": [mp.mpf(v) for v in a["values"]]}

    def theta(d):
        # predictor: the last solution (the family is smooth in d)
        r = newton(space, cache["x"], d, digits=inner, maxiter=40)
        if not r.converged:
            raise ConvergenceError(f"Newton failed at d = {mp.nstr(d, 15)}: {r.reason}")
        cache["x"] = r.values
        return r.values, r.residual

    def f(d):
        x, _ = theta(d)
        return block_min_eigenvalue(space, label, x, d, digits=inner)

    d_lo, d_hi = mp.mpf(a["d"]), mp.mpf(b["d"])
    try:
        dstar = mp.findroot(f, (d_lo, d_hi), solver="anderson",
                            tol=mp.mpf(10) ** (-(digits + 5)))
    except (ValueError, ZeroDivisionError) as exc:
        raise ConvergenceError(f"transition of {fam.name} ({label}) not found: {exc}") from exc
    if not (d_lo <= dstar <= d_hi):
        raise ConvergenceError(f"transition of {fam.name} left its bracket: {dstar}")
    x, res = theta(dstar)
    lam = block_min_eigenvalue(space, label, x, dstar, digits=inner)
    if abs(lam) > mp.mpf(10) ** (-(digits // 2)):
        raise ConvergenceError(f"eigenvalue at the transition is {mpmath.nstr(lam, 5)}, not 0")
    below = "saddle" if a["min_eigenvalues"][label] < 0 else "minimum"
    above = "saddle" if b["min_eigenvalues"][label] < 0 else "minimum"
    tr = Transition(fam.name, label, dstar, x, res, abs(lam), (a["d"], b["d"]), below, above,
                    digits=digits, working_digits=work, names=tuple(space.names))
    if certify:
        tr.certificate = _certify_bracket(space, dstar, x, digits)
    return tr


def _certify_bracket(space, dstar, x, digits) -> dict:
    """Certify the type just below and above the crossing (rational d)."""
    from symbolic.spectra.certify import certify_point

    out: dict = {}
    delta = mpmath.mpf(10) ** -12
    for side, dd in (("below", dstar - delta), ("above", dstar + delta)):
        dq = Fraction(mpmath.nstr(dd, 40, strip_zeros=False)).limit_denominator(10**30)
        try:
            r = newton(space, x, dq, digits=max(digits, 60))
            cert = certify_point(space, r.values, dq, digits=max(digits, 60))
            out[side] = {"d": str(dq), **cert.to_json(20)}
        except RelusymError as exc:
            out[side] = {"verdict": "unknown", "reason": f"{type(exc).__name__}: {exc}"}
    verdicts = [out[s].get("classification") for s in ("below", "above")]
    if all(out[s].get("verdict") == "proved" for s in ("below", "above")) and \
            len(set(verdicts)) == 2 and set(verdicts) <= {"minimum", "saddle"}:
        out["verdict"] = "proved"
        out["reason"] = "certified saddle and minimum on the two sides of the crossing"
    else:
        out["verdict"] = "unknown"
        out["reason"] = "certificates on both sides not both proved"
    return out
