"""Shallow and deep ReLU networks with biases on finite data, exactly.

``f(x; theta) = v . relu(W_L relu(... relu(W_1 x + b_1) ...) + b_L)`` with hidden widths
``d_1, ..., d_L``; ``theta = (W_1, b_1, ..., W_L, b_L)`` are the trained parameters and
the output weights ``v`` are fixed, as in the paper's code (``kedar2/loss-landscape:
models.py``: ``last_layer`` with ``requires_grad=False``; ``experiments/global
minima/common.py``: ``lin_layer2.weight.requires_grad = False``). Optionally ``v`` is
trained too (``train_output=True``); ``metrics.jacobian`` of the paper's code
differentiates with respect to every ``named_parameters()`` entry, the frozen ``v``
included, which for one hidden layer does not change the rank (the column
``relu(w_i . x_j + b_i)`` of ``v_i`` is ``(w_i, b_i)/v_i`` times the columns of ``(w_i, b_i)``).

Squared loss ``L(theta) = 1/2 sum_j (f(x_j; theta) - y_j)^2``.

Exactness: parameters are rationals with a common denominator per layer, stored as
integer numerators (Python ints in numpy object arrays); the forward pass and the
Jacobian are computed on integers (numerator arrays with one common denominator), so
activation signs are exact and ``jacobian_integer`` returns ``M`` and positive column
scales ``c`` with ``J = M / c`` exactly. Parameter order in ``theta``: for each layer,
``W_l`` row by row, then ``b_l``; then ``v`` when trained.

Initialisation (``init_params``) follows ``torch.nn.Linear``'s default used by the
paper's ``models.MLP``: ``W_l`` and ``b_l`` uniform on ``[-s, s]`` with
``s = 1/sqrt(fan_in)`` (``s`` rounded to a rational with denominator ``2^10``),
discretised to the rational grid of step ``s / 2^30``; output weights ``v`` either
standard Gaussian rounded to ``2^-20`` (``models.MLP``: ``torch.randn``), or
alternating ``+1, -1`` (``common.py``: ``ones_init``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from symbolic.core.errors import RelusymError
from symbolic.finite.data import Dataset

__all__ = ["Layer", "Network", "Forward", "init_params", "forward", "forward_float",
           "jacobian_integer", "jacobian_exact", "jacobian_float", "loss_exact",
           "loss_float", "params_from_vector", "OUTPUT_INITS"]

OUTPUT_INITS = ("gaussian", "alternating")


@dataclass(frozen=True)
class Layer:
    """``W = KW / den``, ``b = Kb / den`` (integer object arrays)."""

    KW: np.ndarray
    Kb: np.ndarray
    den: int

    def W_float(self) -> np.ndarray:
        return self.KW.astype(float) / self.den

    def b_float(self) -> np.ndarray:
        return self.Kb.astype(float) / self.den


@dataclass(frozen=True)
class Network:
    """Hidden layers and the output weights ``v = Kv / vden``."""

    layers: tuple[Layer, ...]
    Kv: np.ndarray
    vden: int
    train_output: bool = False

    @property
    def d0(self) -> int:
        return int(self.layers[0].KW.shape[1])

    @property
    def widths(self) -> tuple[int, ...]:
        return tuple(int(L.KW.shape[0]) for L in self.layers)

    @property
    def depth(self) -> int:
        return len(self.layers)

    @property
    def num_params(self) -> int:
        p = sum(L.KW.size + L.Kb.size for L in self.layers)
        return int(p + (self.Kv.size if self.train_output else 0))

    def v_float(self) -> np.ndarray:
        return self.Kv.astype(float) / self.vden

    def vector(self) -> list[Fraction]:
        """``theta`` as exact Fractions, in the documented order."""
        out: list[Fraction] = []
        for L in self.layers:
            out += [Fraction(int(k), L.den) for k in L.KW.ravel()]
            out += [Fraction(int(k), L.den) for k in L.Kb]
        if self.train_output:
            out += [Fraction(int(k), self.vden) for k in self.Kv]
        return out

    def vector_float(self) -> np.ndarray:
        parts = []
        for L in self.layers:
            parts += [L.W_float().ravel(), L.b_float()]
        if self.train_output:
            parts.append(self.v_float())
        return np.concatenate(parts)


def _common(qs: list[Fraction]) -> tuple[np.ndarray, int]:
    den = 1
    for q in qs:
        den = den * q.denominator // math.gcd(den, q.denominator)
    return np.array([int(q * den) for q in qs], dtype=object), den


def params_from_vector(net: Network, theta: list) -> Network:
    """The network with trained parameters ``theta`` (exact numbers), same ``v`` and shape."""
    theta = [Fraction(t) for t in theta]
    if len(theta) != net.num_params:
        raise RelusymError(f"theta has {len(theta)} entries, the network {net.num_params}")
    layers, pos = [], 0
    for L in net.layers:
        r, c = L.KW.shape
        block = theta[pos:pos + r * c + r]
        pos += r * c + r
        K, den = _common(block)
        layers.append(Layer(K[:r * c].reshape(r, c), K[r * c:], den))
    Kv, vden = net.Kv, net.vden
    if net.train_output:
        Kv, vden = _common(theta[pos:])
    return Network(tuple(layers), Kv, vden, net.train_output)


def init_params(d0: int, widths: tuple[int, ...] | list[int], *,
                seed: int | np.random.Generator = 0, output: str = "gaussian",
                train_output: bool = False) -> Network:
    """A random rational network with the paper's initialisation (module docstring)."""
    widths = tuple(int(w) for w in widths)
    if d0 < 1 or not widths or min(widths) < 1:
        raise RelusymError(f"d0 = {d0} and widths = {widths} must be positive")
    if output not in OUTPUT_INITS:
        raise RelusymError(f"output init {output!r} is not one of {OUTPUT_INITS}")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    grid = 2**30
    layers = []
    fan_in = d0
    for w in widths:
        s = Fraction(round(2**10 / math.sqrt(fan_in)), 2**10)
        den = grid * s.denominator
        k = rng.integers(-grid, grid, size=(w, fan_in + 1), endpoint=True)
        K = np.array([[int(x) * s.numerator for x in row] for row in k.tolist()], dtype=object)
        layers.append(Layer(K[:, :fan_in].copy(), K[:, fan_in].copy(), den))
        fan_in = w
    if output == "alternating":
        Kv, vden = np.array([1 if i % 2 == 0 else -1 for i in range(widths[-1])],
                            dtype=object), 1
    else:
        g = rng.standard_normal(widths[-1])
        Kv = np.array([int(round(x * 2**20)) or 1 for x in g], dtype=object)
        vden = 2**20
    return Network(tuple(layers), Kv, vden, train_output)


