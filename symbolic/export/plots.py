"""Figures of the report: one place for the plot style (matplotlib, Agg backend).

Every function draws one figure from numbers already computed (decimal strings or
mpmath values, converted to float only here, for drawing), writes it as PNG (for
Markdown/HTML) and PDF (for LaTeX) under ``out_dir`` and returns a
:class:`symbolic.core.claims.Figure` with the paths relative to ``base`` (the report
folder). Styling: :func:`style` (sizes readable in print at a column width of
about 12 cm; a colour-blind-safe palette; line styles distinguish series too).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from symbolic.core.claims import Figure

__all__ = ["style", "save", "spectrum_vs_d", "stem_spectra", "loss_vs_d", "transition",
           "agreement", "PALETTE"]

#: Okabe-Ito colour-blind-safe palette
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
           "#F0E442"]
_MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]


def _mpl():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def style() -> None:
    """Set the report's matplotlib style (called by every plot function)."""
    plt = _mpl()
    plt.rcParams.update({
        "figure.figsize": (6.4, 4.0), "figure.dpi": 100, "savefig.dpi": 160,
        "font.size": 10, "axes.titlesize": 11, "axes.labelsize": 10,
        "legend.fontsize": 8.5, "xtick.labelsize": 9, "ytick.labelsize": 9,
        "lines.linewidth": 1.5, "lines.markersize": 4.5, "axes.grid": True,
        "grid.alpha": 0.3, "grid.linewidth": 0.6, "axes.spines.top": False,
        "axes.spines.right": False, "legend.frameon": False,
        "axes.prop_cycle": plt.cycler(color=PALETTE), "savefig.bbox": "tight",
        "pdf.fonttype": 42,
    })


def _f(x: Any) -> float:
    return float(x) if not isinstance(x, str) else float(x)


def save(fig, out_dir: Path, name: str, caption: str, base: Path | None = None) -> Figure:
    """Write ``name.png`` and ``name.pdf`` into ``out_dir``; close the figure."""
    plt = _mpl()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    png, pdf = out_dir / f"{name}.png", out_dir / f"{name}.pdf"
    fig.savefig(png)
    fig.savefig(pdf)
    plt.close(fig)
    base = Path(base) if base is not None else out_dir.parent

    def rel(p: Path) -> str:
        r = p.resolve()
        return str(r.relative_to(base.resolve())) if r.is_relative_to(base.resolve()) \
            else str(r)

    return Figure(caption, rel(png), rel(pdf))


