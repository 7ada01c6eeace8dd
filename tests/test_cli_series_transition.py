"""Series/transition/families: the one catalogue, the saddle branch, bad input.

Independent checks: the saddle-d-1,1 series against a point found by the other
continuation (symbolic.numerics.track.track) and refined by the other Newton
(symbolic.numerics.solve.newton); its Morse index on Fix(H) from mpmath's eigenvalues of the
Gram-scaled reduced Hessian computed here; the reduced gradient (mpmath) at the
truncated series, whose size must fall at the predicted rate; CLI runs in-process
with captured output (one-line errors, no traceback).
"""

from __future__ import annotations

import json
import warnings

import mpmath
import pytest
import sympy as sp

from symbolic.asymptotics.series import evaluate_truncated, family_series, get_family
from symbolic.catalogue.families import ALIASES, FAMILIES, family
from symbolic.cli.main import main
from symbolic.core.errors import RelusymError
from symbolic.systems.reduced import ReducedSystem

mp = mpmath.MPContext()
mp.dps = 60


# ------------------------------------------------------------- saddle branch
@pytest.fixture(scope="module")
def saddle():
    return family_series("saddle-d-1,1", order=1, fit=False)


@pytest.fixture(scope="module")
def saddle_point_1e4():
    """The saddle at d = 1e4 by symbolic.numerics.track (log-d secant continuation) and
    solve.newton."""
    from symbolic.numerics.solve import newton
    from symbolic.numerics.track import track

    f = family("saddle-d-1,1")
    b = track(f.isotropy, f.seed_values, f.seed_d, 10**4, digits=40, progress=False)
    assert b.status == "reached"
    r = newton(f.isotropy, b.points[-1].values, 10**4, dps=50)
    assert r.converged
    return r.values


def _fix_index_here(isotropy, x, d):
    """Index of B u = lambda G u on Fix(H) (G = orbit sizes), computed independently."""
    from symbolic.symmetry.groups import D_SYMBOL, parse_isotropy

    space = parse_isotropy(isotropy)
    H = ReducedSystem(space).hessian(x, d, dps=80)
    n = space.dim
    sizes = [int(sp.sympify(q.orbit_size).subs(D_SYMBOL, d)) for q in space.params]
    ctx = mpmath.MPContext()
    ctx.dps = 80
    M = ctx.matrix([[ctx.mpf(H[i, j]) / ctx.sqrt(sizes[i] * sizes[j]) for j in range(n)]
                    for i in range(n)])
    ev = ctx.eigsy((M + M.T) / 2, eigvals_only=True)
    return sum(1 for i in range(n) if ev[i] < 0)


def test_saddle_series_is_not_the_minimum(saddle):
    """Before the fix the saddle printed the d-1,1 minimum's series (D2 -> -1, loss -> 0)."""
    c = saddle.param_coefficients(1)
    assert c["D2"][0].is_zero()  # the minimum has D2 -> -1 (its neuron flips)
    assert c["D1"][0] == 1 and c["P12"][0].is_zero()
    L0 = sp.sympify(str(saddle.loss_series().coeff(0).to_sympy()), locals={"pi": sp.pi})
    # one neuron dies: the loss tends to (1/2 - 1/pi)/4 = 0.04542..., not to 0
    assert sp.simplify(L0 - (sp.Rational(1, 2) - 1 / sp.pi) / 4) == 0
    assert abs(float(L0) - 0.0454225) < 1e-6


def test_saddle_series_matches_independent_point(saddle, saddle_point_1e4):
    d = 10**4
    e = 1 / mp.sqrt(d)
    x = saddle_point_1e4
    for t, v in zip(saddle.theta, x, strict=True):
        n = int(min(t.prec, 9))
        # truncation error ~ eps^n; coefficients here are O(10)
        assert abs(evaluate_truncated(t, e, n, 60) - mp.mpf(v)) < 1e3 * e**n
    L = ReducedSystem("d-1,1").loss(x, d, dps=60)
    Ls = evaluate_truncated(saddle.loss_series(), e, 3, 60)
    assert abs(Ls - L) < 1e2 * e**3
    assert abs(L - mp.mpf("0.0454")) < 1e-4
    assert _fix_index_here("d-1,1", x, d) == 1 == family("saddle-d-1,1").fix_index


