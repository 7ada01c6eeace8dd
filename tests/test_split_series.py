"""Series of the k = d + 1 split families (symbolic.asymptotics.split_series): the
parent's series mapped exactly; checked against the full-matrix model at k = d + 1."""

from fractions import Fraction

import numpy as np
import pytest

from symbolic.asymptotics.series import family_series
from symbolic.asymptotics.split_series import split_map
from symbolic.core.errors import RelusymError
from symbolic.loss import model
from symbolic.loss.splitting import split_point
from symbolic.symmetry.groups import parse_isotropy

NAME = "spurious-d-1,1+split"


def test_split_map_is_the_split_of_the_matrix():
    parent, child = parse_isotropy("d-1,1"), parse_isotropy("d-1,1;1")
    M = split_map(parent, child, "last", Fraction(1, 3))
    rng = np.random.default_rng(4)
    v = [Fraction(int(x), 7) for x in rng.integers(-20, 20, size=parent.dim)]
    c = [sum((m * x for m, x in zip(row, v, strict=True)), Fraction(0)) for row in M]
    for d in (6, 9):
        expected = split_point(parent.matrix(v, d), d - 1, [Fraction(1, 3), Fraction(2, 3)])
        assert (child.matrix(c, d) == expected).all()


def test_split_map_refuses_a_space_that_does_not_hold_the_split():
    """The split of one row of the size-2 block breaks that block: it is not in
    Fix(d-2,2;1) (the two rows of block 2 differ), only in Fix(d-2,1,1;1)."""
    with pytest.raises(RelusymError, match="not in Fix"):
        split_map(parse_isotropy("d-2,2"), parse_isotropy("d-2,2;1"), "last", Fraction(1, 2))
    M = split_map(parse_isotropy("d-2,2"), parse_isotropy("d-2,1,1;1"), "last", Fraction(1, 2))
    assert len(M) == parse_isotropy("d-2,1,1;1").dim


@pytest.fixture(scope="module")
def split6():
    return family_series(NAME, 6, progress=False)


def test_split_loss_series_is_the_parents_exactly(split6):
    par = split6._cache["parent"]
    a, b = split6.loss_series(), par.loss_series()
    assert all(a.coeff(k) == b.coeff(k) for k in range(0, 9))
    assert split6.validation["gradient_zero_to"] >= 6


def _full_gradient(fs, d, n=7):
    e = float(d) ** -0.5
    vals = [sum(float(t.coeff(k).to_sympy().evalf(30)) * e**k for k in range(n))
            for t in fs.theta]
    W = np.array(fs.space.matrix(vals, d), dtype=float)
    return W, np.abs(model.gradient(W)).max()


def test_split_series_is_critical_for_the_full_model(split6):
    """Independent: the full-matrix gradient of the (d + 1) x d matrix built from the
    truncated series (through eps^6) falls with d like the truncation error (d = 50 ->
    200: by more than 4^(5/2) = 32), as the parent's (k = d) does, while a step of 1e-2
    off the point gives a gradient far above it."""
    par = split6._cache["parent"]
    W, g50 = _full_gradient(split6, 50)
    assert W.shape == (51, 50)
    W200, g200 = _full_gradient(split6, 200)
    _, p200 = _full_gradient(par, 200)
    assert g200 < g50 / 32 and g200 < 1e-4
    assert g200 <= 1.5 * p200  # the same truncation as the parent's
    W2 = W200.copy()
    W2[0, 0] += 1e-2
    assert np.abs(model.gradient(W2)).max() > 10 * g200


def test_zero_row_family_has_no_series():
    with pytest.raises(RelusymError, match="zero row"):
        family_series("spurious-d-1,1+zero", 4, progress=False)


@pytest.fixture(scope="module")
def split_eigen():
    from symbolic.asymptotics.series import family_eigenvalues

    return family_eigenvalues(NAME, 4, progress=False)


