"""The one progress display: a tqdm bar on stderr, or a silent stand-in.

``progress``: True (show), False (never), None (only when stderr is a terminal, the
default of every long command). ``total=None`` gives a status line (``desc: postfix``)
for work whose length is not known in advance (the series' eps-adic Newton)."""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["progress_bar", "NoBar"]


class NoBar:
    """A bar that shows nothing (``update``, ``set_postfix_str`` and ``close`` do nothing)."""

    def update(self, n: int = 1) -> None:
        pass

    def set_postfix_str(self, s: str = "", refresh: bool = True) -> None:
        pass

    def close(self) -> None:
        pass


def progress_bar(total: int | None, progress: bool | None, desc: str, *,
                 initial: int = 0) -> Any:
    """A tqdm bar (``total`` steps, ``initial`` already done) or :class:`NoBar`."""
    if progress is None:
        progress = sys.stderr.isatty()
    if not progress:
        return NoBar()
    from tqdm import tqdm

    if total is None:
        return tqdm(total=None, desc=desc, file=sys.stderr, bar_format="{desc}: {postfix}")
    return tqdm(total=total, initial=initial, desc=desc, file=sys.stderr, mininterval=1.0,
                delay=1.0)
