"""Tangency arcs of critical points: hidden versus found minima (issue 15).

Modules (one job each): :mod:`~symbolic.arcs.spaces` (fixed spaces of the arcs and the
eigen-directions they leave along), :mod:`~symbolic.arcs.trace` (constrained Newton and
continuation in r), :mod:`~symbolic.arcs.expansion` (c3, c4 of the loss along an arc),
:mod:`~symbolic.arcs.checks` (full-matrix checks), :mod:`~symbolic.arcs.critical`
(the critical point where an arc's multiplier vanishes), :mod:`~symbolic.arcs.core` (all
arcs of a family, m(r), M(r)), :mod:`~symbolic.arcs.compare` (hidden vs found),
:mod:`~symbolic.arcs.plot`, :mod:`~symbolic.arcs.report` (``report_section``).
See docs/arcs.md.
"""

from symbolic.arcs.core import ArcsResult, compute_arcs, family_directions
from symbolic.arcs.expansion import Expansion, expansion
from symbolic.arcs.report import report_section
from symbolic.arcs.spaces import Direction, directions
from symbolic.arcs.trace import Arc, ArcPoint, trace_arc

__all__ = ["Arc", "ArcPoint", "ArcsResult", "Direction", "Expansion", "compute_arcs",
           "directions", "expansion", "family_directions", "report_section", "trace_arc"]
