r"""Training runs on the closed-form population loss, and the gradient-descent census.

Safran and Shamir (ICML 2018, "Spurious local minima are common in two-layer ReLU
neural networks") ran plain gradient descent from random initialisations on the
closed-form loss of DESIGN.md section 1 (``k = d`` neurons, target ``V = I_d``) and
counted how many of 1000 runs ended at spurious local minima. Their protocol, read
from their MATLAB code (``ItaySafran/OneLayerGDconvergence`` at commit
``0719662d67ef69aa33aeec8e6c943e9aef9b861e``, ``GD_code/findBadMinima.m`` and
``GD_code/findMinimum.m``), is the default :class:`Protocol` here:

* initialisation ``W = randn(d, k) / sqrt(d)`` ("Xavier", entries ``N(0, 1/d)``;
  their columns are relusym's rows);
* step size ``0.1`` on the gradient of ``L`` (their code computes ``2 pi grad L`` and
  divides the step by ``2 pi``);
* stopping rule: ``max_i |2 pi grad_{w_i} L| <= 1e-9`` (largest neuron-wise gradient
  norm of their scaled gradient), tested on the gradient at the current iterate; the
  step is taken before the test, as in their loop;
* divergence: if that norm exceeds ``1e4``, restart from the same initial point with
  half the step size;
* a run "ends at a bad minimum" when ``L >= 1e-3`` (``bad_minima_value_bound``).

The gradient is :mod:`symbolic.loss.model`'s full-matrix numpy gradient: the closed form
(``symbolic.loss.model._pair_data`` and ``symbolic.loss.kernel.kernel_grad``) is evaluated
directly on float64 arrays, the input being validated once per run instead of once per
step (:func:`fast_gradient`; equal to :func:`symbolic.loss.model.gradient` bit for bit, checked
in the tests). Other optimisers: ``"adam"`` (Kingma--Ba, on the exact gradient) and
``"sgd"`` (online mini-batch SGD: each step draws ``batch`` fresh inputs
``x ~ N(0, I_d)`` and follows the sampled gradient, an unbiased estimate of the
population gradient). Both run for ``steps`` steps (or until the stopping rule) and the
end point is then *polished* by the default gradient descent to the stopping rule, so
that it can be refined and named like a GD end point (the optimiser picks the basin).

Each run is seeded by ``numpy.random.default_rng([seed, run])``: a run's result depends
only on ``(k, d, protocol, seed, run)``, whatever the executor or the order of completion.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from symbolic.core.errors import RelusymError
from symbolic.experiments.stats import check_sizes

__all__ = ["Protocol", "SAFRAN_SHAMIR", "OPTIMIZERS", "INITS", "initial_point", "fast_gradient",
           "train", "gd_run_task", "census_tasks", "gd_census"]

OPTIMIZERS = ("gd", "sgd", "adam")
#: Initialisations: ``xavier`` = N(0, 1/d) entries (Safran--Shamir 2018; Safran--Yehudai--
#: Shamir 2021 use N(0, 1/k), the same at k = d); ``xavier-k`` = N(0, 1/k); ``glorot`` =
#: N(0, 2/(k + d)); ``sphere`` = rows uniform on the unit sphere.
INITS = ("xavier", "xavier-k", "glorot", "sphere")
_DEFAULT_LR = {"gd": 0.1, "sgd": 0.05, "adam": 0.001}


@dataclass(frozen=True)
class Protocol:
    """How one training run goes (defaults: Safran--Shamir 2018, see the module doc)."""

    optimizer: str = "gd"
    init: str = "xavier"
    lr: float | None = None  # None: 0.1 (gd), 0.05 (sgd), 0.001 (adam)
    steps: int | None = None  # gd: step cap (1e6); sgd/adam: steps before the polish (5000)
    grad_tol: float = 1e-9  # on max_i |2 pi grad_{w_i} L|
    divergence: float = 1e4
    batch: int = 256  # sgd mini-batch size
    polish_steps: int = 1_000_000  # cap of the GD polish after sgd/adam
    bad_value: float = 1e-3  # Safran--Shamir's bad-minimum threshold on L

    def __post_init__(self) -> None:
        if self.optimizer not in OPTIMIZERS:
            raise RelusymError(f"unknown optimizer {self.optimizer!r}; use one of {OPTIMIZERS}")
        if self.init not in INITS:
            raise RelusymError(f"unknown init {self.init!r}; use one of {INITS}")
        if self.lr is not None and not (math.isfinite(self.lr) and self.lr > 0):
            raise RelusymError(f"the step size must be a positive number, got {self.lr!r}")
        if self.steps is None:
            object.__setattr__(self, "steps", 1_000_000 if self.optimizer == "gd" else 5000)
        for name in ("steps", "batch", "polish_steps"):
            v = getattr(self, name)
            if not isinstance(v, int) or v < 1:
                raise RelusymError(f"{name} must be a positive integer, got {v!r}")
        if not (self.grad_tol > 0 and self.divergence > 0):
            raise RelusymError("grad_tol and divergence must be positive")

    @property
    def step_size(self) -> float:
        return float(self.lr if self.lr is not None else _DEFAULT_LR[self.optimizer])

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("lr", "grad_tol", "divergence", "bad_value"):
            out[key] = repr(float(out[key])) if out[key] is not None else None
        out["lr"] = repr(self.step_size)
        return out

    @classmethod
    def from_json(cls, data: dict) -> Protocol:
        kw = dict(data)
        for key in ("lr", "grad_tol", "divergence", "bad_value"):
            if kw.get(key) is not None:
                kw[key] = float(kw[key])
        return cls(**kw)


SAFRAN_SHAMIR = Protocol()


def initial_point(rng: np.random.Generator, k: int, d: int, init: str) -> np.ndarray:
    """A random ``k x d`` initial point (rows are neurons)."""
    if init == "xavier":
        return rng.standard_normal((k, d)) / math.sqrt(d)
    if init == "xavier-k":
        return rng.standard_normal((k, d)) / math.sqrt(k)
    if init == "glorot":
        return rng.standard_normal((k, d)) * math.sqrt(2.0 / (k + d))
    if init == "sphere":
        W = rng.standard_normal((k, d))
        return W / np.linalg.norm(W, axis=1, keepdims=True)
    raise RelusymError(f"unknown init {init!r}; use one of {INITS}")


class _Grad:
    """:func:`symbolic.loss.model.gradient` (numpy backend) without the per-call validation."""

    def __init__(self, k: int, d: int) -> None:
        from symbolic.core.backends import get_backend

        self.be = get_backend("numpy")
        self.V = np.eye(d)
        self.sign = np.array([1.0] * k + [-1.0] * d)[None, :]

    def __call__(self, W: np.ndarray) -> np.ndarray:
        from symbolic.loss import kernel, model

        U = np.concatenate([W, self.V], axis=0)
        A, B, C, G, _ = model._pair_data(self.be, W, U)
        alpha, beta = kernel.kernel_grad(self.be, A, B, C, G)
        return np.sum(alpha * self.sign, axis=1)[:, None] * W + (beta * self.sign) @ U


def fast_gradient(W: Any) -> np.ndarray:
    """``dL/dW`` at ``W`` (target ``I_d``), the same numbers as
    ``symbolic.loss.model.gradient(W)``; the input is validated once."""
    from symbolic.core.backends import get_backend
    from symbolic.loss.model import as_matrix

    Wm = as_matrix(W, get_backend("numpy"), "W")
    if np.any(np.all(Wm == 0, axis=1)):
        from symbolic.core.errors import NonDifferentiableError

        raise NonDifferentiableError("a row of W is zero: the loss is not differentiable")
    return _Grad(*Wm.shape)(Wm)


def _scaled_norm(g: np.ndarray) -> float:
    """Safran--Shamir's convergence measure ``max_i |2 pi grad_{w_i} L|``."""
    return 2 * math.pi * math.sqrt(float(np.max(np.einsum("ia,ia->i", g, g))))


