"""Layer 6, spectra and certificates: isotypic Hessian spectra (built once with sympy, stored as a
plan), interval certificates, evaluation of any weight matrix."""
