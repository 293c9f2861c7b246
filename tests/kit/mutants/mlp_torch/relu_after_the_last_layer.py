"""forward applies the ReLU to the logits too."""
reference_forward = forward


def forward(params, x):
    logits, cache = reference_forward(params, x)
    return logits.clamp_min(0), cache
