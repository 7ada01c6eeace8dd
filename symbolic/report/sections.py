"""Collect the report's sections: built-in ones and those of ``SECTION_PROVIDERS``.

A provider is a ``"module:function"`` string; it is called as
``function(quick=..., out_dir=Path)`` (built-ins also get ``d=``) and returns a
:class:`symbolic.core.claims.Section`. A provider that cannot be imported, raises, or
returns something else never stops the report: its section appears with one claim
of verdict ``"unknown"`` and the reason. Sections run on a
:class:`concurrent.futures.Executor` (processes when ``workers > 1``), each finished
section is written at once to ``<out>/sections/<slug>.json`` (an interruption loses
nothing) and ``resume=True`` reuses the stored sections computed with the same
``d`` and mode.
"""

from __future__ import annotations

import importlib
import json
import re
import time
import traceback
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from symbolic.core.claims import SECTION_PROVIDERS, Claim, Section, overall_verdict

__all__ = ["providers", "run_provider", "section_json", "collect_sections", "slug"]


def slug(spec: str) -> str:
    """A file name for a provider string."""
    return re.sub(r"[^A-Za-z0-9]+", "-", spec).strip("-")


def providers(include_builtin: bool = True, extra: list[str] | None = None) -> list[str]:
    """Built-in providers, then :data:`symbolic.core.claims.SECTION_PROVIDERS`, then ``extra``
    (duplicates dropped, order kept)."""
    from symbolic.report.builtin import BUILTIN

    out: list[str] = []
    for s in (BUILTIN if include_builtin else []) + list(SECTION_PROVIDERS) + list(extra or []):
        if s not in out:
            out.append(s)
    return out


def section_json(sec: Section, spec: str) -> dict:
    """A section as JSON (strings only), with what the renderers need beyond
    ``Section.to_json``: LaTeX forms, equations, the verdict, the provider."""
    out = sec.to_json()
    for c, cj in zip(sec.claims, out["claims"], strict=True):
        if getattr(c, "value_latex", ""):
            cj["value_latex"] = c.value_latex
    for t, tj in zip(sec.tables, out["tables"], strict=True):
        if getattr(t, "rows_latex", None):
            tj["rows_latex"] = t.rows_latex
    out["equations"] = [e.to_json() for e in getattr(sec, "equations", [])]
    out["error"] = getattr(sec, "error", "")
    out["verdict"] = overall_verdict([c.verdict for c in sec.claims])
    out["provider"] = spec
    return out


def _failed(spec: str, reason: str, seconds: float = 0.0) -> Section:
    from symbolic.report.papers import KNOWN_PROVIDERS, PAPERS

    mod = spec.split(":")[0]
    title, pkey = next(((t, k) for pre, (t, k) in KNOWN_PROVIDERS.items()
                        if mod == pre or mod.startswith(pre + ".")),
                       (f"Section {spec}", ""))
    paper = next((f"{p.authors}, {p.title} ({p.venue})" for p in PAPERS if p.key == pkey),
                 "")
    sec = Section(slug(spec), title, paper, seconds=seconds, error=reason)
    sec.claims.append(Claim(f"the claims of {title.lower()}", spec, "not computed",
                            "unknown", detail=reason))
    return sec


def run_provider(spec: str, *, quick: bool = True, out_dir: Path | str | None = None,
                 d: Any = 10, builtin: bool | None = None) -> dict:
    """Run one provider and return its section as JSON; never raises for a provider's
    fault (missing module, exception, wrong return type)."""
    from symbolic.report.builtin import BUILTIN

    t0 = time.perf_counter()
    builtin = spec in BUILTIN if builtin is None else builtin
    try:
        mod_name, _, fn_name = spec.partition(":")
        if not fn_name:
            raise ValueError(f"provider {spec!r} is not of the form 'module:function'")
        fn = getattr(importlib.import_module(mod_name), fn_name)
    except (ImportError, AttributeError, ValueError) as exc:
        sec = _failed(spec, f"provider not available: {type(exc).__name__}: {exc}")
        return section_json(sec, spec)
    kwargs: dict = {"quick": quick, "out_dir": Path(out_dir) if out_dir is not None else None}
    if builtin:
        kwargs["d"] = d
    try:
        sec = fn(**kwargs)
    except Exception as exc:  # a provider's bug must not kill the report
        tb = traceback.format_exception_only(type(exc), exc)[-1].strip()
        sec = _failed(spec, f"provider raised {tb}", time.perf_counter() - t0)
        return section_json(sec, spec)
    if not isinstance(sec, Section):
        sec = _failed(spec, f"provider returned {type(sec).__name__}, not a Section",
                      time.perf_counter() - t0)
    if not sec.seconds:
        sec.seconds = time.perf_counter() - t0
    try:
        if out_dir is not None:
            _normalise_figures(sec, Path(out_dir))
        return section_json(sec, spec)
    except Exception as exc:  # e.g. a malformed claim
        return section_json(_failed(spec, f"section could not be serialised: {exc}"), spec)


