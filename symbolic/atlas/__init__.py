"""The atlas: every critical point of every block isotropy type, in a database.

* :mod:`symbolic.atlas.partitions`  -- which fixed spaces (block labels) at each d;
* :mod:`symbolic.atlas.build`       -- census tasks on an Executor, journal, ingest,
  links across d, families, catalogue names;
* :mod:`symbolic.atlas.fingerprint` -- one orbit stored once;
* :mod:`symbolic.atlas.db`          -- the SQLite schema;
* :mod:`symbolic.atlas.query`       -- filters;
* :mod:`symbolic.atlas.html`        -- static site export.
"""

from symbolic.atlas.build import build_atlas
from symbolic.atlas.db import connect
from symbolic.atlas.html import export_html
from symbolic.atlas.query import query_points, summary, type_changes

__all__ = ["build_atlas", "connect", "export_html", "query_points", "summary", "type_changes"]
