r"""Numeric reduced loss, gradient and Hessian on ``Fix(H)`` without expanded expressions.

Source: DESIGN.md sections 1-2. :class:`symbolic.systems.reduced.ReducedSystem` builds
sympy expressions for the invariants of every pair type; their size grows like
``r^5`` in the number of blocks ``r``. This module evaluates the same reduced
functions numerically, directly from the pair types (:func:`symbolic.systems.reduced.
_pair_types`): for a pair type with cells ``c`` (counts ``n_c``, entries ``w_c``
of row ``i`` and ``u_c`` of the other row or target row, each a parameter, 0 or 1)

.. math::  A = \sum_c n_c w_c^2,\quad B = \sum_c n_c u_c^2,\quad C = \sum_c n_c w_c u_c,
           \quad P_c = u_c - (C/A)\, w_c,\quad \rho^2 = \sum_c n_c P_c^2,

so ``G = A rho^2`` (stable near parallel rows), ``S = sqrt(A) rho``,
``t = atan2(S, C)``, ``F = (S + (pi - t) C) / (2 pi)``. With ``a = sqrt(A)``,
``q_c = n_c P_c / rho`` (0 at ``rho = 0``) the kernel's gradient and Hessian
(:mod:`symbolic.loss.kernel`) read, in cell coordinates,

.. math::  g = \frac{\rho}{2\pi a}\, n w + \frac{\pi - t}{2\pi}\, n u,

    H_{ww} = \frac{\rho}{2\pi a}\,\mathrm{diag}(n) - \frac{\rho}{2\pi a^3}(nw)(nw)^T
             + \frac{\rho}{2\pi a}\, q q^T,

    H_{wu} = \frac{\pi - t}{2\pi}\mathrm{diag}(n) + \frac{C\rho}{2\pi a^3 B}(nw)(nw)^T
             + \frac{\rho^2}{2\pi a B}\big((nw) q^T + q (nw)^T\big)
             - \frac{C\rho}{2\pi a B}\, q q^T .

Every term but the ``diag`` ones carries a factor ``rho``: at parallel and
antiparallel pairs they vanish (the limits of DESIGN.md section 1) with no
``0/0``. The reduced quantities are sums over pair types with the orbit sizes
as weights (self pairs ``A/4``; row pairs ``F/2`` with ``H_ww + H_wu``; target
pairs ``-F`` with ``-H_ww``), mapped to the parameters by the cells' parameter
indices, plus the target-target constant ``d/4 + d(d-1)/(4 pi)``.

Cost: ``O(sum over pair types of cells^2)`` per point, independent of ``d`` and
of any expression size. Backends: numpy float64, vectorised over a batch of
points (:meth:`NumericReducedSystem.batch`), and mpmath / arb for one point.
A zero row of ``W`` (``A = 0``) makes the gradient undefined: NaN in a batch,
:class:`~symbolic.core.errors.NonDifferentiableError` for one point.
"""

from __future__ import annotations

from fractions import Fraction
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from symbolic.core.backends import Backend, get_backend
from symbolic.core.errors import IsotropyError, NonDifferentiableError, RelusymError
from symbolic.core.parsing import parse_d, parse_number

if TYPE_CHECKING:  # sympy is needed to *build* a system, not to evaluate a stored one
    from symbolic.symmetry.groups import FixedSpace

__all__ = ["NumericReducedSystem", "ZeroRowError", "numeric_system"]


class ZeroRowError(NonDifferentiableError, ZeroDivisionError):
    """A zero row of ``W``: gradient and Hessian do not exist. Also a ZeroDivisionError,
    which is what callers of :class:`~symbolic.systems.reduced.ReducedSystem` catch."""

_TWO_PI = 2 * np.pi


def poly_coefficients(expr: Any) -> tuple[Fraction, ...]:
    """Coefficients (highest degree first) of a polynomial in ``d``."""
    import sympy as sp

    from symbolic.symmetry.groups import D_SYMBOL

    p = sp.Poly(sp.expand(expr), D_SYMBOL, domain="QQ")
    return tuple(Fraction(int(c.p), int(c.q)) for c in p.all_coeffs())


