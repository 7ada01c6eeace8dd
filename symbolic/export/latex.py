r"""LaTeX of the reduced critical-point equations and of the loss on ``Fix(H)``.

Source: the expressions are :attr:`ReducedSystem.loss_expr` and
:attr:`ReducedSystem.gradient_exprs` (DESIGN.md section 2), printed unchanged
up to naming. Parameters print with subscripts (``D_{1}``, ``P_{12}``), ``d``
stays symbolic, ``pi``, square roots and ``\arccos`` stay exact.

To keep the lines readable, quantities with a meaning are named first:

* ``\nu_{a} = |w|^2`` -- the squared norm of a row of block ``a``
  (``\nu_{\mathrm{e}1}`` for a row of row-only block 1);
* ``\gamma_{a,b} = w \cdot u`` -- the inner product of two distinct rows of
  blocks ``a`` and ``b``;

then the remaining repeated subexpressions are named ``a_{1}, a_{2}, \dots``
by common-subexpression elimination. :func:`structured_equations` returns the
definitions and the named expressions; substituting the definitions back gives
the original expressions exactly (checked in ``tests/test_latex.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

from symbolic.asymptotics.printing import (  # noqa: F401  (re-exported)
    LINE_WIDTH,
    break_sum,
    coefficient_lines,
    pi_latex,
    series_align,
    series_terms,
    series_text,
    visible_width,
)
from symbolic.symmetry.groups import D_SYMBOL, FixedSpace, parse_d, parse_isotropy
from symbolic.systems.reduced import ReducedSystem, reduced_system

__all__ = [
    "Structured",
    "structured_equations",
    "equations_latex",
    "latex_document",
    "symbol_names",
    "pi_latex",
    "visible_width",
    "coefficient_lines",
    "break_sum",
    "series_terms",
    "series_align",
    "series_text",
    "tex_text",
    "report_latex",
    "REPORT_PACKAGES",
    "LINE_WIDTH",
]


def symbol_names(space: FixedSpace) -> dict:
    """LaTeX names of the parameters (and of ``d``)."""
    out = {q.symbol: q.latex for q in space.params}
    out[D_SYMBOL] = "d"
    return out


@dataclass
class Structured:
    """The reduced system with named subexpressions.

    ``definitions``: ``[(symbol, expression)]`` in dependency order (a definition
    uses only parameters, ``d`` and earlier symbols); ``loss`` and ``gradient``
    use the defined symbols; ``names`` maps every symbol to its LaTeX.
    """

    space: FixedSpace
    definitions: list
    loss: sp.Expr
    gradient: list
    names: dict

    def expand(self, expr: sp.Expr) -> sp.Expr:
        """Substitute the definitions back (the inverse of the naming)."""
        for s, e in reversed(self.definitions):
            expr = expr.xreplace({s: e})
        return expr


def _row_key(label: str) -> tuple[str, str]:
    """``"B1"`` -> (symbol suffix, LaTeX subscript)."""
    if label.startswith("B"):
        return label, label[1:]
    return label, r"\mathrm{e}" + label[1:]


def _meaningful(rs: ReducedSystem) -> tuple[list, dict]:
    """Squared row norms and inner products of distinct rows, from the pair types."""
    defs, names = [], {}
    seen: dict = {}

    def dot(cells, f, g):
        return sp.expand(sum((c.count * f(c) * g(c) for c in cells), sp.S.Zero))

    for pt in rs.pair_types:
        if pt.kind == "self":
            key, sub = _row_key(pt.label.rstrip("="))
            expr = dot(pt.cells, lambda c: c.w, lambda c: c.w)
            sym = sp.Symbol(f"nu_{key}", positive=True)
            tex = rf"\nu_{{{sub}}}"
        elif pt.kind == "row":
            # labels are "<row><row>" with rows "B<n>"/"E<n>": split at the second letter
            i = next(n for n in range(1, len(pt.label)) if pt.label[n] in "BE")
            a, b = pt.label[:i], pt.label[i:]
            if (b, a) in seen:
                continue
            (ka, sa), (kb, sb) = _row_key(a), _row_key(b)
            expr = dot(pt.cells, lambda c: c.w, lambda c: c.u)
            sym = sp.Symbol(f"gamma_{ka}_{kb}", real=True)
            tex = rf"\gamma_{{{sa},{sb}}}"
            seen[(a, b)] = True
        else:
            continue
        if sp.count_ops(expr) <= 2 or expr.is_number:
            continue  # e.g. a single squared entry: nothing to gain
        defs.append((sym, expr))
        names[sym] = tex
    return defs, names


def _named_subexpressions(exprs: list, start: int = 1) -> tuple[list, list]:
    """Common subexpressions worth a name: not trivial (more than 4 operations) and
    used at least twice; the others are inlined again."""
    reps, reduced = sp.cse(exprs, symbols=sp.numbered_symbols("t"), optimizations="basic")
    keep: list = []
    sub: dict = {}
    for s, e in reps:
        e = e.xreplace(sub)
        uses = sum(r.count(s) for r in reduced) + sum(x.count(s) for _, x in reps)
        if sp.count_ops(e) <= 4 or uses < 2:
            sub[s] = e
        else:
            keep.append((s, e))
    for _ in range(len(keep) + 1):  # resolve chains of substitutions
        reduced = [r.xreplace(sub) for r in reduced]
        keep = [(s, e.xreplace(sub)) for s, e in keep]
    names = {s: sp.Symbol(f"a{i}") for i, (s, _) in enumerate(keep, start=start)}
    keep = [(names[s], e.xreplace(names)) for s, e in keep]
    reduced = [r.xreplace(names) for r in reduced]
    return keep, reduced


def structured_equations(space: FixedSpace | str, *, d=None, cse: bool = True) -> Structured:
    """Loss and reduced gradient with named subexpressions (see the module docstring).

    ``d``: substitute a value (exact: ``"10.5"`` becomes ``21/2``); default symbolic.
    """
    space = parse_isotropy(space)
    rs = reduced_system(space.label)
    exprs = [rs.loss_expr, *rs.gradient_exprs]
    names = symbol_names(space)
    defs: list = []
    if cse:
        defs, extra_names = _meaningful(rs)
        names.update(extra_names)
        for s, e in defs:
            exprs = [x.subs(e, s) for x in exprs]
    if d is not None:
        dn = parse_d(d)
        space.check_d(dn)
        dv = sp.Rational(str(dn))
        exprs = [e.subs(D_SYMBOL, dv) for e in exprs]
        defs = [(s, e.subs(D_SYMBOL, dv)) for s, e in defs]
    if cse:
        more, exprs = _named_subexpressions(exprs)
        for s, _e in more:
            names[s] = f"a_{{{str(s)[1:]}}}"
        defs = defs + more
    return Structured(space, defs, exprs[0], list(exprs[1:]), names)


def _latex(expr, names) -> str:
    return sp.latex(expr, symbol_names=names, inv_trig_style="full", ln_notation=True)


def _equation(lhs: str, expr, names, suffix: str = "", width: int = 150) -> str:
    """``lhs &= expr suffix``; a long sum is broken after whole terms onto
    continuation lines ``&\\quad + ...`` (still one equation)."""
    full = _latex(expr, names)
    if len(full) <= width or not isinstance(expr, sp.Add):
        return f"{lhs} &= {full}{suffix}"
    lines, cur = [], ""
    for term in expr.as_ordered_terms():
        t = _latex(term, names)
        piece = t if not cur and not lines else (f" - {t[1:].lstrip()}" if t.startswith("-")
                                                 else f" + {t}")
        if cur and len(cur) + len(piece) > width:
            lines.append(cur)
            cur = piece.lstrip()
            if not cur.startswith("-"):
                cur = cur if cur.startswith("+") else "+ " + cur
        else:
            cur += piece
    lines.append(cur + suffix)
    return f"{lhs} &= {lines[0]}" + "".join(f" \\\\\n&\\quad {ln}" for ln in lines[1:])


def equations_latex(space: FixedSpace | str, *, d=None, cse: bool = True) -> str:
    r"""An ``align*`` environment: the definitions, the loss ``\ell`` and one
    equation ``\partial \ell / \partial \theta_p = 0`` per parameter (long ones
    continue on indented lines)."""
    st = structured_equations(space, d=d, cse=cse)
    names = st.names
    lines = [_equation(names[s], e, names) for s, e in st.definitions]
    lines.append(_equation(r"\ell", st.loss, names))
    for q, e in zip(st.space.params, st.gradient, strict=True):
        lines.append(_equation(rf"\frac{{\partial \ell}}{{\partial {q.latex}}}", e, names,
                               suffix=" = 0"))
    return "\\begin{align*}\n" + " \\\\\n".join(lines) + "\n\\end{align*}\n"


def latex_document(space: FixedSpace | str, *, d=None) -> str:
    """A complete, compilable LaTeX document (article, amsmath) of the reduced system."""
    space = parse_isotropy(space)
    params = ", ".join(f"${q.latex}$ (${sp.latex(q.orbit_size)}$ entries)"
                       for q in space.params)
    dtxt = "kept symbolic" if d is None else f"$d = {sp.latex(sp.Rational(str(parse_d(d))))}$"
    return (
        "\\documentclass[10pt]{article}\n"
        "\\usepackage{amsmath}\n\\usepackage[margin=1.5cm,landscape]{geometry}\n"
        "\\allowdisplaybreaks\n\\begin{document}\n"
        f"\\section*{{Reduced critical-point equations on $\\mathrm{{Fix}}(H)$, "
        f"isotropy \\texttt{{{space.label}}}}}\n"
        f"Parameters (one per orbit of entries of $W$, orbit sizes in brackets): {params}; "
        f"$d$ is {dtxt}. "
        "$\\nu$ is the squared norm of a row of a block, $\\gamma$ the inner product of "
        "two distinct rows of the given blocks. "
        "The loss $\\ell$ is $L(W)$ restricted to the fixed-point space; by symmetric "
        "criticality its critical points are critical points of $L$.\n"
        "{\\small\n" + equations_latex(space, d=d) + "}\n\\end{document}\n"
    )


# ------------------------------------------------------------------ paper-ready math
# Helpers for the report (:mod:`symbolic.report`): coefficients in Q(pi) (and
# Q(pi)(sqrt q)) printed with the powers of pi sorted (``\pi - 2``, never
# ``(-2 + \pi)``; ``\frac{1}{2} - \frac{2}{\pi^{2}}``), and long sums broken into
# lines of an ``align*`` environment, one coefficient per line where long.

# ------------------------------------------------------------------ the report document
#: LaTeX packages of the report; all in Debian's texlive-latex-base (amssymb comes with
#: its dependency texlive-base)
REPORT_PACKAGES = ["amsmath", "amssymb", "graphicx", "longtable", "array"]


def tex_text(s: object, breaks: bool = True) -> str:
    r"""Plain text for LaTeX: special characters escaped. With ``breaks``, tokens that
    are not plain words (numbers, identifiers, formulas in text) get ``\allowbreak``
    after commas, slashes, ``=``, brackets and every 12 characters, so table cells wrap
    instead of overflowing; plain words are left to TeX's hyphenation."""
    import re

    text = str(s)
    power = re.compile(r"(?<![\w$])(pi|eps|[A-Za-z])\^(?:\((-?\d+(?:/\d+)?)\)|(-?\d+(?:/\d+)?))")
    if power.search(text):  # d^(-1/2), d^2, pi^2, eps^3: as math
        parts = power.split(text)
        names = {"pi": r"\pi", "eps": r"\varepsilon"}
        return "".join(tex_text(p, breaks) if i % 4 == 0 else
                       (f"${names.get(p, p)}^{{{parts[i + 1] or parts[i + 2]}}}$"
                        if i % 4 == 1 else "") for i, p in enumerate(parts))
    table = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
             "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
             "^": r"\textasciicircum{}", "<": r"\textless{}", ">": r"\textgreater{}",
             "|": r"\textbar{}"}
    out = []
    for tok in re.split(r"(\s+)", text):
        if tok.isspace() or not tok:
            out.append(tok)
            continue
        word = re.fullmatch(r"[A-Za-z'-]+[.,;:)]?", tok) is not None
        pieces, run = [], 0
        for ch in tok:
            pieces.append(table.get(ch, ch))
            run += 1
            if breaks and not word and (ch in ",/=([" or run >= 12):
                pieces.append(r"\allowbreak{}")
                run = 0
        out.append("".join(pieces))
    return "".join(out)


