"""Every minimum gradient descent found (Safran and Shamir, ICML 2018; Safran, Yehudai and
Shamir, COLT 2021) is in the atlas.

Claim checked: the minima stored in two public gradient-descent data sets are critical
points of block isotropy type, each found by relusym's census of its fixed space and
stored in the atlas with its family:

* ``ss``: Safran and Shamir, ``ItaySafran/OneLayerGDconvergence``,
  ``Results/newExp-k-k.mat`` (extract ``tests/data/safran_shamir_2018/points.json``,
  k = d = 6..20, 117 stored bad minima, 1000 runs per k);
* ``sys``: Safran, Yehudai and Shamir, "The effects of mild over-parameterization on the
  optimization landscape of shallow ReLU neural networks", ``ItaySafran/Overparameterization``,
  ``Processed minima.zip`` (extract ``tests/data/safran_yehudai_shamir_2020/minima.json``,
  k = d = 6..20, 104 stored minima including the global one, 500 runs per k), stored in
  their compact block form and rebuilt here by their ``reconstruct_matrix``.

For each stored point: detect its isotropy and refine it by high-precision Newton in
the detected fixed space (``symbolic.experiments.classify.refine_endpoint``), then look
its orbit fingerprint up among the atlas points at that d. With ``--db`` an existing
atlas is searched; without, an atlas of exactly the detected fixed spaces is built
from scratch (census, no stored answers) in a temporary file.

Also printed: how many distinct orbits the stored points are (the papers merged end
points equivalent up to a small Frobenius distance, so one orbit can appear as several
of their families).

    python derivations/atlas_safran.py [--data ss|sys|both] [--db atlas.sqlite] [--max-d 20]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "safran_shamir_2018" / "points.json"
DATA_SYS = ROOT / "tests" / "data" / "safran_yehudai_shamir_2020" / "minima.json"


def reconstruct_matrix(vals: list[list[str]], p: list[int]) -> list[list[float]]:
    """Safran-Yehudai-Shamir's compact form back to a matrix (their
    ``local_minima.reconstruct_matrix``): diagonal block i of size p[i] has diagonal
    vals[i][i] and off-diagonal vals[i][-1]; block (i, j) is constant vals[i][j]. Their
    neurons are the columns; the result is transposed to relusym's rows."""
    v = [[float(x) for x in row] for row in vals]
    if len(p) == 1 and v == [[1.0, 0.0]]:
        return [[float(i == j) for j in range(p[0])] for i in range(p[0])]
    starts = [sum(p[:i]) for i in range(len(p))]
    k = sum(p)
    W = [[0.0] * k for _ in range(k)]
    for bi, (si, pi) in enumerate(zip(starts, p, strict=True)):
        for bj, (sj, pj) in enumerate(zip(starts, p, strict=True)):
            for a in range(pi):
                for b in range(pj):
                    if bi == bj:
                        W[si + a][sj + b] = v[bi][bi] if a == b else v[bi][-1]
                    else:
                        W[si + a][sj + b] = v[bi][bj]
    return [list(col) for col in zip(*W, strict=True)]  # columns -> rows


def stored_points(which: str, max_d: int) -> list[dict]:
    """``[{"set", "k", "runs", "W"}]`` of the chosen data sets, k <= max_d."""
    out = []
    if which in ("ss", "both"):
        out += [{"set": "ss", "k": p["k"], "runs": p["magnitude"],
                 "W": [[float(x) for x in row] for row in p["W"]]}
                for p in json.loads(DATA.read_text())["points"] if p["k"] <= max_d]
    if which in ("sys", "both"):
        out += [{"set": "sys", "k": m["k"], "runs": m["multiplicity"],
                 "W": reconstruct_matrix(m["vals"], m["p"])}
                for m in json.loads(DATA_SYS.read_text())["minima"] if m["k"] <= max_d]
    return out


def main(argv: list[str] | None = None) -> int:
    from symbolic.atlas import build_atlas, connect
    from symbolic.atlas.fingerprint import fingerprint, same_point
    from symbolic.experiments.classify import refine_endpoint
    from symbolic.symmetry.groups import parse_isotropy

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default=None, help="an atlas built with relusym atlas build")
    ap.add_argument("--max-d", type=int, default=20)
    ap.add_argument("--data", choices=["ss", "sys", "both"], default="both",
                    help="Safran-Shamir 2018 (ss), Safran-Yehudai-Shamir (sys) or both")
    args = ap.parse_args(argv)
    pts = stored_points(args.data, args.max_d)
    refined = []
    for p in pts:
        r = refine_endpoint(p["W"], digits=30)
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
    orbits: dict[int, set] = {}
    print(f"{'set':<4} {'k=d':>4} {'runs':>5} {'isotropy':<10} {'loss (refined)':<22} {'atlas':>6} "
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
        if hit is not None:
            orbits.setdefault(d, set()).add(hit["id"])
        typ = "-" if hit is None else (hit["kind"] + ("" if hit["morse_index"] is None
                                                      else f" ({hit['morse_index']})"))
        print(f"{p['set']:<4} {d:>4} {p['runs']:>5} {r.get('isotropy', r.get('status')):<10} "
              f"{r.get('loss', '-')[:22]:<22} {hit['id'] if hit else 'MISSING':>6} "
              f"{typ:<16} {(hit['verdict'] if hit else '-'):<9} "
              f"{(hit['family_id'] if hit else '-')!s:>6} "
              f"{(hit['catalogue'] or '') if hit else ''}")
    print(f"{found} of {len(refined)} stored minima found in the atlas")
    print("distinct orbits per k (stored families -> atlas points): " + ", ".join(
        f"k={d}: {sum(1 for p, _ in refined if p['k'] == d)} -> {len(ids)}"
        for d, ids in sorted(orbits.items())))
    print("claim reproduced" if found == len(refined) else "DISAGREEMENT: some are missing")
    return 0 if found == len(refined) else 1


if __name__ == "__main__":
    sys.exit(main())