def test_split_eigenvalue_series_match_the_numeric_spectrum(split_eigen):
    """Independent: every eigenvalue series of the k = d + 1 split point, truncated, against
    the isotypic spectrum (40 digits) of the split of the parent's continued point at
    d = 10^6 and 10^8 (the same irreducible, within 10^3 eps^N of its known order N, plus 1e-30
    relative: the spectrum's 40 digits),
    multiplicities as polynomials in d; the index is d - 1 (the certified index of the
    split at d = 6..20, docs/overparam.md): -8/pi^2 eps in triv and -4/pi^2 eps in std
    (multiplicity d - 2); the segment gives the exact 0."""
    import mpmath
    import sympy as sp

    from symbolic.asymptotics.store import evaluate_truncated
    from symbolic.spectra.spectrum import spectrum

    fs, ev = split_eigen
    par = fs._cache["parent"]
    M = split_map(par.space, fs.space, "last", Fraction(1, 2))
    eps = sp.Symbol("eps", positive=True)
    by_irrep: dict = {}
    for e in ev:
        by_irrep.setdefault(e["irrep"], []).append(e)
    assert sum(len(v) for v in by_irrep.values()) == 15  # 7 triv + 6 std + alt + sym
    negative = [e for e in ev if e["series"].c and e["series"].v == 1
                and float(e["series"].coeff(1).to_sympy()) < 0]
    assert sorted(str(e["series"].coeff(1).to_sympy()) for e in negative) == \
        ["-4/pi**2", "-8/pi**2"]
    assert sorted(e["multiplicity"] for e in negative) == ["1", "d - 2"]
    zero = [e for e in ev if e["series"].is_exact_zero()]
    assert len(zero) == 1 and zero[0]["irrep"] == "triv"
    for d in (10**6, 10**8):
        with mpmath.workdps(60):
            x = [mpmath.mpf(v) for v in par.numeric[d][0]]
            vals = [sum((c * v for c, v in zip(row, x, strict=True)), mpmath.mpf(0))
                    for row in M]
        S = spectrum(fs.space, vals, d, dps=40, tol=mpmath.mpf(10) ** -35)
        with mpmath.workdps(60):
            e_val = 1 / mpmath.sqrt(mpmath.mpf(d))
        for irr, lst in by_irrep.items():
            nums = [x.value for x in S.eigenvalues if x.irrep == irr]
            assert len(nums) == len(lst), irr
            for e in lst:
                s_ = e["series"]
                n = int(min(s_.prec, 12)) if s_.prec != float("inf") else 12
                approx = evaluate_truncated(s_, e_val, n, 50)
                best = min(abs(approx - v) for v in nums)
                tol = 1e3 * e_val ** n + mpmath.mpf(10) ** -30 * (1 + abs(approx))
                assert best <= tol, (irr, d, best)
        mult = {x.irrep: x.multiplicity_expr for x in S.eigenvalues}
        assert all(mult[e["irrep"]] == str(sp.sympify(e["multiplicity"])) or
                   sp.simplify(sp.sympify(mult[e["irrep"]]) - sp.sympify(e["multiplicity"]))
                   == 0 for e in ev)
        assert S.index is None  # the segment: one zero eigenvalue, no Morse index
        neg = sum(x.multiplicity for x in S.eigenvalues if x.value < -mpmath.mpf(10) ** -20)
        assert neg == d - 1
    del eps


