"""The public API (``symbolic.__all__``, lazy), the symbols ``d`` and ``eps``, notebook
displays, the precision policy, and the import graph (no cycles)."""

from __future__ import annotations

import ast
import pathlib
import subprocess
import sys
from fractions import Fraction

import mpmath
import pytest
import sympy as sp

import symbolic
from symbolic.core.errors import PrecisionError

ROOT = pathlib.Path(symbolic.__file__).resolve().parent

#: the layers of docs/architecture.md, lowest first: a module imports (at module level
#: or inside a function) only from its own layer or a lower one
LAYERS = ["core", "loss", "symmetry", "systems", "numerics", "catalogue", "spectra",
          "critical", "asymptotics"]
#: the layered core modules (and the CLI commands built only on them)
CORE = [f"{layer}.{m}" for layer in LAYERS
        for m in sorted(p.stem for p in (ROOT / layer).glob("*.py") if p.stem != "__init__")]
CORE += ["cli.matrix_io", "cli.cmd_equations", "cli.cmd_evaluate", "cli.cmd_families",
         "cli.cmd_isotropy", "cli.cmd_spectrum", "cli.cmd_track", "cli.cmd_transition"]


# ------------------------------------------------------------------ public API
def test_all_names_resolve():
    for name in symbolic.__all__:
        assert getattr(symbolic, name) is not None, name
    import symbolic.spectra.spectrum as spectrum_module

    # a function never shadows its module: the names differ
    assert symbolic.hessian_spectrum is spectrum_module.spectrum
    assert symbolic.spectra.spectrum is spectrum_module and symbolic.numerics.track.track is \
        symbolic.track_branch
    assert not set(symbolic.__all__) & {"spectrum", "track", "census"}
    with pytest.raises(AttributeError):
        symbolic.no_such_name  # noqa: B018


def test_import_is_lazy_and_fast():
    """``import symbolic`` loads neither sympy nor mpmath (they come with first use)."""
    code = "import sys, symbolic; print('sympy' in sys.modules, 'mpmath' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "False"]


def test_symbols_d_and_eps():
    d = symbolic.d
    assert d.is_positive and d.name == "d"
    e = d**2 - 3 * d
    assert e.subs(d, 3) == 0  # the exported symbol substitutes
    # a plain Symbol('d') is another symbol to sympy: documented, not silently "fixed"
    assert e.subs(sp.Symbol("d"), 3) == e
    assert symbolic.eps.name == "epsilon" and symbolic.eps.is_positive
    # the orbit sizes of a fixed space use the same symbol
    q = symbolic.parse_isotropy("d-1,1").param("O1")
    assert q.orbit_size.subs(symbolic.d, 10) == 72


# ------------------------------------------------------------------ precision policy
def test_guard_rule_and_working_digits():
    from symbolic.core.precision import MARGINS, guard_digits, working_digits

    # 10 + 3 (floor(log10 d) + 1), exact at any d (no float: 10^100 and 31/3 too)
    assert guard_digits(1) == 10 and guard_digits(9) == 13 and guard_digits(10) == 16
    assert guard_digits(10**20) == 10 + 3 * 21 and guard_digits(10**100) == 10 + 3 * 101
    assert guard_digits(Fraction(31, 3)) == 16 and guard_digits("1e8") == 10 + 27
    assert working_digits(30, 10**6, "newton") == 30 + MARGINS["newton"] + 10 + 21
    with pytest.raises(KeyError):
        working_digits(30, 10, "no-such-algorithm")


@pytest.mark.parametrize("bad", [0, 9, 501, "x", 2.5, True])
def test_one_digits_range(bad):
    from symbolic.core.precision import check_digits

    with pytest.raises(PrecisionError):
        check_digits(bad)


def test_results_report_their_working_precision():
    r = symbolic.newton("d", ["1", "0"], "31/3", digits=20)
    assert r.converged and r.digits == 20 and r.working_digits == 20 + 5 + 16
    s = symbolic.hessian_spectrum("d", ["1", "0"], 10**6, digits=20)
    assert s.digits == 20 and s.working_digits == 20 + 5 + 10 + 21
    b = symbolic.track_branch("d", ["1", "0"], 10, 12, digits=15, progress=False)
    assert b.working_digits >= 15 + 5 + 16 and b.fix_index == 0


