"""Second-layer weights alpha constant on row blocks (``spec@a1,...``) in the reduced
machinery: checked against the full-matrix model with the same alpha (itself checked
against Monte Carlo and finite differences in tests/test_model.py), at small d."""

from fractions import Fraction

import mpmath
import numpy as np
import pytest

from symbolic.core.errors import IsotropyError, RelusymError
from symbolic.loss import model
from symbolic.spectra.spectrum import spectrum
from symbolic.symmetry.groups import parse_isotropy
from symbolic.systems.reduced import ReducedSystem

CASES = [("d-1,1;1@1,1,1/2", 5), ("d-2,2@2,-1/3", 6), ("d-1,1@1,3/2", 4),
         ("d-1,1;1,2@-1,1,1/4,2", 4)]


def _point(space, seed):
    rng = np.random.default_rng(seed)
    return [mpmath.mpf(float(x)) for x in rng.normal(size=space.dim)]


def test_grammar_label_and_weights():
    s = parse_isotropy("d-1,1;1@1, 1, 0.5")
    assert s.label == "d-1,1;1@1,1,1/2"
    assert parse_isotropy(s.label) == s and s.has_alpha
    assert s.alpha_vector(4) == [1, 1, 1, 1, Fraction(1, 2)]
    assert parse_isotropy("d-1,1@1,1") == parse_isotropy("d-1,1")  # all ones: the default
    assert parse_isotropy("d-1,1@1,1").label == "d-1,1"
    assert parse_isotropy("d-1,1") != s and not parse_isotropy("d-1,1").has_alpha
    # the refined spaces of the spectrum keep the weights of their parent blocks
    fine, _ = s.refine({1: [1]})
    assert [b.alpha for b in fine.blocks] == [1, 1, 1] and fine.extra[0].alpha == Fraction(1, 2)


@pytest.mark.parametrize("bad, what", [
    ("d-1,1@1", "2 row blocks"), ("d-1,1@1,0", "weight 0"), ("d-1,1@1,x", "not a rational"),
    ("d-1,1@1,", "empty"), ("d-1,1@1,1e999999", "not a rational")])
def test_bad_weights_are_named(bad, what):
    with pytest.raises(IsotropyError, match=what):
        parse_isotropy(bad)


@pytest.mark.parametrize("spec, d", CASES)
def test_reduced_loss_gradient_hessian_match_the_full_model(spec, d):
    s = parse_isotropy(spec)
    vals = _point(s, 3)
    R = ReducedSystem(s)
    W = s.matrix(vals, d)
    with mpmath.workdps(40):
        alpha = [mpmath.mpf(a.numerator) / a.denominator for a in s.alpha_vector(d)]
        L = model.loss(W, backend="mpmath", dps=40, alpha=alpha)
        G = model.gradient(W, backend="mpmath", dps=40, alpha=alpha)
        H = np.array(model.hessian(W, backend="mpmath", dps=40, alpha=alpha), dtype=object)
        assert abs(R.loss(vals, d, dps=40) - L) < 1e-30
        g_red = R.gradient(vals, d, dps=40)
        g_full = s.project(G, d)  # chain rule: dL/dtheta_p = <grad L, E_p>
        assert max(abs(a - b) for a, b in zip(g_red, g_full, strict=True)) < 1e-30
        masks = s.orbit_masks(d)
        E = [np.array(masks[n], dtype=object).ravel() for n in s.names]
        H_red = R.hessian(vals, d, dps=40)
        for p in range(s.dim):
            for q in range(s.dim):
                full = E[p] @ H @ E[q]
                assert abs(H_red[p][q] - full) < 1e-28, (p, q)
    # the weights matter: with alpha = 1 the loss differs
    assert abs(ReducedSystem(spec.split("@")[0]).loss(vals, d, dps=40) - L) > 1e-6


