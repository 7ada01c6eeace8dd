"""Over-parameterization (k = d + m): how added neurons annihilate spurious minima.

Modules, one job each: :mod:`~symbolic.overparam.split` (neuron splitting, the exact
inertia theorem, certificates and interlacing bounds), :mod:`~symbolic.overparam.analysis`
(the table for a family), :mod:`~symbolic.overparam.perturb` (perturbed targets),
:mod:`~symbolic.overparam.report` (the report section). See ``docs/overparam.md``.
"""

from symbolic.overparam.analysis import OverparamResult, Row, fixed_space_census, overparam
from symbolic.overparam.report import report_section
from symbolic.overparam.split import (
    certify_split,
    descent_directions,
    split_inertia,
    split_point,
    splitting_matrix,
)

__all__ = ["overparam", "OverparamResult", "Row", "fixed_space_census", "report_section",
           "split_point", "splitting_matrix", "split_inertia", "certify_split",
           "descent_directions"]
