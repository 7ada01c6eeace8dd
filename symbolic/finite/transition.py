"""The rank phase transition: fraction of sampled activation regions with a full-rank
(rank ``n``) Jacobian over a grid of data sizes ``n`` and widths, against ``width / n``.

Protocol (``kedar2/loss-landscape: experiments/full_rank_regions.py``): for each grid cell,
``num_trials = 100`` samples, each a fresh data set ``X = torch.rand(n, d0)`` and a fresh
``models.MLP`` (one hidden layer, ``torch.nn.Linear`` default initialisation, frozen
Gaussian output layer); full rank when ``torch.linalg.matrix_rank(J) == n``. Grids of the
paper's code: ``experiment_input_dim_constant``: ``n in 10..100`` step 10, widths
``30..300`` step 30, ``d0 in {1, 2, 3, 5}``; ``experiment_varying_input_dim``:
``n in 10..190`` step 20, widths ``1..15``, ``d0 = ceil(ratio n)``,
``ratio in {0.25, 0.5, 1, 2}`` (``experiments/full_rank_regions.sh``). relusym uses the
same sampling (:func:`symbolic.finite.sampling.sample_config`, ``mode="volume"``) with
exact rational data and parameters and the exact rank, on smaller grids by default.

Each grid cell is one task run on a ``concurrent.futures`` executor through
:mod:`symbolic.numerics.parallel` (in-process, local processes or Dask); results stream as JSON
lines into a journal, so an interrupted sweep resumes with the finished cells skipped.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor
from fractions import Fraction
from pathlib import Path
from typing import Any

from symbolic.core.errors import RelusymError

__all__ = ["grid_tasks", "run_task", "run_grid", "plot_transition", "PAPER_GRIDS"]

#: The grids of the paper's code (``experiments/full_rank_regions.py``).
PAPER_GRIDS = {
    "input_dim_constant": {"n": list(range(10, 110, 10)), "width": list(range(30, 310, 30)),
                           "d0": [1, 2, 3, 5]},
    "varying_input_dim": {"n": list(range(10, 210, 20)), "width": list(range(1, 16)),
                          "ratio": [0.25, 0.5, 1.0, 2.0]},
}


def grid_tasks(ns: Iterable[int], widths: Iterable[int], *, d0: int | None = None,
               ratio: float | Fraction | None = None, depth: int = 1, samples: int = 100,
               seed: int = 0, mode: str = "volume") -> list[dict[str, Any]]:
    """One task per ``(n, width)``; ``d0`` fixed, or ``ceil(ratio n)``."""
    if (d0 is None) == (ratio is None):
        raise RelusymError("give exactly one of d0 and ratio")
    out = []
    for n in ns:
        dd = d0 if d0 is not None else max(1, math.ceil(ratio * n))
        for w in widths:
            out.append({"id": f"n{n}-d{dd}-w{w}-L{depth}-{mode}-s{samples}-seed{seed}",
                        "n": int(n), "d0": int(dd), "width": int(w), "depth": int(depth),
                        "samples": int(samples), "seed": int(seed), "mode": mode})
    return out


def run_task(task: dict[str, Any]) -> dict[str, Any]:
    """Run one grid cell (a picklable top-level function for process pools)."""
    from symbolic.finite.sampling import sample_config

    r = sample_config(task["n"], task["d0"], task["width"], depth=task["depth"],
                      samples=task["samples"], seed=task["seed"], mode=task["mode"])
    out = r.to_json()
    out["id"] = task["id"]
    return out


def run_grid(tasks: list[dict[str, Any]], *, workers: int = 1, scheduler: str | None = None,
             executor: Executor | None = None, journal: str | Path | None = None,
             resume: bool = True, progress: bool | None = None,
             fn: Callable = run_task) -> Iterator[dict]:
    """Yield the result of every task (finished journal entries first when resuming),
    each new result appended to ``journal`` as one JSON line as soon as it exists
    (:func:`symbolic.numerics.parallel.run_tasks`; a temporary journal when None).

    ``executor``: any ``concurrent.futures.Executor``; otherwise
    :func:`symbolic.numerics.parallel.make_executor` (``workers = 1``: this process; more: local
    processes; ``scheduler``: Dask distributed). ``progress``: a tqdm bar (None: when
    stderr is a terminal)."""
    import tempfile

    from symbolic.numerics.parallel import make_executor, run_tasks

    show = bool(progress) or (progress is None and sys.stderr.isatty())
    own = executor is None
    ex = executor or make_executor(workers=workers, scheduler=scheduler)
    tmp = None
    try:
        if journal is None:
            tmp = tempfile.TemporaryDirectory(prefix="relusym-regions-")
            journal = Path(tmp.name) / "journal.jsonl"
        yield from run_tasks(fn, tasks, ex, journal, resume=resume, progress=show,
                             desc="regions")
    finally:
        if own:
            ex.shutdown(cancel_futures=True)
        if tmp is not None:
            tmp.cleanup()


def plot_transition(results: list[dict], path: str | Path, *, title: str = "") -> Path:
    """Three panels: heat map of the fraction of full-rank regions over (n, width), and the
    fraction against ``width / n`` and against the number of trained parameters per data
    point ``m (d0 + 1) / n`` (rank ``n`` needs at least 1; one curve per ``n``, Wilson
    95% bars)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    path = Path(path)
    ns = sorted({r["n"] for r in results})
    ws = sorted({r["width"] for r in results})
    grid = np.full((len(ws), len(ns)), np.nan)
    for r in results:
        grid[ws.index(r["width"]), ns.index(r["n"])] = r["full_rank"] / r["samples"]
    fig, (a1, a2, a3) = plt.subplots(1, 3, figsize=(15, 4.3))
    im = a1.imshow(grid, origin="lower", aspect="auto", vmin=0, vmax=1, cmap="viridis")
    a1.set_xticks(range(len(ns)), [str(n) for n in ns])
    a1.set_yticks(range(len(ws)), [str(w) for w in ws])
    a1.set_xlabel("data size n")
    a1.set_ylabel("width m")
    a1.set_title("fraction of sampled regions with rank J = n")
    fig.colorbar(im, ax=a1)
    for n in ns:
        rs = sorted((r for r in results if r["n"] == n), key=lambda r: r["width"])
        y = [r["full_rank"] / r["samples"] for r in rs]
        lo = [y[i] - float(r["wilson95"][0]) for i, r in enumerate(rs)]
        hi = [float(r["wilson95"][1]) - y[i] for i, r in enumerate(rs)]
        d0s = sorted({r["d0"] for r in rs})
        lab = f"n={n}, d0={','.join(map(str, d0s))}"
        for ax, x in ((a2, [r["width"] / n for r in rs]),
                      (a3, [r["width"] * (r["d0"] + 1) / n for r in rs])):
            ax.errorbar(x, y, yerr=[lo, hi], marker="o", capsize=3, label=lab)
    for ax, lab in ((a2, "width / n"), (a3, "trained parameters m (d0 + 1) / n")):
        ax.set_xscale("log", base=2)
        ax.set_xlabel(lab)
        ax.set_ylabel("fraction full rank (exact rank over Q)")
        ax.set_ylim(-0.03, 1.03)
        ax.axhline(0.5, color="grey", lw=0.5, ls=":")
        ax.legend(fontsize=8)
    a3.axvline(1.0, color="grey", lw=0.5, ls="--")
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    if path.suffix == ".png":
        fig.savefig(path.with_suffix(".pdf"))
    plt.close(fig)
    return path
