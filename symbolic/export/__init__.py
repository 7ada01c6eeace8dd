"""Exports of relusym results: LaTeX (:mod:`symbolic.export.latex`: equations, paper-ready
series and the report document), Markdown (:mod:`symbolic.export.markdown`) and
self-contained HTML (:mod:`symbolic.export.html`) of the report."""