def _fig_path(path: str, base) -> str:
    from pathlib import Path

    p = Path(path)
    if p.is_absolute() and base is not None:
        try:
            return str(p.resolve().relative_to(Path(base).resolve()))
        except ValueError:
            return str(p)
    return str(p)


_VERDICT_TEX = {"pass": r"\textbf{pass}", "fail": r"\textbf{FAIL}", "unknown": r"\textit{unknown}"}


def _claims_table(claims: list[dict]) -> str:
    head = (r"\begin{longtable}{@{}>{\raggedright\arraybackslash}p{0.45cm}"
            r">{\raggedright\arraybackslash}p{4.15cm}>{\raggedright\arraybackslash}p{3.1cm}"
            r">{\raggedright\arraybackslash}p{6.3cm}>{\raggedright\arraybackslash}p{1.3cm}@{}}"
            "\n\\hline\n\\# & claim & source & relusym's verified value (expected) & verdict "
            "\\\\ \\hline\n\\endhead\n")
    rows = []
    for i, c in enumerate(claims, 1):
        val = f"${c['value_latex']}$ " if c.get("value_latex") else ""
        val += tex_text(c["value"]) if not c.get("value_latex") else ""
        if c.get("expected"):
            val += r" \newline (expected: " + tex_text(c["expected"]) + ")"
        if c.get("detail") and c["verdict"] != "pass":
            val += r" \newline \emph{" + tex_text(c["detail"]) + "}"
        rows.append(f"{i} & {tex_text(c['claim'])} & {tex_text(c['source'])} & {val} & "
                    f"{_VERDICT_TEX[c['verdict']]} \\\\ \\hline")
    return head + "\n".join(rows) + "\n\\end{longtable}\n"


