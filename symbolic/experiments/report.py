r"""Report section of the gradient-descent census: Safran--Shamir's fractions of runs
ending at spurious minima, and the principle of least symmetry breaking.

:data:`SAFRAN_SHAMIR_2018` holds the published counts (``magnitude`` in
``Results/newExp-k-k.mat`` of ``ItaySafran/OneLayerGDconvergence``, commit
``0719662d67ef69aa33aeec8e6c943e9aef9b861e``; 1000 runs per ``k``): for each
``k = d`` the number of runs that ended at each stored family of bad minima. The same
numbers are extracted from the ``.mat`` files into ``tests/data/safran_shamir_2018``
and compared with this table by the tests.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

__all__ = ["SAFRAN_SHAMIR_2018", "SAFRAN_SHAMIR_RUNS", "published_spurious", "compare_row",
           "report_section", "plot_fractions"]

SAFRAN_SHAMIR_RUNS = 1000
#: runs (of 1000) per stored bad-minimum family, k = n = 6..20 (Safran and Shamir 2018)
SAFRAN_SHAMIR_2018: dict[int, list[int]] = {
    6: [3], 7: [55], 8: [126], 9: [213, 5], 10: [312, 34], 11: [383, 71, 1],
    12: [427, 135, 17, 2, 2, 2], 13: [470, 220, 30, 10],
    14: [246, 398, 72, 9, 3, 4, 2, 2], 15: [374, 273, 105, 12, 30, 4, 2, 2, 1],
    16: [180, 292, 297, 52, 7, 6, 9, 4, 1, 3], 17: [301, 278, 191, 80, 14, 14, 3, 5, 10, 1],
    18: [204, 271, 3, 29, 124, 237, 15, 7, 2, 4, 4],
    19: [1, 254, 134, 241, 44, 196, 22, 4, 1, 1, 1, 1, 8, 8, 1, 1, 1, 1, 4, 1, 1, 2, 1, 1, 1,
         1, 1, 1],
    20: [181, 241, 7, 204, 158, 27, 6, 87, 14, 11, 1, 2, 1, 2, 1, 1, 1, 1, 1, 1, 1],
}

SOURCE = ("Safran & Shamir, ICML 2018, 1000 GD runs per k (ItaySafran/OneLayerGDconvergence "
          "@0719662, Results/newExp-k-k.mat)")


def published_spurious(k: int) -> int:
    """Runs (of 1000) that ended at a spurious minimum in Safran--Shamir's experiment."""
    if k not in SAFRAN_SHAMIR_2018:
        raise KeyError(f"Safran and Shamir report k = d = 6..20, not {k}")
    return sum(SAFRAN_SHAMIR_2018[k])


def compare_row(k: int, count: int, runs: int) -> dict[str, Any]:
    """Our fraction and Wilson 95 % interval against the published one; ``agree`` when
    the two intervals overlap (and the two-proportion z statistic)."""
    import math

    from symbolic.experiments.stats import wilson_interval

    pub = published_spurious(k)
    a, b = wilson_interval(count, runs), wilson_interval(pub, SAFRAN_SHAMIR_RUNS)
    p1, p2 = count / runs, pub / SAFRAN_SHAMIR_RUNS
    pp = (count + pub) / (runs + SAFRAN_SHAMIR_RUNS)
    se = math.sqrt(pp * (1 - pp) * (1 / runs + 1 / SAFRAN_SHAMIR_RUNS)) if 0 < pp < 1 else 0
    z = (p1 - p2) / se if se else 0.0
    from symbolic.experiments.stats import interval_text

    return {"k": k, "runs": runs, "spurious": count, "fraction": f"{p1:.4f}",
            "wilson95": interval_text(*a),
            "published_fraction": f"{p2:.4f}", "published_wilson95": interval_text(*b),
            "z": f"{z:.2f}", "agree": bool(a[0] <= b[1] and b[0] <= a[1])}


