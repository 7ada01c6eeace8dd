"""Layer 2, symmetry: isotropy groups and their fixed spaces, block sizes, canonical forms,
isotypic decomposition, detection of a point's isotropy."""
