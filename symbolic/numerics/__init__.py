"""Layer 4, numerics: the one Newton, the deflated search, the one continuation in d, Executors for
parallel work."""
