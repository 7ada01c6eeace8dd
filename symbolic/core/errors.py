"""Exception classes of relusym. Every error a user can trigger derives from RelusymError."""


class RelusymError(Exception):
    """Base class of every error raised on bad input or failed computation."""


class ShapeError(RelusymError, ValueError):
    """A weight matrix or target has the wrong shape or holds non-finite entries."""


class NonDifferentiableError(RelusymError, ValueError):
    """The loss is not differentiable at the point (a zero row of W)."""


class IsotropyError(RelusymError, ValueError):
    """A malformed isotropy specification, or one that does not fit the given d."""


class ConvergenceError(RelusymError, RuntimeError):
    """An iterative method (Newton, continuation) did not converge."""


class PrecisionError(RelusymError, ValueError):
    """A requested number of digits is out of the supported range."""
