"""Build the atlas: a census (with certificates) of every block fixed space at every d.

Work is split into independent tasks, one per ``(isotropy, d)``; they run on a
``concurrent.futures.Executor`` (:func:`symbolic.numerics.parallel.make_executor`: local
processes by default, Dask distributed with a scheduler address) and stream their
results as JSON lines into a journal next to the database
(:func:`symbolic.numerics.parallel.run_tasks`), so an interruption loses at most the tasks in
flight and ``resume`` skips the finished ones. The journal is then ingested into
SQLite (idempotent), points are identified across fixed spaces by their orbit
fingerprint (:mod:`symbolic.atlas.fingerprint`) and stored once in the coarsest
space, linked across neighbouring ``d`` by continuation in ``d``
(:func:`symbolic.numerics.track.track`, the one continuation) and grouped into families,
which are named from the catalogue (:mod:`symbolic.catalogue.families`) when they contain a
catalogued point.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from symbolic import __version__
from symbolic.atlas.db import connect
from symbolic.atlas.fingerprint import fingerprint, same_point
from symbolic.atlas.partitions import block_labels
from symbolic.core.errors import RelusymError

__all__ = ["atlas_tasks", "census_task", "link_task", "build_atlas", "ingest", "BuildSummary"]


def atlas_tasks(ds: Iterable[int], *, max_blocks: int | None = 3, extra: int = 0,
                digits: int = 30, seed: int = 0, certify: bool = True,
                max_starts: int | None = None, labels: Iterable[str] | None = None
                ) -> list[dict]:
    """One census task per block isotropy label valid at each ``d`` (or per given label)."""
    from symbolic.symmetry.groups import parse_isotropy

    out = []
    for d in ds:
        if labels is None:
            labs = block_labels(int(d), max_blocks=max_blocks, extra=extra)
        else:
            labs = [parse_isotropy(lab).label for lab in labels]
        for label in labs:
            out.append({"id": f"{label}@{d}", "isotropy": label, "d": int(d),
                        "digits": digits, "seed": seed, "certify": certify,
                        "max_starts": max_starts})
    return out


def _verdict(cert: Any) -> str:
    if cert is None:
        return "not attempted"
    return str(getattr(cert, "verdict", "unknown"))


def census_task(task: dict) -> dict:
    """Worker: census of one fixed space at one ``d``, as a JSON-safe dict."""
    from symbolic.core.formatting import decimal, enclosure, loss_decimal
    from symbolic.critical.census import census
    from symbolic.symmetry.groups import parse_isotropy

    t0 = time.perf_counter()
    space = parse_isotropy(task["isotropy"])
    d = int(task["d"])
    digits = int(task["digits"])
    try:
        c = census(space, d, digits=digits, seed=int(task.get("seed", 0)), progress=False,
                   certify=bool(task.get("certify", True)),
                   max_starts=task.get("max_starts"))
    except RelusymError as exc:
        return {"id": task["id"], "isotropy": space.label, "d": d, "status": "failed",
                "error": str(exc), "seconds": f"{time.perf_counter() - t0:.2f}"}
    points = []
    for p in c.points:
        cert = p.certificate
        lo = hi = None
        if cert is not None and getattr(cert, "loss", None) is not None \
                and _verdict(cert) == "proved":
            lo, hi = enclosure(cert.loss, 15, nonnegative=True)
        spec = None
        if p.spectrum is not None:
            spec = [{"value": decimal(e.value, 15), "multiplicity": str(e.multiplicity),
                     "irrep": str(e.irrep)} for e in p.spectrum.eigenvalues]
        idx = p.spectrum.index if p.spectrum is not None else None
        lb = p.index_lower_bound
        points.append({
            "params": {n: decimal(v, digits) for n, v in zip(space.names, p.values,
                                                               strict=True)},
            "loss": loss_decimal(p.loss, digits),
            "loss_lo": lo, "loss_hi": hi,
            "kind": p.kind,
            "index": None if idx is None else int(idx),
            "index_lower_bound": None if lb is None else int(lb),
            "differentiable": bool(p.differentiable),
            "zero_rows": list(p.zero_rows),
            "larger_isotropy": p.larger_isotropy,
            "spectrum": spec,
            "verdict": _verdict(cert),
            "classification": getattr(cert, "classification", None),
            "certificate_reason": getattr(cert, "reason", None),
            "fingerprint": fingerprint(space, p.values, d),
        })
    sets = [{"loss": str(s.loss) if not isinstance(s.loss, float) else f"{s.loss:.12g}",
             "dimension": int(s.dimension)} for s in c.sets]
    search = c.search or {}
    stopped = str(search.get("stopped_because", ""))
    completeness = ("search: " + stopped) if stopped else "search record missing"
    return {"id": task["id"], "isotropy": space.label, "d": d, "status": "done",
            "seconds": f"{time.perf_counter() - t0:.2f}", "digits": digits,
            "seed": int(task.get("seed", 0)), "starts": int(c.starts),
            "completeness": completeness,
            "search": json.loads(json.dumps(search, default=str)),
            "points": points, "sets": sets, "relusym": __version__}


def link_task(task: dict) -> dict:
    """Worker: continue each point of ``isotropy`` from ``d`` to ``d + 1``."""
    from symbolic.atlas.fingerprint import fingerprint as fp
    from symbolic.core.formatting import loss_decimal
    from symbolic.numerics.track import track
    from symbolic.symmetry.groups import parse_isotropy

    space = parse_isotropy(task["isotropy"])
    out = []
    for pid, params in task["points"]:
        try:
            b = track(space, params, task["d"], task["d"] + 1, digits=20, progress=False)
        except RelusymError as exc:
            out.append({"point": pid, "status": "failed", "error": str(exc)})
            continue
        if b.status != "reached" or b.warning:
            out.append({"point": pid, "status": b.status, "error": b.message or b.warning})
            continue
        last = b.points[-1]
        out.append({"point": pid, "status": "reached",
                    "fingerprint": fp(space, last.values, task["d"] + 1),
                    "loss": loss_decimal(last.loss, 20)})
    return {"id": task["id"], "links": out}


def _read_jsonl(path: Path) -> list[dict]:
    from symbolic.numerics.parallel import read_journal

    return read_journal(path)[0]


class BuildSummary(dict):
    """Counts of the build (tasks, points, sets, families, seconds) as a dict."""


def _store_point(con, d: int, iso: str, p: dict) -> int:
    """Insert a point or merge it with the same orbit already stored; returns its id."""
    rows = con.execute("SELECT id, isotropy, loss, fingerprint FROM points WHERE d=?",
                       (d,)).fetchall()
    from symbolic.symmetry.groups import parse_isotropy

    for r in rows:
        if same_point(json.loads(r["fingerprint"]), r["loss"], p["fingerprint"], p["loss"]):
            pid = r["id"]
            # keep the coordinates of the coarsest space (fewest parameters)
            if parse_isotropy(iso).dim < parse_isotropy(r["isotropy"]).dim:
                con.execute("UPDATE points SET isotropy=?, params=? WHERE id=?",
                            (iso, json.dumps(p["params"]), pid))
            if p["verdict"] == "proved":
                con.execute("UPDATE points SET loss_lo=?, loss_hi=?, verdict=?, "
                            "classification=? WHERE id=? AND verdict!='proved'",
                            (p["loss_lo"], p["loss_hi"], p["verdict"], p["classification"],
                             pid))
            break
    else:
        cur = con.execute(
            "INSERT INTO points(d, isotropy, params, loss, loss_lo, loss_hi, kind, morse_index,"
            " index_lower_bound, differentiable, zero_rows, spectrum, verdict, classification,"
            " certificate, fingerprint) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (d, iso, json.dumps(p["params"]), p["loss"], p["loss_lo"], p["loss_hi"], p["kind"],
             p["index"], p["index_lower_bound"], int(p["differentiable"]),
             json.dumps(p["zero_rows"]), json.dumps(p["spectrum"]), p["verdict"],
             p["classification"], p["certificate_reason"], json.dumps(p["fingerprint"])))
        pid = cur.lastrowid
    con.execute("INSERT OR REPLACE INTO memberships VALUES (?,?,?)",
                (pid, iso, json.dumps(p["params"])))
    return pid


def ingest(con, results: Iterable[dict]) -> int:
    """Store census results (idempotent: a task already stored is skipped)."""
    n = 0
    for res in results:
        if "points" not in res and res.get("status") != "failed":
            continue
        if con.execute("SELECT 1 FROM tasks WHERE id=?", (res["id"],)).fetchone():
            continue
        with con:
            con.execute(
                "INSERT INTO tasks VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (res["id"], res["isotropy"], res["d"], res["status"], res.get("error"),
                 res.get("seconds"), res.get("digits"), res.get("seed"), res.get("starts"),
                 res.get("completeness"), json.dumps(res.get("search")),
                 len(res.get("points", [])), len(res.get("sets", [])),
                 res.get("relusym", __version__)))
            for p in res.get("points", []):
                _store_point(con, res["d"], res["isotropy"], p)
            for s in res.get("sets", []):
                con.execute("INSERT INTO sets(task_id, isotropy, d, loss, dimension, note) "
                            "VALUES (?,?,?,?,?,?)",
                            (res["id"], res["isotropy"], res["d"], s["loss"], s["dimension"],
                             "non-isolated critical set (singular reduced Jacobian)"))
        n += 1
    return n


def _link_tasks(con) -> list[dict]:
    tasks = []
    rows = con.execute("SELECT DISTINCT isotropy, d FROM tasks WHERE status='done'").fetchall()
    have = {(r["isotropy"], r["d"]) for r in rows}
    for iso, d in sorted(have):
        if (iso, d + 1) not in have:
            continue
        pts = con.execute(
            "SELECT m.point_id, m.params FROM memberships m JOIN points p ON p.id=m.point_id "
            "WHERE m.isotropy=? AND p.d=? AND p.differentiable=1", (iso, d)).fetchall()
        if pts:
            tasks.append({"id": f"link:{iso}@{d}", "isotropy": iso, "d": d,
                          "points": [[r["point_id"], json.loads(r["params"])] for r in pts]})
    return tasks


def _apply_links(con, results: Iterable[dict]) -> int:
    n = 0
    for res in results:
        iso_d = res["id"].split(":", 1)[1]
        iso, d = iso_d.rsplit("@", 1)
        d = int(d)
        targets = con.execute(
            "SELECT p.id, p.loss, p.fingerprint FROM memberships m JOIN points p "
            "ON p.id=m.point_id WHERE m.isotropy=? AND p.d=?", (iso, d + 1)).fetchall()
        with con:
            for lk in res["links"]:
                if lk["status"] != "reached":
                    continue
                for t in targets:
                    if same_point(json.loads(t["fingerprint"]), t["loss"], lk["fingerprint"],
                                  lk["loss"], tol=1e-6):
                        con.execute("INSERT OR IGNORE INTO links VALUES (?,?,?)",
                                    (lk["point"], t["id"], iso))
                        n += 1
                        break
    return n


def _families(con) -> int:
    """Union-find over links; one family per component (isolated points included)."""
    from symbolic.symmetry.groups import parse_isotropy

    ids = [r["id"] for r in con.execute("SELECT id FROM points")]
    parent = {i: i for i in ids}

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in con.execute("SELECT point_a, point_b FROM links"):
        a, b = find(r["point_a"]), find(r["point_b"])
        if a != b:
            parent[max(a, b)] = min(a, b)
    comps: dict[int, list[int]] = {}
    for i in ids:
        comps.setdefault(find(i), []).append(i)
    with con:
        con.execute("DELETE FROM families")
        for fid, (_, members) in enumerate(sorted(comps.items()), start=1):
            rows = con.execute(
                f"SELECT id, d, isotropy, kind, morse_index, catalogue FROM points WHERE id IN "
                f"({','.join('?' * len(members))}) ORDER BY d", members).fetchall()
            kinds = {str(r["d"]): (r["kind"] if r["morse_index"] is None
                                   else f"{r['kind']} (index {r['morse_index']})")
                     for r in rows}
            cat = next((r["catalogue"] for r in rows if r["catalogue"]), None)
            # the coarsest fixed space among the members: fewest parameters
            coarsest = min(rows, key=lambda r: (parse_isotropy(r["isotropy"]).dim,
                                                r["isotropy"]))["isotropy"]
            con.execute("INSERT INTO families VALUES (?,?,?,?,?,?)",
                        (fid, coarsest, rows[0]["d"], rows[-1]["d"], json.dumps(kinds), cat))
            con.execute(f"UPDATE points SET family_id=? WHERE id IN "
                        f"({','.join('?' * len(members))})", [fid, *members])
    return len(comps)


def _name_catalogue(con) -> int:
    """Mark points that are catalogued family members (same orbit fingerprint)."""
    from symbolic.catalogue.families import FAMILIES
    from symbolic.core.formatting import loss_decimal
    from symbolic.numerics.solve import system_for

    n = 0
    ds = [r["d"] for r in con.execute("SELECT DISTINCT d FROM points")]
    for fam in FAMILIES.values():
        space = fam.space
        for d in ds:
            try:
                space.check_d(d)
                vals = fam.point(d, digits=20)
            except RelusymError:
                continue
            fp = fingerprint(space, vals, d)
            loss = loss_decimal(system_for(space).loss(vals, d, backend="mpmath"), 20)
            for r in con.execute("SELECT id, loss, fingerprint FROM points WHERE d=?", (d,)):
                if same_point(json.loads(r["fingerprint"]), r["loss"], fp, loss, tol=1e-6):
                    con.execute("UPDATE points SET catalogue=? WHERE id=?", (fam.name, r["id"]))
                    n += 1
    con.commit()
    return n


def build_atlas(db: str | Path, ds: Iterable[int], *, max_blocks: int | None = 3,
                extra: int = 0, digits: int = 30, seed: int = 0, certify: bool = True,
                max_starts: int | None = None, workers: int | None = None,
                scheduler: str | None = None, resume: bool = True, progress: bool = True,
                link: bool = True, name: bool = True,
                labels: Iterable[str] | None = None) -> BuildSummary:
    """Build (or resume) the atlas in ``db``; returns counts and seconds."""
    from symbolic.numerics.parallel import make_executor, run_tasks

    t0 = time.perf_counter()
    db = Path(db)
    con = connect(db)
    tasks = atlas_tasks(ds, max_blocks=max_blocks, extra=extra, digits=digits, seed=seed,
                        certify=certify, max_starts=max_starts, labels=labels)
    journal = db.with_name(db.name + ".census.jsonl")
    ljournal = db.with_name(db.name + ".links.jsonl")
    if not resume:
        for j in (journal, ljournal):
            if j.exists():
                j.unlink()
    with make_executor(workers=workers, scheduler=scheduler) as ex:
        for _ in run_tasks(census_task, tasks, ex, journal, resume=resume,
                           progress=progress, desc="census"):
            pass
        ingest(con, _read_jsonl(journal))
        nlinks = 0
        if link:
            lt = _link_tasks(con)
            for _ in run_tasks(link_task, lt, ex, ljournal, resume=resume,
                               progress=progress, desc="link"):
                pass
            done = {t["id"] for t in lt}
            nlinks = _apply_links(con, [r for r in _read_jsonl(ljournal) if r["id"] in done])
    named = _name_catalogue(con) if name else 0
    nfam = _families(con)
    counts = BuildSummary(
        tasks=len(tasks),
        done=con.execute("SELECT COUNT(*) FROM tasks WHERE status='done'").fetchone()[0],
        failed=con.execute("SELECT COUNT(*) FROM tasks WHERE status='failed'").fetchone()[0],
        points=con.execute("SELECT COUNT(*) FROM points").fetchone()[0],
        sets=con.execute("SELECT COUNT(*) FROM sets").fetchone()[0],
        links=nlinks, families=nfam, catalogued=named,
        seconds=f"{time.perf_counter() - t0:.1f}")
    con.close()
    return counts
