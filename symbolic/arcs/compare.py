r"""Hidden versus found minima: what their arcs and eigenvalue series tell apart.

Source: issue 15; the hidden-minima paper (Arjevani, ``shared/seeds/003``): the
Hessian spectra of the hidden minima (``bounded-d``, ``bounded-d-1,1``: loss
bounded away from 0, not reached by gradient descent) and of the minimum gradient
descent finds (``spurious-d-1,1``) agree to ``O(d^{-1/2})``; the arcs differ "by
their structure and symmetry, precisely on account of the ``O(d^{-1/2})``
eigenvalue terms". What is computed here:

* :func:`minimum_arc_summary`: at one ``d``, the lowest Hessian eigenvalue (its
  irreducible), the arc realising ``m(r)`` at small ``r`` (direction, fixed space,
  isotropy, whether ``-v`` is conjugate to ``+v``, ``c3``, ``c4``), the first
  critical point met along it (``mu = 0``: ``dL/dr = mu r``) and the rise of ``m``
  up to it, and the certified eigenvalue enclosure containing ``lambda``;
* :func:`eps_terms`: the ``O(d^{-1/2})`` coefficient ``c_1`` of every eigenvalue
  tending to ``1/4 - 1/(2 pi)`` (the common limit of the lowest ``std`` and ``alt2``
  eigenvalues), estimated from the isotypic spectrum at two ``d`` (Richardson in
  ``eps = d^{-1/2}``); :func:`exact_eps_terms` takes them from the exact series of
  :func:`symbolic.asymptotics.series.family_eigenvalues` (minutes per family).
"""

from __future__ import annotations

from typing import Any

import mpmath

from symbolic.arcs.core import compute_arcs, family_directions

__all__ = ["HIDDEN", "FOUND", "minimum_arc_summary", "eps_terms", "exact_eps_terms",
           "LAMBDA_INF"]

#: The families compared: hidden minima and the minimum gradient descent finds.
HIDDEN = ("bounded-d", "bounded-d-1,1")
FOUND = ("spurious-d-1,1",)


def LAMBDA_INF(mp: Any = mpmath.mp) -> Any:
    """``1/4 - 1/(2 pi)``: the limit of the lowest std and alt2 eigenvalues."""
    return mp.mpf(1) / 4 - 1 / (2 * mp.pi)


def _certified_contains(name: str, d: int, irrep: str, lam: Any, digits: int) -> str:
    """Whether ``lam`` (computed in ``Fix(K)`` at ``digits + 10`` digits) agrees with a
    certified eigenvalue enclosure of the irreducible ``irrep`` (``certify_point``):
    distance to the ball at most its radius plus ``10^-(digits - 5)``."""
    from symbolic.spectra.certify import certify_point

    iso, vals, _, _ = family_directions(name, d, digits)
    cert = certify_point(iso, list(vals), d, digits=max(40, digits))
    if cert.verdict != "proved":
        return f"unknown ({cert.verdict}: {cert.reason})"
    with mpmath.workdps(60):
        tol = mpmath.mpf(10) ** (5 - digits)
        for irr, _mult, ball in cert.eigenvalues:
            if irr != irrep:
                continue
            mid = mpmath.mpf(ball.mid().str(55, radius=False))
            rad = mpmath.mpf(ball.rad().str(5, radius=False))
            if abs(mid - lam) <= rad + tol:
                return (f"yes: certified {cert.classification}, lambda within "
                        f"{mpmath.nstr(rad + tol, 2)} of a proved {irrep} enclosure")
    return "no"


