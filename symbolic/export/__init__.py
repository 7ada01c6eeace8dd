"""Exports of relusym results: LaTeX (:mod:`symbolic.export.latex`)."""
