"""Test-session settings: the symbolic-build disk cache lives in a private temporary
directory for the whole session (shared by the tests, so builds are reused, but never
the user's ``~/.cache/relusym``)."""

import os
import shutil
import tempfile

# One BLAS thread per process (before numpy loads): on a shared 2-core machine small
# SVDs are about 50x faster than with a thread pool per process.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

_CACHE = tempfile.mkdtemp(prefix="relusym-test-cache-")


def pytest_configure(config):
    os.environ.setdefault("RELUSYM_CACHE_DIR", _CACHE)


def pytest_unconfigure(config):
    shutil.rmtree(_CACHE, ignore_errors=True)
