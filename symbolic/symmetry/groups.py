r"""Isotropy groups of block type and their fixed-point spaces.

Source: DESIGN.md section 2. With the target ``V = I_d``, the loss is invariant
under ``S_k x S_d`` acting by ``(pi, rho) W = P_pi W P_rho^T``. The isotropy
groups used in the literature are products of diagonal symmetric groups on
blocks: split ``{1..d}`` into blocks of sizes ``p_1 + ... + p_r = d`` and let
``Delta(S_{p_1} x ... x S_{p_r})`` permute rows and columns of each block
together. With ``k > d`` the extra neurons form *row-only* blocks of sizes
``m_1, ..., m_s`` on which ``S_{m_e}`` permutes rows only.

The isotropy grammar (what a user types)::

    spec   := blocks [ ";" blocks ] [ "@" weights ]   # column ; row-only blocks @ alpha
    blocks := size ( "," size )*
    size   := affine expression in d with integer coefficients: d, d-1, 2, 2d-3, 2*d+1
    weights:= rational ( "," rational )*     # one per row block, column blocks first

``@`` gives the second-layer weights ``alpha`` of the student, constant on each row
block (the model ``f(x; W, alpha) = sum_i alpha_i relu(w_i . x)`` of
:mod:`symbolic.loss.model`; without ``@`` every ``alpha_i = 1``): ``d-1,1;1@1,1,1/2``
halves the output weight of the extra neuron. ``alpha`` is constant on the blocks, so
``H`` still leaves the loss invariant and the critical points of the reduced system are
critical points of ``L(W)`` for that fixed ``alpha``.

The column block sizes must add up to ``d`` identically. Examples: ``d``
(``Delta S_d``, the isotropy of ``W = I_d``), ``d-1,1``, ``d-2,2``, ``d-3,3``,
``d-2,1,1``, and ``d-1,1;1`` (``k = d + 1``: one extra neuron).

Fixed-point space ``Fix(H)``: ``W_ij`` depends only on the pair of blocks of
``(i, j)`` and, inside a diagonal square, on whether ``i = j``. Parameters:

* ``D<a>`` -- diagonal entries of block ``a``'s square;
* ``O<a>`` -- off-diagonal entries of block ``a``'s square (absent when the
  block is the literal size 1);
* ``P<a><b>`` -- rows of block ``a``, columns of block ``b != a``;
* ``R<e><b>`` -- rows of row-only block ``e``, columns of block ``b``.

Their number does not depend on ``d``: ``d-1,1`` has 5 parameters, ``d-2,2`` 6.
The orbit sizes (how many entries of ``W`` share a parameter) are polynomials in
``d``. A block written with ``d`` must have size at least 2 at the ``d`` used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property, lru_cache
from typing import Any

import numpy as np
import sympy as sp

from symbolic.core.errors import IsotropyError
from symbolic.core.parsing import parse_d  # re-exported: parse_d lives with the parsers
from symbolic.symmetry.layout import BlockSize, SpaceLayout

__all__ = [
    "D_SYMBOL",
    "Block",
    "Param",
    "FixedSpace",
    "parse_isotropy",
    "parse_d",
    "poly_at",
    "SpaceAt",
]

#: The dimension ``d`` as a sympy symbol, ``Symbol("d", positive=True)``; exported as
#: ``symbolic.d``. Substitute with this symbol (``expr.subs(symbolic.d, 3)``):
#: ``Symbol("d")`` without the assumption is a *different* symbol to sympy. The
#: assumption is kept because the reduced expressions rely on it
#: (``sqrt(d**2) = d``, signs of orbit sizes) when sympy simplifies them.
D_SYMBOL = sp.Symbol("d", positive=True)

_TERM = re.compile(r"\s*([+-]?)\s*(\d*)\s*(\*?\s*d)?\s*")


@lru_cache(maxsize=4096)
def _coefficients(expr: sp.Expr) -> tuple[Fraction, ...]:
    """Rational coefficients (highest degree first) of a polynomial in ``d``."""
    p = sp.Poly(sp.expand(expr), D_SYMBOL, domain="QQ")
    return tuple(Fraction(int(c.p), int(c.q)) for c in p.all_coeffs())


def poly_at(expr: sp.Expr, d: int | Fraction) -> int | Fraction:
    """The exact value at ``d`` of a polynomial in ``d`` with rational coefficients
    (an orbit size, a block size, an irreducible's dimension): Horner's rule on
    :class:`fractions.Fraction`, the coefficients extracted once per expression.
    The one evaluator of polynomials in ``d`` of the package (no float, no sympy
    substitution at evaluation time)."""
    dd = Fraction(d)
    out = Fraction(0)
    for c in _coefficients(expr):
        out = out * dd + c
    return int(out) if out.denominator == 1 else out


def _parse_size(text: str) -> sp.Expr:
    """Parse an affine expression ``a*d + b`` with integer ``a >= 0``."""
    s = text.replace(" ", "")
    if not s:
        raise IsotropyError("empty block size (two commas in a row, or a trailing comma?)")
    if not re.fullmatch(r"[0-9d+\-*]+", s):
        raise IsotropyError(f"block size {text!r}: only integers, d, +, - and * are allowed")
    pos, a, b = 0, 0, 0
    while pos < len(s):
        m = re.match(r"([+-]?)(\d*)(\*?d)?", s[pos:])
        if not m or m.end() == 0 or (not m.group(2) and not m.group(3)):
            raise IsotropyError(f"block size {text!r} is not an affine expression in d")
        if pos > 0 and not m.group(1):
            raise IsotropyError(f"block size {text!r}: missing + or - between terms")
        sign = -1 if m.group(1) == "-" else 1
        if m.group(3):
            if m.group(3).startswith("*") and not m.group(2):
                raise IsotropyError(f"block size {text!r}: '*' needs a coefficient")
            a += sign * (int(m.group(2)) if m.group(2) else 1)
        else:
            b += sign * int(m.group(2))
        pos += m.end()
    if a < 0:
        raise IsotropyError(f"block size {text!r} decreases with d")
    return a * D_SYMBOL + b


@dataclass(frozen=True)
class Block:
    """A block of indices: its size (affine in ``d``), whether it is row-only, and the
    second-layer weight ``alpha`` of its rows (a rational, default 1)."""

    size: sp.Expr
    row_only: bool = False
    alpha: sp.Rational = sp.Integer(1)

    @property
    def literal(self) -> bool:
        """True when the size does not depend on ``d``."""
        return not self.size.has(D_SYMBOL)

    @property
    def has_offdiagonal(self) -> bool:
        """A diagonal block's square has an off-diagonal parameter unless its size is 1."""
        return not self.row_only and not (self.literal and self.size == 1)

    def value(self, d: int | Fraction) -> int | Fraction:
        """The size at ``d`` (exact)."""
        return poly_at(self.size, d)


@dataclass(frozen=True)
class Param:
    """One parameter of ``Fix(H)``: a name, its sympy symbol, its orbit of entries.

    ``kind`` is ``"D"`` (diagonal), ``"O"`` (off-diagonal), ``"P"`` (rows of
    block ``row``, columns of block ``col``) or ``"R"`` (row-only block ``row``).
    ``orbit_size`` is the number of entries of ``W`` equal to it (a polynomial in d).
    """

    name: str
    symbol: sp.Symbol
    kind: str
    row: int
    col: int
    orbit_size: sp.Expr
    latex: str


def _index(*ix: int, wide: bool) -> str:
    return ("_".join(str(i) for i in ix)) if wide else "".join(str(i) for i in ix)


@dataclass(frozen=True)
class SpaceAt:
    """Sizes of a fixed space at one ``d`` (exact ``int`` or ``Fraction``):
    :meth:`FixedSpace.at`. ``orbit_sizes`` follow ``space.params``."""

    d: int | Fraction
    block_sizes: tuple
    extra_sizes: tuple
    orbit_sizes: tuple
    k: int | Fraction

    def orbit(self, name_or_index: str | int) -> int | Fraction:
        """The orbit size of one parameter (by name or index)."""
        return self.orbit_sizes[name_or_index] if isinstance(name_or_index, int) else \
            self.orbit_sizes[self._names.index(name_or_index)]

    _names: tuple = field(default=(), repr=False)


@lru_cache(maxsize=1024)
def _space_at(space: FixedSpace, d: int | Fraction) -> SpaceAt:
    space.check_d(d)
    ps = tuple(poly_at(b.size, d) for b in space.blocks)
    ms = tuple(poly_at(b.size, d) for b in space.extra)
    orb = tuple(poly_at(q.orbit_size, d) for q in space.params)
    return SpaceAt(d, ps, ms, orb, poly_at(space.k_expr, d), tuple(space.names))


@dataclass(frozen=True)
class FixedSpace:
    """The fixed-point space of ``Delta(S_{p_1} x ... x S_{p_r}) x S_{m_1} x ...``.

    ``blocks`` are the diagonal (column) blocks, ``extra`` the row-only blocks.
    Rows are ordered: diagonal blocks in order, then the row-only blocks; columns:
    diagonal blocks in order.
    """

    blocks: tuple[Block, ...]
    extra: tuple[Block, ...] = ()
    label: str = field(default="", compare=False)

    def __post_init__(self):
        if not self.blocks:
            raise IsotropyError("an isotropy needs at least one column block")
        total = sp.expand(sum(b.size for b in self.blocks))
        if sp.expand(total - D_SYMBOL) != 0:
            raise IsotropyError(
                f"column block sizes add up to {total}, not to d"
                + (f" (in {self.label!r})" if self.label else "")
            )
        if not self.label:
            object.__setattr__(self, "label", self._make_label())

    def _make_label(self) -> str:
        def fmt(e):
            return str(e).replace(" ", "")

        s = ",".join(fmt(b.size) for b in self.blocks)
        if self.extra:
            s += ";" + ",".join(fmt(b.size) for b in self.extra)
        if self.has_alpha:
            s += "@" + ",".join(str(b.alpha) for b in (*self.blocks, *self.extra))
        return s

    @property
    def has_alpha(self) -> bool:
        """Whether some row block has a second-layer weight other than 1."""
        return any(b.alpha != 1 for b in (*self.blocks, *self.extra))

    def alpha_vector(self, d) -> list:
        """The second-layer weight of every row at integer ``d`` (exact rationals, rows
        in the order of :meth:`row_layout`): the ``alpha`` of :mod:`symbolic.loss.model`."""
        rows, _ = self.row_layout(d)
        return [Fraction(int(b.alpha.p), int(b.alpha.q)) for b in
                (self.blocks[i - 1] if kind == "diag" else self.extra[i - 1]
                 for kind, i in rows)]

    # ----------------------------------------------------------------- sizes
    @property
    def r(self) -> int:
        """Number of diagonal blocks."""
        return len(self.blocks)

    @property
    def k_expr(self) -> sp.Expr:
        """Number of neurons ``k`` as a polynomial in d."""
        return sp.expand(D_SYMBOL + sum((b.size for b in self.extra), sp.S.Zero))

    def min_d(self) -> int:
        """Smallest integer d at which every block is valid."""
        d = 1
        while True:
            try:
                self.check_d(d)
                return d
            except IsotropyError:
                d += 1
                if d > 10_000:  # pragma: no cover - sizes are affine, never reached
                    raise

    @cached_property
    def layout(self) -> SpaceLayout:
        """The sympy-free part (label, names, block sizes): :mod:`symbolic.symmetry.layout`."""
        def size(b: Block, kind: str) -> BlockSize:
            return BlockSize(kind, str(b.size), int(b.size.coeff(D_SYMBOL)),
                             int(b.size.subs(D_SYMBOL, 0)))

        return SpaceLayout(self.label, tuple(self.names),
                           tuple([size(b, "block") for b in self.blocks]
                                 + [size(b, "row-only block") for b in self.extra]))

    def check_d(self, d: int | Fraction) -> None:
        """Raise :class:`IsotropyError` if the blocks do not fit at this ``d``."""
        self.layout.check_d(d)

    def _min_d_hint(self) -> int:
        return self.layout.min_d()

    def sizes(self, d: int | Fraction) -> tuple[list, list]:
        """Numeric sizes ``([p_1..p_r], [m_1..m_s])`` at ``d`` (checked)."""
        at = self.at(d)
        return list(at.block_sizes), list(at.extra_sizes)

    def at(self, d: Any) -> SpaceAt:
        """Block sizes, orbit sizes and ``k`` at ``d`` (checked, exact, cached): the one
        place where the polynomials in ``d`` of a fixed space are evaluated.
        ``d``: int, Fraction or a user string (parsed once by :func:`parse_d`)."""
        return _space_at(self, parse_d(d))

    # ------------------------------------------------------------ parameters
    @cached_property
    def params(self) -> tuple[Param, ...]:
        """The parameters, in a fixed order: per diagonal block ``D, O``, then ``P``, ``R``."""
        wide = (self.r + len(self.extra)) >= 10
        out: list[Param] = []
        p = [b.size for b in self.blocks]
        for a, blk in enumerate(self.blocks, start=1):
            n = f"D{_index(a, wide=wide)}"
            out.append(Param(n, sp.Symbol(n, real=True), "D", a, a, p[a - 1],
                             f"D_{{{_index(a, wide=True)}}}"))
            if blk.has_offdiagonal:
                n = f"O{_index(a, wide=wide)}"
                out.append(Param(n, sp.Symbol(n, real=True), "O", a, a,
                                 sp.expand(p[a - 1] * (p[a - 1] - 1)),
                                 f"O_{{{_index(a, wide=True)}}}"))
        for a in range(1, self.r + 1):
            for b in range(1, self.r + 1):
                if a != b:
                    n = f"P{_index(a, b, wide=wide)}"
                    out.append(Param(n, sp.Symbol(n, real=True), "P", a, b,
                                     sp.expand(p[a - 1] * p[b - 1]),
                                     f"P_{{{_index(a, b, wide=wide)}}}"))
        for e, blk in enumerate(self.extra, start=1):
            for b in range(1, self.r + 1):
                n = f"R{_index(e, b, wide=wide)}"
                out.append(Param(n, sp.Symbol(n, real=True), "R", e, b,
                                 sp.expand(blk.size * p[b - 1]),
                                 f"R_{{{_index(e, b, wide=wide)}}}"))
        return tuple(out)

    @property
    def dim(self) -> int:
        """``dim Fix(H)``: the number of parameters (independent of d)."""
        return len(self.params)

    @property
    def names(self) -> list[str]:
        return [q.name for q in self.params]

    @property
    def symbols(self) -> list[sp.Symbol]:
        return [q.symbol for q in self.params]

    def param(self, name: str) -> Param:
        for q in self.params:
            if q.name == name:
                return q
        raise IsotropyError(f"{self.label!r} has no parameter {name!r}; it has {self.names}")

    def entry_symbol(self, row_block: tuple[str, int], col_block: int, same_index: bool):
        """The symbol of an entry: row in ``("diag", a)`` or ``("extra", e)``, column
        in diagonal block ``col_block`` (1-based); ``same_index`` marks a diagonal entry."""
        kind, a = row_block
        if kind == "extra":
            return self._by_key[("R", a, col_block)]
        if a == col_block:
            if same_index:
                return self._by_key[("D", a, a)]
            return self._by_key.get(("O", a, a), sp.S.Zero)
        return self._by_key[("P", a, col_block)]

    @cached_property
    def _by_key(self) -> dict:
        return {(q.kind, q.row, q.col): q.symbol for q in self.params}

    # --------------------------------------------------------- matrices <-> params
    def _require_integer_d(self, d) -> int:
        d = parse_d(d)
        if not isinstance(d, int):
            raise IsotropyError(f"a weight matrix needs an integer d, got {d}")
        self.check_d(d)
        return d

    def row_layout(self, d) -> tuple[list[tuple[str, int]], list[int]]:
        """For integer d: the block of every row (``("diag", a)``/``("extra", e)``)
        and the diagonal block of every column (1-based)."""
        d = self._require_integer_d(d)
        ps, ms = self.sizes(d)
        cols = [a for a, n in enumerate(ps, start=1) for _ in range(int(n))]
        rows = [("diag", a) for a in cols] + [
            ("extra", e) for e, n in enumerate(ms, start=1) for _ in range(int(n))
        ]
        return rows, cols

    def matrix(self, values: Any, d) -> np.ndarray:
        """The point ``W`` of ``Fix(H)`` with the given parameter values, at integer d.

        ``values`` is a mapping name -> value or a sequence in :attr:`params` order;
        entries keep their type (``object`` array).
        """
        vals = self.values_list(values)
        sym2val = dict(zip(self.symbols, vals, strict=True))
        rows, cols = self.row_layout(d)
        W = np.empty((len(rows), len(cols)), dtype=object)
        for i, rb in enumerate(rows):
            for j, cb in enumerate(cols):
                s = self.entry_symbol(rb, cb, i == j)
                W[i, j] = sym2val[s] if s != 0 else 0
        return W

    def values_list(self, values: Any) -> list:
        """Parameter values as a list in :attr:`params` order."""
        return self.layout.values_list(values)

    def orbit_masks(self, d) -> dict[str, np.ndarray]:
        """0/1 matrices ``E_p`` of every parameter's orbit, at integer d."""
        rows, cols = self.row_layout(d)
        masks = {n: np.zeros((len(rows), len(cols)), dtype=int) for n in self.names}
        name_of = {q.symbol: q.name for q in self.params}
        for i, rb in enumerate(rows):
            for j, cb in enumerate(cols):
                s = self.entry_symbol(rb, cb, i == j)
                if s != 0:
                    masks[name_of[s]][i, j] = 1
        return masks

    def project(self, M: Any, d) -> list:
        """Sum of the entries of ``M`` over each orbit: ``<M, E_p>`` for every parameter.

        For a gradient this is the reduced gradient (chain rule); dividing by the
        orbit size gives the orbit average.
        """
        M = np.asarray(M, dtype=object)
        masks = self.orbit_masks(d)
        return [sum(M[mask == 1]) for mask in (masks[n] for n in self.names)]

    # ---------------------------------------------------------------- refine
    def refine(
        self, splits: dict[int, list[int]], extra_splits: dict[int, list[int]] | None = None
    ) -> tuple[FixedSpace, dict]:
        """Split blocks into literal pieces and a remainder.

        ``splits = {a: [1, 1]}`` replaces diagonal block ``a`` (1-based) by blocks of
        sizes ``1, 1, p_a - 2`` (the remainder last; omitted when it is literally 0);
        ``extra_splits`` does the same for row-only blocks. Returns the finer fixed
        space (a subspace containing ``Fix(H)``, for a smaller group) and a dict with

        * ``"embedding"``: ``{finer symbol: coarse symbol}`` mapping a point of
          ``Fix(H)`` into the finer space;
        * ``"parent"`` / ``"extra_parent"``: the coarse block of every finer block;
        * ``"pieces"`` / ``"extra_pieces"``: for every coarse block, the 1-based
          indices of its pieces in the finer space.
        """
        extra_splits = extra_splits or {}

        def split(blocks, spl, row_only):
            new, parent, pieces = [], [], {}
            for a, blk in enumerate(blocks, start=1):
                if a in spl:
                    idx = []
                    for n in spl[a]:
                        new.append(Block(sp.Integer(n), row_only=row_only, alpha=blk.alpha))
                        parent.append(a)
                        idx.append(len(new))
                    rest = sp.expand(blk.size - sum(spl[a]))
                    if rest != 0:
                        new.append(Block(rest, row_only=row_only, alpha=blk.alpha))
                        parent.append(a)
                        idx.append(len(new))
                    pieces[a] = idx
                else:
                    new.append(blk)
                    parent.append(a)
                    pieces[a] = [len(new)]
            return new, parent, pieces

        nb, parent, pieces = split(self.blocks, splits, False)
        ne, eparent, epieces = split(self.extra, extra_splits, True)
        fine = FixedSpace(tuple(nb), tuple(ne))
        emb: dict = {}
        coarse = self._by_key
        for q in fine.params:
            if q.kind == "R":
                emb[q.symbol] = coarse[("R", eparent[q.row - 1], parent[q.col - 1])]
                continue
            pa, pb = parent[q.row - 1], parent[q.col - 1]
            if q.kind == "D":
                emb[q.symbol] = coarse[("D", pa, pa)]
            elif pa == pb:  # off-diagonal entries of the coarse square
                emb[q.symbol] = coarse.get(("O", pa, pa), sp.S.Zero)
            else:
                emb[q.symbol] = coarse[("P", pa, pb)]
        return fine, {
            "embedding": emb,
            "parent": parent,
            "pieces": pieces,
            "extra_parent": eparent,
            "extra_pieces": epieces,
        }


def _parse_alpha(text: str, spec: str) -> list:
    """The second-layer weights after ``@``: rationals ``1``, ``-2``, ``1/2``, ``0.25``
    (parsed exactly by :func:`symbolic.core.parsing.parse_number`, never evaluated)."""
    from symbolic.core.parsing import parse_number

    out = []
    for t in text.split(","):
        t = t.strip()
        if not t:
            raise IsotropyError(f"isotropy {spec!r}: empty second-layer weight after '@'")
        try:
            v = parse_number(t, "second-layer weight")
        except Exception:
            raise IsotropyError(f"isotropy {spec!r}: second-layer weight {t!r} is not a "
                                "rational number") from None
        v = Fraction(v)
        if v == 0:
            raise IsotropyError(f"isotropy {spec!r}: a second-layer weight 0 removes the "
                                "block's neurons; drop the block instead")
        out.append(sp.Rational(v.numerator, v.denominator))
    return out


def parse_isotropy(spec: str | FixedSpace) -> FixedSpace:
    """Parse an isotropy specification (see the module docstring).

    >>> parse_isotropy("d-1,1").names
    ['D1', 'O1', 'D2', 'P12', 'P21']
    >>> parse_isotropy("d-1,1;1").dim
    7
    """
    if isinstance(spec, FixedSpace):
        return spec
    if not isinstance(spec, str) or not spec.strip():
        raise IsotropyError(f"isotropy specification must be a non-empty string, got {spec!r}")
    text = spec.strip()
    weights = None
    if "@" in text:
        text, _, wtext = text.partition("@")
        weights = _parse_alpha(wtext, spec)
    parts = text.split(";")
    if len(parts) > 2:
        raise IsotropyError(f"{spec!r}: at most one ';' (column blocks ; row-only blocks)")
    try:
        cols = [Block(_parse_size(s)) for s in parts[0].split(",")]
        extra = (
            [Block(_parse_size(s), row_only=True) for s in parts[1].split(",")]
            if len(parts) == 2
            else []
        )
    except IsotropyError as exc:
        raise IsotropyError(f"malformed isotropy {spec!r}: {exc}") from None
    for b in cols + extra:
        if b.literal and b.size < 1:
            raise IsotropyError(f"malformed isotropy {spec!r}: block size {b.size} < 1")
    if weights is not None:
        if len(weights) != len(cols) + len(extra):
            raise IsotropyError(
                f"isotropy {spec!r}: {len(weights)} second-layer weights after '@' for "
                f"{len(cols) + len(extra)} row blocks (one per block, column blocks first)")
        cols = [Block(b.size, b.row_only, a) for b, a in zip(cols, weights, strict=False)]
        extra = [Block(b.size, b.row_only, a)
                 for b, a in zip(extra, weights[len(cols):], strict=True)]
    label = text.replace(" ", "")
    if weights is not None and any(a != 1 for a in weights):
        label += "@" + ",".join(str(a) for a in weights)
    return FixedSpace(tuple(cols), tuple(extra), label=label)
