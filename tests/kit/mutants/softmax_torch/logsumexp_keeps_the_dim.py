"""logsumexp returns the reduced axis kept as size 1 (keepdim=True) instead of removing it."""


def logsumexp(x, dim=-1):
    peak = x.amax(dim=dim, keepdim=True).detach()
    peak = torch.where(torch.isfinite(peak), peak, torch.zeros_like(peak))
    return peak + (x - peak).exp().sum(dim=dim, keepdim=True).log()
