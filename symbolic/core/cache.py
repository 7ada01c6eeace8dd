"""The one disk cache: where it lives, what invalidates it, atomic JSON entries.

Symbolic builds (:mod:`symbolic.systems.reduced`), family points
(:func:`symbolic.numerics.track.point_at`)
and series (:mod:`symbolic.asymptotics.series`) are cached between commands so that no command
repeats another's symbolic work (issue 10, item 6). Policy, the same for every entry:

* location: ``$RELUSYM_CACHE_DIR``, else ``$XDG_CACHE_HOME/relusym``, else
  ``~/.cache/relusym``; ``RELUSYM_CACHE=0`` (or ``no``/``off``/``false``) disables it;
* invalidation: every key includes :func:`source_fingerprint` of the modules that
  determine the value (the package version and their source bytes, found through the
  import system, so the fingerprint follows a module wherever it lives);
* safety under concurrent runs: a writer writes a private temporary file in the cache
  directory and renames it over the entry (``os.replace``, atomic on POSIX), so a
  reader sees the old entry, the new one, or none; a damaged, foreign or stale entry
  is ignored and recomputed;
* content: JSON of strings, integers and lists only, never evaluated.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["cache_dir", "source_fingerprint", "entry_path", "read_entry", "write_entry"]


def cache_dir() -> Path | None:
    """Directory of the disk cache, or None when disabled (``RELUSYM_CACHE=0``)."""
    if os.environ.get("RELUSYM_CACHE", "1").strip().lower() in ("0", "no", "off", "false"):
        return None
    env = os.environ.get("RELUSYM_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "relusym"


@lru_cache(maxsize=64)
def source_fingerprint(*modules: str) -> str:
    """SHA-256 of the package version and the source of ``modules`` (dotted names,
    e.g. ``"symbolic.symmetry.groups"``). A module whose source cannot be read contributes its
    name and a marker, so the fingerprint differs from a readable one."""
    from symbolic import __version__

    h = hashlib.sha256(__version__.encode())
    for name in modules:
        h.update(name.encode())
        try:
            spec = importlib.util.find_spec(name)
            origin = spec.origin if spec is not None else None
            h.update(Path(origin).read_bytes() if origin else b"<no source>")
        except (OSError, ImportError, ValueError):  # pragma: no cover
            h.update(b"<unreadable>")
    return h.hexdigest()


def entry_path(kind: str, key: str) -> Path | None:
    """The file of the entry ``key`` of ``kind`` (None when the cache is disabled)."""
    base = cache_dir()
    if base is None:
        return None
    return base / f"{kind}-{hashlib.sha256(key.encode()).hexdigest()[:40]}.json"


def read_entry(kind: str, key: str) -> Any:
    """The cached JSON value of ``key`` (None: missing, disabled, foreign or corrupt)."""
    path = entry_path(kind, key)
    if path is None or not path.is_file():
        return None
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        return data.get("value")
    except (OSError, ValueError, TypeError):
        return None


def write_entry(kind: str, key: str, value: Any) -> None:
    """Store ``value`` (JSON) under ``key`` atomically; silent on failure (the cache is
    optional: a read-only or full disk is not an error)."""
    path = entry_path(kind, key)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"key": key, "value": value}, fh, separators=(",", ":"))
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except (OSError, TypeError, ValueError):
        return
