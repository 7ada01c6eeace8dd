"""relusym: computer algebra and verified numerics for two-layer ReLU loss landscapes.

Import package ``symbolic``; distribution and command-line tool ``relusym``.

Layers (data flows one way):

* :mod:`symbolic.backends` -- arithmetic contexts (sympy, mpmath, arb, numpy);
* :mod:`symbolic.kernel`   -- the arc-cosine kernel and its derivatives, written once;
* :mod:`symbolic.model`    -- loss, gradient and Hessian of a full weight matrix;
* :mod:`symbolic.groups`   -- isotropy groups (block structures) and fixed-point spaces;
* :mod:`symbolic.reduced`  -- symmetry-reduced loss, gradient and Hessian, symbolic in d.
"""

from symbolic.errors import RelusymError

__all__ = ["RelusymError"]
__version__ = "0.1.0"
