"""Queries of an atlas database: the filters a researcher needs.

Every filter is a keyword of :func:`query_points` (combined with AND); values are
parsed exactly (``loss_below`` compares the stored decimal strings as exact
rationals, never as binary floats). :func:`type_changes` lists the families whose
point type (minimum / saddle and index) changes along ``d``.
"""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

__all__ = ["query_points", "type_changes", "point_record", "summary"]


def point_record(row: Any) -> dict:
    """One point as a JSON-safe dict (decimal strings)."""
    return {
        "id": row["id"], "d": row["d"], "isotropy": row["isotropy"],
        "params": json.loads(row["params"]), "loss": row["loss"],
        "loss_enclosure": ([row["loss_lo"], row["loss_hi"]] if row["loss_lo"] is not None
                           else None),
        "kind": row["kind"], "index": row["morse_index"],
        "index_lower_bound": row["index_lower_bound"],
        "differentiable": bool(row["differentiable"]),
        "verdict": row["verdict"], "classification": row["classification"],
        "family": row["family_id"], "catalogue": row["catalogue"],
        "spectrum": json.loads(row["spectrum"]) if row["spectrum"] else None,
    }


def query_points(con, *, d: int | None = None, isotropy: str | None = None,
                 kind: str | None = None, index: int | None = None,
                 loss_below: Fraction | None = None, catalogue: str | None = None,
                 found_by_gd: bool = False, certified: bool = False,
                 family: int | None = None) -> list[dict]:
    """Points matching every given filter, ordered by d, then loss.

    ``kind``: ``minimum``, ``saddle`` (degenerate saddles included) or any stored kind;
    ``isotropy``: the point's own (coarsest) isotropy or any fixed space containing it;
    ``found_by_gd``: points of catalogue families that gradient descent reaches.
    """
    sql = "SELECT DISTINCT p.* FROM points p LEFT JOIN memberships m ON m.point_id = p.id"
    where, args = [], []
    if d is not None:
        where.append("p.d = ?")
        args.append(int(d))
    if isotropy is not None:
        where.append("(p.isotropy = ? OR m.isotropy = ?)")
        args += [isotropy, isotropy]
    if kind is not None:
        if kind == "saddle":
            where.append("p.kind LIKE '%saddle%'")
        else:
            where.append("p.kind = ?")
            args.append(kind)
    if index is not None:
        where.append("p.morse_index = ?")
        args.append(int(index))
    if catalogue is not None:
        where.append("p.catalogue = ?")
        args.append(catalogue)
    if certified:
        where.append("p.verdict = 'proved'")
    if family is not None:
        where.append("p.family_id = ?")
        args.append(int(family))
    if found_by_gd:
        from symbolic.catalogue.families import FAMILIES

        names = [f.name for f in FAMILIES.values() if f.found_by_gd]
        where.append(f"p.catalogue IN ({','.join('?' * len(names))})")
        args += names
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = con.execute(sql, args).fetchall()
    out = [point_record(r) for r in rows]
    if loss_below is not None:
        out = [p for p in out if Fraction(p["loss"]) < loss_below]
    out.sort(key=lambda p: (p["d"], Fraction(p["loss"])))
    return out


def type_changes(con) -> list[dict]:
    """Families whose type (kind and index) is not the same at every d."""
    out = []
    for r in con.execute("SELECT * FROM families ORDER BY id"):
        kinds = json.loads(r["kinds"])
        if len(set(kinds.values())) > 1:
            out.append({"family": r["id"], "isotropy": r["isotropy"], "d_min": r["d_min"],
                        "d_max": r["d_max"], "types": kinds, "catalogue": r["catalogue"]})
    return out


def summary(con) -> dict:
    """Counts per d (tasks, points, minima, saddles, sets) and build seconds."""
    per_d = []
    for r in con.execute("SELECT DISTINCT d FROM tasks ORDER BY d"):
        d = r["d"]

        def one(sql, *a, d=d):
            return con.execute(sql, (d, *a)).fetchone()[0]

        secs = sum(float(x["seconds"] or 0) for x in
                   con.execute("SELECT seconds FROM tasks WHERE d=?", (d,)))
        per_d.append({
            "d": d,
            "fixed_spaces": one("SELECT COUNT(*) FROM tasks WHERE d=?"),
            "failed": one("SELECT COUNT(*) FROM tasks WHERE d=? AND status='failed'"),
            "points": one("SELECT COUNT(*) FROM points WHERE d=?"),
            "minima": one("SELECT COUNT(*) FROM points WHERE d=? AND kind='minimum'"),
            "saddles": one("SELECT COUNT(*) FROM points WHERE d=? AND kind LIKE '%saddle%'"),
            "certified": one("SELECT COUNT(*) FROM points WHERE d=? AND verdict='proved'"),
            "sets": one("SELECT COUNT(*) FROM sets WHERE d=?"),
            "budget_exhausted": one("SELECT COUNT(*) FROM tasks WHERE d=? AND completeness "
                                    "LIKE '%exhausted%'"),
            "census_seconds": f"{secs:.1f}",
        })
    fam = con.execute("SELECT COUNT(*) FROM families").fetchone()[0]
    return {"per_d": per_d, "families": fam,
            "type_changes": len(type_changes(con))}
