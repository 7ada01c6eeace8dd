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


def test_cli_split_series_and_its_eigenvalue_limit(capsys):
    from symbolic.cli.main import main

    assert main(["series", "--family", NAME, "--order", "3", "--quiet", "--no-eigenvalues",
                 "--json"]) == 0
    import json

    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == "relusym.series/1" and doc["isotropy"] == "d-1,1;1"
    assert set(doc["parameters"]) == {"D1", "O1", "D2", "P12", "P21", "R11", "R12"}
    # the std block's leading eigenvalues need sqrt(pi^2 + 32): outside Q(pi)(sqrt q)
    assert main(["series", "--family", NAME, "--order", "3", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "no root in the coefficient field" in err and "--no-eigenvalues" in err
