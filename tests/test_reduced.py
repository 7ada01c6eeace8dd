"""The reduced system equals the full model restricted to Fix(H) (independent check),
is symbolic in d, and evaluates at fractional and huge d."""

import mpmath
import numpy as np
import pytest
import sympy as sp

from symbolic.loss import model
from symbolic.symmetry.groups import D_SYMBOL, parse_isotropy
from symbolic.systems.reduced import ReducedSystem

GROUPS = ["d", "d-1,1", "d-2,2", "d-3,3", "d-2,1,1", "d-1,1;1"]


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Tests never touch the user's cache directory."""
    monkeypatch.setenv("RELUSYM_CACHE_DIR", str(tmp_path_factory.mktemp("relusym-cache")))


def _check(spec, d, seed):
    fs = parse_isotropy(spec)
    rs = ReducedSystem(fs)
    rng = np.random.default_rng(seed)
    th = [mpmath.mpf(repr(float(x))) for x in rng.normal(size=fs.dim)]
    W = fs.matrix(th, d)
    g_full = fs.project(model.gradient(W, backend="mpmath", dps=55), d)
    g_red = rs.gradient(th, d, backend="mpmath", dps=55)
    assert max(abs(a - b) for a, b in zip(g_full, g_red, strict=True)) < mpmath.mpf(10) ** -45
    L_full = model.loss(W, backend="mpmath", dps=55)
    assert abs(L_full - rs.loss(th, d, backend="mpmath", dps=55)) < mpmath.mpf(10) ** -45
    H = model.hessian(W, backend="mpmath", dps=45)
    masks = fs.orbit_masks(d)
    E = np.array([masks[n].ravel() for n in fs.names], dtype=object)
    Hr = E.dot(H).dot(E.T)
    Hred = rs.hessian(th, d, backend="mpmath", dps=45)
    assert max(abs(x) for x in (Hr - Hred).ravel()) < mpmath.mpf(10) ** -35


@pytest.mark.parametrize("spec", GROUPS)
def test_reduced_equals_full_projected(spec):
    d = max(parse_isotropy(spec).min_d(), 5)
    _check(spec, d, 0)


@pytest.mark.slow
@pytest.mark.parametrize("spec", GROUPS)
@pytest.mark.parametrize("d", range(4, 13))
def test_reduced_equals_full_all_d(spec, d):
    if d < parse_isotropy(spec).min_d():
        pytest.skip("d too small for the blocks")
    _check(spec, d, d)


@pytest.mark.parametrize("spec", GROUPS)
def test_symbolic_expressions_match_compiled_at_fractional_d(spec):
    """At d = 21/2 the sympy expressions (loss, gradient, Hessian; exact in pi, sqrt,
    acos) evaluated by sympy agree with the compiled mpmath and numpy evaluators."""
    rs = ReducedSystem(spec)
    rng = np.random.default_rng(7)
    th = [sp.Rational(int(x), 1000) for x in rng.integers(-1500, 1500, size=rs.space.dim)]
    sub = dict(zip(rs.space.symbols, th, strict=True))
    sub[D_SYMBOL] = sp.Rational(21, 2)
    tol = sp.Float(10, 50) ** -35

    def close(expr, value):
        exact = sp.N(expr.xreplace(sub), 45)
        return abs(exact - sp.Float(mpmath.nstr(value, 45), 45)) < tol * (1 + abs(exact))

    args = [str(x) for x in th]
    assert close(rs.loss_expr, rs.loss(args, "10.5", dps=50))
    g = rs.gradient(args, "10.5", dps=50)
    assert all(close(e, v) for e, v in zip(rs.gradient_exprs, g, strict=True))
    H = rs.hessian(args, "10.5", dps=50)
    n = rs.space.dim
    assert all(close(rs.hessian_exprs[i, j], H[i, j]) for i in range(n) for j in range(n))
    gn = rs.gradient([float(x) for x in th], 10.5, backend="numpy")
    assert np.allclose(gn, [float(x) for x in g], rtol=1e-10, atol=1e-12)


