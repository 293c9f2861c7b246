"""logsumexp subtracts a max of -inf from a row of -inf: nan instead of -inf."""


def logsumexp(x, dim=-1):
    peak = x.amax(dim=dim, keepdim=True).detach()
    return (peak + (x - peak).exp().sum(dim=dim, keepdim=True).log()).squeeze(dim)
