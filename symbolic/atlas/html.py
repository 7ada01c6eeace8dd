"""Static, browsable export of an atlas: an index page and one page per family.

Every number is the stored decimal string (certified enclosures as stored, i.e.
already rounded outward); plots (matplotlib, Agg) show loss and smallest Hessian
eigenvalue against d for each family with more than one d.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from symbolic.atlas.query import summary, type_changes

__all__ = ["export_html"]

_CSS = """body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:3px 8px;
font-size:14px}th{background:#eee}td.num{font-family:monospace;text-align:right}
.min{color:#064}.sad{color:#822}"""


def _page(title: str, body: str) -> str:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
            f"</title><style>{_CSS}</style></head><body>{body}</body></html>\n")


def _table(header: list[str], rows: list[list[str]], raw_cols: tuple[int, ...] = ()) -> str:
    h = "".join(f"<th>{html.escape(c)}</th>" for c in header)
    body = []
    for r in rows:
        cells = []
        for i, c in enumerate(r):
            txt = c if i in raw_cols else html.escape(str(c))
            cls = " class='num'" if i not in raw_cols and _numeric(c) else ""
            cells.append(f"<td{cls}>{txt}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{h}</tr>{''.join(body)}</table>"


def _numeric(c) -> bool:
    s = str(c).strip("[]").replace(",", "").replace(" ", "")
    try:
        float(s)
        return True
    except ValueError:
        return False


def _label_key(label: str) -> tuple:
    """Natural order of isotropy labels: by number of blocks, then block sizes."""
    import re

    return (label.count(",") + label.count(";"), [int(x) for x in re.findall(r"\d+", label)])


def _kind_key(kind: str) -> tuple:
    import re

    m = re.search(r"index (\d+)", kind)
    return (re.sub(r"\(index \d+\)", "", kind), int(m.group(1)) if m else -1)


def _family_plot(rows, path: Path) -> bool:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ds = [r["d"] for r in rows]
    if len(set(ds)) < 2:
        return False
    losses = [float(r["loss"]) for r in rows]
    mins = []
    for r in rows:
        spec = json.loads(r["spectrum"]) if r["spectrum"] else None
        mins.append(min(float(e["value"]) for e in spec) if spec else float("nan"))
    fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3.2))
    a.plot(ds, losses, "o-")
    a.set_xlabel("d")
    a.set_ylabel("loss")
    a.set_title("loss along the family")
    b.plot(ds, mins, "s-", color="C3")
    b.axhline(0, color="k", lw=0.6)
    b.set_xlabel("d")
    b.set_ylabel("smallest Hessian eigenvalue")
    b.set_title("smallest eigenvalue")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return True


def export_html(con, out_dir: str | Path) -> list[Path]:
    """Write ``index.html`` and ``family-<id>.html`` (+ PNG plots) into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    s = summary(con)
    per_d = _table(["d", "fixed spaces", "failed", "points", "minima", "saddles", "certified",
                    "non-isolated sets", "budget exhausted", "census s"],
                   [[r["d"], r["fixed_spaces"], r["failed"], r["points"], r["minima"],
                     r["saddles"], r["certified"], r["sets"], r["budget_exhausted"],
                     r["census_seconds"]] for r in s["per_d"]])
    changes = {c["family"] for c in type_changes(con)}
    fam_rows = []
    fams = con.execute("SELECT * FROM families").fetchall()
    for f in sorted(fams, key=lambda f: (_label_key(f["isotropy"]), f["d_min"], f["id"])):
        kinds = json.loads(f["kinds"])
        lo = con.execute("SELECT loss FROM points WHERE family_id=? ORDER BY d LIMIT 1",
                         (f["id"],)).fetchone()
        link = f"<a href='family-{f['id']}.html'>{f['id']}</a>"
        fam_rows.append([link, html.escape(f["isotropy"]), f"{f['d_min']}..{f['d_max']}",
                         html.escape(lo["loss"][:14] if lo else ""),
                         html.escape(", ".join(sorted(set(kinds.values()), key=_kind_key))),
                         "yes" if f["id"] in changes else "",
                         html.escape(f["catalogue"] or "")])
    fam_table = _table(["family", "isotropy", "d", "loss at d_min", "types",
                        "type changes", "catalogue"], fam_rows, raw_cols=tuple(range(7)))
    meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    body = (f"<h1>relusym atlas</h1><p>schema {html.escape(meta.get('schema', ''))}, built "
            f"with relusym {html.escape(meta.get('relusym', ''))}. Every critical point "
            "found by the census of every block fixed space built, stored once per orbit "
            "(in its coarsest fixed space), linked across d by continuation. Completeness: "
            "as stated by each census (its stopping rule), not a proof.</p>"
            f"<h2>Per d</h2>{per_d}<h2>Families ({s['families']})</h2>{fam_table}")
    p = out / "index.html"
    p.write_text(_page("relusym atlas", body), encoding="utf-8")
    written.append(p)
    for f in con.execute("SELECT * FROM families ORDER BY id").fetchall():
        rows = con.execute("SELECT * FROM points WHERE family_id=? ORDER BY d",
                           (f["id"],)).fetchall()
        img = out / f"family-{f['id']}.png"
        has_plot = _family_plot(rows, img)
        if has_plot:
            written.append(img)
        table = _table(
            ["d", "isotropy", "loss", "certified loss enclosure", "type", "index", "verdict",
             "parameters"],
            [[r["d"], r["isotropy"], r["loss"][:22],
              f"[{r['loss_lo']}, {r['loss_hi']}]" if r["loss_lo"] is not None else "",
              r["kind"], "" if r["morse_index"] is None else r["morse_index"], r["verdict"],
              ", ".join(f"{k}={v[:12]}" for k, v in json.loads(r["params"]).items())]
             for r in rows])
        title = f"Family {f['id']}: {f['isotropy']}" + (f" ({f['catalogue']})"
                                                        if f["catalogue"] else "")
        body = (f"<p><a href='index.html'>atlas index</a></p><h1>{html.escape(title)}</h1>"
                + (f"<img src='{img.name}' alt='loss and smallest eigenvalue against d'>"
                   if has_plot else "") + table)
        fp = out / f"family-{f['id']}.html"
        fp.write_text(_page(title, body), encoding="utf-8")
        written.append(fp)
    return written
