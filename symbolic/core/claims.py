"""Claims reproduced from the seed papers, grouped into report sections.

Every application module (spectra, series, over-parameterization, gradient-descent
census, arcs, finite data, ...) exposes ``report_section(quick: bool = True) ->
Section``; the report (:mod:`symbolic.report`) collects the sections listed in
``SECTION_PROVIDERS`` and renders them to LaTeX/PDF, Markdown and HTML. A claim
carries its source (paper and statement), relusym's verified value as text (a
certified enclosure rounded outward, an exact series, a count), and a three-way
verdict: ``"pass"``, ``"fail"`` or ``"unknown"`` (with the reason in ``detail``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Claim", "Equation", "Figure", "Section", "Table", "VERDICTS", "SECTION_PROVIDERS",
           "overall_verdict"]

VERDICTS = ("pass", "fail", "unknown")


@dataclass
class Claim:
    """One statement of a paper and what relusym found.

    ``value`` and ``expected`` are plain text (decimal strings, outward-rounded
    intervals, exact formulas); ``value_latex`` optionally the same in LaTeX math.
    """

    claim: str
    source: str
    value: str
    verdict: str
    expected: str = ""
    detail: str = ""
    value_latex: str = ""

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, not {self.verdict!r}")

    def to_json(self) -> dict[str, Any]:
        return {"claim": self.claim, "source": self.source, "value": self.value,
                "expected": self.expected, "verdict": self.verdict, "detail": self.detail}


@dataclass
class Table:
    """A verified table: header and rows of strings (numbers already formatted)."""

    caption: str
    header: list[str]
    rows: list[list[str]]
    rows_latex: list[list[str]] | None = None  # same cells in LaTeX math, if different

    def to_json(self) -> dict[str, Any]:
        return {"caption": self.caption, "header": self.header, "rows": self.rows}


@dataclass
class Figure:
    """A figure written to disk by the section (PNG for HTML/Markdown, PDF for LaTeX)."""

    caption: str
    png: str
    pdf: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"caption": self.caption, "png": self.png, "pdf": self.pdf}


@dataclass
class Equation:
    """A displayed formula (e.g. a series): ``latex`` is the body of an ``align*``
    environment, already broken into lines (``\\\\``; see
    :func:`symbolic.export.latex.series_align`); ``text`` the same in plain text (sympy
    syntax) for Markdown and HTML; ``caption`` plain text, or LaTeX when it contains
    ``$`` (the ``$`` are dropped in Markdown and HTML)."""

    caption: str
    latex: str
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"caption": self.caption, "latex": self.latex, "text": self.text}


def overall_verdict(verdicts: list[str]) -> str:
    """``"fail"`` if any claim fails, ``"unknown"`` if none or any is unknown, else
    ``"pass"``."""
    if "fail" in verdicts:
        return "fail"
    if not verdicts or "unknown" in verdicts:
        return "unknown"
    return "pass"


@dataclass
class Section:
    """One section of the report: usually one seed paper."""

    key: str
    title: str
    paper: str
    intro: str = ""
    claims: list[Claim] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    seconds: float = 0.0
    #: displayed formulas (series, closed forms), rendered after the tables
    equations: list[Equation] = field(default_factory=list)
    #: why the section could not be computed (the report then shows it as "unknown")
    error: str = ""

    @property
    def verdict(self) -> str:
        """The section's verdict from its claims (:func:`overall_verdict`)."""
        return overall_verdict([c.verdict for c in self.claims])

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "paper": self.paper,
                "intro": self.intro, "claims": [c.to_json() for c in self.claims],
                "tables": [t.to_json() for t in self.tables],
                "figures": [f.to_json() for f in self.figures],
                "seconds": f"{self.seconds:.1f}"}


#: ``"module:function"`` of every section provider, in report order. A provider is
#: called as ``function(quick=..., out_dir=Path)`` and returns a Section; figures
#: are written under ``out_dir``.
SECTION_PROVIDERS: list[str] = [
    "symbolic.overparam:report_section",
    "symbolic.arcs:report_section",
    "symbolic.experiments.report:report_section",
    "symbolic.finite:report_section",
    "symbolic.asymptotics.series:report_section",
]
