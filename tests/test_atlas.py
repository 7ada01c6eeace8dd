"""The atlas: fixed spaces covered, points stored once, checked against the full matrix,
query/export, and resume after an interrupted build."""

import json
import os
import signal
import subprocess
import sys
import time
from fractions import Fraction

import mpmath
import pytest
import sympy

from symbolic.atlas import build_atlas, connect, export_html, query_points, summary
from symbolic.atlas.partitions import block_labels, parse_d_range, partitions
from symbolic.core.errors import RelusymError
from symbolic.symmetry.groups import parse_isotropy


@pytest.mark.parametrize("d", [4, 5, 6, 7, 8, 9, 10])
def test_every_partition_with_a_block_of_size_two(d):
    # independent count: sympy's partition numbers; only 1^d has no part >= 2
    labels = block_labels(d)
    assert len(labels) == int(sympy.partition(d)) - 1 == len(set(labels))
    seen = set()
    for lab in labels:
        space = parse_isotropy(lab)
        space.check_d(d)
        cols, rows = space.sizes(d)
        part = tuple(sorted((int(s) for s in cols), reverse=True))
        assert sum(part) == d and not rows
        seen.add(part)
    assert seen == {p for p in partitions(d) if p[0] >= 2}


def test_extra_blocks_and_ranges():
    labs = block_labels(5, max_blocks=2, extra=2)
    assert "d-1,1;2" in labs and "d;1" in labs
    assert parse_isotropy("d-1,1;2").sizes(5)[1] == [2]
    assert parse_d_range("4..6") == [4, 5, 6]
    assert parse_d_range("8,4") == [4, 8]
    for bad in ["6..4", "x", "1", "4.5"]:
        with pytest.raises(RelusymError):
            parse_d_range(bad)


@pytest.fixture(scope="module")
def small_atlas(tmp_path_factory):
    db = tmp_path_factory.mktemp("atlas") / "a.sqlite"
    res = build_atlas(db, [4, 5], max_blocks=2, workers=1, progress=False)
    return db, res


def _full_matrix_check(space, params, d):
    """Gradient of the FULL k x d model at 30 digits (independent of the reduction)."""
    from symbolic.loss.model import gradient, loss

    with mpmath.workdps(30):  # never change mpmath's global precision in a test
        vals = [mpmath.mpf(params[n]) for n in space.names]  # decimal strings, 30 digits
        W = [[mpmath.mpf(x) for x in row] for row in space.matrix(vals, d).tolist()]
        V = [[mpmath.mpf(int(i == j)) for j in range(d)] for i in range(d)]
        g = gradient(W, V, backend="mpmath", dps=30)
        L = loss(W, V, backend="mpmath", dps=30)
        return (float(max(abs(x) for row in g for x in row)),
                Fraction(mpmath.nstr(L, 30, min_fixed=-mpmath.inf, max_fixed=mpmath.inf)))


def test_small_atlas_points_are_critical_and_stored_once(small_atlas):
    db, res = small_atlas
    assert res["done"] == res["tasks"] == 6 and res["failed"] == 0
    con = connect(db)
    rows = con.execute("SELECT * FROM points").fetchall()
    assert len(rows) == res["points"] > 0
    for r in rows:
        space = parse_isotropy(r["isotropy"])
        params = json.loads(r["params"])
        if not r["differentiable"]:
            assert r["morse_index"] is None
            continue
        gmax, L = _full_matrix_check(space, params, r["d"])
        assert gmax < 1e-15, (r["isotropy"], r["d"], gmax)
        assert abs(L - Fraction(r["loss"])) < Fraction(1, 10**20)
        if r["loss_lo"] is not None:  # outward enclosure contains the full-matrix loss
            assert Fraction(r["loss_lo"]) <= L + Fraction(1, 10**25)
            assert L - Fraction(1, 10**25) <= Fraction(r["loss_hi"])
    # the global minimum: one point per d, found in all three fixed spaces
    for d in (4, 5):
        g = query_points(con, d=d, loss_below=Fraction(1, 10**20))
        assert len(g) == 1 and g[0]["isotropy"] == "d" and g[0]["catalogue"] == "global-minimum"
        mem = con.execute("SELECT isotropy FROM memberships WHERE point_id=?",
                          (g[0]["id"],)).fetchall()
        assert {m["isotropy"] for m in mem} == {"d", "d-1,1", "d-2,2"}
    # no two stored points of one d are one orbit: fingerprints pairwise distinct
    from symbolic.atlas.fingerprint import same_point

    for d in (4, 5):
        pts = con.execute("SELECT loss, fingerprint FROM points WHERE d=?", (d,)).fetchall()
        for i in range(len(pts)):
            for j in range(i):
                assert not same_point(json.loads(pts[i]["fingerprint"]), pts[i]["loss"],
                                      json.loads(pts[j]["fingerprint"]), pts[j]["loss"])
    # families: the global minimum is linked from d = 4 to d = 5
    g4 = query_points(con, d=4, loss_below=Fraction(1, 10**20))[0]
    g5 = query_points(con, d=5, loss_below=Fraction(1, 10**20))[0]
    assert g4["family"] == g5["family"]
    s = summary(con)
    assert [r["d"] for r in s["per_d"]] == [4, 5]


