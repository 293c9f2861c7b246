"""gradient_check reports the flat argmax as the worst index, without unravelling it."""
reference = gradient_check


def gradient_check(f, x, analytic, dout=None, h=1e-6, tolerance=1e-6):
    report = reference(f, x, analytic, dout, h, tolerance)
    flat = 0
    for i, size in zip(report["worst_index"], x.shape):
        flat = flat * size + i
    return {**report, "worst_index": (flat,)}