@pytest.mark.parametrize("spec, d", CASES[:3])
def test_isotypic_spectrum_with_weights_matches_the_full_hessian(spec, d):
    s = parse_isotropy(spec)
    vals = _point(s, 11)
    S = spectrum(s, vals, d, dps=40)
    mine = sorted(S.values())
    with mpmath.workdps(40):
        alpha = [mpmath.mpf(a.numerator) / a.denominator for a in s.alpha_vector(d)]
    H = model.hessian(s.matrix(vals, d), backend="mpmath", dps=40, alpha=alpha)
    mp = mpmath.MPContext()
    mp.dps = 40
    ev = mp.eigsy(mp.matrix(H.tolist()), eigvals_only=True)
    full = sorted(ev[i] for i in range(H.shape[0]))
    assert len(mine) == len(full)
    assert max(abs(a - b) for a, b in zip(mine, full, strict=True)) < 1e-25


def test_newton_finds_a_critical_point_with_weights():
    """A critical point of the reduced system with weights is critical for the full model
    with the same alpha (symmetric criticality)."""
    from symbolic.numerics.solve import newton

    s = parse_isotropy("d@1/2")  # every student neuron weighted 1/2: W = 2 I is global
    r = newton(s, ["1.7", "0.1"], 6, digits=30)
    assert r.converged
    assert abs(r.values[0] - 2) < 1e-25 and abs(r.values[1]) < 1e-25
    s2 = parse_isotropy("d-1,1@1,1/2")
    r2 = newton(s2, ["1", "0", "1.9", "0", "0"], 7, digits=30)
    assert r2.converged
    W = s2.matrix(r2.values, 7)
    with mpmath.workdps(40):
        alpha = [mpmath.mpf(a.numerator) / a.denominator for a in s2.alpha_vector(7)]
    g = model.gradient(W, backend="mpmath", dps=40, alpha=alpha)
    assert max(abs(x) for x in np.ravel(g)) < 1e-25


def test_census_refuses_weights_with_a_reason():
    from symbolic.critical.census import census

    with pytest.raises(RelusymError, match="second-layer weights"):
        census("d-1,1@1,2", 6, starts=10, progress=False)


def test_reduced_gradient_and_hessian_with_weights_match_finite_differences():
    """Central differences of the reduced loss (40 digits, step 1e-12) against the reduced
    gradient and Hessian with weights, at d = 5 and a fractional d = 5.5."""
    s = parse_isotropy("d-1,1;1@1,-2,3/4")
    R = ReducedSystem(s)
    vals = _point(s, 5)
    for d in (5, "5.5"):
        with mpmath.workdps(40):
            h = mpmath.mpf("1e-12")
            g = R.gradient(vals, d, dps=40)
            H = R.hessian(vals, d, dps=40)
            for p in range(s.dim):
                up = list(vals)
                dn = list(vals)
                up[p] += h
                dn[p] -= h
                fd = (R.loss(up, d, dps=40) - R.loss(dn, d, dps=40)) / (2 * h)
                assert abs(fd - g[p]) < 1e-18 * (1 + abs(g[p])), (d, p)
                gu, gd = R.gradient(up, d, dps=40), R.gradient(dn, d, dps=40)
                for q in range(s.dim):
                    fdh = (gu[q] - gd[q]) / (2 * h)
                    assert abs(fdh - H[p][q]) < 1e-18 * (1 + abs(H[p][q])), (d, p, q)


def test_completeness_bounds_refuse_weights():
    """The bounded region of every critical point (DESIGN.md section 8) is derived for
    alpha = 1: with other weights the box and the branch-and-prune certificate refuse
    instead of certifying with a wrong region."""
    from symbolic.critical.complete import CompletenessError, bounding_box, certify_complete

    with pytest.raises(CompletenessError, match="second-layer weights"):
        bounding_box("d-1,1@1,2", 6)
    with pytest.raises(CompletenessError, match="second-layer weights"):
        certify_complete("d-1,1@1,2", 6)
    assert len(bounding_box("d-1,1", 6)) == 5
