"""Layer 5, the one catalogue of named families of critical points."""
