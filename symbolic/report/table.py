"""The report's catalogue table: every catalogued family at one d, certified.

For each family of :mod:`symbolic.catalogue.families` the report follows the branch from its
seed to the requested ``d`` (:mod:`symbolic.numerics.track`), certifies the point
(:mod:`symbolic.spectra.certify`: existence and uniqueness in a box, rigorous loss and
eigenvalue enclosures, minimum or saddle with its index), lists the lowest
Hessian eigenvalues with multiplicities (:mod:`symbolic.spectra.spectrum`), and, for the
families with an exact expansion, the loss series in ``eps = d^{-1/2}``
(:mod:`symbolic.asymptotics.series`) and the fractional ``d`` where the family changes type
(:mod:`symbolic.critical.transition`). Output: JSON, Markdown and LaTeX.
"""

from __future__ import annotations

import os
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

from symbolic.core.errors import RelusymError
from symbolic.core.formatting import decimal, enclosure, latex_interval, loss_decimal
from symbolic.symmetry.groups import parse_d

__all__ = ["build_table", "families_section", "prepare_out_dir", "loss_cell",
           "TABLE_DIGITS", "MAX_SERIES_ORDER"]

#: significant digits of the enclosures in the Markdown / LaTeX / log tables (rounded
#: outward from the exact enclosure; the JSON keeps ``digits``)
TABLE_DIGITS = 12
#: largest accepted ``series_order`` (the exact expansions get slow beyond)
MAX_SERIES_ORDER = 8

SERIES_NAMES = {"global-minimum": "global-minimum", "spurious-d-1,1": "spurious-d-1,1",
                "bounded-d": "bounded-d"}


def build_table(d: Any = 10, *, digits: int = 30, families: list[str] | None = None,
                 series_order: int = 3, transitions: bool = True,
                 log=print) -> dict:
    """Compute the report (a JSON-ready dict).

    Every enclosure is rounded outward (:func:`symbolic.core.formatting.enclosure`); the
    loss enclosure is intersected with ``[0, oo)`` (a loss is ``>= 0``) and the point
    value ``loss`` is ``"0"`` when the enclosure reaches 0 (never a negative loss).
    A family that fails gets ``"error"`` (why) and the report goes on;
    ``out["failed"]`` counts them."""
    from symbolic.catalogue.families import FAMILIES, family
    from symbolic.spectra.certify import certify_point
    from symbolic.spectra.spectrum import spectrum

    dd = parse_d(d)
    names = families or list(FAMILIES)
    fams = [family(n) for n in names]  # unknown names fail here, before any work
    out: dict[str, Any] = {"d": str(d), "digits": digits, "families": []}
    for f in fams:
        name = f.name
        t0 = time.perf_counter()
        entry: dict[str, Any] = {"name": f.name, "isotropy": f.isotropy, "kind": f.kind,
                                 "found_by_gradient_descent": f.found_by_gd}
        try:
            f.space.check_d(dd)
            vals = f.point(dd, digits=digits + 10)
            entry["params"] = {n: decimal(v, digits) for n, v in zip(f.space.names, vals,
                                                                      strict=True)}
            cert = certify_point(f.space, vals, dd, digits=digits + 30)
            entry["certificate"] = {"verdict": cert.verdict, "classification":
                                    cert.classification, "index": _idx(cert.index),
                                    "reason": cert.reason}
            if cert.loss is not None:
                entry["loss_enclosure"] = enclosure(cert.loss, digits, nonnegative=True)
            spec = spectrum(f.space, vals, dd, dps=digits + 10)
            # the loss: midpoint of the rigorous enclosure when certified; "0" when the
            # enclosure reaches 0 (the global minimum: only absolute accuracy). Not
            # certified: a rigorous enclosure of the loss at the given point, and a
            # point value only when that enclosure has ``digits`` correct digits
            lb = cert.loss if cert.loss is not None else _loss_ball(f.space, vals, dd,
                                                                    digits)
            if cert.loss is None:
                entry["loss_enclosure_at_point"] = enclosure(lb, digits, nonnegative=True)
            entry["loss"] = loss_decimal(lb, digits) if _accurate(lb, digits) else None
            entry["lowest_eigenvalues"] = spec.to_json(min(digits, 15))[:4]
            if cert.eigenvalues:  # rigorous, outward, the four lowest by midpoint
                low = sorted(cert.eigenvalues, key=lambda t: t[2].mid())[:4]
                entry["lowest_eigenvalue_enclosures"] = [
                    {"irrep": lab, "multiplicity": m if isinstance(m, int) else str(m),
                     "enclosure": enclosure(b, min(digits, 15))} for lab, m, b in low]
            entry["distinct_eigenvalues"] = len(spec.eigenvalues)
        except Exception as exc:  # reported in the table, never hidden
            entry["error"] = f"{type(exc).__name__}: {exc}" if not isinstance(
                exc, RelusymError) else str(exc)
            for k in ("params", "certificate", "loss_enclosure", "loss"):
                entry.pop(k, None)
            out["families"].append(entry)
            log(f"  {name}: FAILED: {entry['error']}")
            continue
        if name in SERIES_NAMES and series_order:
            try:
                from symbolic.asymptotics.series import family_series

                s = family_series(SERIES_NAMES[name], order=series_order, fit=False,
                                  progress=False)
                entry["loss_series"] = str(s.loss_series())
            except Exception as exc:  # pragma: no cover - reported
                entry["loss_series_error"] = str(exc)
        entry["expected"] = dict(f.expected)
        entry["seconds"] = f"{time.perf_counter() - t0:.2f}"
        out["families"].append(entry)
        c = entry["certificate"]
        log(f"  {name}: {c['verdict']} {c['classification']} (index {c['index']}), "
            f"loss {loss_cell(entry)}, {entry['seconds']} s")
    out["failed"] = sum(1 for e in out["families"] if "error" in e)
    out["certified"] = sum(1 for e in out["families"] if "error" not in e and
                           e["certificate"]["verdict"] == "proved")
    if transitions:
        try:
            from symbolic.critical.transition import find_transition

            out["transitions"] = []
            for fam in ("spurious-d-1,1", "bounded-d"):
                for tr in find_transition(fam, digits=min(digits, 30)):
                    j = tr.to_json() if hasattr(tr, "to_json") else tr.__dict__
                    out["transitions"].append({"family": fam, "irrep": j.get("irrep"),
                                               "d": j.get("d"), "below": j.get("below"),
                                               "above": j.get("above")})
        except Exception as exc:  # pragma: no cover - reported
            out["transitions_error"] = str(exc)
    return out


