"""The softmax subtracts a row maximum of -inf: a fully masked row gives nan."""


def _masked_softmax(scores):
    exps = (scores - scores.amax(dim=-1, keepdim=True).detach()).exp()
    return exps / exps.sum(dim=-1, keepdim=True)