def plot_fractions(rows: list[dict], path: Path) -> None:
    """Fraction of runs at spurious minima vs k, ours and published, with Wilson CIs."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from symbolic.experiments.stats import wilson_interval

    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    ks = sorted(SAFRAN_SHAMIR_2018)
    pub = [published_spurious(k) / SAFRAN_SHAMIR_RUNS for k in ks]
    ci = [wilson_interval(published_spurious(k), SAFRAN_SHAMIR_RUNS) for k in ks]
    err = [[p - c[0] for p, c in zip(pub, ci, strict=True)],
           [c[1] - p for p, c in zip(pub, ci, strict=True)]]
    ax.errorbar([k - 0.08 for k in ks], pub, yerr=err,
                fmt="s", color="0.45", ms=4, capsize=2,
                label="Safran & Shamir 2018 (1000 runs)")
    if rows:
        kk = [r["k"] for r in rows]
        f = [float(r["fraction"]) for r in rows]
        lo = [f_ - float(r["wilson95"][0]) for f_, r in zip(f, rows, strict=True)]
        hi = [float(r["wilson95"][1]) - f_ for f_, r in zip(f, rows, strict=True)]
        ax.errorbar([k + 0.08 for k in kk], f, yerr=[lo, hi], fmt="o", color="C3", ms=5,
                    capsize=3, label=f"relusym gd-census ({rows[0]['runs']} runs per k)")
    ax.set_xlabel("k = d")
    ax.set_ylabel("fraction of runs at spurious minima")
    ax.set_ylim(0, 1)
    ax.set_xticks(ks)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    ax.set_title("Gradient descent from Xavier initialisation, 95% Wilson intervals",
                 fontsize=9)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    fig.savefig(path.with_suffix(".pdf"))
    plt.close(fig)


def report_section(quick: bool = True, out_dir: Path | None = None):
    """Claims: the Safran--Shamir fractions of spurious minima (our runs against theirs,
    Wilson intervals) and least symmetry breaking (isotropy of every spurious minimum
    reached). ``quick``: k = 8 and 9 with 40 runs each (under a minute on one core);
    otherwise k = 6..12 with 300 runs each on local processes."""
    from symbolic.core.claims import Claim, Figure, Section, Table
    from symbolic.experiments.gd import gd_census

    t0 = time.perf_counter()
    plan = {8: 40, 9: 40} if quick else {k: 300 for k in range(6, 13)}
    workers = 1 if quick else None
    rows, sums = [], {}
    for k, runs in plan.items():
        s = gd_census(k, k, runs, seed=2018, digits=30, workers=workers, progress=False)
        sums[k] = s
        rows.append(compare_row(k, s.spurious_count, runs))
    sec = Section("gd-census", "Gradient-descent census: which minima training finds",
                  "Safran & Shamir (ICML 2018); Arjevani & Field (arXiv 1912.11939)",
                  intro="Plain gradient descent (Safran-Shamir protocol: Xavier "
                  "initialisation N(0, 1/d), step 0.1, stop at max_i |2 pi grad_i L| <= 1e-9) "
                  "from seeded random starts; every end point refined by Newton in its "
                  "detected fixed space, certified (Krawczyk) and named.")
    agree = [r for r in rows if r["agree"]]
    sec.claims.append(Claim(
        "The fraction of gradient-descent runs ending at spurious local minima matches "
        "Safran and Shamir's experiment (overlapping 95% Wilson intervals)",
        SOURCE,
        "; ".join(f"k={r['k']}: {r['spurious']}/{r['runs']} = {r['fraction']} "
                  f"[{r['wilson95'][0]}, {r['wilson95'][1]}]" for r in rows),
        "pass" if len(agree) == len(rows) else "fail",
        expected="; ".join(f"k={r['k']}: {r['published_fraction']} "
                           f"[{r['published_wilson95'][0]}, {r['published_wilson95'][1]}]"
                           for r in rows),
        detail=f"{len(agree)} of {len(rows)} k agree; z = "
               + ", ".join(f"{r['z']}" for r in rows)))
    sp = [(k, g) for k, s in sums.items() for g in s.groups if g.spurious]
    two_block = [(k, g) for k, g in sp if len(g.symmetry["blocks"]) == 2]
    maximal = [(k, g) for k, g in sp if g.symmetry["maximal"]]
    uncert = [(k, g) for k, s in sums.items() for g in s.groups if g.certificate is not None
              and g.certificate.verdict != "proved"]
    sec.claims.append(Claim(
        "Least symmetry breaking: the spurious minima gradient descent reaches have large "
        "isotropy (two-block Delta(S_{d-p} x S_p), a maximal subgroup of S_d for p != d/2)",
        "Arjevani & Field, arXiv 1912.11939; Safran & Shamir 2018",
        f"{len(sp)} spurious minima found: isotropies "
        + ", ".join(f"k={k}: {g.isotropy}" for k, g in sp)
        + f"; {len(maximal)} maximal, {len(two_block)} two-block",
        "pass" if sp and len(two_block) == len(sp) else ("unknown" if not sp else "fail"),
        expected="every spurious minimum found has a two-block isotropy",
        detail="no spurious minimum reached in these runs" if not sp else
        f"{len(uncert)} points without a proved certificate"))
    sec.claims.append(Claim(
        "Every end point is a certified critical point, named from the catalogue or as a "
        "census point",
        "relusym (Krawczyk certificate, symbolic.spectra.certify)",
        f"{sum(len(s.groups) for s in sums.values())} distinct end points, "
        f"{len(uncert)} not proved; names: "
        + ", ".join(sorted({g.name for s in sums.values() for g in s.groups})),
        "pass" if not uncert else "fail"))
    header = ["k", "runs", "spurious", "fraction", "Wilson 95%", "published", "published 95%",
              "agree"]
    sec.tables.append(Table(
        "Fraction of runs ending at spurious minima, relusym against Safran & Shamir",
        header, [[str(r["k"]), str(r["runs"]), str(r["spurious"]), r["fraction"],
                  f"[{r['wilson95'][0]}, {r['wilson95'][1]}]", r["published_fraction"],
                  f"[{r['published_wilson95'][0]}, {r['published_wilson95'][1]}]",
                  "yes" if r["agree"] else "no"] for r in rows]))
    mrows = []
    for k, s in sums.items():
        for g in s.groups:
            j = g.to_json(30)
            mrows.append([str(k), g.isotropy, g.loss[:20], str(g.count),
                          "-" if j["index"] is None else str(j["index"]), g.name,
                          "unbroken (S_d)" if g.symmetry.get("unbroken") else
                          ("yes" if g.symmetry.get("maximal") else "no")])
    sec.tables.append(Table("Distinct end points (certified), with isotropy maximality",
                            ["k", "isotropy", "loss", "runs", "index", "name", "maximal"],
                            mrows))
    if out_dir is not None:
        png = Path(out_dir) / "gd_census_fractions.png"
        plot_fractions(rows, png)
        sec.figures.append(Figure("Fraction of gradient-descent runs at spurious minima "
                                  "(95% Wilson intervals): relusym and Safran & Shamir 2018",
                                  str(png), str(png.with_suffix(".pdf"))))
    sec.seconds = time.perf_counter() - t0
    return sec
