"""Layer 1, the loss: the arc-cosine kernel and the full-matrix loss, gradient and Hessian
(DESIGN.md section 1)."""
