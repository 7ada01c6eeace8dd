"""The fractional dimension at which families turn from saddles into spurious minima
(Arjevani & Field, NeurIPS 2021, abstract: "the exact fractional dimensionality").

For each family: scan integer d, bisect the change of type, solve the crossing of the
smallest eigenvalue of one isotypic block through 0 jointly with the critical-point
equations (``symbolic.critical.transition``), and certify the type just below and just above
(Krawczyk). Exits 1 unless the family is a saddle below and a minimum above d*, both
certified, and d* lies strictly between ``--between LO HI`` (default 5 and 6) and is
not an integer.

    python derivations/type_transitions.py [--family spurious-d-1,1] [--between 5 6]
"""

from __future__ import annotations

import argparse
import sys

from symbolic.critical.transition import find_transition


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--family", action="append")
    ap.add_argument("--between", nargs=2, type=float, default=[5.0, 6.0])
    ap.add_argument("--digits", type=int, default=25)
    a = ap.parse_args(argv)
    lo, hi = a.between
    ok = True
    for name in a.family or ["spurious-d-1,1", "bounded-d"]:
        trs = find_transition(name, digits=a.digits, certify=True)
        if not trs:
            print(f"{name}: no change of type found")
            ok = False
        for tr in trs:
            j = tr.to_json(a.digits)
            cert = j.get("certificate") or {}
            sides = [cert.get(k) or {} for k in ("below", "above")]
            proved = [s.get("verdict") == "proved" for s in sides]
            kinds = [s.get("classification") for s in sides]
            good = ((tr.below, tr.above) == ("saddle", "minimum") and all(proved)
                    and kinds == ["saddle", "minimum"] and lo < float(tr.d) < hi
                    and float(tr.d) != int(float(tr.d)))
            ok &= good
            print(f"{name} ({tr.irrep}): d* = {j['d']}; {tr.below} below, {tr.above} above;"
                  f" certificates: {kinds} ({'proved' if all(proved) else 'not proved'}); "
                  f"in ({lo:g}, {hi:g}): {lo < float(tr.d) < hi}")
    verdict = "REPRODUCED" if ok else "NOT REPRODUCED"
    print(f"claim: saddle -> minimum at a fractional d in ({lo:g}, {hi:g}): {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
