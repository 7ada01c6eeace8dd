"""The relusym report (the main job): the seed papers' claims, reproduced and verified.

* :mod:`symbolic.report.table` -- the catalogue: every family at one ``d``, certified
  (type, index, outward-rounded loss enclosure, spectrum, exact loss series);
* :mod:`symbolic.report.builtin` -- built-in sections (Hessian spectra, agreement of
  spectra to ``O(d^{-1/2})``, fractional critical dimensions, loss series);
* :mod:`symbolic.report.sections` -- collecting every section, built-in and from
  :data:`symbolic.core.claims.SECTION_PROVIDERS`, fault-tolerant, on an executor;
* :mod:`symbolic.report.papers` -- the seed papers and which section belongs to which;
* :mod:`symbolic.report.document` -- the dictionary and its formats (JSON, Markdown,
  self-contained HTML, LaTeX, PDF).
"""

from symbolic.report.document import (
    build_report,
    compile_pdf,
    html,
    latex,
    markdown,
    summary,
    write_report,
)
from symbolic.report.table import (
    MAX_SERIES_ORDER,
    TABLE_DIGITS,
    build_table,
    families_section,
    prepare_out_dir,
)

__all__ = ["build_report", "write_report", "markdown", "latex", "html", "compile_pdf",
           "summary", "build_table", "families_section", "prepare_out_dir", "TABLE_DIGITS",
           "MAX_SERIES_ORDER"]