def _horner(coeffs: tuple[Fraction, ...], d: int | Fraction) -> Fraction:
    out = Fraction(0)
    for c in coeffs:
        out = out * d + c
    return out


def _exact_number(x: Any, what: str) -> Any:
    """Backend numbers (mpf, arb) pass; everything else is parsed exactly."""
    if hasattr(x, "_mpf_") or type(x).__name__ == "arb":
        return x
    return parse_number(x, what)



def cell_indexer(space: Any):
    """Map a cell entry of a pair type (a parameter symbol, 0 or 1) to its column in the
    extended value vector ``theta + [0, 1]``: parameters ``0..n-1``, then 0 at ``n`` and
    1 at ``n + 1``. Shared by every evaluator built from the pair types."""
    n = space.dim
    index = {s: i for i, s in enumerate(space.symbols)}

    def idx(e):
        if e in index:
            return index[e]
        if e == 0:
            return n
        if e == 1:
            return n + 1
        raise AssertionError(f"unexpected cell entry {e}")  # pragma: no cover

    return idx

class NumericReducedSystem:
    """The reduced loss, gradient and Hessian of ``Fix(H)``, evaluated numerically.

    A drop-in for :class:`symbolic.systems.reduced.ReducedSystem`'s numeric evaluation (same
    constructor arguments; ``loss``/``gradient``/``hessian`` take the same values,
    ``d`` and ``backend``, including numpy's one-array-per-parameter batches with
    results of shape ``(nd, ...)``/``(nd, nd, ...)``). Same conventions: ``gradient``
    returns the derivatives of ``ell(theta) = L(W(theta))`` along every
    direction (default: the coordinate vectors, i.e. ``d ell / d theta_p``),
    ``hessian`` the second derivatives ``x_k^T (d^2 ell) x_l``.

    Parameters
    ----------
    space:
        The fixed space (or an isotropy string).
    directions:
        Vectors in the space's parameter coordinates (rows), exact numbers
        (int, Fraction, sympy Rational); default: the coordinate vectors.
    substitution:
        ``{space symbol: linear form in the argument symbols}`` (sympy), e.g. the
        embedding of a coarser fixed space; symbols not listed must be arguments.
    arguments:
        The symbols the evaluators take, in order (default: the space's
        parameters, or the sorted free symbols of the substitution's values).
    check_d:
        Check that ``d`` fits the blocks (default True).
    """

    def __init__(self, space: FixedSpace | str, directions: Any = None,
                 substitution: dict | None = None, arguments: list | None = None,
                 check_d: bool = True):
        import sympy as sp

        from symbolic.symmetry.groups import D_SYMBOL, parse_isotropy

        self.space = parse_isotropy(space)
        self.check_d = check_d
        n = self.space.dim
        if directions is None:
            X = [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]
            self._identity = True
        else:
            X = [[Fraction(parse_number(x, "direction entry")) for x in row]
                 for row in directions]
            if any(len(row) != n for row in X):
                raise IsotropyError(f"directions must have {n} components")
            self._identity = False
        self.directions = X
        sub = dict(substitution or {})
        if arguments is not None:
            self.arg_symbols = list(arguments)
        elif sub:
            free: set = set()
            for v in sub.values():
                free |= sp.sympify(v).free_symbols if isinstance(v, sp.Basic) else set()
            self.arg_symbols = sorted(free - {D_SYMBOL}, key=lambda s: s.name)
        else:
            self.arg_symbols = list(self.space.symbols)
        # Linear map from the arguments to the space's parameters: theta = E @ args.
        E = [[Fraction(0)] * len(self.arg_symbols) for _ in range(n)]
        pos = {s: i for i, s in enumerate(self.arg_symbols)}
        for p, s in enumerate(self.space.symbols):
            val = sub.get(s, s)
            if not isinstance(val, sp.Basic):
                val = sp.Rational(str(Fraction(parse_number(val, f"substitution of {s}"))))
            expr = sp.expand(val)
            if expr == 0:
                continue
            try:
                poly = sp.Poly(expr, *self.arg_symbols, domain="QQ") if self.arg_symbols \
                    else None
            except sp.PolynomialError:
                poly = None
            if poly is None or poly.total_degree() > 1 or poly.coeff_monomial(1) != 0:
                raise IsotropyError(f"substitution {s} -> {val}: only linear forms in the "
                                    f"arguments {[a.name for a in self.arg_symbols]} "
                                    "are supported")
            for a, i in pos.items():
                c = poly.coeff_monomial(a)
                if c != 0:
                    E[p][i] = Fraction(int(c.p), int(c.q))
        self._E = E
        self.arg_names = [s.name for s in self.arg_symbols]

    # ------------------------------------------------------------ stored form
    def to_plan(self) -> dict:
        """The system as plain JSON data (pair-type index arrays, count polynomials in
        ``d``, the argument map and the directions; exact rationals as strings):
        :meth:`from_plan` evaluates it without sympy (symbolic.spectra.spectrum_plan stores it
        on disk)."""
        st = self._structure
        q = str
        return {"n": st["n"], "T": st["T"], "m": st["m"],
                "iw": st["iw"].tolist(), "iu": st["iu"].tolist(), "kinds": st["kinds"],
                "counts": [[q(c) for c in p] for p in st["counts"]],
                "cells": [[[q(c) for c in p] for p in row] for row in st["cells"]],
                "E": [[q(x) for x in row] for row in self._E],
                "directions": [[q(x) for x in row] for row in self.directions],
                "identity": self._identity, "arguments": list(self.arg_names)}

    @classmethod
    def from_plan(cls, data: dict) -> NumericReducedSystem:
        """A system rebuilt from :meth:`to_plan` (no sympy; ``d`` is not checked against
        the blocks: the caller checks it, as for the isotypic block systems)."""
        F = Fraction
        self = cls.__new__(cls)
        self.space = None
        self.check_d = False
        self._identity = bool(data["identity"])
        self.directions = [[F(x) for x in row] for row in data["directions"]]
        self._E = [[F(x) for x in row] for row in data["E"]]
        self.arg_names = list(data["arguments"])
        self.arg_symbols = list(self.arg_names)  # only their number and names are used
        self.__dict__["_structure"] = {
            "iw": np.array(data["iw"], dtype=np.intp).reshape(data["T"], data["m"]),
            "iu": np.array(data["iu"], dtype=np.intp).reshape(data["T"], data["m"]),
            "kinds": list(data["kinds"]),
            "counts": [tuple(F(c) for c in p) for p in data["counts"]],
            "cells": [[tuple(F(c) for c in p) for p in row] for row in data["cells"]],
            "T": data["T"], "m": data["m"], "n": data["n"]}
        return self

    # ------------------------------------------------------------ structure
    @cached_property
    def _structure(self) -> dict:
        """Pair types as padded index arrays (built once, no expression expansion)."""
        from symbolic.systems.reduced import _pair_types

        fs = self.space
        idx = cell_indexer(fs)
        n = fs.dim
        ZERO = n  # column of the constant 0 in theta + [0, 1]

        pts = _pair_types(fs)
        m = max(len(pt.cells) for pt in pts)
        T = len(pts)
        iw = np.full((T, m), ZERO, dtype=np.intp)
        iu = np.full((T, m), ZERO, dtype=np.intp)
        cell_polys: list[list[tuple]] = []
        kinds = []
        counts = []
        for t, pt in enumerate(pts):
            kinds.append(pt.kind)
            counts.append(poly_coefficients(pt.count))
            row = []
            for c, cell in enumerate(pt.cells):
                iw[t, c] = idx(cell.w)
                iu[t, c] = idx(cell.u)
                row.append(poly_coefficients(cell.count))
            row += [(Fraction(0),)] * (m - len(row))
            cell_polys.append(row)
        return {"iw": iw, "iu": iu, "kinds": kinds, "counts": counts,
                "cells": cell_polys, "T": T, "m": m, "n": n}

    @lru_cache(maxsize=32)  # noqa: B019 - a handful of d values per system
    def _counts_at(self, d: int | Fraction) -> tuple[list[Fraction], list[list[Fraction]]]:
        st = self._structure
        cnt = [_horner(c, d) for c in st["counts"]]
        cells = [[_horner(c, d) for c in row] for row in st["cells"]]
        return cnt, cells

    def _counts_in(self, be: Backend, dd: int | Fraction) -> tuple[list, list]:
        """The counts at ``dd`` as ``be``'s numbers, with the cells' indices: converted
        once per (arb precision, d) for arb (its balls do not depend on a context),
        per call otherwise."""
        key = ("arb", be.prec, dd) if be.name == "arb" else None
        memo = self.__dict__.setdefault("_counts_memo", {})
        if key is not None and key in memo:
            return memo[key]
        st = self._structure
        cnt_q, cells_q = self._counts_at(dd)
        num = be.number
        cnt = [num(c) for c in cnt_q]
        cells = [[(num(nc), int(st["iw"][t, c]), int(st["iu"][t, c]), nc)
                  for c, nc in enumerate(cells_q[t]) if nc != 0] for t in range(st["T"])]
        if key is not None:
            if len(memo) > 16:
                memo.clear()
            memo[key] = (cnt, cells)
        return cnt, cells

    def _parse_d(self, d: Any) -> int | Fraction:
        if hasattr(d, "_mpf_") or isinstance(d, (float, np.floating)):
            d = parse_number(d, "d")
        dd = parse_d(d)
        if self.check_d:
            self._check_d(dd)
        return dd

    @lru_cache(maxsize=32)  # noqa: B019 - a handful of d values per system
    def _check_d(self, dd: int | Fraction) -> None:
        self.space.check_d(dd)

    def _values(self, values: Any) -> list:
        names = self.arg_names
        if isinstance(values, dict):
            missing = [k for k in names if k not in values]
            if missing:
                raise IsotropyError(f"missing parameter values {missing}; need {names}")
            vals = [values[k] for k in names]
        else:
            vals = list(values)
            if len(vals) != len(names):
                raise IsotropyError(f"expected {len(names)} parameter values {names}, "
                                    f"got {len(vals)}")
        return [_exact_number(v, nm) for v, nm in zip(vals, names, strict=True)]

    # ----------------------------------------------------------- one point
    def evaluate(self, values: Any, d: Any, *, backend: str | Backend = "mpmath",
                 dps: int = 50, want: tuple[str, ...] = ("loss", "gradient", "hessian")
                 ) -> dict:
        """Loss, gradient and/or Hessian at one point, as a dict keyed by ``want``.

        mpmath / arb: numbers and object arrays of the backend; numpy: float and
        float arrays (one point; for many use :meth:`batch`).
        """
        be = get_backend(backend, dps=dps)
        if be.name == "sympy":
            raise RelusymError("NumericReducedSystem is numeric: use backend numpy, mpmath "
                               "or arb (ReducedSystem gives sympy expressions)")
        dd = self._parse_d(d)
        if be.name == "numpy" and not isinstance(values, dict) and any(
                np.ndim(v) > 0 for v in values):
            # ReducedSystem's batch layout: one array per parameter; results (nd, ...)
            cols = np.broadcast_arrays(*[np.asarray(v, dtype=float) for v in values])
            shape = cols[0].shape
            X = np.stack([c.ravel() for c in cols], axis=-1)
            if X.shape[1] != len(self.arg_symbols):
                raise IsotropyError(f"expected {len(self.arg_symbols)} parameter arrays, "
                                    f"got {X.shape[1]}")
            out = self._batch(X, dd, want)
            res = {}
            for k in want:
                v = out[k]
                res[k] = v.reshape(shape) if k == "loss" else np.moveaxis(v, 0, -1).reshape(
                    v.shape[1:] + shape)
            return res
        vals = self._values(values)
        if be.name == "numpy":
            X = np.array([[float(v) for v in vals]])
            out = self._batch(X, dd, want)
            res: dict = {}
            for k in want:
                v = out[k][0]
                res[k] = float(v) if k == "loss" else v
            if ("gradient" in want or "hessian" in want) and not np.all(
                    np.isfinite(out.get("gradient", out.get("hessian"))[0])):
                raise ZeroRowError("a row of W is zero at this point: the loss "
                                   "is not differentiable there")
            return res
        with be.context():
            return self._scalar(be, vals, dd, want)

    def loss(self, values: Any, d: Any, *, backend: str | Backend = "mpmath",
             dps: int = 50):
        """The reduced loss ``ell(theta; d) = L(W(theta))``."""
        return self.evaluate(values, d, backend=backend, dps=dps, want=("loss",))["loss"]

    def gradient(self, values: Any, d: Any, *, backend: str | Backend = "mpmath",
                 dps: int = 50):
        """Derivatives of ``ell`` along every direction."""
        return self.evaluate(values, d, backend=backend, dps=dps,
                             want=("gradient",))["gradient"]

    def hessian(self, values: Any, d: Any, *, backend: str | Backend = "mpmath",
                dps: int = 50):
        """Second derivatives ``x_k^T (d^2 ell) x_l`` along the directions."""
        return self.evaluate(values, d, backend=backend, dps=dps,
                             want=("hessian",))["hessian"]

    def _scalar(self, be: Backend, vals: list, dd, want) -> dict:
        st = self._structure
        n = st["n"]
        num = be.number
        cnt_q, cells_q = self._counts_at(dd)
        cnt_b, cells_b = self._counts_in(be, dd)
        args = [num(v) for v in vals]
        theta = []
        for p in range(n):
            acc = num(0)
            for c, a in zip(self._E[p], args, strict=True):
                if c:
                    acc = acc + a * num(c) if c != 1 else acc + a
            theta.append(acc)
        ext = theta + [num(0), num(1)]
        pi = be.pi
        two_pi = 2 * pi
        zero = num(0)
        loss = zero
        g = [zero] * n
        H = [[zero] * n for _ in range(n)]
        need_g = "gradient" in want or "hessian" in want
        need_h = "hessian" in want
        arb = be.name == "arb"
        for t in range(st["T"]):
            if cnt_q[t] == 0:
                continue  # an empty orbit at this d
            kind = st["kinds"][t]
            cnt = cnt_b[t]
            cells = cells_b[t]
            w = [ext[i] for _, i, _, _ in cells]
            nw = [nc * x for (nc, _, _, _), x in zip(cells, w, strict=True)]
            A = sum((a * x for a, x in zip(nw, w, strict=True)), zero)
            if kind == "self":
                if need_g and not (A > 0):
                    raise ZeroRowError(
                        f"pair type {t}: a row of W is zero (|w|^2 = {be.to_str(A, 10)}): "
                        "the loss is not differentiable there")
                loss = loss + A * cnt / 4
                for (nc, i, _, _), a in zip(cells, nw, strict=True):
                    if i < n:
                        g[i] = g[i] + a * cnt / 2
                        if need_h:
                            H[i][i] = H[i][i] + nc * cnt / 2
                continue
            u = [ext[i] for _, _, i, _ in cells]
            nu = [nc * x for (nc, _, _, _), x in zip(cells, u, strict=True)]
            B = sum((a * x for a, x in zip(nu, u, strict=True)), zero)
            C = sum((a * x for a, x in zip(nw, u, strict=True)), zero)
            wt = cnt if kind == "row" else -cnt
            if not (A > 0) and not arb and A == 0:
                continue  # F(0, u) = 0; gradients are refused at the self pair type
            r = C / A
            P = [y - r * x for x, y in zip(w, u, strict=True)]
            nP = [c[0] * p for c, p in zip(cells, P, strict=True)]
            rho2 = sum((a * p for a, p in zip(nP, P, strict=True)), zero)
            rho = be.sqrt(rho2)
            a_ = be.sqrt(A)
            S = a_ * rho
            ang = be.angle(S, C, A, B)
            F = (S + (pi - ang) * C) / two_pi
            loss = loss + (F * cnt / 2 if kind == "row" else -F * cnt)
            if not need_g:
                continue
            alpha = rho / (two_pi * a_)
            beta = (pi - ang) / two_pi
            for (_, i, _, _), x, y in zip(cells, nw, nu, strict=True):
                if i < n:
                    g[i] = g[i] + (alpha * x + beta * y) * wt
            if not need_h:
                continue
            if arb and not (rho2 > 0):
                # |q_c| <= sqrt(n_c) when every count is >= 0; otherwise no finite bound.
                ok = all(c[3] >= 0 for c in cells)
                q = [be.flint.arb(0, float(np.sqrt(float(c[3])) * (1 + 1e-12)) + 1e-300)
                     if ok else be.flint.arb(0, float("inf")) for c in cells]
            elif not arb and not (rho2 > 0):
                q = [zero] * len(cells)
            else:
                q = [x / rho for x in nP]
            c_diag = alpha * wt
            c1 = -rho / (two_pi * a_ * A) * wt
            c2 = alpha * wt
            for ci, (nci, i, _, _) in enumerate(cells):
                if i >= n:
                    continue
                Hi = H[i]
                Hi[i] = Hi[i] + nci * c_diag
                for cj, (_, j, _, _) in enumerate(cells):
                    if j < n:
                        Hi[j] = Hi[j] + nw[ci] * nw[cj] * c1 + q[ci] * q[cj] * c2
            if kind != "row":
                continue
            den = two_pi * a_ * B
            e_diag = beta * wt
            e3 = C * rho / (den * A) * wt
            e4 = rho * rho / den * wt
            e5 = -C * rho / den * wt
            for ci, (nci, i, iu_i, _) in enumerate(cells):
                if i >= n:
                    continue
                Hi = H[i]
                if iu_i < n:
                    Hi[iu_i] = Hi[iu_i] + nci * e_diag
                for cj, (_, _, j, _) in enumerate(cells):
                    if j < n:
                        Hi[j] = Hi[j] + (nw[ci] * nw[cj] * e3 + (nw[ci] * q[cj] + q[ci]
                                         * nw[cj]) * e4 + q[ci] * q[cj] * e5)
        out: dict = {}
        if "loss" in want:
            dn = num(dd)
            out["loss"] = loss + dn / 4 + dn * (dn - 1) / (4 * pi)
        Xd = self.directions
        nd = len(Xd)
        if "gradient" in want:
            gv = np.empty(nd, dtype=object)
            for k in range(nd):
                if self._identity:
                    gv[k] = g[k]
                else:
                    gv[k] = sum((g[p] * num(x) for p, x in enumerate(Xd[k]) if x), zero)
            out["gradient"] = gv
        if need_h:
            Hs = [[(H[i][j] + H[j][i]) / 2 for j in range(n)] for i in range(n)]
            Hv = np.empty((nd, nd), dtype=object)
            if self._identity:
                for i in range(n):
                    for j in range(n):
                        Hv[i, j] = Hs[i][j]
            else:
                sparse = [[(p, num(x)) for p, x in enumerate(row) if x] for row in Xd]
                XH = [[sum((x * Hs[p][j] for p, x in sk), zero) for j in range(n)]
                      for sk in sparse]
                for k in range(nd):
                    for ll in range(nd):
                        Hv[k, ll] = sum((XH[k][p] * x for p, x in sparse[ll]), zero)
            out["hessian"] = Hv
        return out

    # --------------------------------------------------------------- batch
    def batch(self, points: Any, d: Any, *,
              want: tuple[str, ...] = ("loss", "gradient", "hessian"),
              chunk: int = 256) -> dict:
        """float64 loss ``(N,)``, gradient ``(N, nd)`` and Hessian ``(N, nd, nd)`` at
        ``N`` points (rows of ``points``, shape ``(N, len(arguments))``).

        Points with a zero row of ``W`` get NaN gradient and Hessian.
        """
        X = np.asarray(points, dtype=float)
        if X.ndim != 2 or X.shape[1] != len(self.arg_symbols):
            raise IsotropyError(f"points must have shape (N, {len(self.arg_symbols)}), "
                                f"got {X.shape}")
        if not np.all(np.isfinite(X)):
            raise RelusymError("points must be finite numbers")
        return self._batch(X, self._parse_d(d), want, chunk)

    def batch_at(self, X: np.ndarray, dd: int | Fraction, want: tuple[str, ...]) -> dict:
        """:meth:`batch` for the package's own float64 solvers: no input checks (``X`` a
        float array ``(N, len(arguments))``, ``dd`` exact and checked by the caller);
        rows with a zero row of ``W`` or non-finite entries give NaN."""
        return self._batch(X, dd, want)

    @cached_property
    def _np_maps(self):
        st = self._structure
        n = st["n"]
        Xd = np.array([[float(x) for x in row] for row in self.directions]).reshape(-1, n)
        Xa = np.concatenate([Xd, np.zeros((Xd.shape[0], 2))], axis=1)  # (nd, n+2)
        Mw = np.moveaxis(Xa[:, st["iw"]], 0, -1)  # (T, m, nd)
        Mu = np.moveaxis(Xa[:, st["iu"]], 0, -1)
        E = np.array([[float(x) for x in row] for row in self._E]).reshape(n, -1)
        return Mw, Mu, E

    @lru_cache(maxsize=32)  # noqa: B019 - a handful of d values per system
    def _np_at(self, dd: int | Fraction) -> dict:
        """float64 counts, index subsets and constant Hessian patterns at ``d``."""
        st = self._structure
        cnt_q, cells_q = self._counts_at(dd)
        cnt = np.array([float(c) for c in cnt_q])
        nc = np.array([[float(c) for c in row] for row in cells_q])  # (T, m)
        Mw, Mu, _ = self._np_maps
        keep = cnt != 0
        kinds = np.array(st["kinds"])
        s_idx = np.nonzero((kinds == "self") & keep)[0]
        p_idx = np.nonzero((kinds != "self") & keep)[0]
        rowm = kinds[p_idx] == "row"
        r_idx = np.nonzero(rowm)[0]
        ncp = nc[p_idx]
        Mwp, Mup = Mw[p_idx], Mu[p_idx]
        Kww = np.einsum("tc,tck,tcl->tkl", ncp, Mwp, Mwp).reshape(len(p_idx), -1)
        Kwu = np.einsum("tc,tck,tcl->tkl", ncp, Mwp, Mup).reshape(len(p_idx), -1)
        Kself = (cnt[s_idx] / 2) @ np.einsum("tc,tck,tcl->tkl", nc[s_idx], Mw[s_idx],
                                             Mw[s_idx]).reshape(len(s_idx), -1)
        wt = np.where(rowm, cnt[p_idx], -cnt[p_idx])
        return {
            "iw_s": st["iw"][s_idx], "nc_s": nc[s_idx], "cnt_s": cnt[s_idx],
            "gs": np.einsum("tc,tck->tck", nc[s_idx] * (cnt[s_idx] / 2)[:, None], Mw[s_idx]),
            "iw_p": st["iw"][p_idx], "iu_p": st["iu"][p_idx], "nc_p": ncp,
            "Mw_p": Mwp, "Mu_r": Mup[r_idx], "r_idx": r_idx, "wt": wt,
            "wt_row": wt * rowm, "lw": np.where(rowm, cnt[p_idx] / 2, -cnt[p_idx]),
            "Kww": Kww, "Kwu": Kwu, "Kself": Kself, "nd": Mw.shape[-1],
        }

    def _batch(self, X: np.ndarray, dd, want, chunk: int = 256) -> dict:
        c = self._np_at(dd)
        E = self._np_maps[2]
        outs = [self._batch_chunk(X[s:s + chunk] @ E.T, dd, want, c)
                for s in range(0, X.shape[0], chunk)]
        if len(outs) == 1:
            return outs[0]
        return {k: np.concatenate([o[k] for o in outs], axis=0) for k in want}

    def _batch_chunk(self, th: np.ndarray, dd, want, c: dict) -> dict:
        N = th.shape[0]
        ext = np.concatenate([th, np.zeros((N, 1)), np.ones((N, 1))], axis=1)
        out: dict = {}
        need_g = "gradient" in want or "hessian" in want
        # self pairs: A/4, w/2, I/2
        ws = ext[:, c["iw_s"]]  # (N, Ts, m)
        As = np.sum(c["nc_s"] * ws * ws, axis=-1)  # (N, Ts)
        loss = As @ c["cnt_s"] / 4
        # pairs of distinct rows and row-target pairs
        ncp = c["nc_p"]
        w = ext[:, c["iw_p"]]
        u = ext[:, c["iu_p"]]
        nw = ncp * w
        nu = ncp * u
        A = np.sum(nw * w, axis=-1)
        B = np.sum(nu * u, axis=-1)
        C = np.sum(nw * u, axis=-1)
        pos = A > 0
        As_ = np.where(pos, A, 1.0)
        P = u - (C / As_)[..., None] * w
        nP = ncp * P
        rho2 = np.sum(nP * P, axis=-1)
        rho = np.sqrt(np.maximum(rho2, 0.0))
        a = np.sqrt(As_)
        S = a * rho
        ang = np.arctan2(S, C)
        F = np.where(pos, (S + (np.pi - ang) * C) / _TWO_PI, np.where(A == 0, 0.0, np.nan))
        loss = loss + F @ c["lw"]
        if "loss" in want:
            dn = float(dd)
            out["loss"] = loss + dn / 4 + dn * (dn - 1) / (4 * np.pi)
        if not need_g:
            return out
        bad = np.any(As <= 0, axis=1) | np.any(~pos, axis=1)
        wt = c["wt"]
        alpha = rho / (_TWO_PI * a)
        beta = (np.pi - ang) / _TWO_PI
        gcell = (alpha[..., None] * nw + beta[..., None] * nu) * wt[:, None]  # (N, Tp, m)
        Mwp = c["Mw_p"]
        Np, Tp, m = gcell.shape
        nd = c["nd"]
        g = gcell.reshape(N, Tp * m) @ Mwp.reshape(Tp * m, nd) + ws.reshape(N, -1) @ \
            c["gs"].reshape(-1, nd)
        if "gradient" in want:
            out["gradient"] = np.where(bad[:, None], np.nan, g)
        if "hessian" not in want:
            return out
        with np.errstate(divide="ignore", invalid="ignore"):
            q = np.where((rho2 > 0)[..., None], nP / np.where(rho2 > 0, rho, 1.0)[..., None],
                         0.0)
        # constant (diagonal-in-cells) parts: coefficient x fixed pattern
        Hf = (((alpha * wt) @ c["Kww"] + (beta * c["wt_row"]) @ c["Kwu"]) + c["Kself"]
              ).reshape(N, nd, nd)
        # rank-one parts: vectors in direction space
        vw = _cells_to_directions(nw, Mwp)
        vq = _cells_to_directions(q, Mwp)
        c1 = (-rho / (_TWO_PI * a * As_) * wt)[..., None]
        c2 = (alpha * wt)[..., None]
        left = [c1 * vw, c2 * vq]
        right = [vw, vq]
        r_idx = c["r_idx"]
        if r_idx.size:
            Mur = c["Mu_r"]
            vwu = _cells_to_directions(nw[:, r_idx], Mur)
            vqu = _cells_to_directions(q[:, r_idx], Mur)
            wr = wt[r_idx]
            Bs = np.where(B[:, r_idx] > 0, B[:, r_idx], 1.0)
            Cr, rr = C[:, r_idx], rho[:, r_idx]
            dr = _TWO_PI * a[:, r_idx] * Bs
            e3 = (Cr * rr / (dr * As_[:, r_idx]) * wr)[..., None]
            e4 = (rr * rr / dr * wr)[..., None]
            e5 = (-Cr * rr / dr * wr)[..., None]
            vwr, vqr = vw[:, r_idx], vq[:, r_idx]
            left += [e3 * vwr, e4 * vwr, e4 * vqr, e5 * vqr]
            right += [vwu, vqu, vwu, vqu]
        L = np.concatenate(left, axis=1)
        R = np.concatenate(right, axis=1)
        Hf = Hf + np.matmul(L.transpose(0, 2, 1), R)
        Hf = (Hf + Hf.transpose(0, 2, 1)) / 2
        out["hessian"] = np.where(bad[:, None, None], np.nan, Hf)
        return out


def _cells_to_directions(v: np.ndarray, M: np.ndarray) -> np.ndarray:
    """``out[n, t, k] = sum_c v[n, t, c] M[t, c, k]`` (``einsum``: on the real shapes,
    one BLAS thread, it beats a batched ``matmul``, 0.46 s vs 0.55 s for 30 Hessian
    batches of 256 points at d-3,1,1,1)."""
    return np.einsum("ntc,tck->ntk", v, M)


@lru_cache(maxsize=64)
def numeric_system(spec: str) -> NumericReducedSystem:
    """The (cached) numeric reduced system of an isotropy specification."""
    return NumericReducedSystem(spec)
