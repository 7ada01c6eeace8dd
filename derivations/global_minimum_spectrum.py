"""The Hessian spectrum at the global minimum W = V = I_d in closed form, as functions of d.

Derived by machine (exact isotypic blocks, symbolic in d) and checked against the
full d^2 x d^2 Hessian at d = 4..7; prints a LaTeX table. DESIGN.md section 3 quotes
two of these eigenvalues, 1/4 - 1/(2 pi) and 1/4 + 1/(2 pi).

    python derivations/global_minimum_spectrum.py
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from symbolic.loss import model
from symbolic.spectra.spectrum import global_minimum_spectrum
from symbolic.symmetry.groups import D_SYMBOL


def main() -> None:
    rows = global_minimum_spectrum()
    # merge equal eigenvalues of different irreducibles (multiplicities add)
    merged: dict = {}
    for lam, mult, irrep in rows:
        key = sp.simplify(lam)
        m, labs = merged.get(key, (0, []))
        merged[key] = (sp.expand(m + mult), labs + [irrep])
    print("% Hessian eigenvalues at W = I_d (relusym, exact)")
    print("\\begin{tabular}{lll}\neigenvalue & multiplicity & irreducible(s) \\\\ \\hline")
    for lam, (m, labs) in merged.items():
        print(f"${sp.latex(lam)}$ & ${sp.latex(sp.factor(m))}$ & {', '.join(labs)} \\\\")
    print("\\end{tabular}")
    total = sp.expand(sum(m for m, _ in merged.values()))
    assert sp.expand(total - D_SYMBOL**2) == 0, total
    for d in (4, 5, 6, 7):
        full = np.sort(np.linalg.eigvalsh(model.hessian(np.eye(d))))
        ours = np.sort(np.concatenate([
            np.full(int(m.subs(D_SYMBOL, d)), float(lam.subs(D_SYMBOL, d)))
            for lam, (m, _) in merged.items()]))
        err = np.abs(full - ours).max()
        print(f"% d = {d}: max |closed form - full Hessian eigenvalue| = {err:.1e}")
        assert err < 1e-12


if __name__ == "__main__":
    main()