def test_cli_split_series_and_its_eigenvalue_limit(capsys):
    from symbolic.cli.main import main

    assert main(["series", "--family", NAME, "--order", "3", "--quiet", "--no-eigenvalues",
                 "--json"]) == 0
    import json

    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == "relusym.series/1" and doc["isotropy"] == "d-1,1;1"
    assert set(doc["parameters"]) == {"D1", "O1", "D2", "P12", "P21", "R11", "R12"}
    # with eigenvalues: the std block's leading terms live in Q(pi)(sqrt(pi^2 + 32))
    assert main(["series", "--family", NAME, "--order", "3", "--quiet", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    coeffs = [c for e in doc["eigenvalues"] for c in e["coefficients"]]
    assert any("sqrt(pi**2 + 32)" in c for c in coeffs)
    assert doc["eigenvalue_field_extensions"] == ["sqrt(pi**2 + 32)"]
    assert doc["split_of"] == {"parent": "spurious-d-1,1", "row": "last", "lambda": "1/2"}
    assert main(["series", "--family", "spurious-d-1,1+zero", "--order", "3", "--quiet"]) == 2
    assert "zero row" in capsys.readouterr().err


@pytest.mark.slow
def test_tower_split_family_eigenvalues_give_index_d_minus_1():
    """spurious-d-2,2+split: series over Q(pi)(sqrt 2), leading eigenvalue coefficients
    over Q(pi)(sqrt 2)(sqrt(pi^2 - 4 pi + 5)); the negative ones (counted with their
    multiplicities in d) give the index d - 1 the overparam certificates prove at
    d = 6..20; each series matched to the 40-digit isotypic spectrum at d = 10^6
    (about 3 minutes)."""
    import mpmath
    import sympy as sp

    from symbolic.asymptotics.series import family_eigenvalues
    from symbolic.asymptotics.store import evaluate_truncated
    from symbolic.spectra.spectrum import spectrum
    from symbolic.symmetry.groups import D_SYMBOL

    fs, ev = family_eigenvalues("spurious-d-2,2+split", 2, progress=False)
    neg = sp.S.Zero
    for e in ev:
        s_ = e["series"]
        if s_.c and float(sp.N(s_.coeff(s_.v).to_sympy(), 30)) < 0:
            neg += sp.sympify(e["multiplicity"], locals={"d": D_SYMBOL})
    assert sp.expand(neg - (D_SYMBOL - 1)) == 0
    assert any("sqrt" in str(e["series"].coeff(0).to_sympy()) and "pi" in
               str(e["series"].coeff(0).to_sympy()) for e in ev)
    par = fs._cache["parent"]
    M = split_map(par.space, fs.space, "last", Fraction(1, 2))
    d = 10**6
    with mpmath.workdps(60):
        x = [mpmath.mpf(v) for v in par.numeric[d][0]]
        vals = [sum((c * v for c, v in zip(row, x, strict=True)), mpmath.mpf(0)) for row in M]
        e_val = 1 / mpmath.sqrt(mpmath.mpf(d))
    S = spectrum(fs.space, vals, d, dps=40, tol=mpmath.mpf(10) ** -35)
    for e in ev:
        nums = [x.value for x in S.eigenvalues if x.irrep == e["irrep"]]
        s_ = e["series"]
        n = 3 if s_.prec == float("inf") else int(min(s_.prec, 3))
        approx = evaluate_truncated(s_, e_val, n, 50)
        best = min(abs(approx - v) for v in nums)
        assert best <= 1e3 * e_val ** n + mpmath.mpf(10) ** -30 * (1 + abs(approx)), e["irrep"]


def test_report_claim_compares_the_series_index_with_the_certificates():
    """The report's claim reads the split's index off the exact eigenvalue series (d - 1)
    and compares it with the certified index of the table: pass when they agree, fail
    when a certificate says otherwise (here a fabricated index 6 at d = 8)."""
    from types import SimpleNamespace

    from symbolic.core.claims import Section
    from symbolic.overparam.report import _series_claim

    for idx, verdict in ((7, "pass"), (6, "fail")):
        sec = Section("t", "t", "t")
        _series_claim(sec, [("spurious-d-1,1", 8, 1, None, [SimpleNamespace(index=idx)])])
        assert sec.claims[0].verdict == verdict
        assert "index d - 1" in sec.claims[0].value
    assert [r[:2] for r in sec.tables[0].rows] == [["triv", "1"], ["std[1]", "d - 2"]]