@dataclass(frozen=True)
class Forward:
    """Exact forward pass: per layer, pre-activation numerators ``Z[l]`` (``n x d_l``,
    common denominator ``zden[l]``) and activation patterns ``A[l] = Z[l] > 0``;
    outputs ``f = F / fden``. ``boundary``: some pre-activation is exactly 0 (the
    parameters lie on a region boundary, where the loss need not be differentiable)."""

    Z: tuple[np.ndarray, ...]
    zden: tuple[int, ...]
    A: tuple[np.ndarray, ...]
    F: np.ndarray
    fden: int
    boundary: bool

    def outputs(self) -> list[Fraction]:
        return [Fraction(int(k), self.fden) for k in self.F]


def forward(net: Network, data: Dataset) -> Forward:
    """Exact forward pass on the data (integer arithmetic)."""
    if data.d0 != net.d0:
        raise RelusymError(f"data have d0 = {data.d0}, the network {net.d0}")
    H, hden = data.KX, data.den
    Zs, dens, As, boundary = [], [], [], False
    for L in net.layers:
        Z = H.dot(L.KW.T) + hden * L.Kb[None, :]
        A = Z > 0
        boundary = boundary or bool((Z == 0).any())
        hden = hden * L.den
        Zs.append(Z)
        dens.append(hden)
        As.append(A.astype(bool))
        H = np.where(A, Z, 0).astype(object)
    F = H.dot(net.Kv)
    return Forward(tuple(Zs), tuple(dens), tuple(As), np.asarray(F, dtype=object),
                   hden * net.vden, boundary)


