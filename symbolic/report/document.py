"""The whole report: the catalogue table, every section, and its four formats.

:func:`build_report` returns one JSON-ready dictionary (strings, ints, booleans
only): the catalogue (``families``, as before), ``sections`` (built-in and
:data:`symbolic.core.claims.SECTION_PROVIDERS`, see :mod:`symbolic.report.sections`) and a
``summary`` of the verdicts. :func:`write_report` writes ``report.json`` (through
:mod:`symbolic.core.schema`, kind ``"report"``), ``report.md``, ``report.html``
(self-contained), ``report.tex`` and, when ``pdflatex`` is installed, ``report.pdf``
(the log's ``Overfull \\hbox`` warnings are counted into ``rep["latex"]``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from symbolic.core.errors import RelusymError
from symbolic.report.table import build_table, families_section, prepare_out_dir

__all__ = ["build_report", "write_report", "markdown", "latex", "html", "compile_pdf",
           "summary"]


def summary(sections: list[dict]) -> dict:
    """Counts of claim verdicts over all sections."""
    v = [c["verdict"] for s in sections for c in s["claims"]]
    return {"pass": v.count("pass"), "fail": v.count("fail"), "unknown": v.count("unknown"),
            "sections": len(sections)}


def build_report(d: Any = 10, *, digits: int = 30, families: list[str] | None = None,
                 series_order: int = 3, transitions: bool = True, log=print,
                 sections: bool = False, quick: bool = True,
                 out_dir: str | Path | None = None, workers: int = 1,
                 progress: bool = False, resume: bool = False,
                 providers: list[str] | None = None) -> dict:
    """Compute the report.

    The catalogue table (:func:`symbolic.report.table.build_table`: every family at
    ``d``, certified) always; with ``sections`` also every section of
    :func:`symbolic.report.sections.providers` (or ``providers``), figures written
    under ``out_dir`` (a temporary folder if None). ``quick``: the README's main job
    (a few minutes on 2 cores); ``quick=False`` scans more dimensions and families."""
    from symbolic import __version__

    rep = build_table(d, digits=digits, families=families, series_order=series_order,
                      transitions=transitions, log=log)
    rep["mode"] = "quick" if quick else "full"
    rep["relusym"] = __version__
    secs = [families_section(rep)]
    if sections:
        from symbolic.report.sections import collect_sections

        out = Path(out_dir) if out_dir is not None else Path(tempfile.mkdtemp(
            prefix="relusym-report-"))
        from symbolic.symmetry.groups import parse_d

        secs += collect_sections(parse_d(d), quick=quick,
                                 out_dir=out, specs=providers, workers=workers,
                                 progress=progress, resume=resume, log=log)
    rep["sections"] = secs
    rep["summary"] = summary(secs)
    return rep


def markdown(rep: dict) -> str:
    """The report as Markdown (:func:`symbolic.export.markdown.report_markdown`)."""
    from symbolic.export.markdown import report_markdown

    return report_markdown(_complete(rep))


def latex(rep: dict, base: str | Path | None = None) -> str:
    """The report as a complete LaTeX document (:func:`symbolic.export.latex.report_latex`)."""
    from symbolic.export.latex import report_latex

    return report_latex(_complete(rep), base)


def html(rep: dict, base: str | Path | None = None) -> str:
    """The report as a self-contained HTML page (:func:`symbolic.export.html.report_html`)."""
    from symbolic.export.html import report_html

    return report_html(_complete(rep), base)


def _complete(rep: dict) -> dict:
    """A report built by an older caller (no sections): add the catalogue section."""
    if "sections" in rep:
        return rep
    secs = [families_section(rep)]
    return {**rep, "sections": secs, "summary": summary(secs)}


def compile_pdf(tex: Path, *, runs: int = 2, timeout: int = 300) -> dict:
    """Run ``pdflatex`` on ``tex`` (in its folder). Returns ``{"pdf": path or None,
    "overfull_hbox": n, "underfull_hbox": n, "error": message or ""}``; a missing
    ``pdflatex`` is reported, not raised."""
    exe = shutil.which("pdflatex")
    if exe is None:
        return {"pdf": None, "overfull_hbox": None, "underfull_hbox": None,
                "error": "pdflatex not installed (Debian: apt-get install texlive-latex-base)"}
    tex = Path(tex)
    res = None
    for _ in range(runs):
        try:
            res = subprocess.run([exe, "-interaction=nonstopmode", "-halt-on-error", tex.name],
                                 cwd=tex.parent, capture_output=True, text=True,
                                 timeout=timeout)
        except subprocess.TimeoutExpired:
            return {"pdf": None, "overfull_hbox": None, "underfull_hbox": None,
                    "error": f"pdflatex timed out after {timeout} s"}
        if res.returncode != 0:
            break
    logf = tex.with_suffix(".log")
    text = logf.read_text(errors="replace") if logf.exists() else ""
    pdf = tex.with_suffix(".pdf")
    ok = res is not None and res.returncode == 0 and pdf.exists()
    err = ""
    if not ok:
        m = re.search(r"^! .*$", text, re.M)
        err = m.group(0) if m else (res.stdout[-500:] if res is not None else "failed")
    return {"pdf": str(pdf) if ok else None,
            "overfull_hbox": len(re.findall(r"^Overfull \\hbox", text, re.M)),
            "underfull_hbox": len(re.findall(r"^Underfull \\hbox", text, re.M)),
            "error": err}


def write_report(rep: dict, out_dir: str | Path, *, pdf: bool = False) -> list[Path]:
    """Write ``report.json`` (schema kind ``"report"``), ``report.md``, ``report.html``
    and ``report.tex`` into ``out_dir``; with ``pdf`` also compile ``report.pdf``
    (when pdflatex is installed; the outcome is stored in ``rep["latex"]``)."""
    from symbolic.core.schema import dumps

    p = prepare_out_dir(out_dir)
    full = _complete(rep)
    files = [p / "report.json", p / "report.md", p / "report.html", p / "report.tex"]
    try:
        files[1].write_text(markdown(full))
        files[2].write_text(html(full, p))
        files[3].write_text(latex(full, p))
        if pdf:
            info = compile_pdf(files[3])
            rep["latex"] = {k: (str(v) if k == "pdf" and v else v) for k, v in info.items()}
            if info["pdf"]:
                files.append(Path(info["pdf"]))
        files[0].write_text(dumps("report", {**full, **({"latex": rep["latex"]}
                                                        if "latex" in rep else {})}))
    except OSError as exc:
        raise RelusymError(f"cannot write the report into {str(out_dir)!r}: "
                           f"{exc.strerror or exc}") from None
    return files