def test_query_filters_and_cli(small_atlas, capsys):
    db, _ = small_atlas
    con = connect(db)
    mins = query_points(con, kind="minimum")
    assert mins and all(p["kind"] == "minimum" and p["index"] == 0 for p in mins)
    sad = query_points(con, kind="saddle", d=5)
    assert all("saddle" in p["kind"] and p["d"] == 5 for p in sad)
    assert all(Fraction(p["loss"]) < Fraction(1, 50)
               for p in query_points(con, loss_below=Fraction(1, 50)))
    from symbolic.cli.main import main

    assert main(["atlas", "query", "--db", str(db), "--kind", "minimum", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == "relusym.atlas/1" and len(doc["points"]) == len(mins)
    assert main(["atlas", "query", "--db", str(db), "--summary"]) == 0
    assert "families" in capsys.readouterr().out
    assert main(["atlas", "query", "--db", str(db), "--loss-below", "abc"]) == 2
    assert main(["atlas", "query", "--db", str(db.with_name("none.sqlite"))]) == 2


def test_export_html(small_atlas, tmp_path):
    db, _ = small_atlas
    files = export_html(connect(db), tmp_path / "site")
    names = {f.name for f in files}
    assert "index.html" in names and any(n.startswith("family-") for n in names)
    index = (tmp_path / "site" / "index.html").read_text()
    assert "global-minimum" in index and "<table>" in index
    for f in files:  # every family page linked from the index exists
        if f.suffix == ".html" and f.name != "index.html":
            assert f"href='{f.name}'" in index


def test_resume_skips_finished_tasks(tmp_path):
    from symbolic.atlas.build import atlas_tasks, census_task
    from symbolic.numerics.parallel import make_executor, run_tasks

    db = tmp_path / "r.sqlite"
    journal = tmp_path / "r.sqlite.census.jsonl"
    tasks = atlas_tasks([4], max_blocks=2, certify=False)
    with make_executor(workers=1) as ex:  # an "interrupted" build: one task done
        list(run_tasks(census_task, tasks[:1], ex, journal, resume=True, progress=False))
    first = journal.read_text().splitlines()
    assert len(first) == 1
    res = build_atlas(db, [4], max_blocks=2, certify=False, workers=1, progress=False,
                      link=False)
    lines = journal.read_text().splitlines()
    assert lines[0] == first[0] and len(lines) == len(tasks)  # the finished one not rerun
    assert res["done"] == len(tasks)


@pytest.mark.slow
def test_killed_build_resumes(tmp_path):
    """Kill a real `relusym atlas build` after its first task, then resume it."""
    db = tmp_path / "k.sqlite"
    journal = tmp_path / "k.sqlite.census.jsonl"
    cmd = [sys.executable, "-m", "symbolic.cli.main", "atlas", "build", "--d", "4..5",
           "--max-blocks", "2", "--db", str(db), "--workers", "1", "--quiet", "--no-certify"]
    proc = subprocess.Popen(cmd, start_new_session=True)
    t0 = time.time()
    while not (journal.exists() and journal.read_text().count("\n") >= 1):
        assert time.time() - t0 < 300 and proc.poll() is None
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = journal.read_text().count("\n")
    assert done_before < 6
    assert subprocess.run(cmd, check=False).returncode == 0
    ids = [json.loads(x).get("id") or json.loads(x)["result"]["id"]
           for x in journal.read_text().splitlines()]
    assert len(ids) == len(set(ids)) == 6


@pytest.mark.slow
def test_build_d4_to_8():
    """The slow tier: every partition with <= 3 blocks, d = 4..8, certified."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        res = build_atlas(f"{tmp}/a.sqlite", range(4, 9), max_blocks=3, progress=False)
        assert res["failed"] == 0 and res["done"] == res["tasks"]
        con = connect(f"{tmp}/a.sqlite")
        assert query_points(con, catalogue="spurious-d-1,1", d=8)
