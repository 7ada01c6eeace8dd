"""Reading weight matrices for the command line (JSON lists of rows)."""

from __future__ import annotations

import json

from symbolic.errors import RelusymError, ShapeError

__all__ = ["read_matrix_json"]

#: Files larger than this are refused (a weight matrix of the supported sizes is far smaller).
MAX_BYTES = 200 * 2**20


def _no_constant(name: str):
    raise ValueError(f"{name} is not a finite number")


def read_matrix_json(path: str, name: str = "W") -> list[list[str]]:
    """A JSON list of rows from ``path``; numbers are kept as decimal strings (exact).

    Rows must be non-empty lists of equal length whose entries are numbers or
    decimal strings accepted by :func:`symbolic.parsing.parse_number` (no ``NaN``,
    ``Infinity``, booleans, nulls or nested lists); any problem -- an unreadable,
    binary or non-UTF-8 file included -- is a ShapeError that names the file.
    """
    from symbolic.parsing import parse_number

    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ShapeError(f"cannot read {name} from {path!r}: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise ShapeError(f"{name} file {path!r} is larger than {MAX_BYTES >> 20} MiB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ShapeError(f"{name} file {path!r} is not UTF-8 text (a binary file?): "
                         f"byte {exc.start}") from None
    try:
        data = json.loads(text, parse_float=str, parse_int=str, parse_constant=_no_constant)
    except ValueError as exc:  # JSONDecodeError, NaN/Infinity, deep nesting
        raise ShapeError(f"{name} file {path!r} is not valid JSON: {exc}") from None
    except RecursionError:
        raise ShapeError(f"{name} file {path!r}: JSON nested too deeply") from None
    if not isinstance(data, list) or not data or not all(isinstance(r, list) for r in data):
        raise ShapeError(f"{name} must be a non-empty JSON list of rows")
    if len({len(r) for r in data}) != 1 or not data[0]:
        raise ShapeError(f"{name}: all rows must have the same (positive) length")
    for i, row in enumerate(data):
        for j, x in enumerate(row):
            if not isinstance(x, str):
                raise ShapeError(f"{name}[{i}][{j}] = {json.dumps(x)} is not a number")
            try:
                parse_number(x, f"{name}[{i}][{j}]")
            except RelusymError as exc:
                raise ShapeError(str(exc)) from None
    return data
