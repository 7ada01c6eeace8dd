"""Input and output of the command line: weight matrices, ``--params``, the common
options and the one way a command prints its result.

Vocabulary shared by the commands (docs/schemas.md): ``--json`` prints the JSON
document (text by default), ``--out FILE`` also writes the JSON document to FILE,
``--digits N`` asks for N significant digits of the answer (``--dps`` is a
deprecated alias where it existed), ``--params NAME=VALUE,...`` (or a JSON object
or list) gives a point of a fixed space. Every JSON document goes through
:func:`symbolic.core.schema.dumps` (``"schema"`` and ``"relusym"`` first; no floats).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

from symbolic.core.errors import IsotropyError, RelusymError, ShapeError

__all__ = ["read_matrix_json", "add_output_options", "add_digits_option", "emit",
           "parse_params", "check_numbers", "resolve_family_name"]


def add_output_options(p) -> None:
    """``--json`` and ``--out FILE`` (the JSON document to a file)."""
    p.add_argument("--json", action="store_true", help="print the JSON document "
                   "(schema in docs/schemas.md) instead of text")
    p.add_argument("--out", metavar="FILE", help="also write the JSON document to FILE")


def add_digits_option(p, default: int, *, dps_alias: bool = False, what: str = "") -> None:
    """``--digits`` (10..500: significant digits of the answer), optionally ``--dps``."""
    from symbolic.core.precision import MAX_DIGITS, MIN_DIGITS

    p.add_argument("--digits", default=None,
                   help=f"significant digits of the answer{what}, {MIN_DIGITS}..{MAX_DIGITS} "
                   f"(default {default}); the working precision is derived from it and d")
    if dps_alias:
        p.add_argument("--dps", default=None, help="deprecated alias of --digits")
    p.set_defaults(digits_default=default)


def digits_of(args) -> int:
    """The checked ``--digits`` (or deprecated ``--dps``) of parsed arguments."""
    from symbolic.core.precision import cli_digits

    return cli_digits(args, default=getattr(args, "digits_default", 20))


def emit(args, kind: str, payload: dict[str, Any], text: Callable[[], str]) -> None:
    """Print the result: the JSON document with ``--json``, else ``text()``; with
    ``--out FILE`` the JSON document is also written to FILE."""
    from symbolic.core.schema import dumps

    doc = None
    if getattr(args, "json", False) or getattr(args, "out", None):
        doc = dumps(kind, payload)
    if getattr(args, "out", None):
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(doc + "\n")
    if getattr(args, "json", False):
        print(doc)
    else:
        print(text())


def parse_params(text: str) -> Any:
    """``--params``: a JSON object / list, or ``name=value,...`` (values kept as decimal
    strings; each is parsed exactly later, by :func:`check_numbers`)."""
    text = text.strip()
    if text.startswith("{") or text.startswith("["):
        try:
            data = json.loads(text, parse_float=str, parse_int=str)
        except json.JSONDecodeError as exc:
            raise IsotropyError(f"--params is not valid JSON: {exc}") from None
        if isinstance(data, dict):
            items = list(data.items())
        elif isinstance(data, list):
            items = [(f"value {i + 1}", v) for i, v in enumerate(data)]
        else:
            raise IsotropyError("--params JSON must be an object {name: number} or a list")
        for k, v in items:
            if not isinstance(v, str):  # numbers arrive as strings (parse_float=str)
                raise IsotropyError(f"--params: {k} = {json.dumps(v)} is not a number")
        if isinstance(data, dict):
            return {str(k): v for k, v in data.items()}
        return list(data)
    out = {}
    for item in text.split(","):
        if not item.strip():
            continue
        if "=" not in item:
            raise IsotropyError(f"--params item {item!r} is not name=value")
        k, v = item.split("=", 1)
        if k.strip() in out:
            raise IsotropyError(f"--params: {k.strip()} given twice")
        out[k.strip()] = v.strip()
    if not out:
        raise IsotropyError("--params is empty: give name=value pairs, e.g. D1=1,O1=0")
    return out


def check_numbers(vals: list, names: list[str] | None = None) -> None:
    """Every value must parse exactly (:func:`symbolic.core.parsing.parse_number`): no
    ``nan``, ``inf`` or expressions."""
    from symbolic.core.parsing import parse_number

    names = names or [f"value {i + 1}" for i in range(len(vals))]
    for v, n in zip(vals, names, strict=True):
        parse_number(v, n)


def resolve_family_name(name: str):
    """The catalogue entry (:class:`symbolic.catalogue.families.Family`) of ``--family``; a
    deprecated alias gets a note on stderr (and no FutureWarning)."""
    from symbolic.catalogue.families import deprecation_note, family

    note = deprecation_note(name)
    if note:
        print(f"relusym: {note}", file=sys.stderr)
    return family(name, warn=False)

#: Files larger than this are refused (a weight matrix of the supported sizes is far smaller).
MAX_BYTES = 200 * 2**20


def _no_constant(name: str):
    raise ValueError(f"{name} is not a finite number")


def read_matrix_json(path: str, name: str = "W") -> list[list[str]]:
    """A JSON list of rows from ``path``; numbers are kept as decimal strings (exact).

    Rows must be non-empty lists of equal length whose entries are numbers or
    decimal strings accepted by :func:`symbolic.core.parsing.parse_number` (no ``NaN``,
    ``Infinity``, booleans, nulls or nested lists); any problem -- an unreadable,
    binary or non-UTF-8 file included -- is a ShapeError that names the file.
    """
    from symbolic.core.parsing import parse_number

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
