"""The relusym report: every catalogued family at one d, certified, with its asymptotics.

For each family of :mod:`symbolic.families` the report follows the branch from its
seed to the requested ``d`` (:mod:`symbolic.track`), certifies the point
(:mod:`symbolic.certify`: existence and uniqueness in a box, rigorous loss and
eigenvalue enclosures, minimum or saddle with its index), lists the lowest
Hessian eigenvalues with multiplicities (:mod:`symbolic.spectrum`), and, for the
families with an exact expansion, the loss series in ``eps = d^{-1/2}``
(:mod:`symbolic.series`) and the fractional ``d`` where the family changes type
(:mod:`symbolic.transition`). Output: JSON, Markdown and LaTeX.
"""

from __future__ import annotations

import json
import os
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

from symbolic.errors import RelusymError
from symbolic.formatting import decimal, enclosure, latex_interval, loss_decimal
from symbolic.groups import parse_d

__all__ = ["build_report", "write_report", "markdown", "latex", "prepare_out_dir",
           "TABLE_DIGITS", "MAX_SERIES_ORDER"]

#: significant digits of the enclosures in the Markdown / LaTeX / log tables (rounded
#: outward from the exact enclosure; the JSON keeps ``digits``)
TABLE_DIGITS = 12
#: largest accepted ``series_order`` (the exact expansions get slow beyond)
MAX_SERIES_ORDER = 8

SERIES_NAMES = {"global-minimum": "global-minimum", "spurious-d-1,1": "spurious-d-1,1",
                "bounded-d": "bounded-d"}


def build_report(d: Any = 10, *, digits: int = 30, families: list[str] | None = None,
                 series_order: int = 3, transitions: bool = True,
                 log=print) -> dict:
    """Compute the report (a JSON-ready dict).

    Every enclosure is rounded outward (:func:`symbolic.formatting.enclosure`); the
    loss enclosure is intersected with ``[0, oo)`` (a loss is ``>= 0``) and the point
    value ``loss`` is ``"0"`` when the enclosure reaches 0 (never a negative loss).
    A family that fails gets ``"error"`` (why) and the report goes on;
    ``out["failed"]`` counts them."""
    from symbolic.certify import certify_point
    from symbolic.families import FAMILIES, family
    from symbolic.spectrum import spectrum

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
            cert = certify_point(f.space, vals, dd, dps=digits + 30)
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
                from symbolic.series import family_series

                s = family_series(SERIES_NAMES[name], order=series_order, fit=False,
                                  progress=False)
                entry["loss_series"] = str(s.loss_series())
            except Exception as exc:  # pragma: no cover - reported
                entry["loss_series_error"] = str(exc)
        entry["expected"] = dict(f.expected)
        entry["seconds"] = round(time.perf_counter() - t0, 2)
        out["families"].append(entry)
        c = entry["certificate"]
        log(f"  {name}: {c['verdict']} {c['classification']} (index {c['index']}), "
            f"loss {_loss_cell(entry)}, {entry['seconds']} s")
    out["failed"] = sum(1 for e in out["families"] if "error" in e)
    out["certified"] = sum(1 for e in out["families"] if "error" not in e and
                           e["certificate"]["verdict"] == "proved")
    if transitions:
        try:
            from symbolic.transition import find_transition

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
    import flint

    from symbolic.backends import ArbBackend
    from symbolic.certify import _arb_of
    from symbolic.solve import system_for

    be = ArbBackend(prec=int((digits + 30) * 3.33) + 64)
    with be.context():
        return system_for(space).loss([_arb_of(v, flint) for v in vals], d, backend=be)


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


def _loss_cell(e: dict) -> str:
    """The loss for a table: the certified enclosure (outward, ``>= 0``) when there is
    one, else the (uncertified) value, marked as such."""
    enc = _short_enclosure(e)
    if enc is not None:
        return f"[{enc[0]}, {enc[1]}]"
    if "loss_enclosure_at_point" in e:
        lo, hi = enclosure(e["loss_enclosure_at_point"], TABLE_DIGITS, nonnegative=True)
        return f"not certified (loss at the given point in [{lo}, {hi}])"
    return "not certified"