def minimum_arc_summary(name: str, d: int, *, rmax: Any = 1, steps: int = 20,
                        digits: int = 30, certify: bool = True, which: str = "lowest",
                        progress=False) -> dict:
    """The arcs of the lowest eigenvalue of ``name`` at ``d`` and the one realising
    ``m(r)`` at the first grid radius (JSON-ready dict)."""
    from symbolic.catalogue.families import family

    res = compute_arcs(name, d, rmax=rmax, steps=steps, digits=digits, which=which,
                       progress=progress)
    ext = [e for e in res.extrema if e["complete"]]
    if not ext:
        from symbolic.core.errors import ConvergenceError

        raise ConvergenceError(f"{name} at d = {d}: no radius reached by every lowest arc "
                               f"({[r['message'] for r in res.records]})")
    rec = next(r for r in res.records if r["key"] == ext[0]["m_arc"])
    lc = mpmath.mpf(res.loss_c)
    peak = max(ext, key=lambda e: mpmath.mpf(e["m"])) if ext else None
    out = {
        "family": name,
        "hidden": not family(name, warn=False).found_by_gd,
        "d": d,
        "loss_c": res.loss_c,
        "rmax": res.rmax,
        "lowest_irrep": rec["irrep"],
        "lowest_multiplicity": rec["multiplicity"],
        "lowest_eigenvalue": rec["eigenvalue"],
        "m_arc": {k: rec[k] for k in ("irrep", "sign", "conjugate_minus", "fixed_space",
                                      "fixed_space_dim", "isotropy_start", "refinement",
                                      "status", "isotropy_changes", "critical_point")},
        "sphere_index": [p["sphere_index"] for p in rec["points"]],
        "c3": rec["expansion"]["c3"],
        "c4": rec["expansion"]["c4"],
        "fit": rec["fit"],
        "lowest_arcs": [{k: r[k] for k in ("irrep", "sign", "fixed_space", "isotropy_start",
                                           "conjugate_minus")}
                        | {"c3": r["expansion"]["c3"], "c4": r["expansion"]["c4"]}
                        for r in res.records if r["irrep"] == rec["irrep"]
                        and r["eigenvalue"] == rec["eigenvalue"]],
        "m_rise": {"r": peak["r"], "m_minus_loss_c": mpmath.nstr(mpmath.mpf(peak["m"]) - lc,
                                                                  10)} if peak else None,
        "m_arc_changes": sorted({e["m_arc"] for e in ext}),
        "result": res,
    }
    if certify:
        out["lambda_certified"] = _certified_contains(name, d, rec["irrep"],
                                                      mpmath.mpf(rec["eigenvalue"]), digits)
    return out


def eps_terms(name: str, ds: tuple = (400, 1600), *, digits: int = 30,
              window: float = 0.01) -> list[dict]:
    """``c_1`` of ``lambda(d) = 1/4 - 1/(2 pi) + c_1 d^{-1/2} + c_2 d^{-1} + ...`` for every
    eigenvalue within ``window`` of the limit at ``ds[-1]`` (two-point Richardson in
    ``eps``; error ``O(eps_1 eps_2)``). A numerical estimate, not a proof."""
    from symbolic.catalogue.families import family
    from symbolic.spectra.spectrum import spectrum

    fam = family(name, warn=False)
    mp = mpmath.MPContext()
    mp.dps = digits
    lim = LAMBDA_INF(mp)
    per_d = []
    for d in ds:
        vals = fam.point(d, digits=digits)
        S = spectrum(fam.isotropy, vals, d, dps=digits)
        per_d.append([(e.irrep, mp.mpf(e.value)) for e in S.eigenvalues])
    out = []
    last = per_d[-1]
    for irr, lam2 in last:
        if abs(lam2 - lim) > window:
            continue
        same = [i for i, (ir, _) in enumerate(last) if ir == irr]
        pos = same.index(next(i for i in same if last[i][1] == lam2))
        lam1 = [v for ir, v in per_d[0] if ir == irr][pos]
        e1, e2 = 1 / mp.sqrt(ds[0]), 1 / mp.sqrt(ds[-1])
        y1, y2 = (lam1 - lim) / e1, (lam2 - lim) / e2
        c1 = (y1 * e2 - y2 * e1) / (e2 - e1)
        out.append({"irrep": irr, "eigenvalue": mp.nstr(lam2, 12), "d": ds[-1],
                    "c1_estimate": mp.nstr(c1, 6)})
    return out


def exact_eps_terms(name: str) -> list[dict]:
    """The exact ``eps^0`` and ``eps^1`` coefficients of every ``O(1)`` eigenvalue series
    (:func:`symbolic.asymptotics.series.family_eigenvalues`, order 1; slow: minutes)."""
    from symbolic.asymptotics.series import family_eigenvalues, to_mpf

    _, ev = family_eigenvalues(name, 1)
    out = []
    for e in ev:
        s = e["series"]
        if s.coeff(-2) != 0 and str(s.coeff(-2)) != "PiField(0)":
            continue
        c0, c1 = s.coeff(0), s.coeff(1)
        out.append({"irrep": e["irrep"], "multiplicity": e["multiplicity"],
                    "c0": _pistr(c0), "c0_value": mpmath.nstr(to_mpf(c0), 12),
                    "c1": _pistr(c1), "c1_value": mpmath.nstr(to_mpf(c1), 12)})
    return out


def _pistr(c: Any) -> str:
    s = str(c)
    return s[len("PiField("):-1] if s.startswith("PiField(") else s