def test_saddle_leading_terms_solve_reduced_equations(saddle):
    """The reduced gradient (entrywise: divided by orbit sizes) at the series truncated
    after eps^K. An error eps^(K+1) in theta gives a residual of order eps^(K-1) (the
    entrywise Hessian has entries of order d = eps^-2), so the residual must fall at least
    at that rate in d and by eps^2 per two more orders."""
    from symbolic.symmetry.groups import D_SYMBOL

    R = ReducedSystem("d-1,1")
    sizes = [sp.sympify(q.orbit_size) for q in R.space.params]
    res = {}
    for K in (3, 5):
        for d in (10**6, 10**8):
            e = 1 / mp.sqrt(d)
            x = [evaluate_truncated(t, e, K + 1, 60) for t in saddle.theta]
            g = R.gradient(x, d, dps=80)
            res[K, d] = max(abs(mp.mpf(gi)) / int(s.subs(D_SYMBOL, d))
                            for gi, s in zip(g, sizes, strict=True))
        slope = mp.log(res[K, 10**6] / res[K, 10**8]) / mp.log(10)  # orders of eps
        assert slope > K - 1 - 0.2, (K, float(slope))
    assert res[5, 10**8] < 10 * mp.mpf(10) ** -8 * res[3, 10**8]
    # the limit point alone (K = 0) is far from a solution at the same d
    x0 = [evaluate_truncated(t, 0, 1, 60) for t in saddle.theta]
    assert x0[2] == 0  # D2 -> 0: the neuron dies; the gradient is undefined there


# ------------------------------------------------------------ the catalogue
def test_aliases_resolve_with_future_warning():
    for old, new in [("d-1,1", "spurious-d-1,1"), ("bounded-Sd", "bounded-d"),
                     ("global-min", "global-minimum"), ("d-2,2", "spurious-d-2,2")]:
        assert ALIASES[old] == new
        with pytest.warns(FutureWarning, match=new):
            assert family(old).name == new
        with pytest.warns(FutureWarning):
            assert get_family(old).name == new
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in FAMILIES:  # canonical names: no warning
            assert get_family(name).name == name
    with pytest.raises(RelusymError, match="known families"):
        get_family("nope")


def test_every_catalogue_name_resolves_in_series_and_transition():
    """Specs carry the catalogue's isotropy and seed (36 digits), one source."""
    assert main(["families", "--json"]) == 0
    for name in FAMILIES:
        spec = get_family(name)
        f = FAMILIES[name]
        assert (spec.isotropy, spec.d0, spec.seed) == (f.isotropy, f.seed_d, f.seed_values)


def test_cli_alias_note_on_stderr(capsys):
    assert main(["transition", "--family", "global-min", "--dmin", "9", "--dmax", "11",
                 "--json"]) == 0
    cap = capsys.readouterr()
    assert "deprecated" in cap.err and "global-minimum" in cap.err
    out = json.loads(cap.out)
    assert out["family"] == "global-minimum" and out["transitions"] == []
    assert "no change between saddle and minimum" in out["message"]


def test_track_accepts_old_name(capsys):
    with pytest.warns(FutureWarning):
        rc = main(["track", "--family", "d-1,1", "--to", "11", "--quiet", "--json"])
    assert rc == 0


@pytest.mark.parametrize("name", list(FAMILIES))
def test_transition_every_family(name, capsys):
    capsys.readouterr()
    assert main(["transition", "--family", name, "--dmin", "10", "--dmax", "11",
                 "--digits", "12", "--json"]) == 0
    cap = capsys.readouterr()
    out = json.loads(cap.out)
    assert out["family"] == name
    assert out["transitions"] == [] and "message" in out  # none between 10 and 11
    assert "error" not in cap.err


