"""Reading weight matrices for the command line (JSON lists of rows)."""

from __future__ import annotations

import json

from symbolic.errors import ShapeError

__all__ = ["read_matrix_json"]


def read_matrix_json(path: str, name: str = "W") -> list[list[str]]:
    """A JSON list of rows from ``path``; numbers are kept as decimal strings (exact).

    Rows must be non-empty lists of equal length; any problem is a ShapeError that
    names the file.
    """
    try:
        with open(path) as fh:
            data = json.load(fh, parse_float=str, parse_int=str)
    except OSError as exc:
        raise ShapeError(f"cannot read {name} from {path!r}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise ShapeError(f"{name} file {path!r} is not valid JSON: {exc}") from None
    if not isinstance(data, list) or not data or not all(isinstance(r, list) for r in data):
        raise ShapeError(f"{name} must be a non-empty JSON list of rows")
    if len({len(r) for r in data}) != 1 or not data[0]:
        raise ShapeError(f"{name}: all rows must have the same (positive) length")
    return data
