"""The one disk cache (symbolic.core.cache): location policy, invalidation by source,
atomic writes under concurrent writers, damaged entries ignored."""

from __future__ import annotations

import json
import subprocess
import sys

from symbolic.core import cache


def test_location_and_disable(tmp_path, monkeypatch):
    monkeypatch.setenv("RELUSYM_CACHE_DIR", str(tmp_path / "c"))
    assert cache.cache_dir() == tmp_path / "c"
    monkeypatch.setenv("RELUSYM_CACHE", "off")
    assert cache.cache_dir() is None
    assert cache.entry_path("x", "k") is None
    cache.write_entry("x", "k", [1])  # disabled: silently nothing
    assert cache.read_entry("x", "k") is None
    monkeypatch.delenv("RELUSYM_CACHE_DIR")
    monkeypatch.delenv("RELUSYM_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "relusym"


def test_roundtrip_and_damaged_or_foreign_entries(tmp_path, monkeypatch):
    monkeypatch.setenv("RELUSYM_CACHE_DIR", str(tmp_path))
    cache.write_entry("point", "key-1", ["0.5", "1/3"])
    assert cache.read_entry("point", "key-1") == ["0.5", "1/3"]
    assert cache.read_entry("point", "key-2") is None
    path = cache.entry_path("point", "key-1")
    path.write_text('{"key": "key-1", "value": ["0.5"')  # torn write
    assert cache.read_entry("point", "key-1") is None
    path.write_text(json.dumps({"key": "another key", "value": [1]}))  # hash collision
    assert cache.read_entry("point", "key-1") is None
    assert not list(tmp_path.glob(".tmp-*"))


def test_fingerprint_follows_source_and_version():
    a = cache.source_fingerprint("symbolic.symmetry.groups")
    assert a == cache.source_fingerprint("symbolic.symmetry.groups")
    assert a != cache.source_fingerprint("symbolic.loss.kernel")
    assert a != cache.source_fingerprint("symbolic.symmetry.groups", "symbolic.loss.kernel")
    # a module that does not exist gives a fingerprint of its own, not an error
    assert cache.source_fingerprint("symbolic.no_such_module") != a


_WRITER = r"""
import sys
from symbolic.core import cache
for i in range(200):
    cache.write_entry("race", "shared", [sys.argv[1]] * 2000)
"""


def test_concurrent_writers_never_leave_a_torn_entry(tmp_path):
    env = {"RELUSYM_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, str(n)], env=env)
             for n in range(3)]
    seen = 0
    while any(p.poll() is None for p in procs):
        for f in tmp_path.glob("race-*.json"):
            try:
                data = json.loads(f.read_text())
            except FileNotFoundError:  # pragma: no cover
                continue
            vals = set(data["value"])
            assert len(vals) == 1 and len(data["value"]) == 2000  # one writer's whole entry
            seen += 1
    assert all(p.wait() == 0 for p in procs)
    assert seen > 0
    assert not list(tmp_path.glob(".tmp-*"))
