r"""Printers of exact Puiseux series and of their coefficients in ``Q(pi)``: LaTeX
(``pi_latex``, ``coefficient_lines``, ``series_terms``, ``series_align`` with long sums
broken after whole terms) and plain text (``series_text``). Used by the series results
(:mod:`symbolic.asymptotics.series`) and re-exported by :mod:`symbolic.export.latex`."""

from __future__ import annotations

import re
from typing import Any

import sympy as sp

__all__ = ["LINE_WIDTH", "pi_latex", "visible_width", "coefficient_lines", "break_sum",
           "series_terms", "series_align", "series_text"]


_PI = sp.Symbol("PI_", positive=True)

#: the line budget of :func:`break_sum` (left-hand side included), in printed characters
#: as estimated by :func:`visible_width` (one unit is about 6.8 pt at 10 pt: 64 units are
#: about 15.3 cm, inside the 17 cm text width of the report)
LINE_WIDTH = 64


def _poly_latex(poly: sp.Poly) -> str:
    """A polynomial in pi (coefficients rational or in Q(sqrt q)) by descending degree."""
    out = ""
    for (k,), c in poly.terms():  # descending degree
        term = sp.latex(sp.nsimplify(c) * sp.pi**k if not isinstance(c, sp.Basic)
                        else c * sp.pi**k)
        if isinstance(c, sp.Add):
            term = rf"\left({sp.latex(c)}\right)" + (rf" \pi^{{{k}}}" if k > 1 else
                                                      (r" \pi" if k == 1 else ""))
        if not out:
            out = term
        elif term.startswith("-"):
            out += " - " + term[1:].lstrip()
        else:
            out += " + " + term
    return out or "0"


def _laurent_terms(expr: sp.Expr) -> list[tuple[int, sp.Expr]] | None:
    """``[(k, c_k)]`` with ``expr = sum c_k pi^k`` (c_k free of pi), or None."""
    e = sp.expand(expr.xreplace({sp.pi: _PI}))
    terms: dict[int, sp.Expr] = {}
    for t in sp.Add.make_args(e):
        c, k = t.as_coeff_exponent(_PI)
        if c.has(_PI) or not k.is_integer:
            return None
        terms[int(k)] = terms.get(int(k), sp.S.Zero) + c
    return sorted(((k, c) for k, c in terms.items() if c != 0), key=lambda t: -t[0])


def _den_latex(den: sp.Expr) -> str:
    """A denominator (a polynomial in ``_PI``) as a product: the constant, the power
    of pi, then the other irreducible factors, each by descending powers of pi."""
    c0, facs = sp.factor_list(sp.expand(den), _PI)
    mono, other = [], []
    for f, m in facs:
        pf = sp.Poly(f, _PI)
        if pf.as_expr() == _PI:
            mono.append(r"\pi" if m == 1 else rf"\pi^{{{m}}}")
            continue
        ft = rf"\left({_poly_latex(pf.as_expr().xreplace({_PI: sp.pi}).as_poly(sp.pi))}\right)"
        other.append(ft if m == 1 else rf"{ft}^{{{m}}}")
    parts = ([sp.latex(c0)] if c0 != 1 else []) + mono + other
    return " ".join(parts) or "1"


