"""The report as Markdown (same content as the LaTeX and HTML forms).

Input: the report dictionary of :func:`symbolic.report.build_report` (strings only;
every interval already rounded outward). One ``##`` section per seed paper
(:mod:`symbolic.report.papers`), one ``###`` subsection per report section: the
claims table (claim, source, relusym's verified value, verdict), the section's
tables, its formulas (plain text) and its figures (PNG, paths relative to the
report folder).
"""

from __future__ import annotations

__all__ = ["report_markdown", "md_cell", "VERDICT_MARK"]

VERDICT_MARK = {"pass": "PASS", "fail": "FAIL", "unknown": "unknown"}


def md_cell(s: object) -> str:
    """A table cell: pipes escaped, newlines flattened."""
    return str(s).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(md_cell(h) for h in header) + " |",
           "|" + "---|" * len(header)]
    out += ["| " + " | ".join(md_cell(c) for c in r) + " |" for r in rows]
    return out


def _section(sec: dict) -> list[str]:
    out = [f"### {sec['title']}", ""]
    if sec.get("intro"):
        out += [sec["intro"], ""]
    out.append(f"Verdict: **{VERDICT_MARK[sec['verdict']]}**; source of the section: "
               f"`{sec.get('provider', '')}`; {sec.get('seconds', '?')} s.")
    out.append("")
    if sec["claims"]:
        rows = [[str(i), c["claim"], c["source"], c["value"], c.get("expected", ""),
                 VERDICT_MARK[c["verdict"]]] for i, c in enumerate(sec["claims"], 1)]
        out += _table(["#", "claim", "source", "relusym's verified value", "expected",
                       "verdict"], rows)
        notes = [(i, c["detail"]) for i, c in enumerate(sec["claims"], 1)
                 if c.get("detail") and c["verdict"] != "pass"]
        if notes:
            out.append("")
            out += [f"- claim {i}: {md_cell(t)}" for i, t in notes]
        out.append("")
    for t in sec.get("tables", []):
        out += [f"*{t['caption']}*", ""] + _table(t["header"], t["rows"]) + [""]
    for e in sec.get("equations", []):
        out += [f"*{e['caption'].replace('$', '')}*", "", "```text", e["text"], "```", ""]
    for f in sec.get("figures", []):
        out += [f"![{md_cell(f['caption'])}]({f['png']})", "", f"*{f['caption']}*", ""]
    return out


def report_markdown(rep: dict) -> str:
    """The whole report as one Markdown document."""
    from symbolic.report.papers import group_sections

    s = rep.get("summary", {})
    lines = [f"# relusym report at d = {rep['d']}", "",
             f"Mode: {rep.get('mode', 'quick')}; relusym {rep.get('relusym', '')}. "
             f"Claims: {s.get('pass', 0)} pass, {s.get('fail', 0)} fail, "
             f"{s.get('unknown', 0)} unknown. Every interval is rounded outward; numbers "
             "are decimal strings of exact or certified values.", ""]
    groups = group_sections(rep.get("sections", []))
    rows = []
    for paper, secs in groups:
        name = paper.title if paper else "Other results"
        cl = [c["verdict"] for x in secs for c in x["claims"]]
        rows.append([name, str(len(secs)), str(cl.count("pass")), str(cl.count("fail")),
                     str(cl.count("unknown"))])
    lines += _table(["paper", "sections", "pass", "fail", "unknown"], rows) + [""]
    for paper, secs in groups:
        if paper is None:
            lines += ["## Other results", ""]
        else:
            lines += [f"## {paper.title}", "", f"{paper.authors}, {paper.venue}.", "",
                      f"> {paper.summary}", ""]
        if not secs:
            lines += ["No relusym section reproduces this paper yet: its claims are "
                      "**unknown** here.", ""]
        for sec in secs:
            lines += _section(sec)
    return "\n".join(lines).rstrip() + "\n"