@dataclass
class RunResult:
    """End of one training run."""

    W: np.ndarray
    status: str  # "converged" | "max-steps" | "diverged"
    steps: int
    restarts: int
    lr_final: float
    grad_norm: float
    polish_steps: int = 0
    extra: dict = field(default_factory=dict)


def _gd(W0: np.ndarray, grad: _Grad, lr: float, p: Protocol, cap: int) -> RunResult:
    """Safran--Shamir gradient descent (findMinimum.m), with a step cap."""
    W, steps, restarts = W0.copy(), 0, 0
    while True:
        g = grad(W)
        if not np.all(np.isfinite(g)):
            return RunResult(W, "diverged", steps, restarts, lr, math.inf)
        gn = _scaled_norm(g)
        W = W - lr * g
        steps += 1
        if gn <= p.grad_tol:
            return RunResult(W, "converged", steps, restarts, lr, gn)
        if gn > p.divergence:
            W, lr, restarts = W0.copy(), lr / 2, restarts + 1
            if restarts > 40:
                return RunResult(W, "diverged", steps, restarts, lr, gn)
        if steps >= cap:
            return RunResult(W, "max-steps", steps, restarts, lr, gn)


def _adam(W0, grad, lr, p: Protocol) -> RunResult:
    b1, b2, eps = 0.9, 0.999, 1e-8
    W, m, v = W0.copy(), np.zeros_like(W0), np.zeros_like(W0)
    gn = math.inf
    for t in range(1, p.steps + 1):
        g = grad(W)
        gn = _scaled_norm(g)
        if not math.isfinite(gn) or gn > p.divergence:
            return RunResult(W, "diverged", t, 0, lr, gn)
        if gn <= p.grad_tol:
            return RunResult(W, "converged", t - 1, 0, lr, gn)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        W = W - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
    return RunResult(W, "max-steps", p.steps, 0, lr, gn)