def pi_latex(expr: Any) -> str:
    r"""LaTeX of an exact number of ``Q(pi)`` (possibly with square roots) with the
    powers of ``pi`` in descending order: ``\frac{\pi - 2}{4 \pi}``,
    ``\frac{1}{2} - \frac{2}{\pi^{2}}``. Other expressions (with ``d``, ``\sqrt{..}``
    of polynomials) fall back to sympy's ``rev-lex`` order, which also writes
    ``\pi - 2``."""
    expr = sp.sympify(expr) if not isinstance(expr, sp.Basic) else expr
    if expr.free_symbols:
        return sp.latex(expr, order="rev-lex")
    lt = _laurent_terms(expr)
    if lt is not None:
        out = ""
        for k, c in lt:
            t = sp.latex(c * sp.pi**k)
            if isinstance(c, sp.Add):
                ct = sp.latex(c, order="rev-lex")
                pk = r"\pi" if abs(k) == 1 else rf"\pi^{{{abs(k)}}}"
                t = (rf"\left({ct}\right)" if k == 0 else rf"\left({ct}\right) {pk}" if k > 0
                     else rf"\left({ct}\right) \frac{{1}}{{{pk}}}")
            out = t if not out else (out + " - " + t[1:].lstrip() if t.startswith("-")
                                     else out + " + " + t)
        return out or "0"
    num, den = sp.fraction(sp.factor(sp.together(expr.xreplace({sp.pi: _PI}))))
    sign = ""
    try:
        pn = sp.Poly(num, _PI)
        if pn.LC().could_extract_minus_sign():
            sign, pn = "-", -pn
        ntex = _poly_latex(pn.as_expr().xreplace({_PI: sp.pi}).as_poly(sp.pi))
        dtex = _den_latex(den)
    except (sp.PolynomialError, sp.GeneratorsNeeded, ValueError):
        return sp.latex(expr, order="rev-lex")
    return ntex if dtex == "1" and not sign else (
        f"{sign}{ntex}" if dtex == "1" else rf"{sign}\frac{{{ntex}}}{{{dtex}}}")


def visible_width(tex: str) -> float:
    r"""A rough printed width of inline LaTeX math, in characters: commands count one
    character, ``\frac{a}{b}`` the wider of ``a`` and ``b``, superscripts 0.7."""
    import re

    s = re.sub(r"\\(left|right|Bigl|Bigr|bigl|bigr|,|!|;|quad|qquad|displaystyle)", "", tex)

    def frac(m: re.Match) -> str:
        return "x" * int(max(visible_width(m.group(1)), visible_width(m.group(2))) + 0.5)

    prev = None
    while prev != s:  # innermost \frac{..}{..} first
        prev = s
        s = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", frac, s)
    s = re.sub(r"\^\{([^{}]*)\}", lambda m: "x" * int(0.7 * len(m.group(1)) + 0.5), s)
    s = re.sub(r"\\[a-zA-Z]+", "x", s)
    s = s.replace("{", "").replace("}", "").replace("^", "").replace("_", "")
    return float(len(s.replace(" ", "")) + 0.6 * s.count(" + ") + 0.6 * s.count(" - "))


def _split_top(tex_terms: list[str], width: float) -> list[str]:
    """Greedy line filling of signed terms (each starting with ``+`` or ``-``)."""
    lines: list[str] = []
    cur = ""
    for t in tex_terms:
        if cur and visible_width(cur + t) > width:
            lines.append(cur)
            cur = t
        else:
            cur = f"{cur} {t}" if cur else t
    if cur:
        lines.append(cur)
    return lines


def _signed(t: str) -> str:
    t = t.strip()
    return f"- {t[1:].lstrip()}" if t.startswith("-") else f"+ {t}"


def coefficient_lines(c: Any, mono: str, width: float = LINE_WIDTH) -> list[str]:
    r"""The term ``c \, mono`` as one or more signed lines (``+ ...``/``- ...``): one
    line when it fits, else ``\frac{1}{den}\Bigl( ... \Bigr) mono`` with the numerator's
    terms spread over several lines (descending powers of ``pi``)."""
    c = sp.sympify(c)
    tex = pi_latex(c)
    lt = _laurent_terms(c) if not c.free_symbols else None
    add = lt is not None and len(lt) > 1 and bool(mono)  # else one term or one fraction
    body = rf"\left({tex}\right)" if add else tex
    one = f"{body}\\,{mono}" if mono else body
    if tex == "1" and mono:
        one = mono
    elif tex == "-1" and mono:
        one = "-" + mono
    if visible_width(one) <= width:
        return [_signed(one)]
    num, den = sp.fraction(sp.factor(sp.together(c.xreplace({sp.pi: _PI}))))
    num, den = num.xreplace({_PI: sp.pi}), den
    pre = "" if den == 1 else rf"\frac{{1}}{{{_den_latex(den)}}}"
    nterms = sp.Poly(sp.expand(num.xreplace({sp.pi: _PI})), _PI).terms()
    parts = [_signed(pi_latex(cf * sp.pi**k)) for (k,), cf in nterms]
    if parts[0].startswith("+ "):
        parts[0] = parts[0][2:]
    parts[0] = rf"+ {pre}\Bigl({parts[0]}"
    parts[-1] += rf"\Bigr)\,{mono}" if mono else r"\Bigr)"
    return _split_top(parts, width)