def _md_cell(s: str) -> str:
    return str(s).replace("|", "\\|").replace("\n", " ")


def markdown(rep: dict) -> str:
    """The report as Markdown: one row per family; the loss column is the certified
    enclosure rounded outward to :data:`TABLE_DIGITS` digits."""
    lines = [f"# relusym report at d = {rep['d']}", "",
             "| family | isotropy | GD finds it | certified | type (index) | "
             "certified loss enclosure |",
             "|---|---|---|---|---|---|"]
    for e in rep["families"]:
        if "error" in e:
            lines.append(f"| {e['name']} | `{e['isotropy']}` | | FAILED | | "
                         f"{_md_cell(e['error'])} |")
            continue
        c = e["certificate"]
        lines.append(f"| {e['name']} | `{e['isotropy']}` | "
                     f"{'yes' if e['found_by_gradient_descent'] else 'no'} | {c['verdict']} | "
                     f"{c['classification']} ({c['index']}) | {_loss_cell(e)} |")
    why = [e for e in rep["families"] if "error" not in e and
           e["certificate"]["verdict"] != "proved"]
    if why:
        lines += ["", "## Not certified", ""]
        for e in why:
            lines.append(f"- **{e['name']}**: {e['certificate']['reason']}")
    series = [e for e in rep["families"] if "loss_series" in e]
    if series:
        lines += ["", "## Loss expansions in eps = d^(-1/2) (exact coefficients)", ""]
        for e in series:
            lines.append(f"- **{e['name']}**: L = {e['loss_series']}")
    if rep.get("transitions"):
        lines += ["", "## Fractional d where a family changes type", ""]
        for t in rep["transitions"]:
            lines.append(f"- {t['family']} ({t['irrep']}): d* = {t['d']} "
                         f"({t['below']} below, {t['above']} above)")
    return "\n".join(lines) + "\n"


def _tex_text(s: str) -> str:
    table = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
             "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
             "^": r"\textasciicircum{}"}
    return "".join(table.get(ch, ch) for ch in str(s))


def latex(rep: dict) -> str:
    r"""The report as a LaTeX document: the certified loss enclosures rounded outward
    to :data:`TABLE_DIGITS` digits in scientific notation (``1.04\times10^{-55}``)."""
    rows = []
    for e in rep["families"]:
        if "error" in e:
            rows.append(f"{_tex_text(e['name'])} & \\texttt{{{_tex_text(e['isotropy'])}}} & "
                        "failed & --- \\\\")
            continue
        c = e["certificate"]
        enc = _short_enclosure(e)
        if enc is not None:
            cell = f"${latex_interval(*enc)}$"
        elif "loss_enclosure_at_point" in e:
            pe = enclosure(e["loss_enclosure_at_point"], TABLE_DIGITS, nonnegative=True)
            cell = f"not certified (at the point: ${latex_interval(*pe)}$)"
        else:
            cell = "not certified"
        rows.append(f"{_tex_text(e['name'])} & \\texttt{{{_tex_text(e['isotropy'])}}} & "
                    f"{c['classification']} ({c['index']}) & {cell} \\\\")
    return ("\\documentclass{article}\n\\usepackage[margin=2cm]{geometry}\n"
            "\\begin{document}\n"
            f"\\section*{{relusym report at $d = {rep['d']}$}}\n"
            "\\begin{tabular}{llll}\nfamily & isotropy & type (index) & certified loss "
            "enclosure \\\\ \\hline\n" + "\n".join(rows) +
            "\n\\end{tabular}\n\\end{document}\n")


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


def write_report(rep: dict, out_dir: str | Path) -> list[Path]:
    """Write ``report.json``, ``report.md`` and ``report.tex`` into ``out_dir``."""
    p = prepare_out_dir(out_dir)
    files = [p / "report.json", p / "report.md", p / "report.tex"]
    try:
        files[0].write_text(json.dumps(rep, indent=2))
        files[1].write_text(markdown(rep))
        files[2].write_text(latex(rep))
    except OSError as exc:
        raise RelusymError(f"cannot write the report into {str(out_dir)!r}: "
                           f"{exc.strerror or exc}") from None
    return files
