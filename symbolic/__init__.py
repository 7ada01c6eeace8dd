"""relusym: computer algebra and verified numerics for two-layer ReLU loss landscapes.

Import package ``symbolic``; distribution and command-line tool ``relusym``.
The public API is re-exported here (imported lazily on first use, so ``import
symbolic`` stays fast); the layers and the import graph are in docs/architecture.md.

>>> import symbolic
>>> s = symbolic.hessian_spectrum("d", {"D1": 1, "O1": 0}, 1000, digits=15)
>>> s.index
0

Functions whose name is also a module's are exported under another name, so that
the attribute is the same whatever was imported first: ``hessian_spectrum``
(:func:`symbolic.spectrum.spectrum`), ``track_branch`` (:func:`symbolic.track.track`),
``run_census`` (:func:`symbolic.census.census`); ``symbolic.spectrum``,
``symbolic.track`` and ``symbolic.census`` are the modules.

The symbols: ``symbolic.d`` is the dimension exactly as the package uses it,
``Symbol("d", positive=True)`` -- substitute with it, ``expr.subs(symbolic.d, 3)``
(a plain ``Symbol("d")`` is a different symbol to sympy, so ``subs`` with it does
nothing); ``symbolic.eps`` is the series variable ``epsilon = d^(-1/2)``.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

from symbolic.errors import RelusymError

# One BLAS thread per process unless the user chose otherwise (set before numpy loads;
# no effect if it already has). relusym's float64 linear algebra is many small matrices
# (batched Newton on Fix(H), isotypic blocks), where a thread pool per process only
# oversubscribes the cores: measured, the d-3,1,1,1 census search at d = 20 on 2 cores
# with 2 worker processes took 71 s with the default pools against 49 s serially.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

__version__ = "0.1.0"

#: public name -> (module, attribute)
_EXPORTS: dict[str, tuple[str, str]] = {
    # errors
    "ShapeError": ("symbolic.errors", "ShapeError"),
    "IsotropyError": ("symbolic.errors", "IsotropyError"),
    "NonDifferentiableError": ("symbolic.errors", "NonDifferentiableError"),
    "ConvergenceError": ("symbolic.errors", "ConvergenceError"),
    "PrecisionError": ("symbolic.errors", "PrecisionError"),
    # symbols, parsing, precision
    "d": ("symbolic.groups", "D_SYMBOL"),
    "eps": ("symbolic.series", "EPS"),
    "parse_d": ("symbolic.groups", "parse_d"),
    "parse_number": ("symbolic.parsing", "parse_number"),
    "parse_params": ("symbolic.parsing", "parse_params"),
    "working_digits": ("symbolic.precision", "working_digits"),
    "check_digits": ("symbolic.precision", "check_digits"),
    # fixed spaces and reduced systems
    "FixedSpace": ("symbolic.groups", "FixedSpace"),
    "parse_isotropy": ("symbolic.groups", "parse_isotropy"),
    "ReducedSystem": ("symbolic.reduced", "ReducedSystem"),
    "reduced_system": ("symbolic.reduced", "reduced_system"),
    "isotypic_decomposition": ("symbolic.isotypic", "isotypic_decomposition"),
    "detect_isotropy": ("symbolic.detect", "detect_isotropy"),
    # numerics
    "newton": ("symbolic.solve", "newton"),
    "solve_point": ("symbolic.solve", "solve_point"),
    "track_branch": ("symbolic.track", "track"),
    "point_at": ("symbolic.track", "point_at"),
    "Branch": ("symbolic.track", "Branch"),
    "run_census": ("symbolic.census", "census"),
    # spectra, certificates, transitions
    "hessian_spectrum": ("symbolic.spectrum", "spectrum"),
    "Spectrum": ("symbolic.spectrum", "Spectrum"),
    "exact_spectrum": ("symbolic.spectrum", "exact_spectrum"),
    "certify_point": ("symbolic.certify", "certify_point"),
    "Certificate": ("symbolic.certify", "Certificate"),
    "find_transition": ("symbolic.transition", "find_transition"),
    "Transition": ("symbolic.transition", "Transition"),
    # catalogue, series, output
    "family": ("symbolic.families", "family"),
    "FAMILIES": ("symbolic.families", "FAMILIES"),
    "family_series": ("symbolic.series", "family_series"),
    "decimal": ("symbolic.formatting", "decimal"),
    "enclosure": ("symbolic.formatting", "enclosure"),
    "document": ("symbolic.schema", "document"),
    "dumps": ("symbolic.schema", "dumps"),
}

__all__ = ["RelusymError", "__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    """Lazy import of the public API and of the submodules (PEP 562)."""
    if name not in _EXPORTS:
        try:
            return importlib.import_module(f"symbolic.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"symbolic.{name}":
                raise
            raise AttributeError(f"module 'symbolic' has no attribute {name!r}") from None
    module, attr = _EXPORTS[name]
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