def _normalise_figures(sec: Section, out: Path) -> None:
    """Figure paths relative to the report folder when the files lie inside it (a
    provider may give them absolute, relative to the folder, or relative to the current
    directory); otherwise absolute. The folder then stays relocatable."""
    root = out.resolve()
    for f in sec.figures:
        for attr in ("png", "pdf"):
            p = getattr(f, attr, "")
            if not p:
                continue
            q = Path(p)
            cands = [q] if q.is_absolute() else [out / q, Path.cwd() / q]
            hit = next((c.resolve() for c in cands if c.exists()), None)
            if hit is None:
                continue
            setattr(f, attr, str(hit.relative_to(root)) if hit.is_relative_to(root)
                    else str(hit))


def _stored(path: Path, d: Any, quick: bool) -> dict | None:
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if doc.get("run") != {"d": str(d), "quick": quick}:
        return None
    return doc.get("section")


def collect_sections(d: Any = 10, *, quick: bool = True, out_dir: Path | str,
                     specs: list[str] | None = None, workers: int = 1,
                     executor: Executor | None = None, progress: bool = False,
                     resume: bool = False, log=print) -> list[dict]:
    """Run every provider (``specs``, default :func:`providers`) and return the
    sections (JSON) in provider order. ``workers > 1``: a process pool of that size
    (or pass ``executor``); each result is written to ``out_dir/sections/`` as it
    arrives; ``resume`` reuses stored results of the same ``d`` and mode."""
    specs = providers() if specs is None else specs
    out = Path(out_dir)
    store = out / "sections"
    store.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict] = {}
    todo = []
    for s in specs:
        got = _stored(store / f"{slug(s)}.json", d, quick) if resume else None
        if got is not None:
            results[s] = got
            log(f"  {s}: reused from {store / (slug(s) + '.json')}")
        else:
            todo.append(s)

    def done(spec: str, sec: dict) -> None:
        results[spec] = sec
        (store / f"{slug(spec)}.json").write_text(json.dumps(
            {"run": {"d": str(d), "quick": quick}, "section": sec}, indent=1))
        n = {v: sum(c["verdict"] == v for c in sec["claims"]) for v in ("pass", "fail",
                                                                        "unknown")}
        log(f"  {sec['title']}: {sec['verdict']} ({n['pass']} pass, {n['fail']} fail, "
            f"{n['unknown']} unknown), {sec['seconds']} s")

    bar = None
    if progress and todo:
        from tqdm import tqdm

        bar = tqdm(total=len(todo), desc="report sections", unit="section")
    own = None
    if executor is None and workers > 1 and len(todo) > 1:
        own = executor = ProcessPoolExecutor(max_workers=workers)
    try:
        if executor is None:
            for s in todo:
                done(s, run_provider(s, quick=quick, out_dir=out, d=d))
                if bar:
                    bar.update()
        else:
            futs = {executor.submit(run_provider, s, quick=quick, out_dir=out, d=d): s
                    for s in todo}
            for fut in as_completed(futs):
                s = futs[fut]
                try:
                    sec = fut.result()
                except Exception as exc:  # the worker died (e.g. killed, out of memory)
                    sec = section_json(_failed(s, f"worker failed: {type(exc).__name__}: "
                                                  f"{exc}"), s)
                done(s, sec)
                if bar:
                    bar.update()
    finally:
        if own is not None:
            own.shutdown(cancel_futures=True)
        if bar:
            bar.close()
    return [results[s] for s in specs]

