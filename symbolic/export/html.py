"""The report as one self-contained HTML page (same content as Markdown and LaTeX).

No external resources: the style sheet is inline and every figure is embedded as a
``data:image/png;base64`` URI, so the single file can be mailed or archived.
Formulas are shown in plain text (sympy syntax), as in the Markdown form.
"""

from __future__ import annotations

import base64
import html as _h
from pathlib import Path

__all__ = ["report_html"]

_CSS = """
body{font-family:Georgia,'Times New Roman',serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#111;line-height:1.45}
h1{font-size:1.7rem;border-bottom:2px solid #333}h2{font-size:1.35rem;margin-top:2.4rem;
border-bottom:1px solid #999}h3{font-size:1.1rem;margin-top:1.6rem}
table{border-collapse:collapse;margin:.6rem 0 1rem;font-size:.86rem;width:100%}
th,td{border:1px solid #bbb;padding:.25rem .45rem;vertical-align:top;text-align:left}
th{background:#eee}td.num{font-family:Menlo,Consolas,monospace;font-size:.8rem}
.pass{background:#d9f2d9;font-weight:bold}.fail{background:#f7d4d4;font-weight:bold}
.unknown{background:#fff1c7}blockquote{color:#333;border-left:3px solid #999;
margin:.5rem 0;padding:.1rem .8rem}pre{background:#f6f6f6;padding:.6rem;overflow-x:auto;
font-size:.8rem;white-space:pre-wrap}figure{margin:1rem 0}figure img{max-width:100%}
figcaption{font-size:.85rem;color:#333}.caption{font-style:italic;margin-top:.8rem}
.note{font-size:.85rem;color:#444}
"""


def _e(s: object) -> str:
    return _h.escape(str(s))


def _table(header: list[str], rows: list[list[str]], verdict_col: int | None = None) -> str:
    out = ["<table><thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in header) +
           "</tr></thead><tbody>"]
    for r in rows:
        cells = []
        for j, c in enumerate(r):
            cls = f' class="{c}"' if j == verdict_col else ""
            if j == verdict_col:
                c = {"pass": "PASS", "fail": "FAIL"}.get(c, c)
            cells.append(f"<td{cls}>{_e(c)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    return "".join(out) + "</tbody></table>"


def _img(path: str, base: Path | None) -> str:
    p = Path(path)
    if not p.is_absolute() and base is not None:
        p = base / p
    try:
        data = base64.b64encode(p.read_bytes()).decode("ascii")
    except OSError:
        return f'<p class="note">(figure {_e(path)} not found)</p>'
    return f'<img alt="" src="data:image/png;base64,{data}">'


def _section(sec: dict, base: Path | None) -> str:
    out = [f"<h3>{_e(sec['title'])}</h3>"]
    if sec.get("intro"):
        out.append(f"<p>{_e(sec['intro'])}</p>")
    v = sec["verdict"]
    vt = v.upper() if v != "unknown" else v
    out.append(f'<p class="note">Verdict: <span class="{v}">{_e(vt)}</span>; source of '
               f'the section: <code>{_e(sec.get("provider", ""))}</code>; '
               f'{_e(sec.get("seconds", "?"))} s.</p>')
    if sec["claims"]:
        rows = [[str(i), c["claim"], c["source"], c["value"], c.get("expected", ""),
                 c["verdict"]] for i, c in enumerate(sec["claims"], 1)]
        out.append(_table(["#", "claim", "source", "relusym's verified value", "expected",
                           "verdict"], rows, verdict_col=5))
        notes = [(i, c["detail"]) for i, c in enumerate(sec["claims"], 1)
                 if c.get("detail") and c["verdict"] != "pass"]
        if notes:
            out.append("<ul>" + "".join(f"<li>claim {i}: {_e(t)}</li>" for i, t in notes) +
                       "</ul>")
    for t in sec.get("tables", []):
        out.append(f'<p class="caption">{_e(t["caption"])}</p>' + _table(t["header"],
                                                                         t["rows"]))
    for eq in sec.get("equations", []):
        out.append(f'<p class="caption">{_e(eq["caption"].replace("$", ""))}</p>'
                   f'<pre>{_e(eq["text"])}</pre>')
    for f in sec.get("figures", []):
        out.append(f"<figure>{_img(f['png'], base)}<figcaption>{_e(f['caption'])}"
                   "</figcaption></figure>")
    return "\n".join(out)


def report_html(rep: dict, base: Path | str | None = None) -> str:
    """The report as a self-contained HTML page; ``base``: the report folder (figure
    paths are relative to it)."""
    from symbolic.report.papers import group_sections

    base = Path(base) if base is not None else None
    s = rep.get("summary", {})
    groups = group_sections(rep.get("sections", []))
    body = [f"<h1>relusym report at d = {_e(rep['d'])}</h1>",
            f"<p>Mode: {_e(rep.get('mode', 'quick'))}; relusym {_e(rep.get('relusym', ''))}. "
            f"Claims: {s.get('pass', 0)} pass, {s.get('fail', 0)} fail, {s.get('unknown', 0)} "
            "unknown. Every interval is rounded outward; numbers are decimal strings of "
            "exact or certified values.</p>"]
    rows = []
    for paper, secs in groups:
        cl = [c["verdict"] for x in secs for c in x["claims"]]
        rows.append([paper.title if paper else "Other results", str(len(secs)),
                     str(cl.count("pass")), str(cl.count("fail")), str(cl.count("unknown"))])
    body.append(_table(["paper", "sections", "pass", "fail", "unknown"], rows))
    for paper, secs in groups:
        if paper is None:
            body.append("<h2>Other results</h2>")
        else:
            body.append(f"<h2>{_e(paper.title)}</h2><p>{_e(paper.authors)}, "
                        f"{_e(paper.venue)}.</p><blockquote>{_e(paper.summary)}</blockquote>")
        if not secs:
            body.append("<p>No relusym section reproduces this paper yet: its claims are "
                        '<span class="unknown">unknown</span> here.</p>')
        for sec in secs:
            body.append(_section(sec, base))
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>relusym report at d = {_e(rep['d'])}</title><style>{_CSS}</style>"
            "</head><body>\n" + "\n".join(body) + "\n</body></html>\n")
