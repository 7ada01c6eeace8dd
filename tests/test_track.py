"""Continuation in d: branches reach the target, match independent solves, and say
where they fold."""

import math

import mpmath
import pytest

from symbolic.core.errors import ConvergenceError
from symbolic.numerics.solve import newton
from symbolic.numerics.track import track


def test_track_to_1e8_matches_direct_solve_and_papers_limit():
    b = track("d-1,1", [1, 0, -1, 0, 0], 10, "1e8", digits=30, progress=False)
    assert b.status == "reached"
    last = b.points[-1]
    assert last.d == 10**8
    # independent: Newton directly at d = 1e8 from the family's asymptotic pattern
    r = newton("d-1,1", ["1", "-1e-16", "-1", "2e-8", "1e-8"], "1e8", dps=30)
    assert r.converged
    assert max(abs(a - b) for a, b in zip(r.values, last.values, strict=True)) < 1e-20
    # d * L -> 1/2 - 2/pi^2 (papers.md), with an O(d^-1/2) correction
    assert abs(float(last.loss) * 1e8 - (0.5 - 2 / math.pi**2)) < 1e-3
    ds = [float(p.d) for p in b.points]
    assert ds == sorted(ds) and len(ds) < 200


def test_track_downwards_through_fractional_d():
    b = track("d-1,1", [1, 0, -1, 0, 0], 10, "4.5", digits=25, progress=False)
    assert b.status in ("reached", "turned back")
    assert any(float(p.d) != int(float(p.d)) for p in b.points)
    for p in b.points[1:4]:
        r = newton("d-1,1", p.values, p.d, dps=25)
        assert r.converged and r.iterations <= 2  # each branch point is already a root


def test_track_reports_a_fold():
    """The Delta S_d hidden family: follow it down in d; a branch of this kind either
    reaches the target or stops with a clear reason, never silently."""
    b = track("d", ["-0.8003040344628", "0.1984765224903"], 10, "2", digits=25,
              progress=False)
    assert b.status in ("reached", "turned back", "lost")
    assert b.message


def test_track_bad_start():
    with pytest.raises(ConvergenceError):
        track("d-1,1", [0, 0, 0, 0, 0], 10, 20, progress=False)


def test_branch_loss_matches_high_precision():
    b = track("d", ["-0.8", "0.2"], 10, 1000, digits=30, progress=False)
    from symbolic.numerics.solve import system_for

    rs = system_for("d")
    for p in b.points[::5]:
        assert abs(rs.loss(p.values, p.d, dps=40) - p.loss) < mpmath.mpf(10) ** -28


def test_non_critical_start_is_never_silently_swapped():
    """D1=5, O1=3 is not critical at d = 10 (Newton goes to W = I): the branch says so
    loudly, and strict mode refuses."""
    b = track("d", {"D1": "5", "O1": "3"}, 10, 12, digits=20, progress=False)
    assert b.warning and "not a critical point" in b.warning
    assert "warning" in b.to_json()
    # the point reached really is W = I (D1 = 1, O1 = 0): independent check
    assert abs(b.points[0].values[0] - 1) < 1e-15 and abs(b.points[0].values[1]) < 1e-15
    with pytest.raises(ConvergenceError, match="not a critical point"):
        track("d", {"D1": "5", "O1": "3"}, 10, 12, digits=20, progress=False, strict=True)
    # a (near) critical start gives no warning
    ok = track("d", {"D1": "1", "O1": "0"}, 10, 12, digits=20, progress=False)
    assert not ok.warning and "warning" not in ok.to_json()


@pytest.mark.parametrize("bad", ["nan", "abc", "inf", "1+1"])
def test_track_rejects_non_numbers(bad):
    from symbolic.core.errors import RelusymError

    with pytest.raises(RelusymError, match="not a number"):
        track("d", {"D1": bad, "O1": "0"}, 10, 12, digits=20, progress=False)


