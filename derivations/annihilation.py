"""Annihilation of spurious minima by over-parameterization (k = d + m).

Claim (Arjevani and Field, "Annihilation of spurious minima in two-layer ReLU networks",
NeurIPS 2022, abstract): adding neurons turns symmetric spurious minima into saddles,
through a local mechanism; descent directions exist by Cauchy's interlacing theorem in
subspaces given by the symmetry.

What relusym checks: every catalogued spurious family at k = d is certified (Krawczyk box,
eigenvalue enclosures); splitting one of its rows into m + 1 pieces gives a simplex of
critical points at k = d + m whose inertia is In H_k + m In(M_i) (Sylvester; M_i the
splitting matrix, symbolic/overparam/split.py), certified with interval arithmetic. The
table prints, for each family, d and m, the type and index (with multiplicity), the
smallest Hessian eigenvalue (certified lower end at k = d; float64 full matrix at the
equal split for k = d + m) and the certified interlacing bound (m + 1) mu_min(M_i).
Exits non-zero if a certified k = d minimum does not split into certified saddles.

    python derivations/annihilation.py                 # d = 6..10, m = 1, 2
    python derivations/annihilation.py --d 10,16,20    # the issue's table (m = 0, 1, 2)
    python derivations/annihilation.py --quick         # d = 8, m = 1
"""

from __future__ import annotations

import sys

from symbolic.overparam.report import SPURIOUS, annihilation_rows


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    quick = "--quick" in argv
    ds, ms = ([8], [1]) if quick else (list(range(6, 11)), [1, 2])
    if "--d" in argv:
        from symbolic.core.parsing import parse_int

        ds = [parse_int(x, "--d", minimum=4, maximum=200)
              for x in argv[argv.index("--d") + 1].split(",")]
    print("% " + __doc__.strip().splitlines()[0])
    print("\\begin{tabular}{lrrllrll}")
    print("family & $d$ & $m$ & continuation & type & index & $\\lambda_{\\min}$ & "
          "bound \\\\ \\hline")
    bad = []
    for name, d, m, k0, splits in annihilation_rows(ds, ms, SPURIOUS):
        if m == ms[0]:
            print(f"{name} & {d} & 0 & k = d & certified {k0.type} & {k0.index} & "
                  f"{k0.smallest} & - \\\\")
        for s in splits:
            kind = "certified saddle" if s.verdict == "proved" and s.index else s.type
            print(f"{name} & {d} & {m} & {s.continuation} & {kind} & {s.index} & "
                  f"{s.smallest} & {s.bound} \\\\")
            if k0.type == "minimum" and not (s.verdict == "proved" and s.index):
                bad.append((name, d, m, s.continuation))
    print("\\end{tabular}")
    if bad:
        print(f"% DISAGREEMENT: minima whose splits are not certified saddles: {bad}")
        return 1
    print("% every certified k = d minimum splits into certified saddles (claim reproduced)")
    return 0


if __name__ == "__main__":
    rc = main()
    if rc:  # non-zero only on disagreement (runpy-friendly otherwise)
        sys.exit(rc)
