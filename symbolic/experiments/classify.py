r"""Naming the end points of training runs: detect, refine, re-detect, certify, name.

A float64 end point ``W`` of gradient descent is only near a critical point (the
stopping rule bounds the gradient, DESIGN.md section 10). Each end point is

1. *detected*: its block isotropy ``H`` and the parameters of ``Fix(H)``
   (:func:`symbolic.symmetry.detect.detect_isotropy`, tolerances ``1e-7`` up to ``1e-4``);
2. *refined* by high-precision Newton on the reduced system of ``Fix(H)``
   (:func:`symbolic.numerics.solve.newton`, ``digits`` digits; principle of symmetric
   criticality, so a zero of the reduced gradient is a critical point of ``L``);
3. *re-detected* on the refined point (a point may have a larger isotropy than the
   float64 data showed; then it is refined once more in the larger fixed space);
4. grouped with the other runs by the canonical form of its parameters under the
   normaliser of ``H`` (:func:`symbolic.symmetry.canonical.canonical_key`);
5. *certified* once per group (:func:`symbolic.spectra.certify.certify_point`: Krawczyk box,
   loss enclosure, Morse index from the isotypic Hessian spectrum) and *named*: the
   catalogue family (:mod:`symbolic.catalogue.families`) whose point at this ``d`` has the same
   canonical form, or else a census point of ``Fix(H)`` (a certified critical point of
   the fixed space that the catalogue does not hold).

Least symmetry breaking (Arjevani and Field, arXiv 1912.11939): with ``k = d`` the
loss is invariant under ``Delta S_d``; a minimum with isotropy
``Delta(S_{p_1} x ... x S_{p_r})`` keeps a Young subgroup of order ``prod p_i!`` and
breaks ``[S_d : H] = d! / prod p_i!``. A Young subgroup ``S_a x S_b`` with ``a != b`` is a
maximal subgroup of ``S_d`` (the intransitive maximal subgroups of the O'Nan--Scott
classification); one with three or more blocks, or ``S_a x S_a``, is not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from symbolic.core.errors import IsotropyError, RelusymError
from symbolic.experiments.stats import interval_text

__all__ = ["refine_endpoint", "symmetry_breaking", "name_point", "census_match", "summarise",
           "CensusSummary", "MinimumGroup", "DETECTION_TOLERANCES"]

DETECTION_TOLERANCES = (1e-7, 1e-6, 1e-5, 1e-4)


def _detect(W: Any, tols=DETECTION_TOLERANCES):
    from symbolic.symmetry.detect import detect_isotropy

    last: Exception | None = None
    for tol in tols:
        try:
            return detect_isotropy(W, tol=tol), tol
        except (IsotropyError, RelusymError) as exc:
            last = exc
    raise IsotropyError(f"no block isotropy detected: {last}")


def refine_endpoint(W: Any, *, digits: int = 40) -> dict[str, Any]:
    """Detect, refine and re-detect one end point (``k x d``, target ``I_d``).

    Returns a JSON-ready dict: ``status`` (``"refined"``, ``"undetected"``,
    ``"newton-failed"``, ``"moved"``), ``isotropy`` (after re-detection),
    ``detected_isotropy`` (from the float data), ``params`` (decimal strings),
    ``loss``, ``residual``, ``move`` (largest entry change from the float point to the
    refined point, in the detected coordinates) and the permutations."""
    from symbolic.core.formatting import decimal, loss_decimal
    from symbolic.numerics.solve import newton, system_for

    W = np.asarray(W, dtype=float)
    k, d = W.shape
    try:
        det, tol = _detect(W)
    except IsotropyError as exc:
        return {"status": "undetected", "reason": str(exc)}
    start = [float(det.values[n]) for n in det.space.names]
    r = newton(det.space, start, d, dps=digits)
    if not r.converged:
        return {"status": "newton-failed", "detected_isotropy": det.spec, "reason": r.reason}
    M = det.space.matrix(r.values, d)
    move = float(np.max(np.abs(np.array(M, dtype=float)
                               - W[np.ix_(det.row_perm, det.col_perm)])))
    space, values = det.space, r.values
    try:
        det2 = _detect(M, tols=(1e-15, 1e-12))[0]
    except IsotropyError:  # pragma: no cover - the refined point is in Fix(H) by construction
        det2 = None
    if det2 is not None and det2.space.label != space.label:
        r2 = newton(det2.space, [det2.values[n] for n in det2.space.names], d, dps=digits)
        if r2.converged:
            space, values, r = det2.space, r2.values, r2
    L = system_for(space).loss(values, d, backend="mpmath", dps=digits)
    out = {
        "status": "refined" if move < 1e-4 else "moved",
        "isotropy": space.label,
        "detected_isotropy": det.spec,
        "detection_tol": repr(tol),
        "params": {n: decimal(v, digits) for n, v in zip(space.names, values, strict=True)},
        "loss": loss_decimal(L, digits),
        "residual": decimal(r.residual, 6),
        "move": repr(move),
        "row_perm": [int(i) for i in det.row_perm],
        "col_perm": [int(j) for j in det.col_perm],
    }
    return out


def symmetry_breaking(spec: str, d: int, k: int | None = None) -> dict[str, Any]:
    """Isotropy ``Delta(S_{p_1} x ... x S_{p_r})`` against the target symmetry
    ``Delta S_d`` (``k = d``): block sizes, group order, index ``[S_d : H]``, whether
    ``H`` is all of ``S_d`` (no symmetry broken) and whether it is a maximal subgroup."""
    from symbolic.symmetry.groups import parse_isotropy

    space = parse_isotropy(spec)
    sizes, extra = space.sizes(d)
    sizes, extra = [int(p) for p in sizes], [int(m) for m in extra]
    order = math.prod(math.factorial(p) for p in sizes)
    k = d + sum(extra) if k is None else k
    out: dict[str, Any] = {"blocks": sizes, "row_only_blocks": extra,
                           "order": str(order * math.prod(math.factorial(m) for m in extra))}
    if k == d:
        idx = math.factorial(d) // order
        out["index_in_target"] = str(idx)
        out["log10_index"] = f"{math.log10(idx):.2f}"
        out["unbroken"] = len(sizes) == 1
        out["maximal"] = len(sizes) == 2 and sizes[0] != sizes[1]
    else:
        out["index_in_target"] = None
        out["unbroken"] = None
        out["maximal"] = None
        out["note"] = "k > d: maximality is reported for k = d only"
    return out


@lru_cache(maxsize=128)
def _family_key(name: str, d: int) -> tuple | None:
    from symbolic.catalogue.families import FAMILIES
    from symbolic.symmetry.canonical import canonical_key

    fam = FAMILIES[name]
    try:
        fam.space.check_d(d)
        vals = fam.space.values_list(fam.exact) if fam.exact else fam.point(d, digits=30)
    except (RelusymError, ZeroDivisionError):
        return None
    return canonical_key(fam.space, [float(v) for v in vals], decimals=7)


def name_point(spec: str, values: list, d: int) -> str | None:
    """The catalogue family whose point at ``d`` is this point (up to the normaliser of
    its fixed space), or None."""
    from symbolic.catalogue.families import FAMILIES
    from symbolic.symmetry.canonical import canonical_key
    from symbolic.symmetry.groups import parse_isotropy

    space = parse_isotropy(spec)
    key = canonical_key(space, [float(v) for v in values], decimals=7)
    for fam in FAMILIES.values():
        if fam.space.label != space.label:
            continue
        if _family_key(fam.name, d) == key:
            return fam.name
    return None


@dataclass
class MinimumGroup:
    """One distinct end point (up to symmetry) and the runs that reached it."""

    isotropy: str
    params: dict[str, str]
    loss: str
    runs: list[int]
    certificate: Any = None
    family: str | None = None
    symmetry: dict = field(default_factory=dict)
    n_total: int = 1
    loss_enclosure: list | None = None  # certified, outward rounded
    census_point: str | None = None  # identification in relusym census (identify_census)

    @property
    def count(self) -> int:
        return len(self.runs)

    @property
    def classification(self) -> str:
        return getattr(self.certificate, "classification", "unknown") if self.certificate \
            else "uncertified"

    @property
    def index(self) -> Any:
        return None if self.certificate is None else self.certificate.index

    @property
    def spurious(self) -> bool:
        """A certified local minimum with loss > 0 (its loss enclosure excludes 0); without
        a certificate (``certify=False``): refined loss above ``1e-10`` (a GD end point
        that is not proved to be a minimum)."""
        c = self.certificate
        if c is None:
            from fractions import Fraction

            from symbolic.core.formatting import exact_value

            return exact_value(self.loss) > Fraction(1, 10**10)
        if c is None or c.classification != "minimum" or c.loss is None:
            return False
        return bool(c.loss > 0)

    @property
    def name(self) -> str:
        if self.family:
            return self.family
        return f"census point of Fix({self.isotropy})"

    def to_json(self, digits: int) -> dict[str, Any]:
        from symbolic.experiments.stats import wilson_interval

        lo, hi = wilson_interval(self.count, self.n_total)
        out = {
            "isotropy": self.isotropy, "name": self.name, "family": self.family,
            "catalogued": self.family is not None, "loss": self.loss,
            "loss_enclosure": self.loss_enclosure, "census_point": self.census_point,
            "params": self.params, "count": self.count,
            "fraction": f"{self.count / self.n_total:.4f}", "wilson95": interval_text(lo, hi),
            "index": None if self.index is None else int(self.index),
            "classification": self.classification, "spurious": self.spurious,
            "symmetry": self.symmetry, "runs": self.runs,
            "certificate": None if self.certificate is None
            else self.certificate.to_json(min(digits, 20)),
        }
        return out


@dataclass
class CensusSummary:
    """What the runs reached: distinct minima, fractions, non-converged runs."""

    k: int
    d: int
    runs: int
    protocol: Any
    seed: int
    digits: int
    groups: list[MinimumGroup]
    not_converged: list[dict]
    unidentified: list[dict]
    bad_threshold_count: int

    @property
    def spurious_count(self) -> int:
        return sum(g.count for g in self.groups if g.spurious)

    def spurious_fraction(self) -> tuple[float, tuple[float, float]]:
        from symbolic.experiments.stats import wilson_interval

        return self.spurious_count / self.runs, wilson_interval(self.spurious_count, self.runs)

    def to_json(self) -> dict[str, Any]:
        f, (lo, hi) = self.spurious_fraction()
        from symbolic.experiments.stats import wilson_interval

        blo, bhi = wilson_interval(self.bad_threshold_count, self.runs)
        return {
            "k": self.k, "d": self.d, "runs": self.runs, "seed": self.seed,
            "protocol": self.protocol.to_json(), "digits": self.digits,
            "minima": [g.to_json(self.digits) for g in self.groups],
            "spurious_runs": self.spurious_count,
            "spurious_fraction": f"{f:.4f}", "spurious_wilson95": interval_text(lo, hi),
            "bad_value_runs": self.bad_threshold_count,
            "bad_value_fraction": f"{self.bad_threshold_count / self.runs:.4f}",
            "bad_value_wilson95": interval_text(blo, bhi),
            "not_converged": len(self.not_converged),
            "not_converged_runs": [r["run"] for r in self.not_converged],
            "unidentified": [{"run": r["run"], "status": r["endpoint"]["status"],
                              "loss_float": r["loss_float"],
                              "reason": r["endpoint"].get("reason", "")}
                             for r in self.unidentified],
            "least_symmetry_breaking": self.least_symmetry_breaking(),
        }

    def least_symmetry_breaking(self) -> dict[str, Any]:
        """Do the spurious minima found have large isotropy (maximal subgroups)?"""
        sp = [g for g in self.groups if g.spurious]
        maximal = [g for g in sp if g.symmetry.get("maximal")]
        runs_max = sum(g.count for g in maximal)
        return {
            "spurious_minima": len(sp),
            "maximal_isotropy": len(maximal),
            "runs_at_maximal_isotropy": runs_max,
            "runs_at_spurious": sum(g.count for g in sp),
            "isotropies": sorted({g.isotropy for g in sp}),
            "largest_index_in_target": max((g.symmetry.get("index_in_target") or "0"
                                            for g in sp), key=int, default=None),
        }

    def text(self) -> str:
        f, (lo, hi) = self.spurious_fraction()
        p = self.protocol
        lines = [f"gd-census k = {self.k}, d = {self.d}: {self.runs} runs, "
                 f"optimizer {p.optimizer}, init {p.init}, lr {p.step_size}, seed {self.seed}",
                 f"{'isotropy':<12} {'loss':<24} {'count':>6} {'fraction':>8} "
                 f"{'wilson 95%':<17} {'index':>5}  {'kind':<9} name"]
        for g in self.groups:
            j = g.to_json(self.digits)
            ci = f"[{j['wilson95'][0]}, {j['wilson95'][1]}]"
            idx = "-" if j["index"] is None else str(j["index"])
            lines.append(f"{g.isotropy:<12} {g.loss[:24]:<24} {g.count:>6} {j['fraction']:>8} "
                         f"{ci:<17} {idx:>5}  {g.classification:<9} {g.name}"
                         + (f" ({g.census_point})" if g.census_point else ""))
        lines.append(f"spurious minima: {self.spurious_count} of {self.runs} runs "
                     "({:.4f}, Wilson 95% [{}, {}])".format(f, *interval_text(lo, hi)))
        lines.append(f"runs with L >= {p.bad_value} (Safran-Shamir's criterion): "
                     f"{self.bad_threshold_count}")
        lines.append(f"not converged: {len(self.not_converged)}"
                     + (f" (runs {[r['run'] for r in self.not_converged][:10]})"
                        if self.not_converged else ""))
        if self.unidentified:
            lines.append(f"converged but not identified: {len(self.unidentified)}")
        lsb = self.least_symmetry_breaking()
        if lsb["spurious_minima"]:
            lines.append(f"least symmetry breaking: {lsb['maximal_isotropy']} of "
                         f"{lsb['spurious_minima']} spurious minima "
                         f"({lsb['runs_at_maximal_isotropy']} of {lsb['runs_at_spurious']} "
                         "runs) have a maximal isotropy subgroup "
                         f"of S_{self.d}; isotropies {', '.join(lsb['isotropies'])}")
        return "\n".join(lines)


def census_match(spec: str, values: list, d: int, *, digits: int = 30,
                 cache: dict | None = None) -> tuple[int | None, int]:
    """Position of this point among the isolated points of ``relusym census`` of its
    fixed space at ``d`` (``symbolic.critical.census.census``; None: the census did not find it),
    and the number of points of that census. ``cache`` keeps censuses by isotropy."""
    from symbolic.critical.census import census
    from symbolic.symmetry.canonical import canonical_key
    from symbolic.symmetry.groups import parse_isotropy

    space = parse_isotropy(spec)
    cache = {} if cache is None else cache
    if space.label not in cache:
        cache[space.label] = census(space, d, digits=digits, progress=False,
                                    with_spectrum=False)
    c = cache[space.label]
    key = canonical_key(space, [float(v) for v in values], decimals=7)
    for i, p in enumerate(c.points):
        if canonical_key(space, [float(v) for v in p.values], decimals=7) == key:
            return i, len(c.points)
    return None, len(c.points)


def summarise(results: list[dict], *, k: int, d: int, protocol: Any, seed: int,
              digits: int, certify: bool = True,
              identify_census: bool = False) -> CensusSummary:
    """Group ``gd-run`` records by the refined point, certify and name each group.
    ``identify_census``: a point outside the catalogue is looked up in the census of its
    fixed space (:func:`census_match`; costly: a full census per isotropy)."""
    from symbolic.symmetry.canonical import canonical_key
    from symbolic.symmetry.groups import parse_isotropy

    n = len(results)
    groups: dict[tuple, MinimumGroup] = {}
    not_conv, unident = [], []
    bad = 0
    for r in results:
        if r["status"] != "converged":
            not_conv.append(r)
            continue
        bad += bool(r.get("bad"))
        e = r.get("endpoint") or {}
        if e.get("status") != "refined":
            unident.append(r)
            continue
        space = parse_isotropy(e["isotropy"])
        vals = [e["params"][nm] for nm in space.names]
        key = (space.label, canonical_key(space, [float(v) for v in vals], decimals=9))
        if key not in groups:
            groups[key] = MinimumGroup(space.label, dict(e["params"]), e["loss"], [], n_total=n)
        groups[key].runs.append(int(r["run"]))
    out = sorted(groups.values(), key=lambda g: (float(g.loss), g.isotropy))
    cache: dict = {}
    for g in out:
        g.symmetry = symmetry_breaking(g.isotropy, d, k)
        g.family = name_point(g.isotropy, list(g.params.values()), d)
        if identify_census and g.family is None:
            pos, total = census_match(g.isotropy, list(g.params.values()), d, cache=cache)
            g.census_point = (f"point {pos} of {total} in relusym census Fix({g.isotropy}) "
                              f"at d = {d}") if pos is not None else \
                f"NEW: not among the {total} points of relusym census Fix({g.isotropy})"
        if certify:
            from symbolic.spectra.certify import certify_point

            g.certificate = certify_point(g.isotropy, g.params, d, dps=max(digits, 30))
            c = g.certificate
            if c.verdict == "proved" and c.loss is not None:
                from symbolic.core.formatting import enclosure

                g.loss_enclosure = enclosure(c.loss, 20, nonnegative=True)
                if not c.loss > 0:  # the enclosure reaches 0: the loss is 0 to the digits
                    g.loss = "0"
    return CensusSummary(k, d, n, protocol, seed, digits, out, not_conv, unident, bad)