@pytest.mark.slow
@pytest.mark.parametrize("name", list(FAMILIES))
def test_series_every_family(name, capsys):
    assert main(["series", "--family", name, "--order", "1", "--no-eigenvalues", "--json",
                 "--quiet"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["family"] == name and len(out["loss"]) == 2


def test_series_global_minimum_cli(capsys):
    assert main(["series", "--family", "global-minimum", "--order", "1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["loss"] == ["0", "0"]


# ------------------------------------------------------------------ bad input
BAD_SERIES = [
    (["--isotropy", "d", "--start", "D1=abc,O1=0"], "not a number"),
    (["--isotropy", "d", "--start", "D1=nan,O1=0"], "not a number"),
    (["--isotropy", "d", "--start", "D1=0,O1=0"], "row of W is zero"),
    (["--isotropy", "d", "--start", "D1=1"], "missing O1"),
    (["--isotropy", "d", "--start", "D1=1,O1=0,X=2"], "unknown name"),
    (["--isotropy", "d", "--start", "D1=-0.8,O1=0.2", "--d0", "-5"], "positive"),
    (["--isotropy", "d", "--start", "D1=-0.8,O1=0.2", "--d0", "0"], "positive"),
    (["--isotropy", "d", "--start", "D1=-0.8,O1=0.2", "--d0", "nan"], "not a number"),
    (["--isotropy", "d", "--start", "D1=-0.8,O1=0.2", "--d0", "abc"], "not a number"),
    (["--isotropy", "d", "--start", "D1=-0.8,O1=0.2", "--d0", "1"], "too small"),
    (["--isotropy", "d"], "needs --start"),
    (["--family", "bounded-d", "--d0", "5"], "with --isotropy"),
    (["--family", "bounded-d", "--isotropy", "d"], "not both"),
    (["--family", "bounded-d", "--order", "-1"], "at least 0"),
    (["--family", "bounded-d", "--order", "41"], "at most 40"),
    (["--family", "bounded-d", "--order", "2.5"], "integer"),
    (["--family", "nope"], "unknown family"),
    ([], "give --family"),
]

BAD_TRANSITION = [
    (["--family", "bounded-d", "--digits", "0"], "at least 1"),
    (["--family", "bounded-d", "--digits", "x"], "not a number"),
    (["--family", "bounded-d", "--digits", "1000"], "at most"),
    (["--family", "bounded-d", "--dmin", "-5"], "at least 2"),
    (["--family", "bounded-d", "--dmin", "1.5"], "integer"),
    (["--family", "bounded-d", "--dmax", "nan"], "not a number"),
    (["--family", "bounded-d", "--dmax", "1e9"], "at most"),
    (["--family", "bounded-d", "--dmin", "8", "--dmax", "6"], "must not exceed"),
    (["--family", "spurious-d-1,1", "--dmin", "2"], "at least 3"),
    (["--family", "nope"], "unknown family"),
]


def _one_line_error(capsys, cmd, argv, needle):
    assert main([cmd, *argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err and err[-1].startswith(f"relusym {cmd}: error:"), err
    assert needle in err[-1], err
    assert not any("Traceback" in e for e in err)


@pytest.mark.parametrize("argv,needle", BAD_SERIES)
def test_series_bad_input(capsys, argv, needle):
    _one_line_error(capsys, "series", argv, needle)


@pytest.mark.parametrize("argv,needle", BAD_TRANSITION)
def test_transition_bad_input(capsys, argv, needle):
    _one_line_error(capsys, "transition", argv, needle)


def test_families_bad_name(capsys):
    _one_line_error(capsys, "families", ["--family", "nope"], "unknown family")


def test_families_accepts_old_name(capsys):
    assert main(["families", "--family", "d-1,1"]) == 0
    cap = capsys.readouterr()
    assert cap.out.startswith("spurious-d-1,1") and "deprecated" in cap.err


def test_transition_long_range_is_geometric(capsys):
    """--dmax 100000 used to continue through every integer (a hang): now a geometric
    grid of at most 40 points, bisected around a crossing."""
    from symbolic.critical.transition import scan_grid

    g = scan_grid(3, 100000)
    assert len(g) <= 40 and g[0] == 3 and g[-1] == 100000
    assert scan_grid(4, 9) == [4, 5, 6, 7, 8, 9]
    assert main(["transition", "--family", "bounded-d", "--dmin", "3", "--dmax", "100000",
                 "--digits", "15", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["scan_points"] <= 40
    # the Delta S_d transition between 5 and 6 (test_transition) is found after bisection
    assert [t["d"][:12] for t in out["transitions"]] == ["5.7638127349"[:12]]


def test_transition_digits_respected():
    """find_transition(digits=...) raises the working precision: 45 digits agree with a
    run at twice the precision."""
    from symbolic.critical.transition import find_transition

    a = find_transition("bounded-d", d_values=[5, 6], dps=30, digits=45)[0]
    b = find_transition("bounded-d", d_values=[5, 6], dps=100)[0]
    assert abs(a.d - b.d) < mpmath.mpf(10) ** -44
    assert a.to_json(45)["d"].startswith("5.76381273491957116692455955")