def _sgd(W0, grad, lr, p: Protocol, rng: np.random.Generator) -> RunResult:
    """Online SGD: sampled gradient of 1/2 E[(f(x;W) - f(x;I))^2] on fresh inputs."""
    W = W0.copy()
    k, d = W.shape
    for t in range(1, p.steps + 1):
        X = rng.standard_normal((p.batch, d))
        Z = X @ W.T  # (B, k)
        r = np.maximum(Z, 0).sum(axis=1) - np.maximum(X, 0).sum(axis=1)  # (B,)
        G = ((Z > 0) * r[:, None]).T @ X / p.batch
        W = W - lr * G
        if not np.all(np.isfinite(W)) or np.abs(W).max() > 1e6:
            return RunResult(W, "diverged", t, 0, lr, math.inf)
    g = grad(W)
    return RunResult(W, "max-steps", p.steps, 0, lr, _scaled_norm(g))


def train(k: int, d: int, protocol: Protocol = SAFRAN_SHAMIR, *, seed: int = 0,
          run: int = 0) -> RunResult:
    """One training run from the seeded initial point ``default_rng([seed, run])``."""
    rng = np.random.default_rng([int(seed), int(run)])
    W0 = initial_point(rng, k, d, protocol.init)
    grad = _Grad(k, d)
    lr = protocol.step_size
    if protocol.optimizer == "gd":
        return _gd(W0, grad, lr, protocol, protocol.steps)
    first = _adam(W0, grad, lr, protocol) if protocol.optimizer == "adam" else \
        _sgd(W0, grad, lr, protocol, rng)
    if first.status != "max-steps":
        return first
    pol = _gd(first.W, grad, SAFRAN_SHAMIR.step_size, protocol, protocol.polish_steps)
    pol.polish_steps, pol.steps = pol.steps, first.steps
    pol.extra["optimizer_grad_norm"] = repr(first.grad_norm)
    return pol


