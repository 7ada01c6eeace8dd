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
import time
from pathlib import Path
from typing import Any

from symbolic.formatting import decimal, interval, short
from symbolic.groups import parse_d

__all__ = ["build_report", "write_report", "markdown", "latex"]

SERIES_NAMES = {"global-minimum": "global-min", "spurious-d-1,1": "d-1,1",
                "bounded-d": "bounded-Sd"}


def build_report(d: Any = 10, *, digits: int = 30, families: list[str] | None = None,
                 series_order: int = 3, transitions: bool = True,
                 log=print) -> dict:
    """Compute the report (a JSON-ready dict)."""
    from symbolic.certify import certify_point
    from symbolic.families import FAMILIES, family
    from symbolic.spectrum import spectrum

    dd = parse_d(d)
    names = families or list(FAMILIES)
    out: dict[str, Any] = {"d": str(d), "digits": digits, "families": []}
    for name in names:
        t0 = time.perf_counter()
        f = family(name)
        entry: dict[str, Any] = {"name": f.name, "isotropy": f.isotropy, "kind": f.kind,
                                 "found_by_gradient_descent": f.found_by_gd}
        try:
            f.space.check_d(dd)
            vals = f.point(dd, digits=digits + 10)
        except Exception as exc:  # reported in the table, never hidden
            entry["error"] = str(exc)
            out["families"].append(entry)
            log(f"  {name}: {exc}")
            continue
        entry["params"] = {n: decimal(v, digits) for n, v in zip(f.space.names, vals,
                                                                  strict=True)}
        cert = certify_point(f.space, vals, dd, dps=digits + 30)
        entry["certificate"] = {"verdict": cert.verdict, "classification":
                                cert.classification, "index": _idx(cert.index),
                                "reason": cert.reason}
        if cert.loss is not None:
            entry["loss_enclosure"] = interval(cert.loss, digits)
        spec = spectrum(f.space, vals, dd, dps=digits + 10)
        # the loss: midpoint of the rigorous enclosure when certified (a value near 0,
        # e.g. at the global minimum, has only absolute accuracy)
        entry["loss"] = decimal(cert.loss if cert.loss is not None else
                                _loss(f.space, vals, dd, digits), digits)
        entry["lowest_eigenvalues"] = spec.to_json(min(digits, 15))[:4]
        entry["distinct_eigenvalues"] = len(spec.eigenvalues)
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
            f"loss {short(entry['loss'], 14)}, {entry['seconds']} s")
    if transitions:
        try:
            from symbolic.transition import find_transition

            out["transitions"] = []
            for fam in ("d-1,1", "bounded-Sd"):
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


def _loss(space, vals, d, digits):
    from symbolic.solve import system_for

    return system_for(space).loss(vals, d, backend="mpmath", dps=digits + 10)


def markdown(rep: dict) -> str:
    lines = [f"# relusym report at d = {rep['d']}", "",
             "| family | isotropy | GD finds it | certified | type (index) | loss |",
             "|---|---|---|---|---|---|"]
    for e in rep["families"]:
        if "error" in e:
            lines.append(f"| {e['name']} | {e['isotropy']} | | | | {e['error']} |")
            continue
        c = e["certificate"]
        lines.append(f"| {e['name']} | `{e['isotropy']}` | "
                     f"{'yes' if e['found_by_gradient_descent'] else 'no'} | {c['verdict']} | "
                     f"{c['classification']} ({c['index']}) | {short(e['loss'], 20)} |")
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


def latex(rep: dict) -> str:
    rows = []
    for e in rep["families"]:
        if "error" in e:
            continue
        c = e["certificate"]
        lo, hi = e.get("loss_enclosure", ["?", "?"])
        rows.append(f"{e['name']} & \\texttt{{{e['isotropy']}}} & {c['classification']} "
                    f"({c['index']}) & $[{lo[:22]},\\ {hi[:22]}]$ \\\\")
    return ("\\documentclass{article}\n\\usepackage[margin=2cm]{geometry}\n"
            "\\begin{document}\n"
            f"\\section*{{relusym report at $d = {rep['d']}$}}\n"
            "\\begin{tabular}{llll}\nfamily & isotropy & type (index) & certified loss "
            "enclosure \\\\ \\hline\n" + "\n".join(rows) +
            "\n\\end{tabular}\n\\end{document}\n")


def write_report(rep: dict, out_dir: str | Path) -> list[Path]:
    p = Path(out_dir)
    p.mkdir(parents=True, exist_ok=True)
    files = [p / "report.json", p / "report.md", p / "report.tex"]
    files[0].write_text(json.dumps(rep, indent=2))
    files[1].write_text(markdown(rep))
    files[2].write_text(latex(rep))
    return files