def test_loss_is_polynomial_continuation_in_d():
    """Between integer d the loss is the same closed form: the value at 10.5 lies on the
    curve through d = 10, 10.5, 11 given by the symbolic expression (not interpolated)."""
    rs = ReducedSystem("d-1,1")
    th = ["0.9", "0.02", "-0.8", "0.05", "0.1"]
    sub = {s: sp.Rational(v) for s, v in zip(rs.space.symbols, th, strict=True)}
    f = sp.lambdify(D_SYMBOL, rs.loss_expr.xreplace(sub), "mpmath")
    for dd in ("10", "10.5", "11", "1000.25"):
        with mpmath.workdps(40):
            ref = f(mpmath.mpf(dd))
        assert abs(rs.loss(th, dd, dps=40) - ref) < mpmath.mpf(10) ** -30 * (1 + abs(ref))


def test_huge_d_and_backends_agree():
    rs = ReducedSystem("d-1,1")
    th = ["1", "-1e-16", "-1", "2e-8", "1.27e-8"]
    a = rs.gradient(th, "1e8", backend="mpmath", dps=60)
    b = rs.gradient(th, "1e8", backend="arb", dps=60)
    for x, y in zip(a, b, strict=True):
        assert abs(float(x) - float(y.mid())) <= 1e-30 * max(1, abs(float(x)))
    c = rs.gradient([float(x) for x in th], 10**8, backend="numpy")
    assert np.all(np.isfinite(c))


def test_batched_numpy_evaluation():
    rs = ReducedSystem("d-2,2")
    X = np.random.default_rng(0).normal(size=(6, 7))
    g = rs.gradient(list(X), 9, backend="numpy")
    H = rs.hessian(list(X), 9, backend="numpy")
    assert g.shape == (6, 7) and H.shape == (6, 6, 7)
    for j in range(7):
        gj = rs.gradient(list(X[:, j]), 9, backend="numpy")
        assert np.allclose(g[:, j], gj, atol=1e-12)


MALICIOUS = "__import__('os').system('touch {path}')"


@pytest.mark.parametrize("where", ["value_sympy", "d_sympy", "value_mpmath", "d_numpy",
                                   "directions", "substitution"])
def test_user_strings_are_never_executed(tmp_path, where):
    """A string that would create a file if evaluated is refused with a RelusymError and
    the file does not appear (no sympify/eval of user strings)."""
    from symbolic.core.errors import RelusymError

    target = tmp_path / "pwned"
    s = MALICIOUS.format(path=target)
    rs = ReducedSystem("d")
    calls = {
        "value_sympy": lambda: rs.loss([s, "0"], 10, backend="sympy"),
        "d_sympy": lambda: rs.loss(["1", "0"], s, backend="sympy"),
        "value_mpmath": lambda: rs.gradient([s, "0"], 10, backend="mpmath"),
        "d_numpy": lambda: rs.loss([1.0, 0.0], s, backend="numpy"),
        "directions": lambda: ReducedSystem("d", directions=[[s, 0], [0, 1]]),
        "substitution": lambda: ReducedSystem("d", substitution={rs.space.symbols[0]: s}),
    }
    with pytest.raises(RelusymError):
        calls[where]()
    assert not target.exists()


def test_safe_expr_whitelist():
    """Restricted strings: numbers (exact), + - * / **, parentheses, parameter names, d."""
    from symbolic.core.errors import RelusymError
    from symbolic.systems.reduced import safe_expr

    fs = parse_isotropy("d-1,1")
    D1, O1 = fs.symbols[:2]
    assert safe_expr("2*D1 - O1/3 + 0.5*d**2", fs.symbols) == \
        2 * D1 - O1 / 3 + sp.Rational(1, 2) * D_SYMBOL**2
    assert safe_expr(sp.Rational(1, 3), fs.symbols) == sp.Rational(1, 3)
    assert safe_expr(0.25, fs.symbols) == sp.Rational(1, 4)
    for bad in ("D1.__class__", "x + 1", "D1**d", "2**(10**10)", "D1[0]", "lambda: 1",
                "1e5000", "", "exec('1')"):
        with pytest.raises(RelusymError):
            safe_expr(bad, fs.symbols)