def spectrum_vs_d(ds: list, branches: list[tuple[str, list]], out_dir: Path, name: str,
                  caption: str, *, title: str = "", base: Path | None = None,
                  reference: list[list] | None = None,
                  reference_label: str = "reference",
                  series: tuple[list, list[list]] | None = None) -> Figure:
    """Distinct Hessian eigenvalues against ``d`` on log-log axes: ``branches`` is a list
    of ``(irreducible label, values at ds)``, one colour and marker per label (one
    legend entry each); ``reference`` (dashed grey lines, one legend entry
    ``reference_label``) e.g. the closed forms at the global minimum; ``series``:
    ``(fine d grid, curves)`` of truncated series (dashed black). A guide line ``d/4``
    marks linear growth."""
    style()
    plt = _mpl()
    fig, ax = plt.subplots()
    x = [_f(d) for d in ds]
    labels = list(dict.fromkeys(lab for lab, _ in branches))
    seen: set = set()
    for lab, ys in branches:
        i = labels.index(lab)
        pts = [(a, _f(y)) for a, y in zip(x, ys, strict=True) if y is not None and _f(y) > 0]
        if pts:
            ax.plot(*zip(*pts, strict=True), marker=_MARKERS[i % len(_MARKERS)],
                    color=PALETTE[i % len(PALETTE)], label=None if lab in seen else lab)
            seen.add(lab)
    for j, ys in enumerate(reference or []):
        pts = [(a, _f(y)) for a, y in zip(x, ys, strict=True) if _f(y) > 0]
        ax.plot(*zip(*pts, strict=True), ls="--", color="0.45", lw=1.0,
                label=reference_label if j == 0 else None)
    if series is not None:  # truncated series on a fine grid (dashed black)
        sx, curves = series
        for j, ys in enumerate(curves):
            pts = [(_f(a), _f(y)) for a, y in zip(sx, ys, strict=True) if _f(y) > 0]
            if pts:
                ax.plot(*zip(*pts, strict=True), ls="--", color="0.15", lw=0.9,
                        label="truncated series" if j == 0 else None)
    ax.plot([x[0], x[-1]], [x[0] / 4, x[-1] / 4], ls=":", color="0.2", lw=1.0,
            label=r"$d/4$ (slope 1)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"dimension $d$")
    ax.set_ylabel(r"Hessian eigenvalue $\lambda$")
    if title:
        ax.set_title(title)
    ax.legend(loc="upper left", title="irreducible", title_fontsize=8.5)
    return save(fig, out_dir, name, caption, base)


def stem_spectra(spectra: dict[str, list[tuple[Any, Any, str]]], out_dir: Path, name: str,
                 caption: str, *, title: str = "", base: Path | None = None) -> Figure:
    """Stem plots of spectra with multiplicities (one panel per spectrum):
    ``spectra[label] = [(value, multiplicity, irrep)]``; log axes on both."""
    style()
    plt = _mpl()
    n = len(spectra)
    fig, axes = plt.subplots(n, 1, figsize=(6.4, 1.9 * n + 0.6), sharex=True, squeeze=False)
    irreps = sorted({e[2] for sp_ in spectra.values() for e in sp_})
    colour = {ir: PALETTE[i % len(PALETTE)] for i, ir in enumerate(irreps)}
    for ax, (lab, eig) in zip(axes[:, 0], spectra.items(), strict=True):
        for ir in irreps:
            pts = [(_f(v), _f(m)) for v, m, r in eig if r == ir and _f(v) > 0]
            if not pts:
                continue
            xs, ms = zip(*pts, strict=True)
            ax.vlines(xs, 0.8, ms, color=colour[ir], lw=2.0)
            ax.plot(xs, ms, "o", color=colour[ir], label=ir)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_ylim(0.8, None)
        ax.set_ylabel("multiplicity")
        ax.set_title(lab, fontsize=10, loc="left")
        ax.legend(loc="upper right", ncol=3, fontsize=7.5)
    axes[-1, 0].set_xlabel(r"Hessian eigenvalue $\lambda$")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return save(fig, out_dir, name, caption, base)


def loss_vs_d(curves: dict[str, tuple[list, list]], out_dir: Path, name: str, caption: str,
              *, series: dict[str, tuple[list, list]] | None = None,
              base: Path | None = None, ylabel: str = r"loss $L$") -> Figure:
    """The loss against ``d`` on log-log axes, one curve per family (markers: computed
    values), the truncated series overlaid (dashed lines of the same colour)."""
    style()
    plt = _mpl()
    fig, ax = plt.subplots()
    for i, (lab, (ds, ys)) in enumerate(curves.items()):
        c = PALETTE[i % len(PALETTE)]
        ax.plot([_f(d) for d in ds], [_f(y) for y in ys], _MARKERS[i % len(_MARKERS)],
                color=c, label=lab)
        if series and lab in series:
            sd, sy = series[lab]
            pts = [(_f(a), _f(b)) for a, b in zip(sd, sy, strict=True) if _f(b) > 0]
            if pts:
                ax.plot(*zip(*pts, strict=True), "--", color=c, lw=1.1)
    if series:
        ax.plot([], [], "--", color="0.3", lw=1.1, label="truncated series in $d^{-1/2}$")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"dimension $d$")
    ax.set_ylabel(ylabel)
    ax.legend(loc="lower left")
    return save(fig, out_dir, name, caption, base)


