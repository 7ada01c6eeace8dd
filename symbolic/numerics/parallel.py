r"""The Executor layer: where independent tasks run, and a journal of their results.

Long computations of relusym (a gradient-descent census, the atlas) are lists of
independent tasks. They run on any :class:`concurrent.futures.Executor`:

* :func:`make_executor` gives local processes (:class:`~concurrent.futures.ProcessPoolExecutor`)
  by default, the calling process itself for ``workers=1`` (:class:`SerialExecutor`: no
  pickling, the choice for small jobs and tests), or a Dask distributed cluster
  (``client.get_executor()``) when a scheduler address or ``"local-cluster"`` is given
  (optional dependency ``relusym[cluster]``);
* :func:`run_tasks` submits the tasks, writes every result as ONE JSON line to a journal
  as soon as it completes (flushed, so an interruption loses only the tasks in flight),
  skips on ``resume`` the task ids already in the journal (a truncated last line left by a
  killed process is dropped), shows a tqdm progress bar and yields the results.

A task is a dict with a unique ``"id"`` (str or int); ``fn(task)`` must be a module-level
(picklable) function returning a dict; the journal line carries the task's ``"id"``.
Results must be deterministic functions of the task (seeds inside the task), so the
same tasks give the same journal on every executor, in any completion order.
"""

from __future__ import annotations

import json
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any

from symbolic.core.errors import RelusymError
from symbolic.core.progress import progress_bar

__all__ = ["SerialExecutor", "LocalProcessExecutor", "DaskExecutor", "make_executor",
           "run_tasks", "read_journal", "check_journal", "executor_workers"]


class SerialExecutor(Executor):
    """Runs each submitted call at once in the calling process (``workers=1``)."""

    def __init__(self) -> None:
        self._shutdown = False

    def submit(self, fn, /, *args, **kwargs) -> Future:
        if self._shutdown:
            raise RuntimeError("cannot submit after shutdown")
        fut: Future = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller via the future
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            fut.set_exception(exc)
        return fut

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._shutdown = True


class LocalProcessExecutor(ProcessPoolExecutor):
    """Local worker processes that do not outlive their parent's interruption.

    A plain :class:`ProcessPoolExecutor` leaves its workers running their tasks when the
    parent is stopped (SIGTERM kills the parent before any clean-up; ``shutdown`` waits
    for running tasks). Here leaving the ``with`` block by an exception (including
    KeyboardInterrupt, and SystemExit raised by the SIGTERM handler below) terminates the
    workers at once, and while the executor is open SIGTERM in the main thread raises
    SystemExit(143) instead of killing the parent outright (the previous handler is
    restored on shutdown; only a default handler is replaced)."""

    def __init__(self, max_workers: int | None = None) -> None:
        super().__init__(max_workers=max_workers, initializer=_default_sigterm)
        self._old_term = None
        if (threading.current_thread() is threading.main_thread()
                and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL):
            self._old_term = signal.signal(signal.SIGTERM, _raise_exit)

    def terminate_workers(self) -> None:
        """Stop every worker process now (running tasks are lost, not journalled)."""
        procs = list((getattr(self, "_processes", None) or {}).values())
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
        for proc in procs:
            proc.join(timeout=5)
            if proc.is_alive():  # pragma: no cover - a worker that ignores SIGTERM
                proc.kill()
                proc.join(timeout=5)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if self._old_term is not None:
            if threading.current_thread() is threading.main_thread():
                signal.signal(signal.SIGTERM, self._old_term)
            self._old_term = None
        super().shutdown(wait=wait, cancel_futures=cancel_futures)

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is not None:
            self.terminate_workers()
            self.shutdown(wait=False, cancel_futures=True)
            return False
        self.shutdown(wait=True)
        return False


