r"""Reduced loss, gradient and Hessian evaluated on truncated series, from the pair types.

Source: DESIGN.md sections 1, 2 and 4. A series backend next to the numeric ones of
:mod:`symbolic.systems.reduced_numeric`: the same description of the reduced system (the pair
types of :func:`symbolic.systems.reduced._pair_types`, each with an orbit size and cells of
constant entries), evaluated on parameters that are truncated Laurent series in
``eps = d^{-1/2}`` (:class:`symbolic.systems.puiseux.Series`, coefficients exact in
``Q(pi)`` or ``Q(pi)(sqrt q)``), with ``d = eps^{-2}``. For a pair type with cells
``c`` (counts ``n_c``, polynomials in ``d``; entries ``w_c``, ``u_c``)

.. math::  A = \sum_c n_c w_c^2,\ B = \sum_c n_c u_c^2,\ C = \sum_c n_c w_c u_c,\
           P_c = u_c - (C/A) w_c,\ \rho^2 = \sum_c n_c P_c^2,\ G = A\rho^2,\
           S = \sqrt G,\ t = \operatorname{atan2}(S, C),

``F = (S + (pi - t) C) / (2 pi)``, ``g = S/(2 pi A) n w + (pi - t)/(2 pi) n u`` and, in
cell coordinates (``Q = A u - C w = A P``),

.. math::  H_{ww} = \tfrac{S}{2\pi A}\,\mathrm{diag}(n) - \tfrac{S}{2\pi A^2}(nw)(nw)^T
                    + \tfrac{1}{2\pi S}(nP)(nP)^T,

    H_{wu} = \tfrac{\pi - t}{2\pi}\,\mathrm{diag}(n) + \tfrac{C S}{2\pi A^2 B}(nw)(nw)^T
             + \tfrac{S}{2\pi A B}\big((nw)(nP)^T + (nP)(nw)^T\big)
             - \tfrac{C}{2\pi B S}(nP)(nP)^T

(the kernel's derivatives, :mod:`symbolic.loss.kernel`, rewritten with ``Q = A P``;
``G = A rho^2`` is the Gram determinant as a weighted sum of squares, so a small
``G`` is known to the full precision of the ``P_c``). Every intermediate (``A``,
``C/A``, ``P``, ``S``, the angle, the rank-one vectors aggregated per parameter) is
computed once per pair type and shared by the loss, the gradient and every Hessian
entry; no expression is expanded. At an exactly parallel pair (``rho^2 = 0`` as an
exact series) the ``1/S`` terms vanish (their limit, DESIGN.md section 1).

The reference implementation is :func:`symbolic.systems.puiseux.evaluate_reduced`, which
sums the sympy-expanded invariants of :mod:`symbolic.systems.reduced` monomial by monomial;
``tests/test_reduced_series.py`` checks that both give identical coefficients.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from symbolic.core.errors import IsotropyError, NonDifferentiableError
from symbolic.systems.puiseux import (
    INF,
    PI,
    Series,
    SeriesPrecisionError,
    atan2_series,
    eps_series,
    poly_d_series,
)
from symbolic.systems.reduced_numeric import poly_coefficients

__all__ = ["SeriesReducedSystem", "series_system"]

_ZERO_S = Series(0, [])


def _acc(acc: dict, key, val) -> None:
    old = acc.get(key)
    acc[key] = val if old is None else old + val


def _project(Xcol: list, vec: dict) -> dict:
    """``X v`` for a sparse parameter-space vector ``{i: series}``."""
    out: dict = {}
    for i, v in vec.items():
        for k, x in Xcol[i]:
            _acc(out, k, v if x == 1 else v.scale(x))
    return out


def _rational(x: Any, what: str) -> Fraction:
    x = sp.nsimplify(x) if not isinstance(x, sp.Basic) else x
    if not (isinstance(x, sp.Rational)):
        raise IsotropyError(f"{what} {x} is not a rational number (series evaluation)")
    return Fraction(int(x.p), int(x.q))


class SeriesReducedSystem:
    """The functions of a :class:`~symbolic.systems.reduced.ReducedSystem` on series arguments.

    Built from the system's pair types, directions, substitution (linear forms in
    the argument symbols) and argument order; the structure (counts as exact series in
    ``eps``, cell indices) is prepared once.
    """

    def __init__(self, R: Any):
        self.R = R
        space = R.space
        self.n = n = space.dim
        from symbolic.systems.reduced_numeric import cell_indexer

        idx = cell_indexer(space)

        self.types = []
        for pt in R.pair_types:
            cells = []
            for cell in pt.cells:
                cp = list(poly_coefficients(cell.count))
                if all(c == 0 for c in cp):
                    continue
                cells.append((poly_d_series(cp), idx(cell.w), idx(cell.u)))
            self.types.append((pt.kind, poly_d_series(list(poly_coefficients(pt.count))), cells))
        # theta = E @ args (the substitution's linear forms; identity without one)
        args = list(R.arg_symbols)
        pos = {s: i for i, s in enumerate(args)}
        self.E: list[list[tuple[int, Fraction]]] = []
        for s in space.symbols:
            val = sp.expand(R.substitution.get(s, s))
            row = []
            if val != 0:
                poly = sp.Poly(val, *args, domain="QQ") if args else None
                if poly is None or poly.total_degree() > 1 or poly.coeff_monomial(1) != 0:
                    raise IsotropyError(f"substitution {s} -> {val}: only linear forms in the "
                                        "arguments are supported by the series evaluation")
                for a, i in pos.items():
                    c = poly.coeff_monomial(a)
                    if c != 0:
                        row.append((i, Fraction(int(c.p), int(c.q))))
            self.E.append(row)
        self.X = [[_rational(x, "direction entry") for x in row] for row in R.directions]
        self.identity = (len(self.X) == n and all(
            self.X[i][j] == (1 if i == j else 0) for i in range(n) for j in range(n)))
        nd = len(self.X)
        #: column i of X: the directions k with X[k][i] != 0
        self.Xcol = [[(k, self.X[k][i]) for k in range(nd) if self.X[k][i]] for i in range(n)]
        # constant (theta-independent) Hessian patterns in direction space, per pair type:
        # diag(n) of H_ww (X diag X^T) and the diag(n) cross term of H_wu
        self.diag: list = []
        self.cross: list = []
        self.self_hessian: dict = {}
        for kind, cnt, cells in self.types:
            dg: dict = {}
            cr: dict = {}
            for nc, i, j in cells:
                if i < n:
                    for k, xk in self.Xcol[i]:
                        for l_, xl in self.Xcol[i]:
                            if k <= l_:
                                _acc(dg, (k, l_), nc.scale(xk * xl))
                        if kind == "row" and j < n:
                            for l_, xl in self.Xcol[j]:
                                _acc(cr, (k, l_), nc.scale(xk * xl))
            self.diag.append(dg)
            self.cross.append(cr)
            if kind == "self":
                half = cnt.scale(Fraction(1, 2))
                for key, val in dg.items():
                    _acc(self.self_hessian, key, val * half)

    # ----------------------------------------------------------------- evaluate
    def evaluate(self, values: list, want: tuple[str, ...] = ("loss", "gradient", "hessian"),
                 *, cap: float | None = None, ext: int | None = None) -> dict:
        """Loss (a Series), gradient and Hessian (object arrays of Series) along the
        directions, at the series ``values`` (one per argument symbol).

        ``cap``: truncate the values at this absolute order (default: as given);
        ``ext``: coefficients may involve ``sqrt(ext)``.
        """
        vals = [Series.coerce(v) for v in values]
        if len(vals) != len(self.R.arg_symbols):
            raise IsotropyError(f"expected {len(self.R.arg_symbols)} series, got {len(vals)}")
        if cap is not None:
            vals = [v.cap(cap) for v in vals]
        else:
            cap = min((v.prec for v in vals), default=INF)
        n = self.n
        theta = []
        for row in self.E:
            acc = _ZERO_S
            for i, c in row:
                acc = acc + (vals[i] if c == 1 else vals[i].scale(c))
            theta.append(acc)
        ext_vals = theta + [_ZERO_S, Series.const(1)]
        want_g = "gradient" in want
        need_g = want_g or "hessian" in want
        need_h = "hessian" in want
        Series.const(PI * 2)
        inv_two_pi = (PI * 2).inverse()
        pi_s = Series.const(PI)
        loss = _ZERO_S
        g = [_ZERO_S] * n
        Hsym: dict = dict(self.self_hessian) if need_h else {}  # (k <= l): symmetric parts
        Hgen: dict = {}  # (k, l) -> general contributions (symmetrised at the end)
        add = _acc
        Xcol = self.Xcol

        for t_idx, (kind, cnt, cells) in enumerate(self.types):
            if not cnt.c and cnt.prec == INF:
                continue
            w = [ext_vals[iw] for _, iw, _ in cells]
            nw = [nc * x for (nc, _, _), x in zip(cells, w, strict=True)]
            A = _ZERO_S
            for a, x in zip(nw, w, strict=True):
                if x.c:
                    A = A + a * x
            if kind == "self":
                if need_g and A.is_exact_zero():
                    raise NonDifferentiableError("a row of W is zero: the loss is not "
                                                 "differentiable there")
                loss = loss + A * cnt.scale(Fraction(1, 4))
                if want_g:
                    half = cnt.scale(Fraction(1, 2))
                    for (_nc, i, _), a in zip(cells, nw, strict=True):
                        if i < n:
                            g[i] = g[i] + a * half
                continue
            u = [ext_vals[iu] for _, _, iu in cells]
            nu = [nc * x for (nc, _, _), x in zip(cells, u, strict=True)]
            wt = cnt if kind == "row" else -cnt
            if A.is_exact_zero():
                continue  # F(0, u) = 0; gradients are refused at the self pair type
            B = _ZERO_S
            C = _ZERO_S
            for a, x, y in zip(nu, u, w, strict=True):
                if x.c:
                    B = B + a * x
                    if y.c:
                        C = C + a * y
            if B.is_exact_zero():
                continue  # F(w, 0) = 0 (derivatives are refused at that row's self pair)
            r = C * A.inverse(cap) if C.prec == INF and A.prec == INF else C / A
            P = [y - r * x for x, y in zip(w, u, strict=True)]
            nP = [nc * p for (nc, _, _), p in zip(cells, P, strict=True)]
            rho2 = _ZERO_S
            for a, p in zip(nP, P, strict=True):
                if p.c:
                    rho2 = rho2 + a * p
            if rho2.is_exact_zero():
                S = _ZERO_S
            else:
                G = A * rho2
                if not G.c:
                    raise SeriesPrecisionError("Gram determinant of a pair zero to its "
                                               "known precision")
                S = G.sqrt(cap, ext)
            t = atan2_series(S, C, cap)
            pmt = pi_s - t
            F = (S + pmt * C).scale(inv_two_pi)
            loss = loss + F * (cnt.scale(Fraction(1, 2)) if kind == "row" else -cnt)
            if not need_g:
                continue
            Ainv = A.inverse(cap)
            alpha = (S * Ainv).scale(inv_two_pi)
            beta = pmt.scale(inv_two_pi)
            aw = alpha * wt
            bw = beta * wt
            # aggregate per parameter index (cells with the same parameter share it)
            vw: dict = {}
            vP: dict = {}
            for (_, i, _), x, y, p in zip(cells, nw, nu, nP, strict=True):
                if i >= n:
                    continue
                if want_g:
                    g[i] = g[i] + aw * x + bw * y
                if need_h:
                    add(vw, i, x)
                    add(vP, i, p)
            if not need_h:
                continue
            for key, val in self.diag[t_idx].items():
                add(Hsym, key, aw * val)
            # rank-one parts, in direction space
            vw = _project(Xcol, vw)
            vP = _project(Xcol, vP)
            c1 = -(aw * Ainv)  # -S/(2 pi A^2) wt
            keys = sorted(vw)
            have_q = not S.is_exact_zero()
            if have_q:
                c2 = (wt * S.inverse(cap)).scale(inv_two_pi)  # wt / (2 pi S)
            t1 = {k: c1 * vw[k] for k in keys}
            t2 = {k: c2 * vP[k] for k in keys if vP[k].c} if have_q else {}
            for a_, k in enumerate(keys):
                for l_ in keys[a_:]:
                    val = t1[k] * vw[l_]
                    if k in t2 and vP[l_].c:
                        val = val + t2[k] * vP[l_]
                    add(Hsym, (k, l_), val)
            if kind != "row":
                continue
            # H_wu: rows indexed by the w-cell's parameter, columns by the u-cell's
            for key, val in self.cross[t_idx].items():
                add(Hgen, key, bw * val)
            uw: dict = {}
            uP: dict = {}
            for (_nc, _, j), x, p in zip(cells, nw, nP, strict=True):
                if j < n:
                    add(uw, j, x)
                    add(uP, j, p)
            if not uw:
                continue
            uw = _project(Xcol, uw)
            uP = _project(Xcol, uP)
            Binv = B.inverse(cap)
            e4 = (S * Ainv * Binv).scale(inv_two_pi) * wt       # S/(2 pi A B) wt
            e3 = e4 * C * Ainv                                   # C S/(2 pi A^2 B) wt
            lw = {k: e3 * vw[k] + (e4 * vP[k] if vP[k].c else _ZERO_S) for k in keys}
            lp = {k: e4 * vw[k] for k in keys}
            if have_q:
                e5 = -(C * Binv * c2)                            # -C/(2 pi B S) wt
                for k in keys:
                    if vP[k].c:
                        lp[k] = lp[k] + e5 * vP[k]
            for k in keys:
                for l_ in uw:
                    val = lw[k] * uw[l_]
                    if uP[l_].c and lp[k].c:
                        val = val + lp[k] * uP[l_]
                    add(Hgen, (k, l_), val)
        out: dict = {}
        if "loss" in want:
            dd = eps_series(-2)
            out["loss"] = loss + dd.scale(Fraction(1, 4)) + (dd * (dd - 1)).scale(
                (PI * 4).inverse())
        X = self.X
        nd = len(X)
        if "gradient" in want:
            gv = np.empty(nd, dtype=object)
            for k in range(nd):
                if self.identity:
                    gv[k] = g[k]
                else:
                    acc = _ZERO_S
                    for p, x in enumerate(X[k]):
                        if x:
                            acc = acc + g[p].scale(x)
                    gv[k] = acc
            out["gradient"] = gv
        if need_h:
            Hv = np.empty((nd, nd), dtype=object)
            for k in range(nd):
                for l_ in range(nd):
                    Hv[k, l_] = _ZERO_S
            for (k, l_), v in Hsym.items():
                Hv[k, l_] = Hv[k, l_] + v
                if k != l_:
                    Hv[l_, k] = Hv[l_, k] + v
            half = Fraction(1, 2)
            for (k, l_), v in Hgen.items():
                hv = v.scale(half)
                Hv[k, l_] = Hv[k, l_] + hv
                Hv[l_, k] = Hv[l_, k] + hv
            out["hessian"] = Hv
        return out

    def loss(self, values: list, **kw) -> Series:
        return self.evaluate(values, ("loss",), **kw)["loss"]

    def gradient(self, values: list, **kw):
        return self.evaluate(values, ("gradient",), **kw)["gradient"]

    def hessian(self, values: list, **kw):
        return self.evaluate(values, ("hessian",), **kw)["hessian"]


_SYSTEMS: dict = {}  # memo only: id(ReducedSystem) -> (system, SeriesReducedSystem)


def series_system(R: Any) -> SeriesReducedSystem:
    """The (memoised) series evaluator of a :class:`~symbolic.systems.reduced.ReducedSystem`."""
    hit = _SYSTEMS.get(id(R))
    if hit is not None and hit[0] is R:
        return hit[1]
    out = SeriesReducedSystem(R)
    if len(_SYSTEMS) > 256:
        _SYSTEMS.clear()
    _SYSTEMS[id(R)] = (R, out)
    return out
