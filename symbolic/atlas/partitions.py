"""Block isotropy types of ``S_d`` acting on ``M(k, d)``: which fixed spaces the atlas covers.

A diagonal block structure ``Delta(S_{p_1} x ... x S_{p_r})`` with
``p_1 >= ... >= p_r``, ``sum p_i = d``, is written in the isotropy grammar with its
largest block affine in ``d`` (``d - (d - p_1)``) and the others literal, e.g. the
partition ``(5, 2, 1)`` of ``d = 8`` is ``"d-3,2,1"``. The same label at ``d + 1``
is the partition ``(6, 2, 1)``: families are followed in ``d`` along one label.
Row-only blocks (``;1``, ``;1,1`` ...) add extra neurons (``k > d``; DESIGN.md
section 9). The grammar needs the affine block to have size ``>= 2``, so the
partitions with largest part 1 (the trivial group, ``dim Fix = d^2``) are not block
types and are not covered.
"""

from __future__ import annotations

from collections.abc import Iterator

from symbolic.core.errors import RelusymError

__all__ = ["partitions", "label_of", "block_labels", "parse_d_range"]


def partitions(n: int, max_part: int | None = None) -> Iterator[tuple[int, ...]]:
    """Integer partitions of ``n`` in non-increasing order (``max_part`` caps the parts)."""
    if max_part is None:
        max_part = n
    if n == 0:
        yield ()
        return
    for first in range(min(n, max_part), 0, -1):
        for rest in partitions(n - first, first):
            yield (first, *rest)


def label_of(part: tuple[int, ...], extra: tuple[int, ...] = ()) -> str:
    """The isotropy label of a partition of ``d`` (largest part affine in ``d``)."""
    d = sum(part)
    head = "d" if len(part) == 1 else f"d-{d - part[0]}"
    label = ",".join([head, *map(str, part[1:])])
    if extra:
        label += ";" + ",".join(map(str, extra))
    return label


def block_labels(d: int, *, max_blocks: int | None = None, extra: int = 0) -> list[str]:
    """Every block isotropy label valid at integer ``d`` with at most ``max_blocks``
    diagonal blocks, and, for ``extra = M > 0``, the same with one row-only block of
    each size ``1..M`` (``k = d + m``). Ordered by number of blocks, then label."""
    if d < 2:
        raise RelusymError(f"the atlas needs d >= 2, got {d}")
    out: list[tuple[int, str]] = []
    for part in partitions(d):
        if part[0] < 2 or (max_blocks is not None and len(part) > max_blocks):
            continue
        out.append((len(part), label_of(part)))
        for m in range(1, extra + 1):
            out.append((len(part) + 1, label_of(part, (m,))))
    out.sort()
    return [lab for _, lab in out]


def parse_d_range(text: str) -> list[int]:
    """``"4..10"`` -> [4, ..., 10]; ``"20"`` -> [20]; ``"4,6,8"`` -> [4, 6, 8]."""
    from symbolic.core.parsing import parse_int

    text = str(text).strip()
    out: list[int] = []
    for piece in text.split(","):
        piece = piece.strip()
        if ".." in piece:
            a, b = piece.split("..", 1)
            lo, hi = parse_int(a, "--d range start"), parse_int(b, "--d range end")
            if hi < lo:
                raise RelusymError(f"--d range {piece!r} is empty (end < start)")
            out.extend(range(lo, hi + 1))
        else:
            out.append(parse_int(piece, "--d"))
    if any(x < 2 for x in out):
        raise RelusymError(f"--d values must be integers >= 2, got {text!r}")
    return sorted(set(out))
