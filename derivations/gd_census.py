"""Safran and Shamir (ICML 2018), Table 1: fraction of gradient-descent runs ending at
spurious local minima for k = d, side by side with relusym's census (same protocol:
Xavier initialisation, step 0.1, stop at max_i |2 pi grad_i L| <= 1e-9), every end point
refined, certified and named; plus the isotropy of every spurious minimum found (least
symmetry breaking, Arjevani and Field).

    python derivations/gd_census.py --k 6 7 8 --runs 200 [--workers 2] [--seed 2018]
    python derivations/gd_census.py --published-points PATH/Results   # needs scipy

Prints a LaTeX table; a run that does not agree (disjoint 95% Wilson intervals) is
printed as such, not hidden. With ``--published-points`` (the ``Results`` folder of
``ItaySafran/OneLayerGDconvergence``) it refines every stored point of
``newExp-k-k.mat`` instead, k = 6..20: stored families, distinct points after
refinement (up to symmetry), runs per isotropy and how many runs ended at a maximal
isotropy subgroup.
"""

from __future__ import annotations

import argparse
import time

from symbolic.experiments.gd import gd_census
from symbolic.experiments.report import SAFRAN_SHAMIR_2018, compare_row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--k", type=int, nargs="+", default=[6, 7, 8])
    ap.add_argument("--runs", type=int, default=100)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--seed", type=int, default=2018)
    ap.add_argument("--no-certify", action="store_true")
    ap.add_argument("--published-points", help="the Results folder of Safran-Shamir's repo")
    args = ap.parse_args()
    if args.published_points:
        published(args.published_points)
        return
    print("% relusym gd-census against Safran & Shamir 2018 (1000 runs per k)")
    print("\\begin{tabular}{rrrllll}\n$k=d$ & runs & spurious & relusym (95\\%) & "
          "S\\&S (95\\%) & agree & isotropies of spurious minima \\\\ \\hline")
    for k in args.k:
        if k not in SAFRAN_SHAMIR_2018:
            raise SystemExit(f"k = {k}: the published experiment has k = 6..20")
        t = time.perf_counter()
        s = gd_census(k, k, args.runs, seed=args.seed, digits=30, workers=args.workers,
                      progress=False, certify=not args.no_certify)
        r = compare_row(k, s.spurious_count, args.runs)
        isos = ", ".join(f"{g.isotropy} ({g.count}, {g.name}"
                         + (", maximal" if g.symmetry["maximal"] else "") + ")"
                         for g in s.groups if g.spurious)
        print(f"{k} & {args.runs} & {r['spurious']} & {r['fraction']} "
              f"[{r['wilson95'][0]}, {r['wilson95'][1]}] & {r['published_fraction']} "
              f"[{r['published_wilson95'][0]}, {r['published_wilson95'][1]}] & "
              f"{'yes' if r['agree'] else 'NO'} (z = {r['z']}) & {isos or '-'} \\\\"
              f"  % {time.perf_counter() - t:.0f} s, {len(s.not_converged)} not converged")
    print("\\end{tabular}")


def published(folder: str) -> None:
    """Refine Safran--Shamir's stored points: families after refinement, isotropies."""
    import warnings
    from collections import Counter
    from pathlib import Path

    import scipy.io

    from symbolic.experiments.classify import refine_endpoint, symmetry_breaking
    from symbolic.symmetry.canonical import canonical_key
    from symbolic.symmetry.groups import parse_isotropy

    tot = tot_max = 0
    print("% k & stored families & distinct after refinement & runs per isotropy")
    for k in range(6, 21):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = scipy.io.loadmat(str(Path(folder) / f"newExp-{k}-{k}.mat"))
        W, mag = m["WbadNew"], m["magnitude"].ravel()
        if W.ndim == 2:
            W = W[:, :, None]
        keys, iso = set(), Counter()
        for i in range(W.shape[2]):
            e = refine_endpoint(W[:, :, i].T, digits=30)  # MATLAB columns are neurons
            sp = parse_isotropy(e["isotropy"])
            keys.add((sp.label, canonical_key(sp, [float(v) for v in e["params"].values()],
                                              decimals=9)))
            iso[e["isotropy"]] += int(mag[i])
            tot += int(mag[i])
            tot_max += int(mag[i]) * bool(symmetry_breaking(e["isotropy"], k)["maximal"])
        print(f"{k} & {W.shape[2]} & {len(keys)} & "
              + ", ".join(f"{a}: {b}" for a, b in sorted(iso.items(), key=lambda t: -t[1]))
              + " \\\\")
    print(f"% runs at a maximal isotropy subgroup: {tot_max} of {tot}")


if __name__ == "__main__":
    main()