#: printed width of one character (cm) at the table font sizes, and the text width
_CHAR_CM = {"small": 0.19, "footnotesize": 0.165, "scriptsize": 0.135}
_TEXT_CM = 16.8
_COLSEP_CM = 0.42  # 2 \tabcolsep


def _tokens_width(cell: str) -> float:
    """The widest unbreakable piece of a cell: inline math as a whole, text between
    spaces and ``\allowbreak``."""
    import re

    widths = [1.0]
    for i, seg in enumerate(cell.split("$")):
        if i % 2:
            widths.append(visible_width(seg))
        else:
            widths += [visible_width(p) for p in re.split(r"\\allowbreak\{\}|\s+", seg) if p]
    return max(widths)


def _column_chunks(mins: list[float], avail: float) -> list[list[int]]:
    """Columns split into groups that fit side by side at the smallest font (each later
    group repeats column 0, the row label)."""
    cw = _CHAR_CM["scriptsize"]
    chunks, cur, used = [], [0], mins[0] * cw + _COLSEP_CM
    for j in range(1, len(mins)):
        w = mins[j] * cw + _COLSEP_CM
        if used + w > avail + len(cur) * _COLSEP_CM and len(cur) > 1:
            chunks.append(cur)
            cur, used = [0], mins[0] * cw + _COLSEP_CM
        cur.append(j)
        used += w
    chunks.append(cur)
    return chunks


