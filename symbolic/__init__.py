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
(:func:`symbolic.spectra.spectrum.spectrum`), ``track_branch``
(:func:`symbolic.numerics.track.track`),
``run_census`` (:func:`symbolic.critical.census.census`); ``symbolic.spectra.spectrum``,
``symbolic.numerics.track`` and ``symbolic.critical.census`` are the modules.

The symbols: ``symbolic.d`` is the dimension exactly as the package uses it,
``Symbol("d", positive=True)`` -- substitute with it, ``expr.subs(symbolic.d, 3)``
(a plain ``Symbol("d")`` is a different symbol to sympy, so ``subs`` with it does
nothing); ``symbolic.eps`` is the series variable ``epsilon = d^(-1/2)``.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

from symbolic.core.errors import RelusymError

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
    "ShapeError": ("symbolic.core.errors", "ShapeError"),
    "IsotropyError": ("symbolic.core.errors", "IsotropyError"),
    "NonDifferentiableError": ("symbolic.core.errors", "NonDifferentiableError"),
    "ConvergenceError": ("symbolic.core.errors", "ConvergenceError"),
    "PrecisionError": ("symbolic.core.errors", "PrecisionError"),
    # symbols, parsing, precision
    "d": ("symbolic.symmetry.groups", "D_SYMBOL"),
    "eps": ("symbolic.asymptotics.series", "EPS"),
    "parse_d": ("symbolic.symmetry.groups", "parse_d"),
    "parse_number": ("symbolic.core.parsing", "parse_number"),
    "parse_params": ("symbolic.core.parsing", "parse_params"),
    "working_digits": ("symbolic.core.precision", "working_digits"),
    "check_digits": ("symbolic.core.precision", "check_digits"),
    # fixed spaces and reduced systems
    "FixedSpace": ("symbolic.symmetry.groups", "FixedSpace"),
    "parse_isotropy": ("symbolic.symmetry.groups", "parse_isotropy"),
    "ReducedSystem": ("symbolic.systems.reduced", "ReducedSystem"),
    "reduced_system": ("symbolic.systems.reduced", "reduced_system"),
    "isotypic_decomposition": ("symbolic.symmetry.isotypic", "isotypic_decomposition"),
    "detect_isotropy": ("symbolic.symmetry.detect", "detect_isotropy"),
    # numerics
    "newton": ("symbolic.numerics.solve", "newton"),
    "solve_point": ("symbolic.numerics.solve", "solve_point"),
    "track_branch": ("symbolic.numerics.track", "track"),
    "point_at": ("symbolic.numerics.track", "point_at"),
    "Branch": ("symbolic.numerics.track", "Branch"),
    "run_census": ("symbolic.critical.census", "census"),
    # spectra, certificates, transitions
    "hessian_spectrum": ("symbolic.spectra.spectrum", "spectrum"),
    "Spectrum": ("symbolic.spectra.spectrum", "Spectrum"),
    "exact_spectrum": ("symbolic.spectra.spectrum", "exact_spectrum"),
    "certify_point": ("symbolic.spectra.certify", "certify_point"),
    "Certificate": ("symbolic.spectra.certify", "Certificate"),
    "find_transition": ("symbolic.critical.transition", "find_transition"),
    "Transition": ("symbolic.critical.transition", "Transition"),
    # catalogue, series, output
    "family": ("symbolic.catalogue.families", "family"),
    "FAMILIES": ("symbolic.catalogue.families", "FAMILIES"),
    "family_series": ("symbolic.asymptotics.series", "family_series"),
    "decimal": ("symbolic.core.formatting", "decimal"),
    "enclosure": ("symbolic.core.formatting", "enclosure"),
    "document": ("symbolic.core.schema", "document"),
    "dumps": ("symbolic.core.schema", "dumps"),
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
