"""Continuation in d: branches reach the target, match independent solves, and say
where they fold."""

import math

import mpmath
import pytest

from symbolic.errors import ConvergenceError
from symbolic.solve import newton
from symbolic.track import track


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
    from symbolic.solve import system_for

    rs = system_for("d")
    for p in b.points[::5]:
        assert abs(rs.loss(p.values, p.d, dps=40) - p.loss) < mpmath.mpf(10) ** -28
