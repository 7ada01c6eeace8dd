"""Experiments: statistics of training runs on the closed-form loss (gradient-descent
census, :mod:`symbolic.experiments.gd`; classification of end points,
:mod:`symbolic.experiments.classify`; the report section,
:mod:`symbolic.experiments.report`)."""
