"""Finite data, activation regions (Karhadkar, Murray, Tseran, Montufar, TMLR 2024).

Claim checked. For a shallow ReLU network ``f(x) = sum_i v_i relu(w_i . x + b_i)`` with
fixed output weights ``v`` on data ``x_1..x_n``:

1. inside the activation region ``R_A`` of a pattern ``A`` the outputs are the linear map
   ``theta -> J_A theta`` with ``J_A[j, (i, k)] = v_i a_ji (x_j, 1)_k``, so the squared
   loss is the quadratic ``1/2 |J_A theta - y|^2`` and its gradient ``J_A^T (J_A theta - y)``;
2. hence ``rank J_A = n`` implies that every critical point in ``R_A`` has zero loss (no
   bad local minimum in the region), and a non-empty zero-loss set in ``R_A`` is open in
   an affine space of dimension ``m (d0 + 1) - rank J_A``;
3. for ``d0 = 1`` a neuron realises exactly ``2n`` patterns (step functions of the sorted
   data), so there are ``(2n)^m`` labelled regions, and most of them contain a zero-loss
   set of dimension ``2m - n`` once ``m`` is large enough (exact census below).

Step 1 is derived symbolically (sympy) for one pattern; steps 2-3 are checked by the exact
census (python-flint ranks, LP points made exact, exact infeasibility certificates).

    python derivations/finite_data_regions.py [--max-width 5]
"""

from __future__ import annotations

import argparse
from fractions import Fraction

import numpy as np
import sympy as sp

from symbolic.finite.data import random_dataset
from symbolic.finite.network import init_params, loss_exact, params_from_vector
from symbolic.finite.regions import pattern_of, region_jacobian
from symbolic.finite.sampling import enumerate_regions_1d


def symbolic_region_quadratic() -> None:
    """The loss on one region, as a polynomial in the trained parameters."""
    n, m = 3, 2
    data = random_dataset(n, 1, seed=0, box=(-1, 1))
    net = init_params(1, (m,), seed=1, output="alternating")
    A = pattern_of(net, data)
    w = sp.symbols(f"w0:{m}")
    b = sp.symbols(f"b0:{m}")
    X = [x[0] for x in data.X()]
    y = data.y()
    v = [1, -1]
    # relu(z) = z on active (j, i), 0 on inactive: the network on the region
    f = [sum(v[i] * (w[i] * sp.Rational(X[j]) + b[i]) * int(A[j, i]) for i in range(m))
         for j in range(n)]
    loss = sp.expand(sum((f[j] - sp.Rational(y[j])) ** 2 for j in range(n)) / 2)
    M, c = region_jacobian(A, net, data)
    theta = sp.Matrix(list(w) + list(b))
    J = sp.Matrix([[sp.Rational(int(M[j, p]), c) for p in range(2 * m)] for j in range(n)])
    quad = sp.expand(((J * theta - sp.Matrix([sp.Rational(t) for t in y])).T
                      * (J * theta - sp.Matrix([sp.Rational(t) for t in y])))[0] / 2)
    assert sp.simplify(loss - quad) == 0
    grad = sp.Matrix([sp.diff(loss, t) for t in theta])
    assert sp.simplify(grad - J.T * (J * theta - sp.Matrix([sp.Rational(t) for t in y]))) == \
        sp.zeros(2 * m, 1)
    # the loss of the network at the sampled point equals the quadratic there
    th = net.vector()
    at = {t: sp.Rational(q) for t, q in zip(theta, th, strict=True)}
    assert Fraction(str(quad.subs(at))) == loss_exact(params_from_vector(net, th), data)
    print(f"% pattern A^T = {A.T.astype(int).tolist()}: loss = 1/2 |J_A theta - y|^2, "
          "gradient J_A^T (J_A theta - y)  [sympy: identical polynomials]")
    print(f"% rank J_A = {J.rank()} (n = {n})")


def census(max_width: int) -> None:
    print("\\begin{tabular}{rrrrrl}\nn & m & regions & rank n & zero loss & "
          "dim: count \\\\ \\hline")
    for n, widths in ((2, range(2, max_width + 1)), (3, range(3, min(max_width, 4) + 1))):
        frac = []
        for m in widths:
            e = enumerate_regions_1d(n, m, seed=0)
            zl = e.zero_loss.get("proved", 0)
            assert set(e.gm_dims) <= {2 * m - n}  # every zero-loss set: dim 2m - n
            assert e.zero_loss.get("unknown", 0) == 0
            assert e.full_rank_zero_loss == zl  # generic targets: zero loss needs rank n
            frac.append(Fraction(zl, e.regions))
            dims = ", ".join(f"{k}: {c}" for k, c in sorted(e.gm_dims.items())) or "-"
            print(f"{n} & {m} & {e.regions} & {e.full_rank} & {zl} & {dims} \\\\")
        assert all(a <= b for a, b in zip(frac, frac[1:], strict=False))  # grows with m
        if n == 2 and max_width >= 5:
            assert frac[-1] > Fraction(1, 2)  # most regions at m = 5, 6
    print("\\end{tabular}")
    print("% claim 3: the fraction of regions with a (2m - n)-dimensional zero-loss set "
          "grows with m and exceeds 1/2 for n = 2 from m = 5 on")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-width", type=int, default=5)
    args = ap.parse_args()
    np.seterr(all="raise")
    symbolic_region_quadratic()
    census(args.max_width)


if __name__ == "__main__":
    main()