def _idx(i):
    if i is None:
        return None
    try:
        return int(i) if int(i) == i else str(i)
    except (TypeError, ValueError):
        return str(i)


def _loss_ball(space, vals, d, digits):
    """A rigorous arb enclosure of the reduced loss at the exact point ``vals``."""

    from symbolic.core.backends import ArbBackend, to_arb
    from symbolic.numerics.solve import system_for

    be = ArbBackend(prec=int((digits + 30) * 3.33) + 64)
    with be.context():
        return system_for(space).loss([to_arb(v) for v in vals], d, backend=be)


def _accurate(b, digits) -> bool:
    """Whether the midpoint of the ball ``b`` has ``digits`` correct digits, or the ball
    reaches 0 with a radius below ``10^-digits`` (a loss 0 to absolute accuracy)."""
    if not b.is_finite():
        return False
    tol = Fraction(1, 10**digits)
    r = Fraction(str(b.rad().str(5, radius=False))) if b.rad() != 0 else Fraction(0)
    m = abs(Fraction(b.mid().str(digits + 5, radius=False)))
    return r <= tol * m or (r <= tol and not b > 0)


def _short_enclosure(e: dict, n: int = TABLE_DIGITS) -> list[str] | None:
    """The JSON loss enclosure re-rounded outward to ``n`` digits (exact rationals)."""
    if "loss_enclosure" not in e:
        return None
    return enclosure(e["loss_enclosure"], n, nonnegative=True)


def loss_cell(e: dict) -> str:
    """The loss for a table: the certified enclosure (outward, ``>= 0``) when there is
    one, else the (uncertified) value, marked as such."""
    enc = _short_enclosure(e)
    if enc is not None:
        return f"[{enc[0]}, {enc[1]}]"
    if "loss_enclosure_at_point" in e:
        lo, hi = enclosure(e["loss_enclosure_at_point"], TABLE_DIGITS, nonnegative=True)
        return f"not certified (loss at the given point in [{lo}, {hi}])"
    return "not certified"


#: digits of the independent full-matrix loss
FULL_DPS = 60


def full_matrix_loss(e: dict, d: Any, dps: int = FULL_DPS):
    """The loss of the family's point (the JSON parameters, exact decimals) from the full
    ``k x d`` matrix by :func:`symbolic.loss.model.loss` (mpmath): independent of the
    reduced system and of the certificate. ``None`` unless ``d`` is an integer <= 40."""
    import mpmath

    from symbolic.loss import model
    from symbolic.symmetry.groups import parse_isotropy

    dd = parse_d(d)
    if not isinstance(dd, int) or dd > 40 or "params" not in e:
        return None
    space = parse_isotropy(e["isotropy"])
    with mpmath.workdps(dps):
        W = space.matrix([mpmath.mpf(e["params"][n]) for n in space.names], dd)
        return model.loss(W, backend="mpmath", dps=dps)


_KIND = {"global minimum": "minimum", "spurious minimum": "minimum", "saddle": "saddle"}


