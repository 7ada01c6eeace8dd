r"""LaTeX of the reduced critical-point equations and of the loss on ``Fix(H)``.

Parameters print with subscripts (``D_{1}``, ``P_{12}``), ``d`` stays symbolic,
``pi``, square roots and ``\arccos`` stay exact. Repeated subexpressions (the
squared norms and inner products of the rows) are named ``a_{1}, a_{2}, ...``
by common-subexpression elimination and defined before the equations, which
keeps every line short enough to read.
"""

from __future__ import annotations

import sympy as sp

from symbolic.groups import D_SYMBOL, FixedSpace, parse_isotropy
from symbolic.solve import system_for

__all__ = ["equations_latex", "latex_document", "symbol_names"]


def symbol_names(space: FixedSpace) -> dict:
    """LaTeX names of the parameters (and of ``d``)."""
    out = {q.symbol: q.latex for q in space.params}
    out[D_SYMBOL] = "d"
    return out


def _latex(expr, names) -> str:
    return sp.latex(expr, symbol_names=names, inv_trig_style="full", ln_notation=True)


def _named_subexpressions(exprs: list) -> tuple[list, list]:
    """Common subexpressions worth a name: not trivial (more than 4 operations, no
    bare ``1/pi`` or ``d - 1``) and used at least twice; the rest inlined again."""
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
    reduced = [r.xreplace(sub) for r in reduced]
    for _ in range(len(keep) + 1):  # resolve chains of substitutions
        reduced = [r.xreplace(sub) for r in reduced]
        keep = [(s, e.xreplace(sub)) for s, e in keep]
    names = {s: sp.Symbol(f"a{i}") for i, (s, _) in enumerate(keep, start=1)}
    keep = [(names[s], e.xreplace(names)) for s, e in keep]
    reduced = [r.xreplace(names) for r in reduced]
    return keep, reduced


def equations_latex(space: FixedSpace | str, *, d=None, cse: bool = True) -> str:
    """An ``align*`` environment: definitions, the loss and ``d ell / d theta_p = 0``."""
    space = parse_isotropy(space)
    rs = system_for(space)
    exprs = [rs.loss_expr] + list(rs.gradient_exprs)
    if d is not None:
        exprs = [e.subs(D_SYMBOL, sp.nsimplify(d)) for e in exprs]
    names = symbol_names(space)
    lines = []
    if cse:
        reps, exprs = _named_subexpressions(exprs)
        for s, _e in reps:
            names[s] = f"a_{{{str(s)[1:]}}}"
        for s, e in reps:
            lines.append(f"{names[s]} &= {_latex(e, names)}")
    lines.append(r"\ell &= " + _latex(exprs[0], names))
    for q, e in zip(space.params, exprs[1:], strict=True):
        lines.append(rf"\frac{{\partial \ell}}{{\partial {q.latex}}} &= "
                     + _latex(e, names) + " = 0")
    return "\\begin{align*}\n" + " \\\\\n".join(lines) + "\n\\end{align*}\n"


def latex_document(space: FixedSpace | str, *, d=None) -> str:
    """A complete, compilable LaTeX document of the reduced system."""
    space = parse_isotropy(space)
    params = ", ".join(f"${q.latex}$ (${sp.latex(q.orbit_size)}$ entries)"
                       for q in space.params)
    dtxt = "symbolic" if d is None else f"$d = {d}$"
    return (
        "\\documentclass[10pt]{article}\n"
        "\\usepackage{amsmath}\n\\usepackage[margin=1.5cm,landscape]{geometry}\n"
        "\\allowdisplaybreaks\n\\begin{document}\n"
        f"\\section*{{Reduced critical-point equations on $\\mathrm{{Fix}}$ of "
        f"isotropy \\texttt{{{space.label}}}}}\n"
        f"Parameters: {params}; $d$ is {dtxt}. "
        "The loss $\\ell$ is $L(W)$ restricted to the fixed-point space; its critical "
        "points are critical points of $L$ (symmetric criticality).\n"
        "{\\small\n" + equations_latex(space, d=d) + "}\n\\end{document}\n"
    )
