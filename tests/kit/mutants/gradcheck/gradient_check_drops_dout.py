"""gradient_check computes the numerical gradient of sum(f(x)), forgetting to pass dout on."""
reference = gradient_check


def gradient_check(f, x, analytic, dout=None, h=1e-6, tolerance=1e-6):
    return reference(f, x, analytic, None, h, tolerance)
