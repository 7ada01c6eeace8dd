"""Finite data: activation regions of ReLU networks, exact Jacobian ranks, zero-loss
regions and the rank phase transition (Karhadkar, Murray, Tseran, Montufar, TMLR 2024).

Modules, one job each: :mod:`~symbolic.finite.data` (seeded rational data),
:mod:`~symbolic.finite.network` (shallow and deep ReLU networks with biases, exact forward
pass and Jacobian, squared loss), :mod:`~symbolic.finite.regions` (activation patterns,
region polyhedra, LP questions with exact certificates), :mod:`~symbolic.finite.rank`
(exact rank over Q), :mod:`~symbolic.finite.sampling` (regions by volume and by count,
exhaustive census for d0 = 1), :mod:`~symbolic.finite.transition` (the grid on an
executor, the figure), :mod:`~symbolic.finite.report` (the report section).
See ``docs/finite.md``.
"""

from symbolic.finite.data import Dataset, dataset_from_rows, random_dataset
from symbolic.finite.network import Network, init_params, jacobian_exact, loss_exact
from symbolic.finite.rank import exact_rank
from symbolic.finite.regions import (
    critical_points_in_region,
    pattern_of,
    region_jacobian,
    region_nonempty,
    zero_loss_in_region,
)
from symbolic.finite.report import report_section
from symbolic.finite.sampling import enumerate_regions_1d, sample_config
from symbolic.finite.transition import grid_tasks, plot_transition, run_grid

__all__ = ["Dataset", "random_dataset", "dataset_from_rows", "Network", "init_params",
           "jacobian_exact", "loss_exact", "exact_rank", "pattern_of", "region_jacobian",
           "region_nonempty", "zero_loss_in_region", "critical_points_in_region",
           "sample_config", "enumerate_regions_1d", "grid_tasks", "run_grid",
           "plot_transition", "report_section"]
