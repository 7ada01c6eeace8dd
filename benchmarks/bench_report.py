"""Benchmarks of the report's building blocks, each side by side with the naive route.

1. Points along a family at d = 10, 10^2, ..., 10^5: one continuation sweep reusing the
   previous point (``symbolic.report.builtin._point``) against following the family
   from its seed at d = 10 for every d (``Family.point``).
2. The Hessian spectrum of the d-1,1 minimum: isotypic (``symbolic.spectra.spectrum``, 30
   digits) at d = 30 and d = 10^5, against the full (d^2 x d^2) float64 Hessian of
   ``symbolic.loss.model`` at d = 30 (which cannot reach d = 10^5: 10^10 x 10^10).
3. Rendering: Markdown, HTML, LaTeX of a stored report, and pdflatex (if installed).
4. With ``--sections``: wall time of each built-in section in quick mode (one core).

    python benchmarks/bench_report.py [--sections] [--report DIR]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path


def _t(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sections", action="store_true")
    ap.add_argument("--report", help="a report folder (report.json) to re-render")
    a = ap.parse_args()

    import numpy as np

    from symbolic.catalogue.families import family
    from symbolic.loss import model
    from symbolic.report import builtin
    from symbolic.spectra.spectrum import spectrum

    grid = [10, 100, 1000, 10**4, 10**5]
    f = family("spurious-d-1,1")
    builtin._POINTS.clear()
    t_sweep, _ = _t(lambda: [builtin._point(f.name, d) for d in grid])
    t_seed, _ = _t(lambda: [f.point(d, digits=30) for d in grid])
    print(f"points at d = {grid}: sweep {t_sweep:.2f} s, from the seed each time "
          f"{t_seed:.2f} s (x{t_seed / t_sweep:.1f})")

    v30 = builtin._point(f.name, 100)  # warm the block builds
    spectrum(f.space, list(v30), 100, dps=30)
    for d in (30, 10**5):
        vals = list(builtin._point(f.name, d)) if d in grid else f.point(d, digits=30)
        t_iso, s = _t(lambda vals=vals, d=d: spectrum(f.space, vals, d, dps=30))
        msg = f"spectrum at d = {d}: isotypic {t_iso:.3f} s ({len(s.eigenvalues)} distinct)"
        if d == 30:
            W = np.array(f.space.matrix([float(x) for x in vals], d), dtype=float)
            t_full, ev = _t(lambda W=W: np.linalg.eigvalsh(model.hessian(W)))
            msg += f"; full {d * d}x{d * d} float64 Hessian + eigvalsh {t_full:.3f} s"
        else:
            msg += "; full matrix: 10^10 x 10^10, not feasible"
        print(msg)

    if a.report:
        from symbolic.report import compile_pdf, html, latex, markdown

        rep = json.loads((Path(a.report) / "report.json").read_text())
        for name, fn in (("markdown", markdown), ("html", lambda r: html(r, a.report)),
                         ("latex", lambda r: latex(r, a.report))):
            t, text = _t(lambda fn=fn: fn(rep))
            print(f"render {name}: {t:.3f} s, {len(text)} characters")
        with tempfile.TemporaryDirectory() as tmp:
            import shutil

            copy = Path(tmp) / "rep"
            shutil.copytree(a.report, copy)
            tex = copy / "report.tex"
            tex.write_text(latex(rep, copy))
            t, info = _t(lambda: compile_pdf(tex))
            print(f"pdflatex (2 runs): {t:.2f} s, overfull hbox: {info['overfull_hbox']}, "
                  f"error: {info['error'] or 'none'}")

    if a.sections:
        with tempfile.TemporaryDirectory() as tmp:
            for fn in (builtin.hessian_section, builtin.agreement_section,
                       builtin.transition_section, builtin.loss_section):
                t, sec = _t(lambda fn=fn: fn(quick=True, out_dir=Path(tmp), d=10))
                print(f"section {sec.key}: {t:.1f} s, verdict {sec.verdict}")


if __name__ == "__main__":
    main()
