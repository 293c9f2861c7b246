"""mlp_forward checks x.shape[1] against w0's rows, rejecting (N, d_1, ..., d_k) inputs it should flatten."""

reference_forward = mlp_forward


def mlp_forward(params, x, activation="relu"):
    if x.ndim < 2 or x.shape[1] != params["w0"].shape[0]:
        raise ValueError(f"x must be (N, {params['w0'].shape[0]}), got {x.shape}")
    return reference_forward(params, x, activation)