def _data_table(t: dict) -> str:
    """A verified table as a longtable. Column widths: at least the widest unbreakable
    piece of the column, the rest of the text width shared in proportion to the widest
    cell; the font shrinks (small, footnotesize, scriptsize) until the minima fit, and a
    table still too wide is split into column groups (each repeating the first column)."""
    n = len(t["header"])
    rows_tex = t.get("rows_latex") or [[tex_text(c) for c in r] for r in t["rows"]]
    heads = [r"\textbf{" + tex_text(h) + "}" for h in t["header"]]
    mins, need = [], []
    for j in range(n):
        col = [str(r[j]) for r in rows_tex if j < len(r)]
        hw = max(len(w) for w in (t["header"][j].split() or [""])) * 1.15
        mins.append(max([hw] + [_tokens_width(c) for c in col]) + 0.5)
        need.append(min(max([hw] + [visible_width(c.replace("$", "")) for c in col]) + 1, 60))
    out = [f"\\noindent\\emph{{{tex_text(t['caption'])}}}\n"]
    chunks = [list(range(n))]
    if sum(mins) * _CHAR_CM["scriptsize"] > _TEXT_CM - n * _COLSEP_CM:
        chunks = _column_chunks(mins, _TEXT_CM - n * _COLSEP_CM)
    for cols in chunks:
        avail = _TEXT_CM - len(cols) * _COLSEP_CM
        size = "scriptsize"
        for size in ("small", "footnotesize", "scriptsize"):
            if sum(mins[j] for j in cols) * _CHAR_CM[size] <= avail:
                break
        cw = _CHAR_CM[size]
        base = [mins[j] * cw for j in cols]
        extra = max(0.0, avail - sum(base))
        grow = [max(0.0, need[j] * cw - b) for j, b in zip(cols, base, strict=True)]
        tot = sum(grow) or 1.0
        widths = [b + (extra * g / tot if sum(grow) > extra else g)
                  for b, g in zip(base, grow, strict=True)]
        spec = "".join(rf">{{\raggedright\arraybackslash}}p{{{w:.2f}cm}}" for w in widths)
        head = " & ".join(heads[j] for j in cols)
        body = "\n".join(" & ".join(str(r[j]) if j < len(r) else "" for j in cols)
                         + r" \\ \hline" for r in rows_tex)
        out.append(f"{{\\{size}\n\\begin{{longtable}}{{@{{}}{spec}@{{}}}}\n\\hline\n{head} "
                   f"\\\\ \\hline\n\\endhead\n{body}\n\\end{{longtable}}}}\n")
    return "".join(out)


