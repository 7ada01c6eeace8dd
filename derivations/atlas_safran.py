"""Every minimum gradient descent found (Safran and Shamir, ICML 2018) is in the atlas.

Claim checked: the bad minima stored in the public results of Safran and Shamir
(``ItaySafran/OneLayerGDconvergence``, ``Results/newExp-k-k.mat``; extract in
``tests/data/safran_shamir_2018/points.json``, k = d = 6..13) are critical points of
block isotropy type, each found by relusym's census of its fixed space and stored in
the atlas with its family.

For each stored point: detect its isotropy and refine it by high-precision Newton in
the detected fixed space (``symbolic.experiments.classify.refine_endpoint``), then look
its orbit fingerprint up among the atlas points at that d. With ``--db`` an existing
atlas is searched; without, an atlas of exactly the detected fixed spaces is built
from scratch (census, no stored answers) in a temporary file.

    python derivations/atlas_safran.py [--db atlas.sqlite] [--max-d 13]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "safran_shamir_2018" / "points.json"


def main(argv: list[str] | None = None) -> int:
    from symbolic.atlas import build_atlas, connect
    from symbolic.atlas.fingerprint import fingerprint, same_point
    from symbolic.experiments.classify import refine_endpoint
    from symbolic.groups import parse_isotropy

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default=None, help="an atlas built with relusym atlas build")
    ap.add_argument("--max-d", type=int, default=13)
    args = ap.parse_args(argv)
    pts = [p for p in json.loads(DATA.read_text())["points"] if p["k"] <= args.max_d]
    refined = []
    for p in pts:
        r = refine_endpoint([[float(x) for x in row] for row in p["W"]], digits=30)
        refined.append((p, r))
    if args.db is None:
        tmp = tempfile.mkdtemp(prefix="atlas-safran-")
        db = Path(tmp) / "atlas.sqlite"
        for d in sorted({p["k"] for p, _ in refined}):
            labels = sorted({r["isotropy"] for p, r in refined if p["k"] == d and
                             r.get("status") == "refined"})
            build_atlas(db, [d], labels=labels, progress=False, link=False)
    else:
        db = Path(args.db)
    con = connect(db, create=False)
    found = 0
    print(f"{'k=d':>4} {'runs':>5} {'isotropy':<10} {'loss (refined)':<22} {'atlas':>6} "
          f"{'type':<16} {'certified':<9} {'family':>6} catalogue")
    for p, r in refined:
        d = p["k"]
        hit = None
        if r.get("status") == "refined":
            space = parse_isotropy(r["isotropy"])
            fp = fingerprint(space, [r["params"][n] for n in space.names], d)
            for row in con.execute("SELECT * FROM points WHERE d=?", (d,)):
                if same_point(json.loads(row["fingerprint"]), row["loss"], fp, r["loss"],
                              tol=1e-6):
                    hit = row
                    break
        found += hit is not None
        typ = "-" if hit is None else (hit["kind"] + ("" if hit["morse_index"] is None
                                                      else f" ({hit['morse_index']})"))
        print(f"{d:>4} {p['magnitude']:>5} {r.get('isotropy', r.get('status')):<10} "
              f"{r.get('loss', '-')[:22]:<22} {hit['id'] if hit else 'MISSING':>6} "
              f"{typ:<16} {(hit['verdict'] if hit else '-'):<9} "
              f"{(hit['family_id'] if hit else '-')!s:>6} "
              f"{(hit['catalogue'] or '') if hit else ''}")
    print(f"{found} of {len(refined)} stored Safran-Shamir minima found in the atlas")
    print("claim reproduced" if found == len(refined) else "DISAGREEMENT: some are missing")
    return 0 if found == len(refined) else 1


if __name__ == "__main__":
    sys.exit(main())
