r"""The critical point of ``L`` where an arc's multiplier vanishes.

Along a tangency arc ``dL/dr = mu r`` (:mod:`symbolic.arcs.trace`), so where ``mu``
changes sign at ``r* > 0`` the arc passes through a critical point of ``L`` at distance
``r*`` from ``W_c`` (``grad L = mu (W - W_c) = 0``). Here ``r*`` is located by regula
falsi (Illinois) on ``mu(r)`` with the constrained Newton of the trace, the point is
then polished as a zero of the reduced gradient of the arc's fixed space
(:func:`symbolic.numerics.solve.newton`), checked with the full-matrix gradient
(:mod:`symbolic.loss.model`), and classified by the isotypic spectrum of that fixed space
(:func:`symbolic.spectra.spectrum.spectrum`: the index of the whole Hessian, with
multiplicities).
"""

from __future__ import annotations

import numpy as np

from symbolic.arcs.trace import newton_on_sphere
from symbolic.core.formatting import decimal

__all__ = ["critical_point_on_arc"]


def critical_point_on_arc(asp, lo, hi, *, digits: int = 20, maxit: int = 40) -> dict:
    """``lo``, ``hi``: :class:`ArcPoint`s with ``mu > 0`` and ``mu < 0`` (adjacent on the
    arc). Returns a JSON-ready dict (``status`` ``"refined"`` or ``"failed"``)."""
    from symbolic.loss import model
    from symbolic.numerics.solve import newton
    from symbolic.spectra.spectrum import spectrum
    from symbolic.symmetry.detect import detect_isotropy

    mp = asp.be.mp
    tol = mp.mpf(10) ** (-(mp.dps - 8))
    (ra, ua, ma), (rb, ub, mb) = (lo.r, lo.u, lo.mu), (hi.r, hi.u, hi.mu)
    side = 0
    r = ra
    u = ua
    for _ in range(maxit):
        r = (ra * mb - rb * ma) / (mb - ma)
        t = (r - ra) / (rb - ra)
        u0 = [a + t * (b - a) for a, b in zip(ua, ub, strict=True)]
        sol = newton_on_sphere(asp, u0, ma + t * (mb - ma), r, tol=tol)
        if sol is None:
            return {"status": "failed", "reason": f"constrained Newton failed at r = "
                                                  f"{decimal(r, 8)}"}
        u, mu, _ = sol
        if abs(mu) < mp.mpf(10) ** (-(digits + 2)) or abs(rb - ra) < tol:
            break
        if mu > 0:
            ra, ua, ma = r, u, mu
            if side == 1:
                mb /= 2
            side = 1
        else:
            rb, ub, mb = r, u, mu
            if side == -1:
                ma /= 2
            side = -1
    theta = [c + r * x for c, x in zip(asp.theta_c, u, strict=True)]
    res = newton(asp.fine, theta, asp.d, digits=digits + 5)
    if not res.converged:
        return {"status": "failed", "reason": f"Newton on the reduced gradient: {res.reason}"}
    x = res.values
    N = [mp.mpf(s.numerator) / s.denominator for s in asp.sizes]
    dist = mp.sqrt(sum(n * (mp.mpf(a) - c) ** 2 for n, a, c in
                       zip(N, x, asp.theta_c, strict=True)))
    moved = mp.sqrt(sum(n * (mp.mpf(a) - b) ** 2 for n, a, b in zip(N, x, theta, strict=True)))
    W = asp.fine.matrix(list(x), asp.d)
    G = model.gradient(W, backend="mpmath", dps=digits + 10)
    gmax = max(abs(g) for g in np.asarray(G).ravel())
    S = spectrum(asp.fine, list(x), asp.d, dps=digits + 5)
    loss = asp.evaluate([mp.mpf(v) for v in x], want=("loss",))["loss"]
    try:
        iso = detect_isotropy(np.array(W, dtype=float), tol=1e-10).spec
    except Exception:  # noqa: BLE001 - not in the block family
        iso = "not in the block family"
    neg = [(e.irrep, str(e.multiplicity)) for e in S.eigenvalues if e.value < 0]
    return {"status": "refined", "r": decimal(dist, 12), "loss": decimal(loss, digits),
            "loss_minus_loss_c": decimal(loss - asp.evaluate(asp.theta_c, want=("loss",))
                                         ["loss"], 8),
            "index": None if S.index is None else int(S.index),
            "degenerate": S.degenerate, "negative": neg, "isotropy": iso,
            "full_gradient_max": decimal(gmax, 3), "moved_by_polish": decimal(moved, 3)}