def _section_tex(sec: dict, base) -> str:
    out = [f"\\subsection{{{tex_text(sec['title'], breaks=False)}}}"]
    if sec.get("intro"):
        out.append(tex_text(sec["intro"]) + "\n")
    out.append(r"\noindent Verdict: " + _VERDICT_TEX[sec["verdict"]] + r"; section by "
               r"\texttt{" + tex_text(sec.get("provider", "")) + "}; " +
               tex_text(sec.get("seconds", "?")) + " s.\n")
    if sec["claims"]:
        out.append("{\\small\n" + _claims_table(sec["claims"]) + "}")
    for t in sec.get("tables", []):
        out.append(_data_table(t))
    for e in sec.get("equations", []):
        cap = e["caption"] if "$" in e["caption"] else tex_text(e["caption"])
        out.append(f"\\noindent {cap}:\n\\begin{{align*}}\n{e['latex']}\n"
                   "\\end{align*}\n")
    for f in sec.get("figures", []):
        path = _fig_path(f.get("pdf") or f["png"], base)
        out.append("\\begin{figure}[!htbp]\n\\centering\n"
                   f"\\includegraphics[width=0.78\\textwidth]{{{path}}}\n"
                   f"\\caption{{{tex_text(f['caption'])}}}\n\\end{{figure}}\n")
    return "\n".join(out)


def report_latex(rep: dict, base=None) -> str:
    """The report as a complete LaTeX document (article; packages
    :data:`REPORT_PACKAGES` only): one ``\\section`` per seed paper, a ``\\subsection``
    per report section with its claims (longtable), tables, broken formulas
    (``align*``) and figures (PDF, relative to the report folder ``base``)."""
    from symbolic.report.papers import group_sections

    s = rep.get("summary", {})
    groups = group_sections(rep.get("sections", []))
    rows = []
    for paper, secs in groups:
        cl = [c["verdict"] for x in secs for c in x["claims"]]
        rows.append(f"{tex_text(paper.title if paper else 'Other results')} & {len(secs)} & "
                    f"{cl.count('pass')} & {cl.count('fail')} & {cl.count('unknown')} "
                    r"\\ \hline")
    body = [
        r"\documentclass[10pt,a4paper]{article}",
        "".join(f"\\usepackage{{{p}}}" for p in REPORT_PACKAGES),
        r"\usepackage[margin=2cm]{geometry}",
        r"\allowdisplaybreaks\setlength{\emergencystretch}{3em}\setlength{\parindent}{0pt}"
        r"\setlength{\parskip}{0.4em}",
        r"\begin{document}",
        rf"\title{{relusym report at $d = {tex_text(rep['d'])}$}}\date{{}}\author{{relusym "
        rf"{tex_text(rep.get('relusym', ''))}, mode {tex_text(rep.get('mode', 'quick'))}}}",
        r"\maketitle",
        f"Claims: {s.get('pass', 0)} pass, {s.get('fail', 0)} fail, {s.get('unknown', 0)} "
        "unknown. Every interval is rounded outward; numbers are decimal strings of exact or "
        r"certified values; series are exact in $\mathbb{Q}(\pi)$ with "
        r"$\varepsilon = d^{-1/2}$.",
        "",
        r"\begin{longtable}{@{}>{\raggedright\arraybackslash}p{10.5cm}rrrr@{}}\hline",
        r"paper & sections & pass & fail & unknown \\ \hline",
        *rows,
        r"\end{longtable}",
    ]
    for paper, secs in groups:
        if paper is None:
            body.append(r"\section{Other results}")
        else:
            body.append(f"\\section{{{tex_text(paper.title, breaks=False)}}}\n"
                        f"{tex_text(paper.authors)}, "
                        f"{tex_text(paper.venue)}.\n\n\\begin{{quote}}\\small "
                        f"{tex_text(paper.summary)}\\end{{quote}}\n")
        if not secs:
            body.append(r"No relusym section reproduces this paper yet: its claims are "
                        r"\textit{unknown} here.")
        for sec in secs:
            body.append(_section_tex(sec, base))
        body.append(r"\clearpage" if secs else "")
    body.append(r"\end{document}")
    return "\n".join(body) + "\n"


