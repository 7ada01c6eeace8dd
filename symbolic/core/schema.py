"""One JSON document shape for every result relusym prints or writes.

Every JSON document leaving the package carries two top-level fields before its
payload:

* ``"schema"``: ``"relusym.<kind>/<version>"``, e.g. ``"relusym.census/1"``; the
  kinds and their fields are listed in ``docs/schemas.md``;
* ``"relusym"``: the version of the package that produced it.

Numbers leave as decimal strings (exact rationals as ``"p/q"``), never as binary
floats; :func:`dumps` refuses a float so that a stray one is a bug caught in the
tests rather than a silently rounded value in a paper. Booleans, integers
(counts, indices, dimensions), ``None`` and strings pass through.
"""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

from symbolic import __version__

__all__ = ["KINDS", "document", "dumps", "schema_name"]

#: Registered document kinds and their current version; docs/schemas.md describes each.
KINDS: dict[str, int] = {
    "census": 1,
    "certificate": 1,
    "completeness": 1,
    "equations": 1,
    "evaluate": 1,
    "families": 1,
    "isotropy": 1,
    "report": 1,
    "series": 1,
    "spectrum": 1,
    "track": 1,
    "transition": 1,
    # applications (issues 13 to 18)
    "overparam": 1,
    "gd-census": 1,
    "gd-run": 1,
    "arcs": 1,
    "regions": 1,
    "atlas": 1,
}


def schema_name(kind: str) -> str:
    """``"relusym.<kind>/<version>"`` for a registered kind (KeyError otherwise)."""
    return f"relusym.{kind}/{KINDS[kind]}"


def document(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The payload with ``schema`` and ``relusym`` put first."""
    if kind not in KINDS:
        raise KeyError(f"unregistered JSON document kind {kind!r}; add it to schema.KINDS")
    out: dict[str, Any] = {"schema": schema_name(kind), "relusym": __version__}
    for key, value in payload.items():
        if key in ("schema", "relusym"):
            continue
        out[key] = value
    return out


def _default(obj: Any) -> Any:
    if isinstance(obj, Fraction):
        return str(obj) if obj.denominator != 1 else str(obj.numerator)
    try:
        import numpy as np

        if isinstance(obj, np.integer):
            return int(obj)
        if isinstance(obj, np.bool_):
            return bool(obj)
    except ImportError:  # pragma: no cover - numpy is a dependency
        pass
    if hasattr(obj, "to_json"):
        return obj.to_json()
    if isinstance(obj, set | frozenset | tuple):
        return list(obj)
    return str(obj)


def _check_no_float(obj: Any, path: str = "$") -> None:
    if isinstance(obj, float):
        raise TypeError(f"binary float {obj!r} at {path} in a relusym JSON document; "
                        "format it as a decimal string")
    if isinstance(obj, dict):
        for k, v in obj.items():
            _check_no_float(v, f"{path}.{k}")
    elif isinstance(obj, list | tuple):
        for i, v in enumerate(obj):
            _check_no_float(v, f"{path}[{i}]")


def dumps(kind: str, payload: dict[str, Any], *, indent: int | None = 2,
          allow_float: bool = False) -> str:
    """``json.dumps(document(kind, payload))`` with exact numbers as strings.

    Raises TypeError on a binary float unless ``allow_float`` (kept only for
    legacy fields being migrated; new code must not use it).
    """
    doc = document(kind, payload)
    if not allow_float:
        _check_no_float(doc)
    return json.dumps(doc, indent=indent, default=_default)
