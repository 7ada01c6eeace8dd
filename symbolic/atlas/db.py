"""The atlas database: SQLite, one file, documented schema (docs/atlas.md).

Tables
------
``meta(key, value)``
    ``schema`` (``relusym.atlas/1``), ``relusym`` (version that created it).
``tasks(id, isotropy, d, status, error, seconds, digits, seed, starts, completeness,
search, n_points, n_sets, relusym)``
    One census of one fixed space at one ``d`` (``id = "<isotropy>@<d>"``).
    ``completeness`` is the census' own statement of how sure it is (stopping rule
    met or start budget exhausted); ``search`` its search record (JSON).
``points(id, d, isotropy, params, loss, loss_lo, loss_hi, kind, morse_index,
index_lower_bound, differentiable, zero_rows, spectrum, verdict, classification,
certificate, fingerprint, family_id, catalogue)``
    One critical point per ``S_k x S_d`` orbit and ``d``, stored in the coarsest
    fixed space that contains it among those built (``isotropy``; ``params`` in its
    coordinates, decimal strings). ``loss_lo/loss_hi``: certified enclosure rounded
    outward (NULL when not certified). ``verdict``: ``proved`` / ``disproved`` /
    ``unknown`` / ``not attempted``. ``spectrum``: JSON list of
    ``{value, multiplicity, irrep}``.
``memberships(point_id, isotropy, params)``
    Every fixed space in which the point was found, with its coordinates there.
``sets(id, task_id, isotropy, d, loss, dimension, note)``
    Non-isolated critical sets reported by the census (never as points).
``links(point_a, point_b, isotropy)``
    The same branch at neighbouring ``d`` (continuation in ``d`` within ``isotropy``).
``families(id, isotropy, d_min, d_max, kinds, catalogue)``
    Connected components of the links; ``kinds`` the point type at each ``d`` (JSON).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from symbolic import __version__
from symbolic.core.schema import schema_name

__all__ = ["connect", "SCHEMA_SQL"]

SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS tasks(
    id TEXT PRIMARY KEY, isotropy TEXT NOT NULL, d INTEGER NOT NULL, status TEXT NOT NULL,
    error TEXT, seconds TEXT, digits INTEGER, seed INTEGER, starts INTEGER,
    completeness TEXT, search TEXT, n_points INTEGER, n_sets INTEGER, relusym TEXT);
CREATE TABLE IF NOT EXISTS points(
    id INTEGER PRIMARY KEY, d INTEGER NOT NULL, isotropy TEXT NOT NULL, params TEXT NOT NULL,
    loss TEXT NOT NULL, loss_lo TEXT, loss_hi TEXT, kind TEXT NOT NULL, morse_index INTEGER,
    index_lower_bound INTEGER, differentiable INTEGER NOT NULL, zero_rows TEXT,
    spectrum TEXT, verdict TEXT NOT NULL, classification TEXT, certificate TEXT,
    fingerprint TEXT NOT NULL, family_id INTEGER, catalogue TEXT);
CREATE INDEX IF NOT EXISTS points_d ON points(d);
CREATE TABLE IF NOT EXISTS memberships(
    point_id INTEGER NOT NULL, isotropy TEXT NOT NULL, params TEXT NOT NULL,
    PRIMARY KEY(point_id, isotropy));
CREATE TABLE IF NOT EXISTS sets(
    id INTEGER PRIMARY KEY, task_id TEXT NOT NULL, isotropy TEXT NOT NULL, d INTEGER NOT NULL,
    loss TEXT, dimension INTEGER, note TEXT);
CREATE TABLE IF NOT EXISTS links(
    point_a INTEGER NOT NULL, point_b INTEGER NOT NULL, isotropy TEXT NOT NULL,
    PRIMARY KEY(point_a, point_b, isotropy));
CREATE TABLE IF NOT EXISTS families(
    id INTEGER PRIMARY KEY, isotropy TEXT, d_min INTEGER, d_max INTEGER, kinds TEXT,
    catalogue TEXT);
"""


def connect(path: str | Path, *, create: bool = True) -> sqlite3.Connection:
    """Open (and if needed create) an atlas database; ``FileNotFoundError`` when
    ``create`` is False and there is none."""
    path = Path(path)
    if not create and not path.exists():
        raise FileNotFoundError(2, "no atlas database", str(path))
    con = sqlite3.connect(str(path), timeout=60)
    con.row_factory = sqlite3.Row
    con.executescript(SCHEMA_SQL)
    cur = con.execute("SELECT value FROM meta WHERE key='schema'")
    if cur.fetchone() is None:
        con.execute("INSERT INTO meta VALUES ('schema', ?)", (schema_name("atlas"),))
        con.execute("INSERT INTO meta VALUES ('relusym', ?)", (__version__,))
        con.commit()
    return con


def loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)