def test_string_inputs_still_work_exactly():
    """Strings that are numbers, and strings in directions/substitution, are parsed
    exactly: the results equal those with sympy Rationals."""
    rs = ReducedSystem("d-1,1")
    th = ["0.9", "1/50", "-0.8", "0.05", "0.1"]
    exact = [sp.Rational(9, 10), sp.Rational(1, 50), sp.Rational(-4, 5), sp.Rational(1, 20),
             sp.Rational(1, 10)]
    assert sp.simplify(rs.loss(th, "10.5", backend="sympy")
                       - rs.loss(exact, sp.Rational(21, 2), backend="sympy")) == 0
    D1, O1 = rs.space.symbols[:2]
    r1 = ReducedSystem("d", directions=[["1", "1/2"]])
    r2 = ReducedSystem("d", directions=[[1, sp.Rational(1, 2)]])
    assert r1.directions == r2.directions
    r3 = ReducedSystem("d", substitution={"O1": "D1/2"})
    assert r3.substitution == {rs.space.symbols[1]: D1 / 2} and r3.arg_symbols == [D1]
    assert O1 == rs.space.symbols[1]


def test_disk_cache_roundtrip_and_corruption(tmp_path, monkeypatch):
    """A second build reads the cache and gives identical invariants and values; a corrupt
    or foreign file is ignored (rebuild); RELUSYM_CACHE=0 writes nothing."""
    from symbolic.systems import reduced as R

    monkeypatch.setenv("RELUSYM_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("RELUSYM_CACHE", raising=False)
    th = ["0.9", "0.02", "-0.8", "0.05", "0.1"]
    a = ReducedSystem("d-1,1")
    ref_flat = a._flat
    files = list(tmp_path.glob("reduced-*.json"))
    assert len(files) == 1 and not list(tmp_path.glob(".tmp-*"))
    built = []
    monkeypatch.setattr(R.ReducedSystem, "_build_flat",
                        lambda self: built.append(1) or (_ for _ in ()).throw(AssertionError))
    b = ReducedSystem("d-1,1")
    assert [sp.expand(x - y) for x, y in zip(b._flat[1], ref_flat[1], strict=True)] == \
        [0] * len(ref_flat[1])
    assert b._flat[0] == [(t, k, tuple(s), st) for t, k, s, st in ref_flat[0]]
    assert not built
    assert abs(b.loss(th, 10, dps=40) - a.loss(th, 10, dps=40)) < mpmath.mpf(10) ** -35
    monkeypatch.undo()
    monkeypatch.setenv("RELUSYM_CACHE_DIR", str(tmp_path))
    for junk in ("{not json", '{"format": 1, "key": "other"}', '{"format": 1}', ""):
        files[0].write_text(junk)
        c = ReducedSystem("d-1,1")
        assert abs(c.loss(th, 10, dps=40) - a.loss(th, 10, dps=40)) < mpmath.mpf(10) ** -35
    # a different substitution is a different entry
    D1 = a.space.symbols[0]
    assert ReducedSystem("d-1,1", substitution={a.space.symbols[1]: D1 / 3})._flat
    assert len(list(tmp_path.glob("reduced-*.json"))) == 2
    off = tmp_path / "off"
    monkeypatch.setenv("RELUSYM_CACHE_DIR", str(off))
    monkeypatch.setenv("RELUSYM_CACHE", "0")
    assert ReducedSystem("d-1,1")._flat
    assert not off.exists()
