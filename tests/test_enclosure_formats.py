"""Every exported enclosure contains the true value: certify two points, write them in
every format relusym writes (report JSON / Markdown / LaTeX, certificate JSON, text),
parse each back and check containment of an independent 80-digit evaluation of the
loss (full-matrix model); plus the outward formatter on hand-made arb balls."""

import json
import re
from fractions import Fraction

import mpmath
import pytest

from symbolic.core.formatting import (
    enclosure,
    interval_text,
    latex_interval,
    loss_decimal,
    round_outward,
)
from symbolic.loss import model
from symbolic.numerics.solve import newton
from symbolic.report import build_report, latex, markdown
from symbolic.spectra.certify import certify_point
from symbolic.symmetry.groups import parse_isotropy

NUM = r"-?\d+(?:\.\d+)?(?:e-?\d+)?"
TEX_NUM = r"-?\d+(?:\.\d+)?(?:\\times10\^\{-?\d+\})?"


def _tex_value(s: str) -> Fraction:
    m = re.fullmatch(r"(-?\d+(?:\.\d+)?)(?:\\times10\^\{(-?\d+)\})?", s.strip())
    assert m, s
    return Fraction(m.group(1)) * Fraction(10) ** int(m.group(2) or 0)


def _loss80(space, values, d) -> Fraction:
    """The loss at the critical point near ``values``: Newton at 80 digits, then the
    FULL-MATRIX loss (symbolic.loss.model), as an exact rational of its 80-digit value."""
    r = newton(space, values, d, dps=80)
    assert r.converged
    W = parse_isotropy(space).matrix(r.values, d)
    with mpmath.workdps(80):
        L = model.loss(W, backend="mpmath", dps=80)
        return Fraction(mpmath.nstr(L, 75, min_fixed=-mpmath.inf, max_fixed=mpmath.inf))


@pytest.fixture(scope="module")
def points():
    from symbolic.critical.census import census

    c = census("d-1,1", 10, progress=False)
    spur = min((p for p in c.points if p.kind == "minimum" and p.loss > 1e-3),
               key=lambda p: p.loss)
    gm = ("d", {"D1": "1", "O1": "0"})
    out = []
    for space, vals in (gm, ("d-1,1", spur.values)):
        cert = certify_point(space, vals, 10, dps=50)
        assert cert.verdict == "proved"
        out.append((space, vals, cert, _loss80(space, vals, 10)))
    return out


def _inside(lo: str | Fraction, hi: str | Fraction, true: Fraction) -> bool:
    return Fraction(lo) <= true <= Fraction(hi)


@pytest.mark.parametrize("digits", [3, 12, 25])
def test_certificate_json_and_text_contain_loss(points, digits):
    for _, _, cert, true in points:
        j = json.loads(json.dumps(cert.to_json(digits)))
        lo, hi = j["loss"]
        assert not lo.startswith("-") and _inside(lo, hi, true)
        m = re.fullmatch(rf"\[({NUM}), ({NUM})\]", interval_text(cert.loss, digits,
                                                                 nonnegative=True))
        assert m and _inside(m.group(1), m.group(2), true)
        tm = re.fullmatch(rf"\[({TEX_NUM}),\\ ({TEX_NUM})\]",
                          latex_interval(*enclosure(cert.loss, digits, nonnegative=True)))
        assert tm and _tex_value(tm.group(1)) <= true <= _tex_value(tm.group(2))
        assert not loss_decimal(cert.loss, digits).startswith("-")