def fingerprint(k: int, d: int, protocol: Protocol, seed: int) -> str:
    """A short hash of everything a run depends on except its index (journals of
    different experiments must not be mixed)."""
    blob = json.dumps({"k": k, "d": d, "seed": int(seed), "protocol": protocol.to_json()},
                      sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def census_tasks(k: int, d: int, runs: int, protocol: Protocol = SAFRAN_SHAMIR, *,
                 seed: int = 0, digits: int = 40) -> list[dict]:
    """One task per run: ``{"id": run, ...}`` for :func:`gd_run_task`."""
    fp = fingerprint(k, d, protocol, seed)
    pj = protocol.to_json()
    return [{"id": r, "k": k, "d": d, "seed": int(seed), "run": r, "protocol": pj,
             "digits": digits, "fingerprint": fp} for r in range(runs)]


def gd_run_task(task: dict) -> dict:
    """Train, then refine the end point in its detected fixed space (a ``gd-run`` line)."""
    from symbolic.experiments.classify import refine_endpoint

    k, d = int(task["k"]), int(task["d"])
    p = Protocol.from_json(task["protocol"])
    res = train(k, d, p, seed=task["seed"], run=task["run"])
    from symbolic.loss.model import loss

    out: dict[str, Any] = {
        "k": k, "d": d, "seed": task["seed"], "run": task["run"],
        "fingerprint": task["fingerprint"], "status": res.status, "steps": res.steps,
        "polish_steps": res.polish_steps, "restarts": res.restarts,
        "lr_final": repr(float(res.lr_final)), "grad_norm": repr(float(res.grad_norm)),
        "loss_float": repr(float(loss(res.W))) if np.all(np.isfinite(res.W)) else "nan",
        "bad": None, "endpoint": None,
    }
    out.update({k2: v for k2, v in res.extra.items()})
    if res.status == "converged":
        out["bad"] = bool(float(out["loss_float"]) >= p.bad_value)
        out["endpoint"] = refine_endpoint(res.W, digits=int(task.get("digits", 40)))
    return out


def gd_census(k: int, d: int, runs: int, protocol: Protocol = SAFRAN_SHAMIR, *,
              seed: int = 0, digits: int = 40, workers: int | None = None,
              scheduler: str | None = None, executor=None, out: str | Path | None = None,
              resume: bool = False, progress: bool = True, certify: bool = True,
              identify_census: bool = False):
    """Run ``runs`` seeded training runs on an Executor, stream them to ``out`` (JSON
    lines, kind ``gd-run``) and summarise: :class:`symbolic.experiments.classify.CensusSummary`.

    ``executor``: any :class:`concurrent.futures.Executor` (otherwise one from
    :func:`symbolic.numerics.parallel.make_executor` with ``workers`` / ``scheduler``, shut down
    at the end). ``resume``: keep the runs already in ``out`` (same experiment only).
    ``identify_census``: look up every end point outside the catalogue in ``relusym
    census`` of its fixed space (slow: one full census per isotropy)."""
    import tempfile

    from symbolic.experiments.classify import summarise
    from symbolic.numerics.parallel import check_journal, make_executor, run_tasks

    check_sizes(k, d, runs)
    tasks = census_tasks(k, d, runs, protocol, seed=seed, digits=digits)
    tmpdir = None
    if out is None:
        tmpdir = tempfile.TemporaryDirectory(prefix="relusym-gd-")
        out = Path(tmpdir.name) / "runs.jsonl"
    out = Path(out)
    if resume:
        check_journal(out, tasks[0]["fingerprint"], "runs (k, d, seed or protocol differ)")
    own = executor is None
    ex = make_executor(workers, scheduler) if own else executor
    try:
        results = list(run_tasks(gd_run_task, tasks, ex, out, resume=resume, progress=progress,
                                 kind="gd-run", desc=f"gd k={k} d={d}"))
    finally:
        if own:
            ex.shutdown()
        if tmpdir is not None:
            tmpdir.cleanup()
    results.sort(key=lambda r: r["run"])
    return summarise(results, k=k, d=d, protocol=protocol, seed=seed, digits=digits,
                     certify=certify, identify_census=identify_census)
