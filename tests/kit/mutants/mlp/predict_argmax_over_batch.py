"""mlp_predict takes the argmax over axis 0, the batch, instead of over the classes."""


def mlp_predict(params, x, activation="relu"):
    scores, _ = mlp_forward(params, x, activation)
    return scores.argmax(axis=0)
