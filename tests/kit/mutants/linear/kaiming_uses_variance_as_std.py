"""kaiming_normal scales by 2 / fan_in (the variance) instead of its square root."""


def kaiming_normal(fan_in, fan_out, rng, dtype=float):
    return (rng.standard_normal((fan_in, fan_out)) * (2.0 / fan_in)).astype(dtype)
