r"""Interval certificates: existence, uniqueness and type of critical points.

Source: DESIGN.md section 5. Everything here uses python-flint ``arb`` balls;
a comparison of balls is ``True`` only when it holds for every point of the
balls, so a verdict ``"proved"`` is a proof (up to the correctness of the
formulas, which the tests check independently).

**Existence and uniqueness (Krawczyk).** For the reduced gradient ``f`` with
interval Jacobian ``J(X)`` over a box ``X`` with midpoint ``m`` and a real matrix
``Y`` (an approximate inverse of ``J(m)``),

.. math:: K(X) = m - Y f(m) + (I - Y J(X))(X - m).

If ``K(X)`` lies in the interior of ``X``, ``f`` has exactly one zero in ``X``; if
``K(X) \cap X = \emptyset``, it has none (every zero in ``X`` lies in ``K(X)``).
Boxes are cubes of radius ``rho`` in the orthonormal coordinates
``y_p = sqrt(|orbit_p|) theta_p`` of ``Fix(H)`` (the Frobenius metric on ``W``),
so one radius fits parameters of very different scales (``O(1)`` and ``O(1/d)``).

**Enclosures over the certified box.** The loss is enclosed by evaluating the
reduced loss on the box. Each isotypic Hessian block ``B u = lambda G u``
(:func:`symbolic.spectra.spectrum.isotypic_blocks`, evaluated on the box) is reduced to
``M = L^{-1} B L^{-T}`` with an interval Cholesky factor ``G = L L^T``; for an
approximate eigenpair ``(lambda, x)`` of ``mid(M)`` every symmetric matrix in
``M`` has an eigenvalue within ``|M x - lambda x| / |x|`` of ``lambda``; when
the ``m`` intervals of a block are pairwise disjoint each holds exactly one
eigenvalue (pigeonhole), so the enclosures are rigorous and complete, each
eigenvalue with the multiplicity ``dim`` of its irreducible. Classification:
``minimum`` (every enclosure > 0), ``saddle`` of index ``i`` (every enclosure
excludes 0), otherwise ``unknown`` with the reason. Verdicts are three-way
(``proved`` / ``disproved`` / ``unknown``), never a bare boolean.

**Distance to the input.** With ``refine`` the center is first polished by Newton,
which may converge to a *different* critical point than the one meant (e.g. from a
rough start near a minimum to a nearby saddle). The certificate records the distance
from the input ``theta`` to the proved box ``X`` in the Frobenius metric of ``W``,

.. math:: \delta = \max_{x \in X} \| W(x) - W(\theta) \|_F
          = \max_{x \in X} \Big(\sum_p |\mathrm{orbit}_p| (x_p - \theta_p)^2\Big)^{1/2},

(an upper bound, rounded up) and the input scale ``s = |W(theta)|_F``. When even the
nearest point of the box is farther than ``max_move * max(s, 1)`` (default relative
``1e-6``) the verdict is ``unknown`` with ``moved_far = True``: the box proves a
critical point, but not the one given. ``max_move=None`` accepts any move.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np

from symbolic.core.backends import ArbBackend, MpmathBackend, mpf_from_arb, symmetric_eigen, to_arb
from symbolic.core.formatting import enclosure, interval, round_outward
from symbolic.core.precision import bits_to_digits, raised, resolve, working_bits, working_digits
from symbolic.numerics.solve import newton, system_for
from symbolic.symmetry.groups import FixedSpace, parse_d, parse_isotropy

__all__ = ["Certificate", "krawczyk", "certify_point", "enclose_eigenvalues"]


@dataclass
class Certificate:
    """A three-way verdict on a candidate critical point, with rigorous enclosures."""

    verdict: str  # "proved" | "disproved" | "unknown"
    reason: str
    radius: Any = None
    box: list = field(default_factory=list)
    loss: Any = None
    eigenvalues: list = field(default_factory=list)  # (irrep, multiplicity, arb)
    classification: str = "unknown"  # "minimum" | "saddle" | "unknown"
    index: Any = None
    prec: int = 0
    distance: Any = None  # arb: max over the box of |W(x) - W(input)|_F
    input_scale: Any = None  # |W(input)|_F (exact input, arb)
    moved_far: bool = False  # the proved box is far from the input (see module doc)
    digits: int = 0  # digits asked for (symbolic.core.precision)
    isotropy: str = ""
    d: Any = None

    @property
    def certified(self) -> bool:
        """``verdict == "proved"`` (a convenience; JSON carries the three-way verdict)."""
        return self.verdict == "proved"

    @property
    def working_digits(self) -> int:
        """Decimal digits of the arb precision the box was proved (and enclosed) at."""
        return bits_to_digits(self.prec)

    def to_json(self, digits: int | None = None) -> dict:
        digits = digits or self.digits or 20
        out: dict[str, Any] = {
            "verdict": self.verdict,
            "reason": self.reason,
            "classification": self.classification,
            "index": None if self.index is None else (
                int(self.index) if Fraction(self.index).denominator == 1 else str(self.index)),
        }
        if self.radius is not None:
            out["radius"] = round_outward(_exact_of(self.radius), 6, +1)
        out["moved_far"] = self.moved_far
        if self.distance is not None:
            # upper bound on |W(x) - W(input)|_F over the box, rounded up
            out["distance_to_input"] = round_outward(_upper(self.distance), 6, +1)
        if self.input_scale is not None and self.distance is not None:
            sc = _lower(self.input_scale)
            out["relative_distance_to_input"] = (
                round_outward(_upper(self.distance) / sc, 6, +1) if sc > 0 else None)
        if self.box:
            out["box"] = [interval(b, digits) for b in self.box]
        if self.loss is not None:
            # a loss is >= 0: the printed enclosure is intersected with [0, oo)
            out["loss"] = enclosure(self.loss, digits, nonnegative=True)
        if self.eigenvalues:
            out["eigenvalues"] = [
                {"irrep": lab, "multiplicity": m if isinstance(m, int) else str(m),
                 "enclosure": interval(e, digits)}
                for lab, m, e in self.eigenvalues
            ]
        out["precision_bits"] = self.prec
        out["working_digits"] = self.working_digits
        return out

    def _rows(self, digits: int) -> list:
        from symbolic.core.formatting import interval_text

        rows = [("verdict", self.verdict), ("classification", self.classification),
                ("index", "-" if self.index is None else str(self.index))]
        if self.loss is not None:
            rows.append(("loss", interval_text(self.loss, digits, nonnegative=True)))
        for lab, m, e in self.eigenvalues:
            rows.append((f"eigenvalue ({lab}, x{m})", interval_text(e, digits)))
        rows.append(("precision", f"{self.prec} bits"))
        return rows

    def _caption(self) -> str:
        where = f"Fix({self.isotropy}) at d = {self.d}" if self.isotropy else "a point"
        return f"Certificate of {where}: {self.verdict}. {self.reason}"

    def _repr_html_(self) -> str:
        from symbolic.core.formatting import html_table

        return html_table(self._caption(), ["", "value (enclosures rounded outward)"],
                          self._rows(12))

    def _repr_latex_(self) -> str:
        from symbolic.core.formatting import latex_interval, latex_table

        rows = [("\\text{verdict}", f"\\text{{{self.verdict}}}"),
                ("\\text{type}", f"\\text{{{self.classification}}}")]
        if self.loss is not None:
            rows.append(("L", latex_interval(*enclosure(self.loss, 10, nonnegative=True))))
        for lab, m, e in self.eigenvalues:
            rows.append((f"\\lambda\\ (\\text{{{lab}}},\\ \\times {m})",
                         latex_interval(*enclosure(e, 10))))
        return latex_table(["", "\\text{enclosure}"], rows)


def _exact_of(x) -> Fraction:
    from symbolic.core.formatting import exact_value

    return exact_value(x if not isinstance(x, float) else str(x))


def _upper(b) -> Fraction:
    import flint

    with flint.ctx.workprec(max(flint.ctx.prec, 512)):
        return _exact_of(b.upper())


def _lower(b) -> Fraction:
    import flint

    with flint.ctx.workprec(max(flint.ctx.prec, 512)):
        return _exact_of(b.lower())


def _distance(space: FixedSpace, values: list, box: list, d, flint) -> tuple:
    """``(upper, lower, scale)`` arbs: max and min over the box of the Frobenius distance
    ``(sum_p |orbit_p| (x_p - theta_p)^2)^(1/2)`` to the input ``theta``, and
    ``|W(theta)|_F``."""
    sizes = [to_arb(s) for s in _orbit_values(space, d)]
    th = [to_arb(v) for v in values]
    up = sum(((b - t).abs_upper() ** 2 * s for b, t, s in zip(box, th, sizes, strict=True)),
             flint.arb(0))
    lo = sum((flint.arb((b - t).abs_lower()) ** 2 * s
              for b, t, s in zip(box, th, sizes, strict=True)), flint.arb(0))
    sc = sum((t * t * s for t, s in zip(th, sizes, strict=True)), flint.arb(0))
    return up.sqrt(), lo.sqrt(), sc.sqrt()


def _orbit_values(space: FixedSpace, d) -> list[Fraction]:
    return [Fraction(o) for o in space.at(d).orbit_sizes]


def krawczyk(
    space: FixedSpace | str,
    center: list,
    radius: Any,
    d: Any,
    *,
    prec: int = 256,
) -> tuple[str, str, list]:
    """Krawczyk test on the box of radius ``radius`` (orthonormal coordinates) about
    ``center``. Returns ``(verdict, reason, box)`` with ``box`` the list of arb
    balls (``K(X)`` intersected with ``X`` when proved)."""
    import flint

    space = parse_isotropy(space)
    rs = system_for(space)
    be = ArbBackend(prec=prec)
    dd = parse_d(d)
    space.check_d(dd)
    n = space.dim
    with be.context():
        sizes = _orbit_values(space, dd)
        rho = to_arb(radius)
        m = [to_arb(c) for c in center]
        rad = [(rho / to_arb(s).sqrt()).abs_upper() for s in sizes]
        X = [flint.arb(mi.mid(), r) for mi, r in zip(m, rad, strict=True)]
        # m must be the exact (thin) midpoint of X so that X - m = [-r, r] exactly; a
        # center given as a rational (e.g. "0.1") converts to a ball, not a point.
        m = [flint.arb(x.mid()) for x in X]
        try:
            fm = list(rs.gradient(m, dd, backend=be))
            JX = rs.hessian(X, dd, backend=be)
            Jm = rs.hessian(m, dd, backend=be)
        except (ZeroDivisionError, ValueError) as exc:
            return "unknown", f"evaluation on the box failed ({exc})", X
        if not all(np.all([e.is_finite() for e in np.ravel(A)]) for A in (JX, Jm)) or \
                not all(f.is_finite() for f in fm):
            return "unknown", "the box touches a point where the loss is not twice " \
                              "differentiable (non-finite enclosure)", X
        # Y: an approximate inverse of mid J(m); any real matrix is valid (Krawczyk),
        # 40 digits are plenty for the contraction factor
        mp40 = MpmathBackend(40).mp
        mid = mp40.matrix([[mpf_from_arb(Jm[i, j].mid(), mp40) for j in range(n)]
                           for i in range(n)])
        try:
            Yf = mp40.inverse(mid)
        except ZeroDivisionError:
            return "unknown", "the Jacobian is singular at the center (the point may " \
                              "not be isolated)", X
        Y = flint.arb_mat([[to_arb(Yf[i, j]) for j in range(n)] for i in range(n)])
        JXm = flint.arb_mat([[JX[i, j] for j in range(n)] for i in range(n)])
        fmv = flint.arb_mat([[f] for f in fm])
        dX = flint.arb_mat([[flint.arb(0, r)] for r in rad])
        I = flint.arb_mat(n, n)
        for i in range(n):
            I[i, i] = 1
        K = (Y * fmv) * (-1) + (I - Y * JXm) * dX
        K = [m[i] + K[i, 0] for i in range(n)]
        disjoint = [not K[i].overlaps(X[i]) for i in range(n)]
        if any(disjoint):
            i = disjoint.index(True)
            return "disproved", (f"K(X) misses X in parameter {space.names[i]}: no zero of "
                                 "the reduced gradient in the box"), X
        inside = all(X[i].contains_interior(K[i]) for i in range(n))
        if inside:
            box = [K[i].intersection(X[i]) for i in range(n)]
            return "proved", "Krawczyk: K(X) lies in the interior of X: exactly one " \
                             "critical point in the box", box
        return "unknown", "K(X) is not inside X (box too large or too small for this " \
                          "precision)", X


def _cholesky(G, flint):
    m = len(G)
    L = [[flint.arb(0) for _ in range(m)] for _ in range(m)]
    for j in range(m):
        s = G[j][j] - sum((L[j][k] * L[j][k] for k in range(j)), flint.arb(0))
        if not s > 0:
            raise ValueError("Gram matrix not proved positive definite")
        L[j][j] = s.sqrt()
        for i in range(j + 1, m):
            L[i][j] = (G[i][j] - sum((L[i][k] * L[j][k] for k in range(j)),
                                     flint.arb(0))) / L[j][j]
    return L


def _reduce_pencil(B, G, flint):
    """``M = L^{-1} B L^{-T}`` in interval arithmetic, ``G = L L^T``."""
    m = len(B)
    L = _cholesky(G, flint)
    Lm = flint.arb_mat([[L[i][j] for j in range(m)] for i in range(m)])
    Bm = flint.arb_mat([[B[i][j] for j in range(m)] for i in range(m)])
    Z = Lm.solve(Bm)                      # L^{-1} B
    M = Lm.solve(Z.transpose())           # L^{-1} (L^{-1} B)^T = L^{-1} B L^{-T} (B sym.)
    return [[M[i, j] for j in range(m)] for i in range(m)]


def enclose_eigenvalues(B, G, *, flint=None) -> tuple[list, str]:
    """Rigorous enclosures of the eigenvalues of the symmetric pencil ``(B, G)``, at
    the current arb precision (``flint.ctx.prec``; :func:`certify_point` runs it at the
    precision the box was proved at). The approximate eigenpairs come from
    :func:`symbolic.core.backends.symmetric_eigen` at the same number of digits.

    Returns ``(list of arb, "")``, or ``([], reason)`` when the enclosures cannot
    be separated (then nothing is claimed).
    """
    if flint is None:
        import flint
    m = len(B)
    M = _reduce_pencil(B, G, flint)
    be = MpmathBackend(max(bits_to_digits(flint.ctx.prec), 20))
    Mm = [[mpf_from_arb(M[i][j].mid(), be.mp) for j in range(m)] for i in range(m)]
    E, Q = symmetric_eigen(Mm, backend=be, vectors=True)
    encl = []
    for k in range(m):
        lam = to_arb(E[k])
        x = [to_arb(Q[i, k]) for i in range(m)]
        r = [sum((M[i][j] * x[j] for j in range(m)), flint.arb(0)) - lam * x[i]
             for i in range(m)]
        rn = sum((ri * ri for ri in r), flint.arb(0)).nonnegative_part().sqrt()
        xn = sum((xi * xi for xi in x), flint.arb(0)).sqrt()
        bound = (rn / xn).abs_upper()
        if not flint.arb(bound).is_finite():
            return [], "eigenvalue enclosure is not finite"
        encl.append(flint.arb(lam.mid(), bound))
    # clusters: overlapping enclosures are merged; the number of eigenvalues in a
    # window [a, b] about a cluster is counted exactly by Sylvester's law of inertia
    order = sorted(range(m), key=lambda k: float(encl[k].mid()))
    groups: list[list[int]] = []
    for k in order:
        if groups and encl[groups[-1][-1]].overlaps(encl[k]) or \
                groups and any(encl[j].overlaps(encl[k]) for j in groups[-1]):
            groups[-1].append(k)
        else:
            groups.append([k])
    if all(len(g) == 1 for g in groups):
        return encl, ""
    out = []
    singles = [encl[g[0]] for g in groups if len(g) == 1]
    for a_, b_ in ((x, y) for i, x in enumerate(singles) for y in singles[i + 1:]):
        if a_.overlaps(b_):
            return [], "eigenvalue enclosures of one block overlap (cluster)"
    for g in groups:
        if len(g) == 1:
            out.append(encl[g[0]])
            continue
        lo = min(encl[k].lower() for k in g)
        hi = max(encl[k].upper() for k in g)
        tiny = flint.arb(2) ** (-(flint.ctx.prec // 2))  # gap resolvable at this precision
        w = max(hi - lo, tiny * max(abs(lo), abs(hi), flint.arb(1)))
        a, b = lo - w, hi + w
        others = [encl[j] for h in groups if h is not g for j in h]
        win = a.union(b)  # hull of [a, b]
        if any(win.overlaps(e) for e in others):
            return [], "eigenvalue enclosures of one block overlap (cluster not isolated)"
        na, nb = _count_below(M, a, Q, flint), _count_below(M, b, Q, flint)
        if na is None or nb is None or nb - na != len(g):
            return [], "eigenvalue enclosures of one block overlap (cluster not counted)"
        hull = flint.arb(a).union(flint.arb(b))
        out.extend([hull] * len(g))
    return out, ""


def _count_below(M, c, Q, flint):
    """Number of eigenvalues ``< c`` of every symmetric matrix in ``M`` (Sylvester):
    inertia of the congruent ``Q^T (M - c I) Q`` by an interval ``LDL^T`` without
    pivoting; ``None`` unless every pivot excludes 0 (which also proves Q regular)."""
    m = len(M)
    Qa = [[to_arb(Q[i, j]) for j in range(m)] for i in range(m)]
    S = [[M[i][j] - (c if i == j else 0) for j in range(m)] for i in range(m)]
    T = [[sum((S[i][k] * Qa[k][j] for k in range(m)), flint.arb(0)) for j in range(m)]
         for i in range(m)]
    A = [[sum((Qa[k][i] * T[k][j] for k in range(m)), flint.arb(0)) for j in range(m)]
         for i in range(m)]
    neg = 0
    for k in range(m):
        p = A[k][k]
        if not (p > 0 or p < 0):
            return None
        neg += p < 0
        for i in range(k + 1, m):
            f = A[i][k] / p
            for j in range(k + 1, m):
                A[i][j] = A[i][j] - f * A[k][j]
    return neg


def certify_point(
    space: FixedSpace | str,
    values: Any,
    d: Any,
    *,
    digits: int | None = None,
    dps: int | None = None,
    radius: Any = None,
    refine: bool = True,
    prec: int | None = None,
    max_move: Any = "1e-6",
) -> Certificate:
    """Certify a candidate critical point: existence and uniqueness in a small box
    (Krawczyk), then rigorous enclosures of the loss and of every Hessian
    eigenvalue with its multiplicity, and the classification.

    ``values``: parameters (list in ``space.params`` order or dict; numbers or
    decimal strings). ``digits`` (default 60; ``dps`` is a deprecated alias): the
    digits the point is refined to and the enclosures are printed with. The working
    precision is :func:`symbolic.core.precision.working_bits` ``(digits, d, "certify")``,
    raised once (:func:`symbolic.core.precision.raised`) when no radius decides; the loss and
    the eigenvalues are enclosed at the precision the box was proved at (``prec``,
    reported). ``prec`` overrides it (bits); ``radius`` fixes the box radius instead
    of the schedule.
    With ``refine`` the center is first polished by Newton at ``digits`` digits (the
    box must still contain the root; it is not assumed). ``max_move``: largest
    accepted distance from the input to the proved box, relative to
    ``max(|W(input)|_F, 1)`` (default ``1e-6``); beyond it the verdict is
    ``"unknown"`` with ``moved_far`` set (Newton found another critical point);
    ``None`` accepts any distance. The distance is recorded in every proved case.
    """
    import flint

    space = parse_isotropy(space)
    digits = resolve(digits, dps, default=60)
    dd = parse_d(d)
    space.check_d(dd)
    vals = space.values_list(values)
    center = [v if hasattr(v, "_mpf_") else Fraction(str(v)) for v in vals]
    if refine:
        r = newton(space, vals, dd, digits=digits, maxiter=30)
        if r.converged:
            center = r.values
    if prec is not None:
        precs = [int(prec)]
    else:
        bits = working_bits(digits, dd, "certify")
        precs = [bits, raised(bits)]
    tries = [radius] if radius is not None else _radius_schedule(space, center, dd, digits)
    last: tuple = ("unknown", "no radius tried", [], tries[0])
    for prec in precs:
        for rho in tries:
            verdict, reason, box = krawczyk(space, center, rho, dd, prec=prec)
            last = (verdict, reason, box, rho)
            if verdict in ("proved", "disproved"):
                break
        if last[0] in ("proved", "disproved"):
            break
    verdict, reason, box, rho = last
    cert = Certificate(verdict, reason, mpmath.mpf(str(rho)), box, prec=prec,
                       digits=digits, isotropy=space.label, d=dd)
    if verdict != "proved":
        return cert
    with flint.ctx.workprec(prec):
        exact_in = [to_arb(v if hasattr(v, "_mpf_") else Fraction(str(v)))
                    for v in vals]
        dist_up, dist_lo, scale = _distance(space, exact_in, box, dd, flint)
        cert.distance, cert.input_scale = dist_up, scale
        if max_move is not None:
            tol = to_arb(Fraction(str(max_move)))
            limit = tol * (scale if scale > 1 else flint.arb(1))
            if dist_lo > limit:
                cert.moved_far = True
                cert.verdict = "unknown"
                rel = float(_upper(dist_up) / max(_lower(scale), Fraction(1)))
                cert.reason = (
                    f"refinement moved far from the input: the box proves a critical "
                    f"point at Frobenius distance {float(_upper(dist_up)):.3e} from it "
                    f"(relative {rel:.3e} > max_move = {max_move}), so not the point "
                    "given; pass max_move=None to accept it, or a better start")
                return cert
    be = ArbBackend(prec=prec)
    with be.context():
        rs = system_for(space)
        cert.loss = rs.loss(box, dd, backend=be)
        try:
            from symbolic.spectra.spectrum import isotypic_blocks

            blocks = isotypic_blocks(space, box, dd, backend=be)
        except Exception as exc:  # pragma: no cover - reported, never hidden
            cert.reason += f"; spectrum enclosure failed: {exc}"
            return cert
        index: Any = 0
        problems = []
        for blk in blocks:
            m = len(blk.B)
            B = [[to_arb(blk.B[i][j]) for j in range(m)] for i in range(m)]
            G = [[to_arb(blk.G[i][j]) for j in range(m)] for i in range(m)]
            try:
                encl, why = enclose_eigenvalues(B, G, flint=flint)
            except ValueError as exc:
                encl, why = [], str(exc)
            label = blk.irrep.label
            if not encl:
                problems.append(f"block {label}: {why}")
                continue
            for e in encl:
                cert.eigenvalues.append((label, blk.dim, e))
                if e < 0:
                    index = index + blk.dim
                elif not e > 0:
                    problems.append(f"an eigenvalue of irrep {label} encloses 0")
        if problems:
            cert.classification = "unknown"
            cert.index = None
            cert.reason += "; classification unknown: " + "; ".join(problems)
        else:
            cert.index = index
            cert.classification = "minimum" if index == 0 else "saddle"
    return cert


def _radius_schedule(space, center, d, digits) -> list:
    """Radii to try (orthonormal coordinates): from the size of a Newton step."""
    rs = system_for(space)
    be = MpmathBackend(working_digits(digits, d, "newton"))
    mp = be.mp
    try:
        g = rs.gradient(center, d, backend=be)
        J = rs.hessian(center, d, backend=be)
        step = mp.lu_solve(mp.matrix(J.tolist()), mp.matrix(list(g)))
        sizes = [be.number(o) for o in _orbit_values(space, d)]
        s = max(abs(step[i]) * mp.sqrt(sizes[i]) for i in range(len(center)))
    except ZeroDivisionError:
        s = mp.mpf(10) ** (-digits // 2)
    base = max(s * 1000, mp.mpf(10) ** (-(digits * 2) // 3))
    return [mp.nstr(base * mp.mpf(10) ** k, 5) for k in (0, 3, 6, -3, 9, 12)]
