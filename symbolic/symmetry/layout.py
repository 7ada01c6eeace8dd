"""The sympy-free part of a fixed space: label, parameter names, block sizes in ``d``.

Source: DESIGN.md section 2 (the isotropy grammar). A block of ``Fix(H)`` has a size
``a d + b`` (``a = 0``: a literal block). :class:`symbolic.symmetry.groups.FixedSpace` holds
the sympy side (symbols, orbit sizes, reduced systems); this layout is what the
numeric layers need without sympy (a stored spectrum plan,
:mod:`symbolic.spectra.spectrum_plan`): the one check that ``d`` fits the blocks, the one
ordering of parameter values, and whether the isotypic decomposition at ``d`` is the
generic one. ``FixedSpace.check_d`` and ``FixedSpace.values_list`` delegate here.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from symbolic.core.errors import IsotropyError

__all__ = ["BlockSize", "SpaceLayout"]


@dataclass(frozen=True)
class BlockSize:
    """One block: ``kind`` ("block" or "row-only block"), its size ``a d + b`` and the
    size as written (``text``, e.g. ``"d - 2"``)."""

    kind: str
    text: str
    a: int
    b: int

    @property
    def literal(self) -> bool:
        return self.a == 0

    def value(self, d: int | Fraction) -> int | Fraction:
        return self.a * d + self.b

    def to_json(self) -> list:
        return [self.kind, self.text, self.a, self.b]


@dataclass(frozen=True)
class SpaceLayout:
    """Label, parameter names (in ``params`` order) and block sizes of a fixed space."""

    label: str
    names: tuple[str, ...]
    blocks: tuple[BlockSize, ...]

    @property
    def dim(self) -> int:
        return len(self.names)

    def check_d(self, d: int | Fraction) -> None:
        """Raise :class:`IsotropyError` if the blocks do not fit at this ``d``: a block
        written with ``d`` needs size >= 2, a literal block >= 1."""
        for b in self.blocks:
            v = b.value(d)
            need = 1 if b.literal else 2
            if v < need:
                raise IsotropyError(
                    f"d = {d} is too small for {self.label!r}: {b.kind} {b.text} has size {v}"
                    f" (a block written with d needs size >= 2, a literal block >= 1);"
                    f" the smallest integer d is {self.min_d()}")

    def min_d(self) -> int:
        """The smallest integer ``d`` at which the blocks fit (-1 if none below 10^4)."""
        for d in range(1, 10_000):
            if all(b.value(d) >= (1 if b.literal else 2) for b in self.blocks):
                return d
        return -1  # pragma: no cover

    def generic_at(self, d: int | Fraction) -> bool:
        """Whether the isotypic decomposition at ``d`` is the generic one: every block
        written with ``d`` has a fractional size or one >= 4 (the small-block cases of
        :func:`symbolic.symmetry.isotypic.isotypic_decomposition` are sizes 1, 2, 3)."""
        for b in self.blocks:
            if b.literal:
                continue
            v = Fraction(b.value(d))
            if v.denominator == 1 and v <= 3:
                return False
        return True

    def values_list(self, values: Any) -> list:
        """Parameter values as a list in ``names`` order (a dict by name or a sequence)."""
        names = list(self.names)
        if isinstance(values, dict):
            missing = [n for n in names if n not in values]
            extra = [n for n in values if n not in names]
            if missing or extra:
                raise IsotropyError(
                    f"parameters for {self.label!r} must be {names}"
                    + (f"; missing {missing}" if missing else "")
                    + (f"; unknown {extra}" if extra else ""))
            return [values[n] for n in names]
        vals = list(values)
        if len(vals) != len(names):
            raise IsotropyError(
                f"{self.label!r} has {len(names)} parameters {names}, got {len(vals)} values")
        return vals

    def to_json(self) -> dict:
        return {"label": self.label, "names": list(self.names),
                "blocks": [b.to_json() for b in self.blocks]}

    @classmethod
    def from_json(cls, data: dict) -> SpaceLayout:
        return cls(str(data["label"]), tuple(str(n) for n in data["names"]),
                   tuple(BlockSize(str(k), str(t), int(a), int(b))
                         for k, t, a, b in data["blocks"]))
