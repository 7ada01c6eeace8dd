"""Layer 0, numbers: errors, parsing of user input, the precision policy, arithmetic contexts
(numpy, mpmath, arb) and the one eigen-solve, decimal and interval output, JSON documents, the
disk cache, claims of the report."""
