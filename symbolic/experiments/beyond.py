r"""The gradient-descent experiment where the loss of DESIGN.md section 1 does not apply.

Arjevani and Field ("On the principle of least symmetry breaking in shallow ReLU
models") run the Safran--Shamir experiment beyond the setting with a closed form: other
input distributions, smooth activations and a hidden layer more, and observe that the
minima reached still have large isotropy. :func:`beyond_census` runs that experiment in
three settings (:data:`SETTINGS`), with the target ``V = I_d`` and the student initialised
as in Safran--Shamir (``N(0, 1/d)`` entries):

``erf`` -- Gaussian inputs, activation ``erf``. The population loss has a closed form
(Williams 1997, "Computing with infinite networks"):

.. math::

    K(u, v) = E\,\mathrm{erf}(u\cdot x)\,\mathrm{erf}(v\cdot x)
            = \tfrac{2}{\pi}\arcsin\frac{2\,u\cdot v}{\sqrt{(1 + 2|u|^2)(1 + 2|v|^2)}},
    \qquad L = \tfrac12 \sum_{j,l} c_j c_l K(u_j, u_l),

with ``U = (W, V)`` and ``c = (1, ..., 1, -1, ..., -1)``, so
``nabla_{w_i} L = sum_l c_l nabla_1 K(w_i, u_l)`` and, with ``s = 2 u.v``,
``p = 1 + 2|u|^2``, ``q = 1 + 2|v|^2``, ``t = s / sqrt(pq)``,
``nabla_1 K = (2/pi) (1 - t^2)^{-1/2} (2 v - 2 s u / p) / sqrt(pq)``. The loss is exactly
``S_k x S_d``-invariant (it depends on the Gram matrix of ``U`` only): end points are
detected at tolerance ``1e-6``.

``uniform`` -- ReLU, inputs uniform on ``[-sqrt 3, sqrt 3]^d`` (mean 0, identity
covariance, not rotation invariant: the kernel of DESIGN.md section 1 does not hold).
``deep`` -- Gaussian inputs, a second hidden layer: ``f(x) = sum relu(W_2 relu(W_1 x))``
against ``W_1 = W_2 = I`` (the target function is the one of the closed-form setting),
both layers trained, both initialised with ``N(0, 1/fan-in)`` entries; a hidden unit
of the first layer can be rescaled (its row of ``W_1`` times ``l > 0``, its column of
``W_2`` over ``l``), so the isotropy is detected on the row directions of ``W_1``.
In these two the loss is the empirical loss on a fixed sample of ``samples`` inputs
(seed ``sample_seed``, the same for every run), with its exact
gradient. A finite sample breaks the ``S_d`` symmetry by ``O(samples^{-1/2})``: the
isotropy of an end point (of ``W`` or ``W_1``) is detected at the tolerance
``detect_tol`` (default ``8 / sqrt(samples)``) and reported as *approximate*.
``permuted_loss_spread`` measures the broken symmetry at each end point (the spread of
the loss over 8 random column permutations of ``W`` and ``V`` together).

Runs are plain gradient descent with step ``lr`` until the largest neuron-wise gradient
norm is below ``grad_tol`` (or ``steps``); each run is seeded by
``default_rng([seed, run])`` and executed on a :class:`concurrent.futures.Executor`
through :func:`symbolic.numerics.parallel.run_tasks` (streamed, resumable), like
:func:`symbolic.experiments.gd.gd_census`.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from symbolic.core.errors import RelusymError

__all__ = ["SETTINGS", "Setting", "erf_loss", "erf_gradient", "sampled_loss_and_gradient",
           "beyond_run_task", "beyond_census"]

SETTINGS = ("erf", "uniform", "deep")


@dataclass(frozen=True)
class Setting:
    """One experiment beyond the closed form (see the module docstring)."""

    name: str = "erf"
    samples: int = 20000
    sample_seed: int = 0
    lr: float = 0.1
    steps: int = 50000
    grad_tol: float = 1e-8
    detect_tol: float | None = None
    bad_value: float = 1e-3

    def __post_init__(self) -> None:
        if self.name not in SETTINGS:
            raise RelusymError(f"unknown setting {self.name!r}; use one of {SETTINGS}")
        if self.samples < 10:
            raise RelusymError(f"samples = {self.samples}: use at least 10")
        if not (self.lr > 0 and math.isfinite(self.lr)):
            raise RelusymError(f"lr = {self.lr!r} must be positive")

    @property
    def tolerance(self) -> float:
        """Isotropy-detection tolerance: 1e-6 (exact symmetry) or ``8/sqrt(samples)``."""
        if self.detect_tol is not None:
            return self.detect_tol
        return 1e-6 if self.name == "erf" else 8.0 / math.sqrt(self.samples)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("lr", "grad_tol", "bad_value", "detect_tol"):
            out[key] = None if out[key] is None else repr(float(out[key]))
        return out

    @classmethod
    def from_json(cls, data: dict) -> Setting:
        kw = dict(data)
        for key in ("lr", "grad_tol", "bad_value", "detect_tol"):
            kw[key] = None if kw.get(key) is None else float(kw[key])
        return cls(**kw)


# ----------------------------------------------------------------- erf (closed form)

def _erf_pairs(U: np.ndarray):
    G = U @ U.T
    n = 1.0 + 2.0 * np.diag(G)
    pq = np.sqrt(np.outer(n, n))
    t = np.clip(2.0 * G / pq, -1.0, 1.0)
    return G, n, pq, t


def erf_loss(W: np.ndarray, V: np.ndarray | None = None) -> float:
    """The population loss of the erf network (Williams' kernel; module docstring)."""
    W = np.asarray(W, dtype=float)
    V = np.eye(W.shape[1]) if V is None else np.asarray(V, dtype=float)
    U = np.vstack([W, V])
    c = np.concatenate([np.ones(len(W)), -np.ones(len(V))])
    _, _, _, t = _erf_pairs(U)
    return float(0.5 * c @ ((2.0 / np.pi) * np.arcsin(t)) @ c)


def erf_gradient(W: np.ndarray, V: np.ndarray | None = None) -> np.ndarray:
    """``dL/dW`` of :func:`erf_loss` (module docstring)."""
    W = np.asarray(W, dtype=float)
    V = np.eye(W.shape[1]) if V is None else np.asarray(V, dtype=float)
    k = len(W)
    U = np.vstack([W, V])
    c = np.concatenate([np.ones(k), -np.ones(len(V))])
    G, n, pq, t = _erf_pairs(U)
    Gw, nw, pqw, tw = G[:k], n[:k], pq[:k], t[:k]
    a = (2.0 / np.pi) / np.sqrt(np.maximum(1.0 - tw * tw, 1e-300)) / pqw * c[None, :]
    # sum_l a_il (2 u_l - 2 s_il w_i / p_i), s_il = 2 G_il
    return 2.0 * (a @ U) - (a * (2.0 * Gw) * 2.0 / nw[:, None]).sum(axis=1)[:, None] * W


# ------------------------------------------------------------ sampled (fixed sample)

def _sample(setting: Setting, d: int) -> np.ndarray:
    rng = np.random.default_rng([setting.sample_seed, d, 2026])
    if setting.name == "uniform":
        return rng.uniform(-math.sqrt(3.0), math.sqrt(3.0), size=(setting.samples, d))
    return rng.normal(size=(setting.samples, d))


def sampled_loss_and_gradient(setting: Setting, params: list[np.ndarray], X: np.ndarray
                              ) -> tuple[float, list[np.ndarray]]:
    """Empirical loss ``1/(2N) sum_x (f(x) - f*(x))^2`` and its gradient (list of arrays
    shaped like ``params``: ``[W]`` for ``uniform``, ``[W_1, W_2]`` for ``deep``)."""
    N = len(X)
    target = np.maximum(X, 0.0).sum(axis=1)  # f*(x) = sum_j relu(x_j) in both settings
    if setting.name == "uniform":
        (W,) = params
        Z = X @ W.T
        r = np.maximum(Z, 0.0).sum(axis=1) - target
        gW = ((r[:, None] * (Z > 0)).T @ X) / N
        return float(0.5 * np.mean(r * r)), [gW]
    W1, W2 = params
    Z1 = X @ W1.T
    H1 = np.maximum(Z1, 0.0)
    Z2 = H1 @ W2.T
    r = np.maximum(Z2, 0.0).sum(axis=1) - target
    D2 = r[:, None] * (Z2 > 0)  # dL/dZ2 * N
    gW2 = D2.T @ H1 / N
    D1 = (D2 @ W2) * (Z1 > 0)
    gW1 = D1.T @ X / N
    return float(0.5 * np.mean(r * r)), [gW1, gW2]


# ----------------------------------------------------------------------- one run

def _train(setting: Setting, k: int, d: int, seed: int, run: int):
    rng = np.random.default_rng([seed, run])
    W = rng.normal(size=(k, d)) / math.sqrt(d)
    if setting.name == "erf":
        params = [W]

        def lg(ps):
            return erf_loss(ps[0]), [erf_gradient(ps[0])]
    else:
        X = _sample(setting, d)
        params = [W] if setting.name == "uniform" else \
            [W, rng.normal(size=(k, k)) / math.sqrt(k)]

        def lg(ps):
            return sampled_loss_and_gradient(setting, ps, X)
    status, steps, gnorm = "step cap", setting.steps, math.inf
    for it in range(setting.steps):
        L, gs = lg(params)
        gnorm = max(float(np.max(np.linalg.norm(g, axis=1))) for g in gs)
        if not math.isfinite(gnorm) or gnorm > 1e6:
            status, steps = "diverged", it
            break
        if gnorm <= setting.grad_tol:
            status, steps = "converged", it
            break
        params = [p - setting.lr * g for p, g in zip(params, gs, strict=True)]
    L, _ = lg(params)
    return params, L, status, steps, gnorm, (None if setting.name == "erf" else X)


def _permuted_spread(setting: Setting, params, X, L: float, seed: int) -> float:
    """Spread of the sampled loss over random column permutations of ``W`` (and of
    ``V = I``, i.e. of the sample's coordinates): 0 for an exactly symmetric loss."""
    rng = np.random.default_rng([seed, 99])
    vals = [L]
    for _ in range(8):
        perm = rng.permutation(X.shape[1])
        ps = [params[0][:, perm]] + list(params[1:])
        vals.append(sampled_loss_and_gradient(setting, ps, X[:, perm])[0])
    return float(max(vals) - min(vals))


def beyond_run_task(task: dict) -> dict:
    """Train one run and detect the isotropy of its end point (a plain-JSON line)."""
    from symbolic.experiments.classify import symmetry_breaking
    from symbolic.symmetry.detect import detect_isotropy

    setting = Setting.from_json(task["setting"])
    k, d = int(task["k"]), int(task["d"])
    params, L, status, steps, gnorm, X = _train(setting, k, d, task["seed"], task["run"])
    out: dict[str, Any] = {"k": k, "d": d, "seed": task["seed"], "run": task["run"],
                           "fingerprint": task["fingerprint"], "status": status,
                           "steps": steps, "grad_norm": repr(gnorm), "loss": repr(L),
                           "bad": None, "isotropy": None, "approximate": setting.name != "erf",
                           "W": [[repr(float(v)) for v in row] for row in params[0]]}
    if status != "converged":
        return out
    out["bad"] = bool(L >= setting.bad_value)
    if X is not None:
        out["permuted_loss_spread"] = repr(_permuted_spread(setting, params, X, L, task["seed"]))
    W = params[0]
    if setting.name == "deep":
        # a hidden unit can be rescaled (row of W_1 times l > 0, column of W_2 over l):
        # the isotropy is read on the row directions of W_1
        W = W / np.maximum(np.linalg.norm(W, axis=1, keepdims=True), 1e-300)
    try:
        det = detect_isotropy(W, tol=setting.tolerance)
        out["isotropy"] = det.spec
        out["symmetry"] = symmetry_breaking(det.spec, d, k)
    except RelusymError as exc:
        out["isotropy_note"] = f"not of block type at tol {setting.tolerance:.3g}: {exc}"
    return out


def _fingerprint(setting: Setting, k: int, d: int, seed: int) -> str:
    blob = json.dumps({"k": k, "d": d, "seed": seed, "setting": setting.to_json()},
                      sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def beyond_census(setting: Setting | str, k: int, d: int, runs: int, *, seed: int = 0,
                  workers: int | None = None, scheduler: str | None = None, executor=None,
                  out: str | Path | None = None, resume: bool = False,
                  progress: bool = True) -> dict[str, Any]:
    """Run ``runs`` seeded runs of ``setting`` and summarise them by detected isotropy.

    Returns a dict (kind ``gd-census``, ``setting`` not ``closed-form``): ``minima`` (per
    isotropy and loss class: ``count``, ``fraction`` and Wilson 95 % interval, ``bad``,
    ``approximate``, symmetry-breaking record), ``spurious_fraction``, ``not_converged``.
    """
    import tempfile

    from symbolic.experiments.stats import check_sizes, interval_text, wilson_interval
    from symbolic.numerics.parallel import check_journal, make_executor, run_tasks

    setting = Setting(name=setting) if isinstance(setting, str) else setting
    check_sizes(k, d, runs)
    fp = _fingerprint(setting, k, d, seed)
    tasks = [{"id": r, "k": k, "d": d, "seed": int(seed), "run": r,
              "setting": setting.to_json(), "fingerprint": fp} for r in range(runs)]
    tmp = None
    if out is None:
        tmp = tempfile.TemporaryDirectory(prefix="relusym-beyond-")
        out = Path(tmp.name) / "runs.jsonl"
    if resume:
        check_journal(out, fp, "runs (setting, k, d or seed differ)")
    own = executor is None
    ex = make_executor(workers, scheduler) if own else executor
    try:
        results = list(run_tasks(beyond_run_task, tasks, ex, out, resume=resume,
                                 progress=progress, desc=f"{setting.name} k={k} d={d}"))
    finally:
        if own:
            ex.shutdown()
        if tmp is not None:
            tmp.cleanup()
    results.sort(key=lambda r: r["run"])
    conv = [r for r in results if r["status"] == "converged"]
    ltol = 1e-7 if setting.name == "erf" else 1e-4
    classes: list[dict] = []
    for r in conv:
        L = float(r["loss"])
        for c in classes:
            if c["isotropy"] == r["isotropy"] and abs(c["_loss"] - L) <= ltol * (1 + L):
                c["count"] += 1
                c["runs"].append(r["run"])
                break
        else:
            classes.append({"isotropy": r["isotropy"], "_loss": L, "loss": r["loss"],
                            "count": 1, "runs": [r["run"]], "bad": r["bad"],
                            "approximate": r["approximate"],
                            "symmetry": r.get("symmetry")})
    n = len(results)
    for c in classes:
        lo, hi = wilson_interval(c["count"], n)
        c["fraction"] = f"{c['count'] / n:.4f}"
        c["wilson95"] = interval_text(lo, hi)
        del c["_loss"]
        c["runs"] = c["runs"][:20]
    classes.sort(key=lambda c: (-c["count"], float(c["loss"])))
    bad = sum(1 for r in conv if r["bad"])
    lo, hi = wilson_interval(bad, n)
    return {"setting": setting.to_json(), "k": k, "d": d, "runs": n, "seed": int(seed),
            "detect_tolerance": repr(setting.tolerance),
            "converged": len(conv), "not_converged": n - len(conv),
            "spurious_count": bad, "spurious_fraction": f"{bad / n:.4f}",
            "spurious_wilson95": interval_text(lo, hi), "minima": classes}


def beyond_text(doc: dict) -> str:
    """A plain-text table of :func:`beyond_census`."""
    s = doc["setting"]
    lines = [f"setting {s['name']}: k = {doc['k']}, d = {doc['d']}, {doc['runs']} runs "
             f"(seed {doc['seed']}), isotropy detected at tol {float(doc['detect_tolerance']):.3g}"
             + (" (approximate: finite sample)" if s["name"] != "erf" else ""),
             f"{'isotropy':<22}{'loss':<24}{'count':>6}  {'fraction [95%]':<24}kind"]
    for c in doc["minima"]:
        kind = "spurious" if c["bad"] else "global (L < 1e-3)"
        lines.append(f"{str(c['isotropy']):<22}{c['loss'][:22]:<24}{c['count']:>6}  "
                     f"{c['fraction']} [{c['wilson95'][0]}, {c['wilson95'][1]}]  {kind}")
    lines.append(f"spurious: {doc['spurious_count']} of {doc['runs']} = "
                 f"{doc['spurious_fraction']} [{doc['spurious_wilson95'][0]}, "
                 f"{doc['spurious_wilson95'][1]}]; not converged: {doc['not_converged']}")
    return "\n".join(lines)
