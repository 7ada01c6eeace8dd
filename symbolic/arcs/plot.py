"""Plot of the tangency arcs of one critical point: ``m(r)``, ``M(r)`` and every arc.

Two panels, losses relative to ``L(W_c)``: (a) every traced arc's ``L - L_c``
against ``r`` (one colour per irreducible, solid ``+v``, dashed ``-v``) with
``m(r)`` and ``M(r)`` in black on a symmetric-log axis; (b) a zoom on the arcs of
the lowest eigenvalue and ``m(r)`` (linear axis), where a maximum of ``m`` is a
critical point of ``L`` on the arc (``dL/dr = mu r = 0``).
"""

from __future__ import annotations

from pathlib import Path

from symbolic.core.claims import Figure
from symbolic.export.plots import PALETTE, _mpl, save, style

__all__ = ["plot_arcs"]


def plot_arcs(result, path: str | Path, *, caption: str | None = None,
              base: str | Path | None = None) -> Figure:
    """Write ``path`` (PNG, and a PDF next to it) for an :class:`ArcsResult`; the
    returned Figure's paths are relative to ``base`` (default: the folder above the
    PNG's folder, the report convention of :func:`symbolic.export.plots.save`)."""
    style()
    plt = _mpl()
    path = Path(path)
    lc = float(result.loss_c)
    fig, (ax, az) = plt.subplots(1, 2, figsize=(11, 4.2))
    irreps = sorted({r["irrep"] for r in result.records})
    colour = {ir: PALETTE[i % len(PALETTE)] for i, ir in enumerate(irreps)}
    seen = set()
    lows = []
    lam_lo = min(float(r["eigenvalue"]) for r in result.records)
    for rec in result.records:
        rs = [0.0] + [float(p["r"]) for p in rec["points"]]
        ys = [0.0] + [float(p["loss"]) - lc for p in rec["points"]]
        lab = rec["irrep"] if rec["irrep"] not in seen else None
        seen.add(rec["irrep"])
        ls = "-" if rec["sign"] > 0 else "--"
        ax.plot(rs, ys, ls=ls, lw=0.9, color=colour[rec["irrep"]], label=lab, alpha=0.8)
        if abs(float(rec["eigenvalue"]) - lam_lo) < 1e-12 * (1 + lam_lo):
            lows.append((rec, rs, ys))
    full = getattr(result, "which", "all") == "all"
    lab_m = "m(r) - L_c" if full else "min over the traced arcs - L_c"
    lab_M = "M(r) - L_c" if full else "max over the traced arcs - L_c"
    allx = result.extrema
    # solid where every traced arc reaches r, thin dashed where some arc has stopped
    n_ok = next((j for j, e in enumerate(allx) if not e["complete"]), len(allx))
    ok = allx[:n_ok]
    rest = allx[max(n_ok - 1, 0):] if n_ok < len(allx) else []

    def curve(part, key, origin):
        xs = [float(e["r"]) for e in part]
        ys = [float(e[key]) - lc for e in part]
        return ([0.0] + xs, [0.0] + ys) if origin else (xs, ys)

    for part, solid in ((ok, True), (rest, False)):
        if not part:
            continue
        origin = solid or n_ok == 0
        kw = {"lw": 2.2} if solid else {"lw": 0.9, "alpha": 0.7}
        for a in (ax, az):
            a.plot(*curve(part, "m", origin), color="k", ls="-" if solid else "--",
                   label=lab_m if solid else "m: some arcs stopped", **kw)
        ax.plot(*curve(part, "M", origin), color="k", ls=":",
                label=lab_M if solid else None, **kw)
    ax.set_yscale("symlog", linthresh=1e-3)
    ax.set_xlabel("radius r = |W - W_c|_F")
    ax.set_ylabel("L - L(W_c)")
    ax.set_title(f"(a) every arc, {result.family}, d = {result.d}")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3, fontsize=7)
    for i, (rec, rs, ys) in enumerate(lows):
        ls = "-" if rec["sign"] > 0 else "--"
        c = PALETTE[(i // 2 + 1) % len(PALETTE)]
        az.plot(rs, ys, ls=ls, color=c, lw=1.2,
                label=f"{rec['irrep']} {'+' if rec['sign'] > 0 else '-'}v, "
                      f"Fix({rec['fixed_space']})")
        cp = rec.get("critical_point")
        if cp:
            az.plot([float(cp["r"])], [float(cp["loss"]) - lc], "o", color=c)
    az.axhline(0, color="0.5", lw=0.6)
    az.set_xlabel("radius r")
    az.set_ylabel("L - L(W_c)")
    az.set_title(f"(b) arcs of the lowest eigenvalue ({lows[0][0]['irrep']})" if lows
                 else "(b)")
    az.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, fontsize=7)
    cap = caption or (f"Tangency arcs of {result.family} at d = {result.d}: L - L(W_c) along "
                      "every traced arc, m(r) and M(r) (extrema over the arcs); right: the "
                      "arcs of the lowest Hessian eigenvalue, dots where mu = 0 (a critical "
                      "point of L on the arc).")
    name = path.stem
    return save(fig, path.parent, name, cap, base=Path(base) if base is not None else None)
