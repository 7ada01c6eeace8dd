"""Layer 7, critical points: the census of a fixed space, completeness proofs, type transitions in
d."""