def break_sum(lhs: str, terms: list[str], *, width: float = LINE_WIDTH,
              tail: str = "", lhs_width: float | None = None) -> str:
    r"""``lhs &= t_1 + t_2 \\ &\quad + t_3 ...``: signed terms (``+ x``/``- x``) filled
    greedily into lines (one ``align*`` row, continuation lines indented) so that the
    left-hand side (``lhs_width``, default its own printed width) plus a line takes at
    most ``width`` printed characters; ``tail`` (e.g. ``+ O(\varepsilon^5)``) ends it."""
    lw = visible_width(lhs) if lhs_width is None else lhs_width
    budget = max(20.0, width - lw - 3)
    items = list(terms) + ([tail] if tail else [])
    lines = _split_top(items, budget) if items else ["0"]
    first = lines[0][2:] if lines[0].startswith("+ ") else lines[0]
    return f"{lhs} &= {first}" + "".join(f" \\\\\n  &\\quad {ln}" for ln in lines[1:])


def series_terms(s: Any, lo: int, hi: int, symbol: str = r"\varepsilon",
                 width: float = LINE_WIDTH) -> tuple[list[str], str, int]:
    r"""The signed LaTeX terms ``c_k \varepsilon^k`` (``lo <= k <= hi``, zero
    coefficients skipped, every long coefficient on lines of its own) of a
    :class:`~symbolic.systems.puiseux.Series`, the ``O(...)`` tail (empty for an exact
    series) and the highest order printed."""
    import math

    out: list[str] = []
    terms, top = s.nonzero_terms(lo, hi)
    for k, c in terms:
        mono = "" if k == 0 else (symbol if k == 1 else f"{symbol}^{{{k}}}")
        out += coefficient_lines(c.to_sympy(), mono, width)
    tail = "" if s.prec == math.inf else rf"+ O\bigl({symbol}^{{{top + 1}}}\bigr)"
    return out, tail, top


def series_align(rows: list[tuple[str, Any, int, int]], *, width: float = LINE_WIDTH) -> str:
    r"""An ``align*`` body: one row ``lhs &= ...`` per ``(lhs, Series, lo, hi)``, long
    sums broken over indented continuation lines (never one overfull line); the rows
    share the alignment, so every line is budgeted with the widest left-hand side."""
    lw = max((visible_width(r[0]) for r in rows), default=0.0)
    out = []
    for lhs, s, lo, hi in rows:
        terms, tail, _ = series_terms(s, lo, hi, width=max(20.0, width - lw - 3))
        out.append(break_sum(lhs, terms, width=width, tail=tail, lhs_width=lw))
    return " \\\\\n".join(out)


def series_text(s: Any, lo: int, hi: int, symbol: str = "eps") -> str:
    """The same truncation as :func:`series_terms` in plain text (sympy syntax)."""
    import math

    parts = []
    terms, top = s.nonzero_terms(lo, hi)
    for k, c in terms:
        parts.append(f"({c.to_sympy()})*{symbol}**{k}" if k else f"({c.to_sympy()})")
    tail = "" if s.prec == math.inf else f" + O({symbol}**{top + 1})"
    return (" + ".join(parts) or "0") + tail