def test_fix_index_matches_full_matrix_inertia_on_fix():
    """Morse index on Fix(H) from the reduced pencil vs an independent count: the
    eigenvalues of E H E^T / |orbit| (full 10 x 10 Hessian restricted to Fix(H))."""
    import numpy as np

    from symbolic.catalogue.families import FAMILIES
    from symbolic.loss import model
    from symbolic.numerics.track import fix_index
    from symbolic.symmetry.groups import parse_isotropy

    for name in ("spurious-d-1,1", "saddle-d-1,1"):
        f = FAMILIES[name]
        r = newton(f.isotropy, f.seed_values, 10, digits=30)
        fs = parse_isotropy(f.isotropy)
        W = np.array(fs.matrix([float(v) for v in r.values], 10), dtype=float)
        H = model.hessian(W, backend="numpy")
        E = np.array([m.ravel() for m in fs.orbit_masks(10).values()], dtype=float)
        E /= np.linalg.norm(E, axis=1)[:, None]  # orthonormal basis of Fix(H)
        ev = np.linalg.eigvalsh(E @ H @ E.T)
        assert fix_index(fs, r.values, 10) == int(np.sum(ev < 0)) == f.fix_index


def test_point_at_is_cached_on_disk(tmp_path, monkeypatch):
    from symbolic.numerics import track as T

    monkeypatch.setenv("RELUSYM_CACHE_DIR", str(tmp_path))
    T._point_at.cache_clear()
    seed = {"D1": "-0.800304034462803127923003428349945846",
            "O1": "0.198476522490322555682880239238140531"}
    a = T.point_at("d", seed, 10, 12, digits=20)
    assert len(list(tmp_path.glob("point-*.json"))) == 1
    T._point_at.cache_clear()
    calls = []
    monkeypatch.setattr(T, "track", lambda *a, **k: calls.append(1))
    assert T.point_at("d", seed, 10, 12, digits=20) == a and not calls  # from disk
    b = track("d", seed, 10, 12, digits=20, progress=False).points[-1].values
    with mpmath.workdps(40):
        assert abs(mpmath.mpf(a[0]) - b[0]) < mpmath.mpf(10) ** -20


@pytest.mark.parametrize("first_step", [4, 8])
def test_track_keeps_off_the_mirror_branch_up_to_1e22(first_step):
    """The saddle-d-1,1 family has components D2, P21 ~ -d^(-3/2) and a mirror branch with
    them negated. Started at 10^8 with a first step of e^4 or e^8 in d (a constant
    predictor), the relative jump test alone lands on the mirror (checked: 10 and 9 points
    of the branch had the wrong signs with the componentwise and loss tests removed); the
    one continuation stays on the branch, lands exactly on the ``through`` points and
    reaches 10^22."""
    from symbolic.catalogue.families import family

    f = family("saddle-d-1,1")
    b0 = track(f.isotropy, f.seed_values, f.seed_d, 10**8, digits=30, progress=False)
    start = [str(v) for v in b0.points[-1].values]
    b = track(f.isotropy, start, 10**8, 10**22, digits=30, progress=False,
              initial_step=first_step, through=[10**14, "1e18"])
    assert b.status == "reached"
    assert {10**14, 10**18, 10**22} <= {p.d for p in b.points}
    names = b.space.names
    for p in b.points:
        v = dict(zip(names, p.values, strict=True))
        assert v["D2"] < 0 and v["P21"] < 0, p.d
    # independent: Newton at 10^22 from the leading terms D2 ~ P21 ~ -d^(-3/2)
    r = newton(f.isotropy, ["1", "-1e-44", "-1e-33", "1e-22", "-1e-33"], 10**22, dps=30)
    assert r.converged
    last = b.points[-1].values
    assert all(abs(a - c) <= 1e-25 * (1 + abs(c)) for a, c in zip(r.values, last, strict=True))


def test_track_through_must_lie_between_the_ends():
    from symbolic.core.errors import RelusymError

    with pytest.raises(RelusymError, match="through"):
        track("d-1,1", [1, 0, -1, 0, 0], 10, 100, through=[1000], progress=False)