def jacobian_integer(net: Network, data: Dataset, fw: Forward | None = None,
                     ) -> tuple[np.ndarray, list[int]]:
    """``(M, c)`` with the exact Jacobian ``J[j, p] = d f(x_j) / d theta_p = M[j, p] / c[p]``
    (chain rule on integer numerators; ``c[p] > 0``)."""
    fw = fw or forward(net, data)
    n = data.n
    hs = [(data.KX, data.den)] + [(np.where(fw.A[l], fw.Z[l], 0).astype(object), fw.zden[l])
                                  for l in range(net.depth)]
    # g_L = a_L * v  (numerators over vden)
    G = np.where(fw.A[-1], net.Kv[None, :], 0).astype(object)
    gden = net.vden
    blocks: list[tuple[np.ndarray, int]] = [None] * net.depth  # type: ignore[list-item]
    for l in range(net.depth - 1, -1, -1):
        Hp, hpden = hs[l]
        Haug = np.hstack([Hp, np.full((n, 1), hpden, dtype=object)])
        d_l, d_prev = net.layers[l].KW.shape
        Wblk = (G[:, :, None] * Haug[:, None, :d_prev]).reshape(n, d_l * d_prev)
        bblk = G * hpden
        blocks[l] = (np.hstack([Wblk, bblk]), gden * hpden)
        if l > 0:
            G = np.where(fw.A[l - 1], G.dot(net.layers[l].KW), 0).astype(object)
            gden = gden * net.layers[l].den
    cols = [b for b, _ in blocks]
    scales = [s for b, s in blocks for _ in range(b.shape[1])]
    if net.train_output:
        HL, hLden = hs[-1]
        cols.append(HL)
        scales += [hLden] * HL.shape[1]
    return np.hstack(cols).astype(object), scales


def jacobian_exact(net: Network, data: Dataset) -> list[list[Fraction]]:
    """The Jacobian of the outputs with respect to ``theta`` as exact Fractions."""
    M, c = jacobian_integer(net, data)
    return [[Fraction(int(M[j, p]), c[p]) for p in range(M.shape[1])] for j in range(M.shape[0])]


def forward_float(net: Network, X: np.ndarray, theta: np.ndarray | None = None) -> np.ndarray:
    """Network outputs in float64, optionally at another parameter vector ``theta``."""
    theta = net.vector_float() if theta is None else np.asarray(theta, float)
    H, pos = np.asarray(X, float), 0
    for L in net.layers:
        r, c = L.KW.shape
        W = theta[pos:pos + r * c].reshape(r, c)
        b = theta[pos + r * c:pos + r * c + r]
        pos += r * c + r
        H = np.maximum(H @ W.T + b, 0.0)
    v = theta[pos:] if net.train_output else net.v_float()
    return H @ v


def jacobian_float(net: Network, X: np.ndarray) -> np.ndarray:
    """The Jacobian in float64 (backpropagation), for the float cross-check."""
    X = np.asarray(X, float)
    hs, As, H = [X], [], X
    for L in net.layers:
        Z = H @ L.W_float().T + L.b_float()
        As.append(Z > 0)
        H = np.maximum(Z, 0.0)
        hs.append(H)
    G = As[-1] * net.v_float()[None, :]
    blocks = [None] * net.depth
    for l in range(net.depth - 1, -1, -1):
        Hp = hs[l]
        blocks[l] = np.hstack([(G[:, :, None] * Hp[:, None, :]).reshape(X.shape[0], -1), G])
        if l > 0:
            G = As[l - 1] * (G @ net.layers[l].W_float())
    if net.train_output:
        blocks.append(hs[-1])
    return np.hstack(blocks)


def loss_exact(net: Network, data: Dataset) -> Fraction:
    """``1/2 sum_j (f(x_j) - y_j)^2`` exactly."""
    f = forward(net, data).outputs()
    return sum(((a - b) ** 2 for a, b in zip(f, data.y(), strict=True)), Fraction(0)) / 2


def loss_float(net: Network, data: Dataset, theta: np.ndarray | None = None) -> float:
    r = forward_float(net, data.X_float(), theta) - data.y_float()
    return float(0.5 * r @ r)
