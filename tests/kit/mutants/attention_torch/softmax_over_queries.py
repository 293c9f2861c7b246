"""The softmax normalises over the queries (dim=-2) instead of the keys."""


def _masked_softmax(scores):
    peak = scores.amax(dim=-2, keepdim=True).detach()
    peak = torch.where(torch.isfinite(peak), peak, torch.zeros_like(peak))
    exps = (scores - peak).exp()
    total = exps.sum(dim=-2, keepdim=True)
    return exps / torch.where(total == 0, torch.ones_like(total), total)
