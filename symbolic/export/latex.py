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

import sympy as sp

from symbolic.groups import D_SYMBOL, FixedSpace, parse_d, parse_isotropy
from symbolic.reduced import ReducedSystem, reduced_system

__all__ = [
    "Structured",
    "structured_equations",
    "equations_latex",
    "latex_document",
    "symbol_names",
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