def _factored_pi(c: sp.Expr) -> str:
    """A coefficient in Q(pi) as a product of factors, each by descending powers of pi
    (``16 \\left(\\pi - 1\\right)``, ``\\left(\\pi - 2\\right)^{2}``)."""
    c = sp.factor(c)
    if not isinstance(c, (sp.Mul, sp.Pow)):
        return pi_latex(c)
    sign = ""
    parts = []
    for f in sp.Mul.make_args(c):
        if f.is_number and not f.has(sp.pi):
            if f == -1:
                sign = "-"
            else:
                parts.insert(0, sp.latex(f))
            continue
        base, e = f.as_base_exp()
        bt = pi_latex(base)
        if isinstance(base, sp.Add):
            bt = rf"\left({bt}\right)"
        parts.append(bt if e == 1 else rf"{bt}^{{{sp.latex(e)}}}")
    return sign + " ".join(parts)


def _poly_d_latex(p: sp.Expr, d: sp.Symbol) -> str:
    """A polynomial in ``d`` (coefficients in Q(pi)) by descending powers of ``d``."""
    poly = sp.Poly(sp.expand(p), d)
    out = ""
    for (k,), c in poly.terms():
        ct = _factored_pi(c)
        mono = "" if k == 0 else ("d" if k == 1 else f"d^{{{k}}}")
        if mono:
            if ct == "1":
                ct = ""
            elif ct == "-1":
                ct = "-"
            elif isinstance(sp.factor(c), sp.Add):
                ct = rf"\left({ct}\right) "
            else:
                ct = ct + " "
        t = f"{ct}{mono}"
        out = t if not out else (out + " - " + t[1:].lstrip() if t.startswith("-")
                                 else out + " + " + t)
    return out or "0"


def closed_form_latex(expr: Any, d: sp.Symbol | None = None) -> str:
    r"""A closed form in ``d`` and ``pi`` with square roots of polynomials in ``d``
    (the global-minimum eigenvalues): numerator and radicands by descending powers of
    ``d`` with factored coefficients in ``pi``. Falls back to :func:`pi_latex`."""
    from symbolic.symmetry.groups import D_SYMBOL

    d = D_SYMBOL if d is None else d
    expr = sp.sympify(expr)
    if d not in expr.free_symbols:
        return pi_latex(expr)
    num, den = sp.fraction(sp.together(expr))
    poly_part, roots = sp.S.Zero, []
    for t in sp.Add.make_args(sp.expand(num)):
        r = [a for a in t.atoms(sp.Pow) if a.exp == sp.Rational(1, 2) and a.base.has(d)]
        if r:
            roots.append((sp.simplify(t / r[0]), r[0].base))
        else:
            poly_part += t
    try:
        text = _poly_d_latex(poly_part, d) if poly_part != 0 else ""
        for coef, base in roots:
            ct = _factored_pi(coef)
            body = rf"\sqrt{{{_poly_d_latex(base, d)}}}"
            if ct == "-1":
                piece = f"- {body}"
            elif ct == "1":
                piece = f"+ {body}" if text else body
            else:
                piece = (f"- {ct[1:]} {body}" if ct.startswith("-") else f"+ {ct} {body}")
            text = f"{text} {piece}".strip()
    except sp.PolynomialError:
        return sp.latex(expr, order="rev-lex")
    if den == 1:
        return text
    return rf"\frac{{{text}}}{{{_factored_pi(den)}}}"
