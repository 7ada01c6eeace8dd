"""Every ``python`` code block of README.md and docs/*.md runs.

Blocks of one file run in order in one namespace (a later block may use an
earlier block's names), so each page is a script a reader can paste. Reference
listings that are not meant to run are fenced as ``text``, not ``python``.
"""

import re
from pathlib import Path

import mpmath
import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def _blocks(page: Path) -> list[str]:
    return _BLOCK.findall(page.read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", [p for p in PAGES if _blocks(p)], ids=lambda p: p.name)
def test_python_blocks_run(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ns: dict = {"__name__": "__docs__"}
    prec = mpmath.mp.prec  # a page may set mpmath's global precision: restore it
    try:
        for i, code in enumerate(_blocks(page)):
            try:
                exec(compile(code, f"{page.name}[block {i}]", "exec"), ns)  # noqa: S102
            except Exception as exc:  # pragma: no cover - the message is the point
                raise AssertionError(f"{page.name} block {i} fails: {exc!r}\n{code}") from exc
    finally:
        mpmath.mp.prec = prec


def test_every_page_is_checked():
    """The docs have runnable examples at all (the test above is not vacuous)."""
    assert sum(len(_blocks(p)) for p in PAGES) >= 3