def test_report_formats_contain_loss(points):
    rep = build_report(10, digits=25, families=["global-minimum", "spurious-d-1,1"],
                       series_order=0, transitions=False, log=lambda s: None)
    truth = {"global-minimum": points[0][3], "spurious-d-1,1": points[1][3]}
    assert truth["global-minimum"] == 0 and truth["spurious-d-1,1"] > Fraction("0.0187")
    rep = json.loads(json.dumps(rep))
    for e in rep["families"]:
        lo, hi = e["loss_enclosure"]
        assert _inside(lo, hi, truth[e["name"]]) and not e["loss"].startswith("-")
    md = markdown(rep)
    for name, t in truth.items():
        row = next(r for r in md.splitlines() if r.startswith(f"| {name} |"))
        m = re.search(rf"\[({NUM}), ({NUM})\] \|$", row)
        assert m and _inside(m.group(1), m.group(2), t), row
        assert not re.search(r"\| -\d", row)
    tex = latex(rep)
    for name, t in truth.items():
        row = next(r for r in tex.splitlines() if r.startswith(name))
        m = re.search(rf"\$\[({TEX_NUM}),\\ ({TEX_NUM})\]\$", row)
        assert m, row
        assert _tex_value(m.group(1)) <= t <= _tex_value(m.group(2)), row
    # the global-minimum upper end keeps its exponent (it was cut to "1.04" before)
    gm = next(r for r in tex.splitlines() if r.startswith("global-minimum"))
    assert re.search(r"\$\[0,\\ \d(\.\d+)?\\times10\^\{-\d+\}\]\$", gm), gm


def test_round_outward_hand_made_balls():
    import flint

    cases = [("0.1234999999999999999999", "1e-25"), ("-1e-60", "1e-55"),
             ("1.04e-55", "1e-70"), ("9.9999999999999999", "1e-20"),
             ("-0.01870219458560697254", "1e-30"), ("123456789.987654321", "1e-12")]
    with flint.ctx.workprec(400):
        for mid, rad in cases:
            b = flint.arb(mid, rad)
            lo_x = Fraction(b.lower().str(200, radius=False))
            hi_x = Fraction(b.upper().str(200, radius=False))
            for n in (1, 2, 4, 8, 16):
                lo, hi = enclosure(b, n)
                assert Fraction(lo) <= lo_x and Fraction(hi) >= hi_x, (mid, n, lo, hi)
                # tight: within one unit of the n-th digit
                for s, x in ((lo, lo_x), (hi, hi_x)):
                    e = mpmath.floor(mpmath.log10(abs(mpmath.mpf(x.numerator) /
                                                      x.denominator)))
                    assert abs(Fraction(s) - x) <= Fraction(10) ** (int(e) - n + 1)
    # where truncation goes the wrong way
    assert round_outward(Fraction("0.12349999"), 4, +1) == "0.1235"
    assert round_outward(Fraction("0.12349999"), 4, -1) == "0.1234"
    assert round_outward(Fraction("-1.0e-60"), 3, -1) == "-1e-60"
    assert round_outward(Fraction("-1.001e-60"), 3, -1) == "-1.01e-60"
    assert round_outward(Fraction("9.9999"), 3, +1) == "10"
    assert round_outward(Fraction("1.04e-55"), 3, +1) == "1.04e-55"
    assert round_outward(Fraction("1.041e-55"), 3, +1) == "1.05e-55"
    assert latex_interval("-1.04e-55", "1.05e-55") == \
        r"[-1.04\times10^{-55},\ 1.05\times10^{-55}]"
    # a loss enclosure reaching below 0 is printed from 0; never a negative loss
    with flint.ctx.workprec(200):
        b = flint.arb(0, 1) * flint.arb("1.1e-65")  # [-1.1e-65, 1.1e-65]
    lo, hi = enclosure(b, 3, nonnegative=True)
    assert lo == "0" and Fraction(hi) >= Fraction("1.1e-65")
    assert loss_decimal(b, 10) == "0"
    assert loss_decimal(mpmath.mpf("-3e-56"), 10) == "0"
    with pytest.raises(ValueError):
        enclosure(flint.arb(-1, 0.5), 3, nonnegative=True)


def test_short_rounds_to_nearest():
    from symbolic.core.formatting import short

    assert short("0.12349999999999", 6) == "0.1235"  # truncation gave 0.1234
    assert short("1.2345678901234e-55", 9) == "1.235e-55"  # exponent kept
    assert short("-0.0187021945856069725", 10) == "-0.0187022"
    assert short("9.99999999", 5) == "10"
    assert short("1.5", 10) == "1.5"
