"""gradient_check ignores its tolerance argument and always judges against 1e-7."""
reference = gradient_check


def gradient_check(f, x, analytic, dout=None, h=1e-6, tolerance=1e-6):
    report = reference(f, x, analytic, dout, h, tolerance)
    return {**report, "ok": report["max_rel_error"] <= 1e-7}
