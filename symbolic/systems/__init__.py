"""Layer 3, reduced systems: the critical-point equations on a fixed space, symbolic in d (sympy),
numeric (numpy, mpmath, arb) and on Puiseux series."""