def _default_sigterm() -> None:
    """Worker initializer: a forked worker must not inherit the parent's handler."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _raise_exit(signum, frame) -> None:  # pragma: no cover - exercised in a subprocess
    raise SystemExit(128 + signum)


class DaskExecutor(Executor):
    """``client.get_executor()`` of a Dask distributed client, closing the client (and a
    cluster it started) on shutdown. ``.client`` is the :class:`distributed.Client`."""

    def __init__(self, client, cluster=None, n_workers: int | None = None) -> None:
        self.client = client
        self.cluster = cluster
        self._inner = client.get_executor()
        self.n_workers = n_workers

    def submit(self, fn, /, *args, **kwargs) -> Future:
        return self._inner.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        try:
            self._inner.shutdown(wait=wait and not cancel_futures)
        finally:
            self.client.close()
            if self.cluster is not None:
                self.cluster.close()


def make_executor(workers: int | None = None, scheduler: str | None = None) -> Executor:
    """An Executor: local processes (default: one per core), in-process for
    ``workers=1``, or Dask distributed for ``scheduler`` (an address such as
    ``"tcp://host:8786"``, or ``"local-cluster"`` to start a
    :class:`distributed.LocalCluster` of ``workers`` single-threaded processes).

    Use it as a context manager (``with make_executor(...) as ex:``) so processes and
    clusters are shut down."""
    if workers is not None:
        try:
            workers = int(workers)
        except (TypeError, ValueError):
            raise RelusymError(f"workers must be a positive integer, got {workers!r}") from None
        if workers < 1:
            raise RelusymError(f"workers must be >= 1, got {workers}")
    if scheduler is None:
        if workers == 1:
            return SerialExecutor()
        return LocalProcessExecutor(max_workers=workers or os.cpu_count() or 1)
    if not isinstance(scheduler, str) or not scheduler.strip():
        raise RelusymError(f"scheduler must be an address or 'local-cluster', got {scheduler!r}")
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise RelusymError("--scheduler needs Dask distributed: "
                           "python -m pip install 'relusym[cluster]'") from None
    if scheduler.strip() == "local-cluster":
        n = workers or os.cpu_count() or 1
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                               dashboard_address=":0")
        return DaskExecutor(Client(cluster), cluster, n_workers=n)
    try:
        client = Client(scheduler.strip(), timeout="20s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise RelusymError(f"could not connect to the Dask scheduler {scheduler!r}: {exc}"
                           ) from None
    return DaskExecutor(client)


def executor_workers(executor: Executor) -> int:
    """Best guess of how many tasks ``executor`` runs at once (for the submit window)."""
    if isinstance(executor, SerialExecutor):
        return 1
    n = getattr(executor, "_max_workers", None) or getattr(executor, "n_workers", None)
    if n is None and isinstance(executor, DaskExecutor):
        try:
            n = sum(w["nthreads"] for w in executor.client.scheduler_info()["workers"].values())
        except Exception:  # pragma: no cover - scheduler info unavailable
            n = None
    return int(n or os.cpu_count() or 1)


def check_journal(path: str | Path, fingerprint: str, what: str) -> None:
    """Refuse to resume a journal holding lines of another experiment (another
    ``fingerprint``): their ids would be taken for finished tasks of this one."""
    old, _ = read_journal(path)
    if any(r.get("fingerprint") != fingerprint for r in old):
        raise RelusymError(f"{path} holds {what} of another experiment; use another --out file")


def read_journal(path: str | Path) -> tuple[list[dict], bool]:
    """The complete JSON lines of a journal (dicts with an ``"id"``) and whether the file
    ended with an incomplete or unreadable line (left by a killed writer)."""
    path = Path(path)
    if not path.exists():
        return [], False
    out, broken = [], False
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    for n, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            if n >= len(lines) - 2:  # the last (possibly unterminated) line
                broken = True
                continue
            raise RelusymError(f"{path}: line {n + 1} is not JSON; not a journal of "
                               "run_tasks (refusing to resume from it)") from None
        if not isinstance(rec, dict) or "id" not in rec:
            raise RelusymError(f"{path}: line {n + 1} has no task 'id'; not a journal of "
                               "run_tasks (refusing to resume from it)")
        out.append(rec)
    if text and not text.endswith("\n"):
        broken = True
    return out, broken


def _line(result: dict, kind: str | None) -> str:
    if kind is not None:
        from symbolic.core.schema import dumps

        return dumps(kind, result, indent=None)
    from symbolic.core.schema import _default

    return json.dumps(result, default=_default)


def run_tasks(fn: Callable[[dict], dict], tasks: Iterable[dict], executor: Executor,
              out_jsonl: str | Path, resume: bool = True, progress: bool = True, *,
              kind: str | None = None, window: int | None = None,
              desc: str = "tasks") -> Iterator[dict]:
    """Run ``fn`` on every task on ``executor``, streaming results to ``out_jsonl``.

    A generator: yields first the results already in the journal (with ``resume``), then
    each new result as it completes. ``resume=False`` starts a fresh journal (the file
    is truncated). With ``resume`` a truncated last line is removed before appending.
    ``kind``: a registered :mod:`symbolic.core.schema` kind; each line is then
    ``schema.dumps(kind, result)`` (floats refused), otherwise plain JSON. ``window``:
    most tasks in flight (default 4 per worker), so an interruption cancels few.
    A task that raises stops the run (the finished lines stay in the journal) and the
    exception propagates.
    """
    tasks = list(tasks)
    ids: set = set()
    for t in tasks:
        if not isinstance(t, dict) or "id" not in t:
            raise RelusymError("every task must be a dict with an 'id'")
        if t["id"] in ids:
            raise RelusymError(f"duplicate task id {t['id']!r}")
        ids.add(t["id"])
    path = Path(out_jsonl)
    path.parent.mkdir(parents=True, exist_ok=True)
    done: dict = {}
    if resume:
        old, broken = read_journal(path)
        for rec in old:
            done.setdefault(rec["id"], rec)
        if broken:  # rewrite without the torn line (atomically)
            tmp = path.with_name(path.name + ".tmp")
            with tmp.open("w", encoding="utf-8") as fh:
                for rec in old:
                    fh.write(json.dumps(rec) + "\n")
            os.replace(tmp, path)
    else:
        path.write_text("", encoding="utf-8")
    for rec in done.values():
        if rec["id"] in ids:
            yield rec
    todo = [t for t in tasks if t["id"] not in done]
    bar = progress_bar(len(tasks), bool(progress), desc, initial=len(tasks) - len(todo))
    window = window or 4 * executor_workers(executor)
    pending: dict[Future, Any] = {}
    it = iter(todo)
    try:
        with path.open("a", encoding="utf-8") as fh:
            exhausted = False
            while True:
                while not exhausted and len(pending) < window:
                    try:
                        t = next(it)
                    except StopIteration:
                        exhausted = True
                        break
                    pending[executor.submit(fn, t)] = t["id"]
                if not pending:
                    break
                finished, _ = wait(list(pending), return_when=FIRST_COMPLETED)
                failure: BaseException | None = None
                for fut in [f for f in pending if f in finished]:  # in submission order
                    tid = pending.pop(fut)
                    if fut.exception() is not None:
                        failure = failure or fut.exception()
                        continue
                    res = fut.result()
                    if not isinstance(res, dict):
                        raise RelusymError(f"task {tid!r} returned {type(res).__name__}, "
                                           "not a dict")
                    res = dict(res)
                    res["id"] = tid
                    line = _line(res, kind)
                    fh.write(line + "\n")
                    fh.flush()
                    bar.update(1)
                    yield json.loads(line) if kind else res
                if failure is not None:
                    raise failure
    finally:
        for fut in pending:
            fut.cancel()
        bar.close()


