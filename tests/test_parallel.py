"""The Executor layer (symbolic.numerics.parallel): journals, resume, executors, determinism."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from symbolic.core.errors import RelusymError
from symbolic.experiments.gd import census_tasks, gd_run_task
from symbolic.numerics.parallel import (
    DaskExecutor,
    SerialExecutor,
    make_executor,
    read_journal,
    run_tasks,
)

# tiny but real tasks: k = d = 4 gradient descent + refinement (about 0.05 s each)
TASKS = census_tasks(4, 4, 6, seed=11, digits=25)


def _strip(recs):
    """Journal records without volatile fields, keyed by id."""
    return {r["id"]: r for r in recs}


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("ref") / "runs.jsonl"
    with SerialExecutor() as ex:
        recs = list(run_tasks(gd_run_task, TASKS, ex, out, resume=False, progress=False,
                              kind="gd-run"))
    return _strip(recs), out


def test_journal_lines_are_schema_documents(reference):
    recs, out = reference
    lines = out.read_text().splitlines()
    assert len(lines) == len(TASKS)
    for line in lines:
        doc = json.loads(line)
        assert doc["schema"] == "relusym.gd-run/1"
        assert doc["id"] == doc["run"]
    assert sorted(recs) == list(range(len(TASKS)))


def test_resume_runs_each_task_once(tmp_path, reference):
    ref, _ = reference
    out = tmp_path / "runs.jsonl"
    calls: list = []

    def counted(task):
        calls.append(task["id"])
        return gd_run_task(task)

    with SerialExecutor() as ex:
        first = list(run_tasks(counted, TASKS[:2], ex, out, resume=False, progress=False,
                               kind="gd-run"))
        assert [r["id"] for r in first] == [0, 1]
        # a killed writer leaves a torn last line: it is dropped and its task rerun
        with out.open("a") as fh:
            fh.write('{"id": 2, "schema": "relusym.gd-r')
        recs, broken = read_journal(out)
        assert broken and [r["id"] for r in recs] == [0, 1]
        allr = list(run_tasks(counted, TASKS, ex, out, resume=True, progress=False,
                              kind="gd-run"))
    assert calls == [0, 1, 2, 3, 4, 5]  # no task ran twice
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert sorted(r["id"] for r in lines) == list(range(len(TASKS)))
    assert _strip(allr) == ref  # identical to an uninterrupted run


def test_resume_false_truncates(tmp_path):
    out = tmp_path / "runs.jsonl"
    out.write_text('{"id": 99}\n')
    with SerialExecutor() as ex:
        list(run_tasks(gd_run_task, TASKS[:1], ex, out, resume=False, progress=False))
    assert [json.loads(x)["id"] for x in out.read_text().splitlines()] == [0]


def test_bad_journal_and_tasks_refused(tmp_path):
    out = tmp_path / "j.jsonl"
    out.write_text('not json\n{"id": 1}\n')
    with pytest.raises(RelusymError, match="not JSON"):
        read_journal(out)
    with SerialExecutor() as ex:
        with pytest.raises(RelusymError, match="duplicate"):
            list(run_tasks(gd_run_task, [TASKS[0], TASKS[0]], ex, tmp_path / "x.jsonl"))
        with pytest.raises(RelusymError, match="'id'"):
            list(run_tasks(gd_run_task, [{"k": 1}], ex, tmp_path / "y.jsonl"))


def _boom(task):
    if task["id"] == 2:
        raise ValueError("task 2 fails")
    return {"value": task["id"] * 2}


def test_failing_task_keeps_finished_lines(tmp_path):
    out = tmp_path / "j.jsonl"
    tasks = [{"id": i} for i in range(4)]
    with SerialExecutor() as ex:
        with pytest.raises(ValueError, match="task 2"):
            list(run_tasks(_boom, tasks, ex, out, resume=False, progress=False))
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert {"value": 0, "id": 0} in lines and {"value": 2, "id": 1} in lines
    assert all(x["id"] != 2 for x in lines)  # every finished task kept, the failed one not


def test_processes_give_identical_results(tmp_path, reference):
    ref, _ = reference
    with make_executor(workers=2) as ex:
        recs = list(run_tasks(gd_run_task, TASKS, ex, tmp_path / "p.jsonl", resume=False,
                              progress=False, kind="gd-run"))
    assert _strip(recs) == ref


def test_dask_executor_in_process_cluster(tmp_path, reference):
    """The Dask path (client.get_executor()) on an in-process LocalCluster (fast)."""
    distributed = pytest.importorskip("distributed")
    ref, _ = reference
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                       dashboard_address=":0")
    ex = DaskExecutor(distributed.Client(cluster), cluster)
    with ex:
        recs = list(run_tasks(gd_run_task, TASKS, ex, tmp_path / "d.jsonl", resume=False,
                              progress=False, kind="gd-run"))
    assert _strip(recs) == ref


@pytest.mark.slow
def test_dask_local_cluster_processes(tmp_path, reference):
    """make_executor(scheduler='local-cluster'): worker processes (about 15 s)."""
    pytest.importorskip("distributed")
    ref, _ = reference
    with make_executor(workers=2, scheduler="local-cluster") as ex:
        assert isinstance(ex, DaskExecutor)
        recs = list(run_tasks(gd_run_task, TASKS, ex, tmp_path / "d.jsonl", resume=False,
                              progress=False, kind="gd-run"))
    assert _strip(recs) == ref


def test_make_executor_choices_and_errors():
    assert isinstance(make_executor(1), SerialExecutor)
    with make_executor(2) as ex:
        assert ex.submit(pow, 2, 5).result() == 32
    with pytest.raises(RelusymError):
        make_executor(0)
    with pytest.raises(RelusymError):
        make_executor("two")
    with pytest.raises(RelusymError):
        make_executor(2, scheduler="  ")


def test_kill_and_resume_cli(tmp_path):
    """Kill a real ``relusym gd-census`` after some runs, then --resume it."""
    out = tmp_path / "runs.jsonl"
    base = [sys.executable, "-m", "symbolic.cli.main", "gd-census", "--k", "4", "--d", "4",
            "--runs", "10", "--seed", "3", "--workers", "1", "--digits", "25", "--quiet",
            "--no-certify", "--out", str(out)]
    proc = subprocess.Popen(base, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t0 = time.time()
    while time.time() - t0 < 60:
        if out.exists() and out.read_text().count("\n") >= 3:
            break
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    before = [json.loads(x) for x in out.read_text().splitlines() if x.endswith("}")]
    assert 3 <= len(before) < 10, "the run finished before it could be killed"
    r = subprocess.run(base + ["--resume", "--json"], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    recs, broken = read_journal(out)
    assert not broken
    ids = [x["id"] for x in recs]
    assert sorted(ids) == list(range(10)) and len(set(ids)) == 10  # none twice
    doc = json.loads(r.stdout)
    assert doc["runs"] == 10 and sum(m["count"] for m in doc["minima"]) + \
        doc["not_converged"] + len(doc["unidentified"]) == 10
    # the resumed journal equals an uninterrupted run of the same seeds
    fresh = {t["id"]: gd_run_task(t) for t in census_tasks(4, 4, 10, seed=3, digits=25)}
    for x in recs:
        assert x["endpoint"] == fresh[x["id"]]["endpoint"]
        assert x["steps"] == fresh[x["id"]]["steps"]


def test_existing_out_needs_resume(tmp_path):
    out = tmp_path / "runs.jsonl"
    out.write_text('{"id": 0}\n')
    from symbolic.cli.main import main

    assert main(["gd-census", "--k", "4", "--d", "4", "--runs", "2", "--out", str(out),
                 "--quiet"]) == 2
    assert main(["gd-census", "--k", "4", "--d", "4", "--runs", "2", "--resume",
                 "--quiet"]) == 2
    # a journal of another experiment is refused on resume
    good = tmp_path / "good.jsonl"
    assert main(["gd-census", "--k", "4", "--d", "4", "--runs", "2", "--out", str(good),
                 "--quiet", "--workers", "1", "--no-certify"]) == 0
    assert main(["gd-census", "--k", "4", "--d", "4", "--runs", "3", "--seed", "5", "--out",
                 str(good), "--resume", "--quiet", "--workers", "1"]) == 2
    assert Path(good).read_text().count("\n") == 2


_SLEEPER = r'''
import os, sys, time
from pathlib import Path
from symbolic.numerics.parallel import make_executor, run_tasks

def sleeper(task):
    Path(sys.argv[1], f"{os.getpid()}.pid").write_text("")
    time.sleep(120)
    return {}

if __name__ == "__main__":
    with make_executor(2) as ex:
        for _ in run_tasks(sleeper, [{"id": i} for i in range(4)], ex,
                           Path(sys.argv[1]) / "j.jsonl", progress=False):
            pass
'''


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (exited, not yet reaped by init) counts as gone
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def test_sigterm_of_parent_stops_local_workers(tmp_path):
    """SIGTERM to a process running tasks on local processes stops its workers too
    (a plain ProcessPoolExecutor leaves them running their tasks to the end)."""
    script = tmp_path / "sleeper.py"
    script.write_text(_SLEEPER)
    proc = subprocess.Popen([sys.executable, str(script), str(tmp_path)])
    t0 = time.time()
    while time.time() - t0 < 60 and len(list(tmp_path.glob("*.pid"))) < 2:
        time.sleep(0.05)
    pids = [int(p.stem) for p in tmp_path.glob("*.pid")]
    assert len(pids) == 2 and all(_alive(p) for p in pids)
    os.kill(proc.pid, signal.SIGTERM)
    assert proc.wait(timeout=30) == 128 + signal.SIGTERM
    t0 = time.time()
    while time.time() - t0 < 15 and any(_alive(p) for p in pids):
        time.sleep(0.1)
    assert not any(_alive(p) for p in pids), "workers outlived their parent"