def test_spectrum_rounds_to_the_requested_digits():
    """Each eigenvalue is the decimal of ``digits`` digits nearest to the exact one
    (independent: the same spectrum at 60 digits, rounded by mpmath)."""
    lo = symbolic.hessian_spectrum("d-1,1", ["1", "0", "-1", "0.1", "0.1"], 10, digits=12)
    hi = symbolic.hessian_spectrum("d-1,1", ["1", "0", "-1", "0.1", "0.1"], 10, digits=60)
    assert lo.working_digits > 30  # computed far beyond, then rounded
    for a, b in zip(lo.eigenvalues, hi.eigenvalues, strict=True):
        with mpmath.workdps(80):
            rounded = mpmath.mpf(mpmath.nstr(b.value, 12))
            assert abs(a.value - rounded) <= mpmath.mpf(10) ** -15 * abs(rounded)
            assert abs(a.value - b.value) > mpmath.mpf(10) ** -30 * abs(b.value)


def test_exact_d_is_never_a_float():
    """31/3 is parsed once into a Fraction and reaches every result exactly."""
    s = symbolic.hessian_spectrum("d", ["1", "0"], "31/3", digits=15)
    assert s.d == Fraction(31, 3)
    at = symbolic.parse_isotropy("d-1,1").at("31/3")
    assert at.d == Fraction(31, 3) and at.block_sizes == (Fraction(28, 3), 1)
    assert at.orbit("O1") == Fraction(28, 3) * Fraction(25, 3)


# ------------------------------------------------------------------ notebooks
def test_notebook_displays_are_short_tables():
    s = symbolic.hessian_spectrum("d-1,1", ["1", "0", "-1", "0.1", "0.1"], 10, digits=15)
    c = symbolic.certify_point("d", {"D1": "1", "O1": "0"}, 10, digits=30)
    b = symbolic.track_branch("d", ["1", "0"], 10, 11, digits=15, progress=False)
    t = symbolic.find_transition("bounded-d", d_values=[5, 6], digits=15)[0]
    for obj in (s, c, b, t):
        html, latex = obj._repr_html_(), obj._repr_latex_()
        assert html.startswith("<table>") and len(html) < 6000, type(obj)
        assert latex.startswith("$") and len(latex) < 3000, type(obj)
    assert "index 0" in s._repr_html_() and "proved" in c._repr_html_()
    assert "5.76381273491" in t._repr_latex_()


# ------------------------------------------------------------------ import graph
def _modules() -> dict[str, pathlib.Path]:
    out = {}
    for p in ROOT.rglob("*.py"):
        rel = p.relative_to(ROOT).with_suffix("")
        name = ".".join(("symbolic", *rel.parts))
        out[name.removesuffix(".__init__")] = p
    return out


def _graph(lazy: bool) -> dict[str, set[str]]:
    mods = _modules()
    g: dict[str, set[str]] = {}
    for m, p in mods.items():
        tree = ast.parse(p.read_text(encoding="utf-8"))
        nodes = ast.walk(tree) if lazy else tree.body
        deps: set[str] = set()
        for n in nodes:
            if isinstance(n, ast.Import):
                deps |= {a.name for a in n.names}
            elif isinstance(n, ast.ImportFrom) and n.module and n.level == 0:
                deps |= {n.module} | {f"{n.module}.{a.name}" for a in n.names}
        g[m] = {x for x in deps if x in mods and x not in (m, "symbolic")}
    return g


def _cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in g[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in g:
        if v not in index:
            visit(v)
    return out


def test_no_import_cycles():
    """No cycle among module-level imports anywhere, and none even through lazy
    (function-level) imports among the layered core modules."""
    assert _cycles(_graph(lazy=False)) == []
    g = _graph(lazy=True)
    core = {f"symbolic.{m}" for m in CORE} & set(g)
    assert len(core) > 30
    sub = {m: g[m] & core for m in core}
    assert _cycles(sub) == []
    # the former census <-> track cycle: track needs nothing from census
    assert "symbolic.critical.census" not in g["symbolic.numerics.track"]
    # transition takes Newton, continuation and catalogue from their own modules
    assert "symbolic.asymptotics.series" not in g["symbolic.critical.transition"]


def _layer(module: str) -> int:
    """Position of a module's folder in LAYERS; applications above, the CLI on top."""
    part = module.split(".")[1]
    if part in LAYERS:
        return LAYERS.index(part)
    return len(LAYERS) + (part == "cli")


def test_layers_import_downwards_only():
    """Every import, lazy ones included, goes to the module's own layer or a lower one
    (docs/architecture.md): e.g. the catalogue does not reach into overparam and the
    series do not reach into the LaTeX exporter."""
    g = _graph(lazy=True)
    up = sorted(f"{m} -> {t}" for m, ts in g.items() if m != "symbolic"
                for t in ts if t != "symbolic" and _layer(t) > _layer(m))
    assert up == []
    assert all((ROOT / layer / "__init__.py").exists() for layer in LAYERS)
