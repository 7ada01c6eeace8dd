"""Layer 8, asymptotics: Puiseux series of families in eps = d^(-1/2)."""