def families_section(rep: dict) -> dict:
    """The catalogue as a report section (JSON, :func:`symbolic.report.sections.section_json`):
    one claim per family -- its type at ``d`` (certified) and its certified loss
    enclosure, cross-checked against the full-matrix loss -- and the table."""
    from symbolic.core.claims import Claim, Section, Table
    from symbolic.report.builtin import PAPER_2021
    from symbolic.report.sections import section_json

    d = rep["d"]
    sec = Section("families", f"The catalogued families at d = {d}: type and certified loss",
                  PAPER_2021,
                  intro="Each family is followed from its seed to d, then certified "
                  "(Krawczyk: existence and uniqueness in a box; rigorous loss and "
                  "eigenvalue enclosures, hence minimum or saddle with its index). The "
                  "loss enclosures are rounded outward; the full-matrix loss of the "
                  "printed point (mpmath, 60 digits, no symmetry reduction) must lie "
                  "inside.")
    rows, rows_tex = [], []
    for e in rep["families"]:
        want = _KIND.get(e.get("kind", ""), "")
        claim = f"{e['name']} (isotropy {e['isotropy']}) is a {e.get('kind', '?')} at d = {d}"
        src = ("NeurIPS 2021 (analytic estimates of the loss at different minima); "
               "catalogue: relusym families")
        if "error" in e:
            sec.claims.append(Claim(claim, src, "failed", "unknown", expected=want,
                                    detail=e["error"]))
            rows.append([e["name"], e["isotropy"], "", "FAILED", "", e["error"]])
            rows_tex.append([e["name"], e["isotropy"], "", "failed", "", "---"])
            continue
        c = e["certificate"]
        cell = loss_cell(e)
        check, bad = "", False
        enc = _short_enclosure(e)
        try:
            full = full_matrix_loss(e, d)
        except Exception as exc:  # pragma: no cover - reported
            full, check = None, f"; full-matrix check failed: {exc}"
        if full is not None and enc is not None:
            # the full-matrix sum is a plain floating-point evaluation at FULL_DPS digits:
            # allow its own rounding error (far below the table's 12 digits)
            fq = Fraction(mpmath_str(full, FULL_DPS - 5))
            tol = Fraction(1, 10 ** (FULL_DPS - 15))
            inside = Fraction(enc[0]) - tol <= fq <= Fraction(enc[1]) + tol
            bad = not inside
            check = (f"; full-matrix loss {mpmath_str(full, 20)} "
                     + (f"inside (to 1e-{FULL_DPS - 15})" if inside
                        else "OUTSIDE the enclosure"))
        if c["verdict"] != "proved":
            verdict = "unknown"
        elif c["classification"] == want and not bad:
            verdict = "pass"
        else:
            verdict = "fail"
        sec.claims.append(Claim(
            claim, src, f"{c['verdict']} {c['classification']} (index {c['index']}); "
            f"loss in {cell}{check}", verdict, expected=want,
            detail="" if verdict == "pass" else c["reason"],
            value_latex=""))
        rows.append([e["name"], e["isotropy"], "yes" if e["found_by_gradient_descent"]
                     else "no", c["verdict"], f"{c['classification']} ({c['index']})", cell])
        if enc is not None:
            tcell = f"${latex_interval(*enc)}$"
        elif "loss_enclosure_at_point" in e:
            pe = enclosure(e["loss_enclosure_at_point"], TABLE_DIGITS, nonnegative=True)
            tcell = f"not certified (at the point: ${latex_interval(*pe)}$)"
        else:
            tcell = "not certified"
        rows_tex.append([e["name"], e["isotropy"], rows[-1][2], c["verdict"], rows[-1][4],
                         tcell])
    sec.tables.append(Table(f"The catalogue at d = {d} (loss enclosures rounded outward to "
                            f"{TABLE_DIGITS} digits)",
                            ["family", "isotropy", "GD finds it", "certified",
                             "type (index)", "certified loss enclosure"], rows,
                            rows_latex=rows_tex))
    return section_json(sec, "symbolic.report.table:families_section")


def mpmath_str(x, n: int) -> str:
    import mpmath

    with mpmath.workdps(n + 5):
        return mpmath.nstr(x, n, min_fixed=-30, max_fixed=30)


def prepare_out_dir(out_dir: str | Path) -> Path:
    """Validate the output folder BEFORE any computation: not empty, not an existing
    file (or a device such as ``/dev/null``), creatable, writable. Creates it.
    Raises :class:`RelusymError` naming the problem."""
    if out_dir is None or not str(out_dir).strip():
        raise RelusymError("--out is empty: give an output folder (the report writes "
                           "report.json, report.md and report.tex into it)")
    p = Path(out_dir).expanduser()
    if p.exists() and not p.is_dir():
        raise RelusymError(f"--out {str(out_dir)!r} exists and is not a folder")
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RelusymError(f"cannot create the output folder {str(out_dir)!r}: "
                           f"{exc.strerror or exc}") from None
    if not p.is_dir():
        raise RelusymError(f"--out {str(out_dir)!r} is not a folder")
    probe = p / ".relusym-write-test"
    try:
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise RelusymError(f"the output folder {str(out_dir)!r} is not writable: "
                           f"{exc.strerror or exc}") from None
    if not os.access(p, os.W_OK):  # pragma: no cover - the probe above decides
        raise RelusymError(f"the output folder {str(out_dir)!r} is not writable")
    return p
