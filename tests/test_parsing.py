"""The restricted number parser of the public boundary (symbolic.core.parsing)."""

from fractions import Fraction

import mpmath
import pytest
import sympy as sp

from symbolic.core.errors import RelusymError
from symbolic.core.parsing import parse_int, parse_number, parse_params


@pytest.mark.parametrize("text, value", [
    ("10", 10), ("10.5", Fraction(21, 2)), ("1e8", 10**8), ("-3/7", Fraction(-3, 7)),
    (" 0.25 ", Fraction(1, 4)), (".5", Fraction(1, 2)), ("31/3", Fraction(31, 3)),
])
def test_exact_decimals_and_rationals(text, value):
    assert parse_number(text) == value
    assert type(parse_number(text)) is type(value)


@pytest.mark.parametrize("bad", ["nan", "inf", "-inf", "abc", "", "1/0", "2**3", "1e999999",
                                 "__import__('os').system('true')", "pi", "1+1"])
def test_rejects_everything_else(bad):
    with pytest.raises(RelusymError):
        parse_number(bad, "x")


def test_numeric_inputs_exact():
    assert parse_number(0.1) == Fraction(0.1)
    assert parse_number(mpmath.mpf("0.1")) == Fraction(*mpmath.mpf("0.1").man_exp[:1]) * \
        Fraction(2) ** mpmath.mpf("0.1").man_exp[1]
    assert parse_number(sp.Rational(2, 3)) == Fraction(2, 3)
    for bad in (float("nan"), float("inf"), mpmath.mpf("nan"), True, sp.Symbol("d"), [1]):
        with pytest.raises(RelusymError):
            parse_number(bad)


def test_parse_int_and_params():
    assert parse_int("3", "n", minimum=0) == 3
    with pytest.raises(RelusymError, match="at least"):
        parse_int("-1", "seed", minimum=0)
    with pytest.raises(RelusymError, match="integer"):
        parse_int("1.5", "n")
    assert parse_params("D1=1,O1=-0.5") == {"D1": 1, "O1": Fraction(-1, 2)}
    with pytest.raises(RelusymError, match="unknown"):
        parse_params("D1=1,X=2", ["D1"])
    with pytest.raises(RelusymError, match="missing"):
        parse_params("D1=1", ["D1", "O1"])
    with pytest.raises(RelusymError):
        parse_params("D1=nan")


def test_mpf_of_a_private_context_keeps_sign_and_bits():
    """Formerly ``mpf.man_exp`` dropped the sign and ``mpmath.mpf(x)`` rounded to 53 bits:
    a negative 40-digit mpf came back positive and short (issue 12)."""
    from fractions import Fraction

    import mpmath

    from symbolic.core.formatting import exact_value
    from symbolic.core.parsing import mpf_fraction

    mp = mpmath.MPContext()
    mp.dps = 40
    x = mp.mpf("-0.0258836280379350955121839907456626396810")
    q = parse_number(x)
    assert q < 0 and q == mpf_fraction(x) == exact_value(x)
    assert abs(q - Fraction("-0.0258836280379350955121839907456626396810")) < Fraction(1, 10**40)
    assert parse_number(mp.mpf(-3)) == -3 and parse_number(mp.zero) == 0
