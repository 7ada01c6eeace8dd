"""symbolic.finite.sampling and .transition: counts, intervals, grids, journal, report."""

import json
from fractions import Fraction

import pytest

from symbolic.core.errors import RelusymError
from symbolic.finite.regions import step_patterns
from symbolic.finite.sampling import enumerate_regions_1d, sample_config, wilson
from symbolic.finite.transition import grid_tasks, plot_transition, run_grid, run_task


def test_wilson_against_the_closed_form():
    # k = 7, n = 10, z = 1.96: the textbook interval [0.3968, 0.8922]
    lo, hi = wilson(7, 10)
    assert Fraction(lo) <= Fraction("0.3968") and Fraction(hi) >= Fraction("0.8922")
    assert Fraction("0.3968") - Fraction(lo) < Fraction(1, 1000)
    assert wilson(0, 5)[0] == "0" and wilson(5, 5)[1] == "1"


def test_enumeration_counts_by_hand():
    """n = 1: patterns {on, off}; J columns (1, x) for each active neuron; width 2 gives
    4 regions, 3 of them with an active neuron (rank 1 = n)."""
    e = enumerate_regions_1d(1, 2)
    assert e.regions == 4 and e.full_rank == 3 and e.ranks[0] == 1
    # the all-dead region: f = 0, loss y^2/2 > 0 everywhere in it, a flat bad local minimum
    assert dict(e.deficient_critical) == {"bad local minimum": 1}
    assert e.to_json()["no_bad_local_minimum"] == 3
    # n = 2, m = 2: 16 regions; orbit weights add up to (2n)^m
    e = enumerate_regions_1d(2, 2)
    assert e.regions == 16 == sum(e.ranks.values())
    assert sum(e.zero_loss.values()) == 16
    assert set(e.gm_dims) <= {2 * 2 - r for r in e.ranks}
    with pytest.raises(RelusymError):
        enumerate_regions_1d(10, 10)


def test_count_mode_full_rank_at_large_width_and_witnesses():
    r = sample_config(6, 1, 24, samples=15, seed=0, mode="count", zero_loss=True)
    assert r.full_rank == 15  # every uniformly drawn region of this size is full rank
    assert r.zero_loss["proved"] + r.zero_loss["disproved"] == 15
    assert set(r.gm_dims) <= {2 * 24 - 6}
    j = r.to_json()
    assert j["fraction_full_rank"] == "1" and j["float64_disagreements"] == []


def test_volume_mode_deep_and_width_one():
    r = sample_config(5, 2, 1, samples=10, seed=0)
    assert r.full_rank == 0 and max(r.ranks) <= 3  # one neuron: rank <= d0 + 1
    r = sample_config(6, 2, 6, depth=2, samples=5, seed=0)
    assert sum(r.ranks.values()) == 5
    with pytest.raises(RelusymError):
        sample_config(6, 2, 6, depth=2, mode="count")


def test_step_pattern_count():
    from symbolic.finite.data import random_dataset

    assert len(set(step_patterns(random_dataset(7, 1, seed=0)))) == 14


def test_grid_journal_resume(tmp_path):
    tasks = grid_tasks([4, 6], [2, 8], d0=1, samples=5, seed=1)
    assert len(tasks) == 4
    j = tmp_path / "j.jsonl"
    first = list(run_grid(tasks[:2], journal=j, progress=False))
    assert len(j.read_text().splitlines()) == 2
    # a finished cell is read back, not recomputed: tamper with it and see it returned
    lines = [json.loads(x) for x in j.read_text().splitlines()]
    lines[0]["tampered"] = True
    j.write_text("".join(json.dumps(x) + "\n" for x in lines) + '{"cut line')
    calls = []

    def fn(t):
        calls.append(t["id"])
        return run_task(t)

    allr = list(run_grid(tasks, journal=j, progress=False, fn=fn))
    assert len(allr) == 4 and len(calls) == 2 and set(calls) == {t["id"] for t in tasks[2:]}
    assert any(r.get("tampered") for r in allr)
    assert first[1]["id"] == allr[1]["id"]
    png = plot_transition(allr, tmp_path / "t.png")
    assert png.exists() and png.with_suffix(".pdf").exists()


def test_grid_on_processes_matches_serial():
    tasks = grid_tasks([4], [3, 6], ratio=Fraction(1, 2), samples=4, seed=2)
    serial = sorted(run_grid(tasks, progress=False), key=lambda r: r["id"])
    par = sorted(run_grid(tasks, workers=2, progress=False), key=lambda r: r["id"])
    assert serial == par and all(r["d0"] == 2 for r in serial)


@pytest.mark.slow
def test_report_section_quick(tmp_path):
    from symbolic.finite.report import report_section

    sec = report_section(quick=True, out_dir=tmp_path)
    assert len(sec.claims) == 8 and all(c.verdict == "pass" for c in sec.claims)
    assert (tmp_path / "finite_transition.png").exists()
