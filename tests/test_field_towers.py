"""Coefficient fields of the eigenvalue series: Q(pi)(sqrt r(pi)) and the tower
Q(pi)(sqrt q)(sqrt r(pi)) (symbolic.systems.pifield.Quad), checked against mpmath."""

import mpmath
import pytest
import sympy as sp

from symbolic.asymptotics.eigen import _quadratic_roots
from symbolic.asymptotics.store import _coef_from_json, _coef_to_json, to_mpf
from symbolic.systems.pifield import FieldExtensionError, PiField, Quad

T = sp.Symbol("T")
R = PiField.from_sympy(sp.pi**2 + 32)
S2 = Quad(PiField(0), PiField(1), 2)  # sqrt 2


def _val(x):
    return to_mpf(x, mpmath.mp)


def test_tower_arithmetic_matches_mpmath():
    mpmath.mp.dps = 40
    a = Quad(PiField.from_sympy(1 / sp.pi), PiField.from_sympy(sp.Rational(3, 7)), 2)  # Q(sqrt 2)
    top = Quad(PiField.from_sympy(sp.pi), PiField.from_sympy(2 / sp.pi**2), R)  # over sqrt r
    for x, y in [(a, top), (top, a), (top, top), (a, a), (S2, top)]:
        for op in ("add", "mul", "div"):
            got = {"add": x + y, "mul": x * y, "div": x / y}[op]
            want = {"add": _val(x) + _val(y), "mul": _val(x) * _val(y),
                    "div": _val(x) / _val(y)}[op]
            assert abs(_val(got) - want) < mpmath.mpf(10) ** -35, op
    z = (a * top) / top - a
    assert z.is_zero() if isinstance(z, Quad) else z.is_zero()
    assert (top * top - (top.a * top.a + top.b * top.b * R)) != 0  # the sqrt r part remains
    with pytest.raises(FieldExtensionError, match="tower"):
        _ = S2 + Quad(PiField(0), PiField(1), 3)  # sqrt 2 and sqrt 3: biquadratic, refused


def test_tower_elements_survive_the_json_store():
    mpmath.mp.dps = 40
    x = Quad(Quad(PiField(1), PiField.from_sympy(1 / sp.pi), 2), PiField(3), R)
    y = _coef_from_json(_coef_to_json(x))
    assert (y - x).is_zero()
    assert abs(_val(y) - _val(x)) < mpmath.mpf(10) ** -35


@pytest.mark.parametrize("poly, q0", [
    (8 * T**2 * sp.Symbol("mu")**2 - 6 * T**2 * sp.Symbol("mu") + T**2 - 4, None),
    (sp.Symbol("mu")**2 - (1 + sp.sqrt(2)) * sp.Symbol("mu") + T / 4 - 1, 2),
    (3 * sp.Symbol("mu")**2 - 2 * T * sp.Symbol("mu") - 2 * T**2 / 3, None),  # (1 +- sqrt 3) T/3
])
def test_quadratic_roots_solve_their_polynomial_exactly(poly, q0):
    mu = sp.Symbol("mu")
    fp = sp.Poly(poly, mu)
    roots = _quadratic_roots(fp, T, q0)
    assert len(roots) == 2
    a2, a1, a0 = [sp.sympify(c).subs(T, sp.pi) for c in fp.all_coeffs()]

    def coef(e):
        e = sp.expand(e)
        if q0 is None:
            return PiField.from_sympy(e)
        from symbolic.systems.pifield import coerce_coefficient

        return coerce_coefficient(e, q0)

    A2, A1, A0 = coef(a2), coef(a1), coef(a0)
    for r in roots:
        res = r * r * A2 + r * A1 + A0
        assert res.is_zero()  # exact
    mpmath.mp.dps = 30
    num = sorted(float(x) for x in mpmath.polyroots([float(a2), float(a1), float(a0)]))
    assert sorted(float(_val(r)) for r in roots) == pytest.approx(num, rel=1e-12)
