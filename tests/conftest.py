"""Test-session settings: the symbolic-build disk cache lives in a private temporary
directory for the whole session (shared by the tests, so builds are reused, but never
the user's ``~/.cache/relusym``)."""

import os
import shutil
import tempfile

_CACHE = tempfile.mkdtemp(prefix="relusym-test-cache-")


def pytest_configure(config):
    os.environ.setdefault("RELUSYM_CACHE_DIR", _CACHE)


def pytest_unconfigure(config):
    shutil.rmtree(_CACHE, ignore_errors=True)
