r"""Symmetry-reduced loss, gradient and Hessian on a fixed-point space, symbolic in d.

Source: DESIGN.md section 2. On ``Fix(H)`` the weight matrix is ``W(theta)``,
linear in the parameters ``theta``; the reduced loss is
``ell(theta; d) = L(W(theta))`` and, by the principle of symmetric criticality,
the critical points of ``L`` in ``Fix(H)`` are the zeros of ``grad ell``.

The sums over rows of ``L``, its gradient and Hessian (:mod:`symbolic.loss.model`)
collapse into sums over *pair types*: an ordered pair of rows, or a row and a
target row, up to the action of ``H``. Each pair type has a multiplicity (a
polynomial in the block sizes, hence in ``d``) and, for each pair, the columns
split into *cells* (a marked column, or the unmarked rest of a block) on which
both rows are constant. Every inner product is then a short sum over cells
with polynomial counts; the Gram determinant ``G = |w|^2|u|^2 - (w.u)^2`` and
``Q.x = |w|^2 (u.x) - (w.u)(w.x)`` are written as Binet--Cauchy sums over pairs
of cells,

.. math::  G = \sum_{c<c'} n_c n_{c'} (w_c u_{c'} - w_{c'} u_c)^2, \qquad
           Q\cdot x = \sum_{c<c'} n_c n_{c'} (w_c u_{c'} - w_{c'} u_c)(w_c x_{c'} - w_{c'} x_c),

free of cancellation near parallel rows. No loop over ``d`` remains: the cost of
an evaluation does not depend on ``d``, and ``d`` may be any real number for
which the blocks make sense.

Directions. Derivatives are taken along *directions*: vectors in parameter
space. By default the directions are the coordinate vectors (the gradient and
the Jacobian of the reduced system); :mod:`symbolic.spectra.spectrum` passes the
representatives of isotypic components of a finer fixed space instead.

The expressions are built once with the sympy backend (exact: ``pi``, square
roots, ``acos``), the invariants compiled once (:mod:`symbolic.core.codegen`), and the
kernel (:mod:`symbolic.loss.kernel`) evaluated at run time by the chosen backend.
For numbers only (many blocks, batches of points) :mod:`symbolic.systems.reduced_numeric`
evaluates the same functions without building expressions.

Disk cache. The invariants (polynomials in the parameters and ``d``) are stored as
JSON lists of integer exponents and rational coefficients, keyed by the fixed
space, directions, substitution, argument symbols, the relusym version and the
source of this module and :mod:`symbolic.symmetry.groups`, in ``$RELUSYM_CACHE_DIR`` or
``$XDG_CACHE_HOME/relusym`` (``~/.cache/relusym``); ``RELUSYM_CACHE=0`` disables
it. Writes are atomic (temporary file + ``os.replace``); an unreadable, corrupt
or foreign file is ignored and the system rebuilt. Nothing read is evaluated.

User input. Parameter values and ``d`` are parsed exactly with
:func:`symbolic.core.parsing.parse_number` / :func:`symbolic.symmetry.groups.parse_d` (sympy
objects pass unchanged for the sympy backend); strings in ``directions`` and
``substitution`` go through :func:`safe_expr` (numbers, ``+ - * / **``,
parentheses, parameter names, ``d``). Nothing is handed to ``sympify``/``eval``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property, lru_cache
from typing import Any

import numpy as np
import sympy as sp

from symbolic.core.backends import Backend, SympyBackend, get_backend
from symbolic.core.cache import read_entry, source_fingerprint, write_entry
from symbolic.core.codegen import compile_polynomials
from symbolic.core.errors import IsotropyError, RelusymError
from symbolic.core.parsing import parse_number
from symbolic.loss import kernel
from symbolic.symmetry.groups import D_SYMBOL, FixedSpace, parse_d, parse_isotropy

__all__ = ["PairType", "ReducedSystem", "reduced_system", "safe_expr"]


@dataclass(frozen=True)
class Cell:
    """A set of ``count`` columns on which both rows of a pair are constant."""

    count: sp.Expr
    w: sp.Expr  # entry of row i
    u: sp.Expr  # entry of the other row (row j, or target row l)


@dataclass(frozen=True)
class PairType:
    """An orbit of ordered pairs: ``kind`` is ``"self"`` (i, i), ``"row"`` (i, j != i)
    or ``"target"`` (row i, target row l); ``count`` is the orbit size."""

    kind: str
    count: sp.Expr
    cells: tuple[Cell, ...]
    label: str


def _pair_types(fs: FixedSpace) -> list[PairType]:
    """Enumerate the pair types of ``Fix(H)`` with their cells."""
    r = fs.r
    p = [b.size for b in fs.blocks]
    m = [b.size for b in fs.extra]
    out: list[PairType] = []

    def cells_for(row_i, row_u, marks):
        """marks: list of (block, id); row descriptors: ("diag", a, mark) |
        ("extra", e) | ("target", mark)."""
        cells = []
        for b in range(1, r + 1):
            mk = [mm for mm in marks if mm[0] == b]
            for mm in mk:
                cells.append((sp.Integer(1), b, mm))
            rest = sp.expand(p[b - 1] - len(mk))
            if rest != 0:
                cells.append((rest, b, None))

        def entry(desc, b, mm):
            if desc[0] == "target":
                return sp.Integer(1) if mm is not None and mm == desc[1] else sp.Integer(0)
            if desc[0] == "extra":
                return fs.entry_symbol(("extra", desc[1]), b, False)
            return fs.entry_symbol(("diag", desc[1]), b, mm is not None and mm == desc[2])

        return tuple(Cell(n, entry(row_i, b, mm), entry(row_u, b, mm)) for n, b, mm in cells)

    rows = [("diag", a) for a in range(1, r + 1)] + [("extra", e) for e in range(1, len(m) + 1)]

    def size(rw):
        return p[rw[1] - 1] if rw[0] == "diag" else m[rw[1] - 1]

    def desc(rw, mark):
        return ("diag", rw[1], mark) if rw[0] == "diag" else ("extra", rw[1])

    def name(rw):
        return f"{'B' if rw[0] == 'diag' else 'E'}{rw[1]}"

    def weight(rw):
        return (fs.blocks if rw[0] == "diag" else fs.extra)[rw[1] - 1].alpha

    def add(kind, count, ri, ru, marks, label):
        # second-layer weights: a pair of student rows carries alpha_i alpha_j, a student
        # row against a target row alpha_i (beta = 1), DESIGN.md section 2 with alpha
        w = weight(ri) * (weight(ru) if ru[0] != "target" else 1)
        count = sp.expand(count * w)
        if count == 0:
            return
        out.append(PairType(kind, count, cells_for(ri, ru, marks), label))

    for rw in rows:
        mk = (rw[1], 0) if rw[0] == "diag" else None
        add("self", size(rw), desc(rw, mk), desc(rw, mk), [mk] if mk else [], f"{name(rw)}=")
    for ri in rows:
        for rj in rows:
            same = ri == rj
            mi = (ri[1], 0) if ri[0] == "diag" else None
            if rj[0] == "diag":
                mj = (rj[1], 1) if (same or (ri[0] == "diag" and ri[1] == rj[1])) else (rj[1], 0)
            else:
                mj = None
            marks = [x for x in (mi, mj) if x is not None]
            cnt = size(ri) * (size(rj) - 1) if same else size(ri) * size(rj)
            add("row", cnt, desc(ri, mi), desc(rj, mj), marks, f"{name(ri)}{name(rj)}")
    for ri in rows:
        mi = (ri[1], 0) if ri[0] == "diag" else None
        for b in range(1, r + 1):
            if ri[0] == "diag" and ri[1] == b:
                add("target", size(ri), desc(ri, mi), ("target", mi), [mi], f"{name(ri)}T=")
                add("target", size(ri) * (p[b - 1] - 1), desc(ri, mi), ("target", (b, 1)),
                    [mi, (b, 1)], f"{name(ri)}T{b}")
            else:
                marks = ([mi] if mi else []) + [(b, 0)] if not (mi and mi[0] == b) else [mi]
                add("target", size(ri) * p[b - 1], desc(ri, mi), ("target", (b, 0)),
                    marks, f"{name(ri)}T{b}")
    return out


def _dot(cells, f, g):
    return sp.expand(sum((c.count * f(c) * g(c) for c in cells), sp.S.Zero))


def _wedge(cells, a, b, c, e):
    """``<a ^ b, c ^ e>`` as a sum over pairs of cells (Binet--Cauchy)."""
    tot = sp.S.Zero
    for i in range(len(cells)):
        for j in range(i + 1, len(cells)):
            ci, cj = cells[i], cells[j]
            tot += ci.count * cj.count * (a(ci) * b(cj) - a(cj) * b(ci)) * (
                c(ci) * e(cj) - c(cj) * e(ci)
            )
    return sp.expand(tot)


class ReducedSystem:
    """Reduced loss, gradient and Hessian on ``Fix(H)`` along given directions.

    Parameters
    ----------
    space:
        The fixed-point space (or an isotropy string).
    directions:
        Vectors in parameter space (rows of a matrix with ``space.dim`` columns):
        numbers, sympy expressions or restricted strings (:func:`safe_expr`);
        default: the coordinate vectors.
    substitution:
        Optional map from parameter symbols (or their names) to expressions (e.g.
        the embedding of a coarser fixed space: sympy, numbers or restricted
        strings in the space's symbols, the ``arguments`` and ``d``), applied to
        every invariant.
    arguments:
        The symbols the evaluators take, in order (default: the space's parameters,
        or with a substitution the free symbols of its values sorted by name; pass
        the coarse space's symbols to keep its order).
    check_d:
        Check that ``d`` fits the blocks (default). A refined space used for
        Hessian blocks (:mod:`symbolic.spectra.spectrum`) switches this off: its remainder
        blocks may be empty at small ``d``, their orbits then have size 0 and drop
        out of every sum; ``d`` is checked on the coarse space instead.
    """

    def __init__(
        self,
        space: FixedSpace | str,
        directions: Any = None,
        substitution: dict | None = None,
        arguments: list | None = None,
        check_d: bool = True,
    ):
        self.space = parse_isotropy(space)
        self.check_d = check_d
        n = self.space.dim
        if directions is None:
            directions = np.eye(n, dtype=int)
        allowed = [*self.space.symbols, *(arguments or [])]
        dirs = [[safe_expr(x, allowed, "direction entry") for x in row] for row in directions]
        if any(len(row) != n for row in dirs):
            raise IsotropyError(f"directions must have {n} components")
        self.directions = dirs
        self.substitution = {}
        by_name = {s.name: s for s in self.space.symbols}
        for key, val in dict(substitution or {}).items():
            if isinstance(key, str):
                if key not in by_name:
                    raise IsotropyError(f"substitution: {key!r} is not a parameter of "
                                        f"{self.space.label!r} ({list(by_name)})")
                key = by_name[key]
            if not isinstance(key, sp.Symbol):
                raise IsotropyError(f"substitution: key {key!r} is not a parameter symbol")
            self.substitution[key] = safe_expr(val, allowed, f"substitution of {key}")
        if arguments is not None:
            self.arg_symbols = list(arguments)
        elif self.substitution:
            free = set()
            for v in self.substitution.values():
                free |= v.free_symbols
            self.arg_symbols = sorted(free - {D_SYMBOL}, key=lambda s: s.name)
        else:
            self.arg_symbols = list(self.space.symbols)

    # ------------------------------------------------------------ structure
    @cached_property
    def pair_types(self) -> list[PairType]:
        return _pair_types(self.space)

    def _dir_entry(self, k: int):
        coef = dict(zip(self.space.symbols, self.directions[k], strict=True))

        def fx(value):
            return coef.get(value, sp.S.Zero) if isinstance(value, sp.Symbol) else sp.S.Zero

        return fx

    @cached_property
    def _invariants(self) -> list[dict]:
        """Symbolic invariants of every pair type (before substitution)."""
        nd = len(self.directions)
        dirf = [self._dir_entry(k) for k in range(nd)]
        out = []
        for pt in self.pair_types:
            cells = pt.cells

            def W(c):
                return c.w

            def U(c):
                return c.u

            inv: dict[str, Any] = {"count": pt.count}
            inv["A"] = _dot(cells, W, W)
            if pt.kind == "self":
                inv["wx"] = [_dot(cells, W, lambda c, f=f: f(c.w)) for f in dirf]
                inv["XX"] = [[_dot(cells, lambda c, f=f: f(c.w), lambda c, g=g: g(c.w))
                              for g in dirf] for f in dirf]
                out.append(inv)
                continue
            inv["B"] = _dot(cells, U, U)
            inv["C"] = _dot(cells, W, U)
            inv["G"] = _wedge(cells, W, U, W, U)
            X = [lambda c, f=f: f(c.w) for f in dirf]
            inv["wx"] = [_dot(cells, W, x) for x in X]
            inv["ux"] = [_dot(cells, U, x) for x in X]
            inv["Qx"] = [_wedge(cells, W, U, W, x) for x in X]
            inv["xx"] = [_dot(cells, x, x) for x in X]
            inv["XX"] = [[_dot(cells, x, y) for y in X] for x in X]
            if pt.kind == "row":
                Y = [lambda c, f=f: f(c.u) for f in dirf]
                inv["wy"] = [_dot(cells, W, y) for y in Y]
                inv["Qy"] = [_wedge(cells, W, U, W, y) for y in Y]
                inv["yy"] = [_dot(cells, y, y) for y in Y]
                inv["XY"] = [[_dot(cells, x, y) for y in Y] for x in X]
            out.append(inv)
        return out

    @cached_property
    def _flat(self) -> tuple[list, list]:
        """All invariants flattened (after substitution), with their layout.

        Read from the disk cache (:mod:`symbolic.systems.reduced`'s ``_cache_*``) when an
        entry for this system exists, else built and stored."""
        key = self._cache_key()
        hit = _cache_load(key, [*self.space.symbols, D_SYMBOL, *self.arg_symbols])
        if hit is not None:
            return hit
        out = self._build_flat()
        _cache_store(key, *out)
        return out

    def _cache_key(self) -> str:
        """What determines the invariants: the space, directions, substitution, argument
        symbols, the relusym version and the source of the modules that build them."""
        parts = [
            self.space.label,
            repr(self.space),
            [[sp.srepr(x) for x in row] for row in self.directions],
            sorted((sp.srepr(k), sp.srepr(v)) for k, v in self.substitution.items()),
            [sp.srepr(s) for s in self.arg_symbols],
            _source_fingerprint(),
        ]
        return json.dumps(parts, sort_keys=True)

    def _build_flat(self) -> tuple[list, list]:
        layout, exprs = [], []
        sub = self.substitution
        for t, inv in enumerate(self._invariants):
            for key, val in inv.items():
                arr = np.array(val, dtype=object)
                layout.append((t, key, arr.shape, len(exprs)))
                for e in arr.ravel():
                    e = _internal_sympy(e)
                    exprs.append(sp.expand(e.xreplace(sub)) if sub else e)
        return layout, exprs

    @cached_property
    def _compiled(self):
        _, exprs = self._flat
        return compile_polynomials([*self.arg_symbols, D_SYMBOL], exprs)

    # ------------------------------------------------------------ evaluation
    def _unpack(self, be: Backend, flat: list, batch: tuple = ()) -> list[dict]:
        """Split the flat list of invariants into per-pair-type dictionaries.

        numpy: float arrays of shape ``shape + batch``; other backends: scalars and
        object arrays of backend numbers.
        """
        layout, _ = self._flat
        invs: list[dict] = [dict() for _ in self.pair_types]
        if be.name == "numpy" and batch == ():  # one point: no per-number overhead
            arr = np.asarray(flat, dtype=float)
            for t, key, shape, start in layout:
                n = int(np.prod(shape)) if shape else 1
                invs[t][key] = arr[start] if shape == () else arr[start:start + n].reshape(shape)
            return invs
        if be.name == "mpmath":
            mpf = be.mp.mpf
            flat = [v if type(v) is mpf else be.number(v) for v in flat]
            conv = lambda v: v  # noqa: E731
        elif be.name == "numpy":
            conv = lambda v: np.broadcast_to(np.asarray(v, dtype=float), batch)  # noqa: E731
        elif be.name == "sympy":
            conv = _internal_sympy
        else:
            conv = be.number
        for t, key, shape, start in layout:
            n = int(np.prod(shape)) if shape else 1
            vals = [conv(v) for v in flat[start:start + n]]
            if shape == ():
                invs[t][key] = vals[0]
            elif be.name == "numpy":
                invs[t][key] = np.stack(vals).reshape(shape + batch)
            else:
                arr = np.empty(n, dtype=object)
                for i, v in enumerate(vals):
                    arr[i] = v
                invs[t][key] = arr.reshape(shape)
        return invs

    def _inputs(self, be: Backend, values: Any, d: Any):
        if isinstance(values, dict):
            names = [s.name for s in self.arg_symbols]
            missing = [n for n in names if n not in values]
            if missing:
                raise IsotropyError(f"missing parameter values {missing}; need {names}")
            vals = [values[n] for n in names]
        else:
            vals = list(values)
            if len(vals) != len(self.arg_symbols):
                raise IsotropyError(
                    f"expected {len(self.arg_symbols)} parameter values "
                    f"{[s.name for s in self.arg_symbols]}, got {len(vals)}"
                )
        names = [s.name for s in self.arg_symbols]
        if be.name == "sympy":
            if d is None:
                dd = D_SYMBOL
            elif isinstance(d, sp.Basic):
                dd = d
            else:
                dq = parse_d(parse_number(d, "d") if not isinstance(d, str) else d)
                dd = sp.Rational(dq.numerator, dq.denominator) if isinstance(dq, Fraction) \
                    else sp.Integer(dq)
            return [_sympy_value(v, nm) for v, nm in zip(vals, names, strict=True)], dd
        if not _is_backend_number(d) and not isinstance(d, (str, int, Fraction)):
            d = parse_number(d, "d")
        dnum = parse_d(d) if not _is_backend_number(d) else d
        if self.check_d and not _is_backend_number(d):
            self.space.check_d(dnum)
        vals = [parse_number(v, nm) if isinstance(v, str) else v
                for v, nm in zip(vals, names, strict=True)]
        conv = (lambda v: np.asarray(v, dtype=float)) if be.name == "numpy" else be.number
        return [conv(v) for v in vals], (be.number(dnum) if not _is_backend_number(d) else d)

    def _evaluate(self, be: Backend, values, d, want: str):
        """Evaluate ``want`` in {"loss", "gradient", "hessian"} with backend ``be``."""
        with be.context():
            vals, dd = self._inputs(be, values, d)
            if be.name == "sympy":
                flat = [e.xreplace(dict(zip([*self.arg_symbols, D_SYMBOL], [*vals, dd],
                                            strict=True))) for e in self._flat[1]]
            else:
                flat = self._compiled(*vals, dd, _Q=_rational_for(be))
            batch = np.broadcast_shapes(*[np.shape(v) for v in vals]) \
                if be.name == "numpy" else ()
            invs = self._unpack(be, flat, batch)
            return self._assemble(be, invs, dd, want)

    def _assemble(self, be: Backend, invs: list[dict], dd, want: str):
        nd = len(self.directions)
        total: Any = 0
        for pt, inv in zip(self.pair_types, invs, strict=True):
            count = inv["count"]
            if be.name != "sympy" and _is_exact_zero(count):
                continue  # an empty orbit at this d (e.g. a block of size 0 or 1)
            kind = pt.kind
            if kind == "self":
                if want == "loss":
                    term = inv["A"] / 4
                elif want == "gradient":
                    term = inv["wx"] / 2
                else:
                    term = inv["XX"] / 2
                total = total + term * count
                continue
            # ell = sum_self A/4 + sum_row F/2 - sum_target F; derivatives of the row
            # terms pair up (i, j) and (j, i): grad = sum_row g.x, Hess = sum_row (H_ww + H_wu).
            sign = 1 if kind == "row" else -1
            A, B, C, G = inv["A"], inv["B"], inv["C"], inv["G"]
            if be.name == "sympy":
                G = sp.factor(G) if G != 0 else G
            if want == "loss":
                term = kernel.kernel_value(be, A, B, C, G)
                if kind == "row":
                    term = term / 2
            elif want == "gradient":
                al, bt = kernel.kernel_grad(be, A, B, C, G)
                term = inv["wx"] * al + inv["ux"] * bt
            else:
                hw = kernel.hess_ww(be, A, B, C, G)
                wx, Qx, xx = inv["wx"], inv["Qx"], inv["xx"]
                term = _outer_bilinear(be, hw, A, wx, wx, inv["XX"], Qx, Qx, xx, xx)
                if kind == "row":
                    hu = kernel.hess_wu(be, A, B, C, G)
                    term = term + _outer_bilinear(
                        be, hu, A, wx, inv["wy"], inv["XY"], Qx, inv["Qy"], xx, inv["yy"]
                    )
            total = total + term * (sign * count)
        if want == "loss":
            total = total + dd / 4 + dd * (dd - 1) / (4 * be.pi)
        if want == "gradient" and np.ndim(total) == 0:
            total = np.array([total] * nd, dtype=object)  # pragma: no cover
        return total

    # -------------------------------------------------------------- public
    def loss(self, values: Any, d: Any, *, backend: str | Backend = "mpmath", dps: int = 50):
        """The reduced loss ``ell(theta; d) = L(W(theta))``."""
        return self._evaluate(get_backend(backend, dps=dps), values, d, "loss")

    def gradient(self, values: Any, d: Any, *, backend: str | Backend = "mpmath",
                 dps: int = 50):
        """Derivatives of ``ell`` along every direction (the reduced gradient by default)."""
        return self._evaluate(get_backend(backend, dps=dps), values, d, "gradient")

    def hessian(self, values: Any, d: Any, *, backend: str | Backend = "mpmath",
                dps: int = 50):
        """Second derivatives ``x_k^T (d^2 ell) x_l`` along the directions."""
        return self._evaluate(get_backend(backend, dps=dps), values, d, "hessian")

    # ------------------------------------------------------------ symbolic
    @cached_property
    def loss_expr(self) -> sp.Expr:
        """The reduced loss as a sympy expression in the parameters and ``d``."""
        return self._evaluate(SympyBackend(), self.arg_symbols, None, "loss")

    @cached_property
    def gradient_exprs(self) -> list[sp.Expr]:
        """The reduced gradient (one expression per direction), exact in ``pi``, roots, ``acos``."""
        return list(self._evaluate(SympyBackend(), self.arg_symbols, None, "gradient"))

    @cached_property
    def hessian_exprs(self) -> sp.Matrix:
        """The reduced Hessian along the directions, as a sympy matrix.

        At parallel rows these expressions contain removable ``0/0``; evaluate
        numerically with :meth:`hessian`, which takes the limit.
        """
        return sp.Matrix(self._evaluate(SympyBackend(), self.arg_symbols, None, "hessian"))

    def equations(self, d: Any = None) -> dict:
        """The critical-point equations as a document: the parameters with their orbit
        sizes, the reduced loss and ``d loss / d theta_p = 0`` per parameter (sympy-parsable
        strings), symbolic in ``d`` or at the exact ``d`` given (checked against the space)."""
        from symbolic.core.formatting import exact_str

        sub = {}
        if d is not None:
            d = parse_d(d)
            self.space.check_d(d)
            sub = {D_SYMBOL: sp.Rational(d.numerator, d.denominator)
                   if isinstance(d, Fraction) else sp.Integer(d)}
        grads = [g.subs(sub) for g in self.gradient_exprs]
        return {
            "isotropy": self.space.label,
            "d": "d" if d is None else exact_str(d),
            "parameters": [{"name": q.name, "latex": q.latex,
                            "orbit_size": str(q.orbit_size)} for q in self.space.params],
            "loss": str(self.loss_expr.subs(sub)),
            "equations": {q.name: str(g)
                          for q, g in zip(self.space.params, grads, strict=True)},
        }


def _outer_bilinear(be, h, A, wx, wy, XY, Qx, Qy, xx, yy):
    """``x_k^T H y_l`` for all direction pairs (k, l) at once (broadcasting)."""
    return kernel.bilinear(
        be, h, A,
        wx[:, None], wy[None, :], XY,
        Qx[:, None], Qy[None, :], xx[:, None], yy[None, :],
    )


def _internal_sympy(x: Any) -> sp.Expr:
    """Internal values (sympy objects, Python/numpy integers) as sympy; no strings."""
    if isinstance(x, sp.Basic):
        return x
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        return sp.Integer(int(x))
    if isinstance(x, Fraction):
        return sp.Rational(x.numerator, x.denominator)
    raise TypeError(f"internal value {x!r} is not a sympy object")  # pragma: no cover


def _sympy_value(v: Any, what: str) -> sp.Expr:
    """A parameter value for the sympy backend: sympy objects pass, anything else is
    parsed as an exact number (never ``sympify``)."""
    if isinstance(v, sp.Basic):
        return v
    q = parse_number(v, what)
    return sp.Rational(q.numerator, q.denominator) if isinstance(q, Fraction) else sp.Integer(q)


_EXPR_TOKEN = re.compile(r"\s*(?:(?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)"
                         r"|(?P<name>[A-Za-z][A-Za-z0-9_]*)|(?P<op>\*\*|[-+*/()]))")


def safe_expr(value: Any, allowed: list, what: str = "expression") -> sp.Expr:
    """A sympy expression from trusted objects or a restricted string, never ``eval``.

    sympy objects pass unchanged; numbers are parsed exactly
    (:func:`symbolic.core.parsing.parse_number`); a string may hold only decimal
    numbers, ``+ - * / **`` (integer exponents up to 64), parentheses, ``d`` and
    the names of ``allowed`` symbols. It is tokenised and checked first, then
    parsed by :func:`sympy.parsing.sympy_parser.parse_expr` with those names only
    (decimals become exact rationals). Anything else raises :class:`RelusymError`.
    """
    if isinstance(value, sp.Basic):
        return value
    if not isinstance(value, str):
        q = parse_number(value, what)
        return sp.Rational(q.numerator, q.denominator) if isinstance(q, Fraction) \
            else sp.Integer(q)
    text = value.strip()
    if not text or len(text) > 2000:
        raise RelusymError(f"{what} = {value!r}: empty or too long")
    names = {s.name: s for s in allowed if isinstance(s, sp.Symbol)}
    names["d"] = D_SYMBOL
    tokens, pos = [], 0
    while pos < len(text):
        m = _EXPR_TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise RelusymError(f"{what} = {value!r}: character {text[pos]!r} at {pos} is not "
                               "allowed (numbers, + - * / **, parentheses, parameter names)")
        if m.group("name") and m.group("name") not in names:
            raise RelusymError(f"{what} = {value!r}: unknown name {m.group('name')!r} "
                               f"(allowed: {', '.join(sorted(names))})")
        num = m.group("num")
        if num and re.search(r"[eE]", num) and abs(int(re.split(r"[eE]", num)[1])) > 1000:
            raise RelusymError(f"{what} = {value!r}: exponent of {num} out of range")
        tokens.append(m)
        pos = m.end()
    for i, m in enumerate(tokens):
        if m.group("op") == "**":
            nxt = tokens[i + 1:i + 3]
            if nxt and nxt[0].group("op") in ("+", "-"):
                nxt = nxt[1:]
            if not nxt or not nxt[0].group("num") or not nxt[0].group("num").isdigit() \
                    or int(nxt[0].group("num")) > 64:
                raise RelusymError(f"{what} = {value!r}: '**' needs an integer exponent <= 64")
    from sympy.parsing.sympy_parser import parse_expr, rationalize, standard_transformations

    glob = {"Integer": sp.Integer, "Float": sp.Float, "Rational": sp.Rational,
            "Symbol": sp.Symbol, "__builtins__": {}}
    try:
        out = parse_expr(text, local_dict=dict(names), global_dict=glob,
                         transformations=standard_transformations + (rationalize,))
    except Exception:
        raise RelusymError(f"{what} = {value!r} is not a valid expression") from None
    if not isinstance(out, sp.Basic) or not out.free_symbols <= set(names.values()):
        raise RelusymError(f"{what} = {value!r} is not a valid expression")
    return out


def _is_backend_number(x) -> bool:
    return hasattr(x, "_mpf_") or type(x).__name__ == "arb"


def _is_exact_zero(x) -> bool:
    try:
        if isinstance(x, np.ndarray):
            return bool(np.all(x == 0))
        return bool(x == 0)
    except Exception:  # pragma: no cover
        return False


def _rational_for(be: Backend):
    if be.name == "numpy":
        return lambda p, q: p / q
    return lambda p, q: be.number(Fraction(p, q))


# ----------------------------------------------------------------- disk cache
#: Format version of the cache files (bump when the layout changes).
_CACHE_FORMAT = 1


def _source_fingerprint() -> str:
    return source_fingerprint("symbolic.systems.reduced", "symbolic.symmetry.groups")


def _cache_store(key: str, layout: list, exprs: list) -> None:
    """Write the invariants as JSON polynomial terms (integers only); atomic
    (:func:`symbolic.core.cache.write_entry`), silent on failure (the cache is optional)."""
    try:
        syms = sorted(set().union(*[_internal_sympy(e).free_symbols for e in exprs]),
                      key=lambda s: s.name)
        terms = []
        for e in exprs:
            e = _internal_sympy(e)
            if e == 0:
                terms.append([])
                continue
            p = sp.Poly(e, *syms, domain="QQ")
            terms.append([[list(m), int(c.p), int(c.q)] for m, c in p.terms()])
        data = {"format": _CACHE_FORMAT, "gens": [s.name for s in syms],
                "layout": [[t, k, list(shape), start] for t, k, shape, start in layout],
                "terms": terms}
    except (sp.PolynomialError, TypeError, ValueError):
        return
    write_entry("reduced", key, data)


def _cache_load(key: str, symbols: list) -> tuple[list, list] | None:
    """The cached ``(layout, exprs)`` for ``key``, or None (missing, disabled, stale or
    corrupt: the caller rebuilds). Nothing read is evaluated: the file holds integers
    and names, checked here, and the expressions are assembled from them."""
    data = read_entry("reduced", key)
    try:
        if not isinstance(data, dict) or data.get("format") != _CACHE_FORMAT:
            return None
        by_name = {s.name: s for s in symbols}
        gens = [by_name[n] for n in data["gens"]]
        layout = []
        for t, k, shape, start in data["layout"]:
            if not (isinstance(t, int) and isinstance(k, str) and isinstance(start, int)
                    and all(isinstance(x, int) for x in shape)):
                return None
            layout.append((t, k, tuple(shape), start))
        exprs = []
        for tl in data["terms"]:
            acc = []
            for mono, p, q in tl:
                if len(mono) != len(gens) or not all(
                        type(x) is int and 0 <= x <= 64 for x in (*mono,)) \
                        or type(p) is not int or type(q) is not int or q <= 0:
                    return None
                acc.append(sp.Rational(p, q) * sp.Mul(*[g**k for g, k in zip(gens, mono,
                                                                             strict=True) if k]))
            exprs.append(sp.Add(*acc) if acc else sp.S.Zero)
        n_needed = max((st + (int(np.prod(sh)) if sh else 1) for _, _, sh, st in layout),
                       default=0)
        if n_needed != len(exprs):
            return None
        return layout, exprs
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


@lru_cache(maxsize=64)
def reduced_system(spec: str) -> ReducedSystem:
    """The (cached) reduced system of an isotropy specification, coordinate directions."""
    return ReducedSystem(parse_isotropy(spec))