def transition(curves: dict[str, tuple[list, list, Any]], out_dir: Path, name: str,
               caption: str, *, base: Path | None = None) -> Figure:
    """The smallest eigenvalue of the crossing irreducible against ``d`` near each
    family's transition: ``curves[label] = (ds, lambdas, d_star)``; the zero line,
    ``d*`` marked, and the type on each side (saddle where lambda < 0)."""
    style()
    plt = _mpl()
    fig, ax = plt.subplots()
    ax.axhline(0, color="0.2", lw=0.8)
    for i, (lab, (ds, ys, dstar)) in enumerate(curves.items()):
        c = PALETTE[i % len(PALETTE)]
        ax.plot([_f(d) for d in ds], [_f(y) for y in ys], marker=_MARKERS[i], color=c,
                label=f"{lab}: $d^* = {_f(dstar):.6f}$")
        ax.axvline(_f(dstar), color=c, ls=":", lw=1.0)
    ax.text(0.98, 0.04, r"$\lambda < 0$: saddle", transform=ax.transAxes, fontsize=9,
            color="0.25", ha="right")
    ax.text(0.02, 0.94, r"$\lambda > 0$: minimum", transform=ax.transAxes, fontsize=9,
            color="0.25")
    ax.set_xlabel(r"dimension $d$ (real)")
    ax.set_ylabel(r"smallest eigenvalue of the crossing block")
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 0.1))
    return save(fig, out_dir, name, caption, base)


def agreement(curves: dict[str, tuple[list, list]], out_dir: Path, name: str, caption: str,
              *, base: Path | None = None, ylabel: str = "") -> Figure:
    """A distance between spectra against ``d`` (log-log), with a guide of slope -1/2."""
    style()
    plt = _mpl()
    fig, ax = plt.subplots()
    allx, ally = [], []
    for i, (lab, (ds, ys)) in enumerate(curves.items()):
        xs, vs = [_f(d) for d in ds], [_f(y) for y in ys]
        allx += xs
        ally += vs
        ax.plot(xs, vs, marker=_MARKERS[i % len(_MARKERS)], color=PALETTE[i % len(PALETTE)],
                label=lab)
    if allx:
        x0, x1 = min(allx), max(allx)
        y0 = max(ally) * 1.6
        ax.plot([x0, x1], [y0, y0 * math.sqrt(x0 / x1)], ls=":", color="0.2", lw=1.0,
                label=r"slope $-1/2$")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"dimension $d$")
    ax.set_ylabel(ylabel or "distance between spectra")
    ax.legend(loc="lower left")
    return save(fig, out_dir, name, caption, base)


def eigen_series(ds: list, branches: list[tuple[str, list]], fine: list, curves: list[list],
                 out_dir: Path, name: str, caption: str, *, base: Path | None = None) -> Figure:
    """Eigenvalues along a family (markers, by irreducible) and their truncated series
    (dashed): left all of them on log-log axes, right the O(1) bulk on a linear scale,
    where the series' approach to the computed values is visible."""
    style()
    plt = _mpl()
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(9.0, 3.8))
    x = [_f(d) for d in ds]
    labels = list(dict.fromkeys(lab for lab, _ in branches))
    for ax, bulk in ((a1, False), (a2, True)):
        seen: set = set()
        for lab, ys in branches:
            if bulk and _f(ys[-1]) > 1:
                continue
            i = labels.index(lab)
            ax.plot(x, [_f(y) for y in ys], _MARKERS[i % len(_MARKERS)],
                    color=PALETTE[i % len(PALETTE)], label=None if lab in seen else lab)
            seen.add(lab)
        first = True
        for ys in curves:
            v = [_f(y) for y in ys]
            if bulk and v[-1] > 1:
                continue
            pts = [(_f(a), b) for a, b in zip(fine, v, strict=True) if b > 0]
            ax.plot(*zip(*pts, strict=True), "--", color="0.2", lw=0.9,
                    label="truncated series" if first else None)
            first = False
        ax.set_xscale("log")
        ax.set_xlabel(r"dimension $d$")
    a1.set_yscale("log")
    a1.set_ylabel(r"Hessian eigenvalue $\lambda$")
    a1.set_title("all eigenvalues", fontsize=10)
    a2.set_title(r"the $O(1)$ bulk", fontsize=10)
    a1.legend(loc="upper left", fontsize=7.5)
    fig.tight_layout()
    return save(fig, out_dir, name, caption, base)
