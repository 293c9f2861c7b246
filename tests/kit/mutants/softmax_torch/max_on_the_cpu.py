"""logsumexp builds its shift with torch.zeros(...) and no device=: wrong on any other device."""


def logsumexp(x, dim=-1):
    peak = torch.zeros(x.shape[:dim % x.dim()] + (1,) + x.shape[dim % x.dim() + 1:], dtype=x.dtype)
    peak = peak + x.amax(dim=dim, keepdim=True).detach().cpu()
    peak = peak.to(x.device) if x.device.type != "meta" else peak
    return (peak + (x - peak).exp().sum(dim=dim, keepdim=True).log()).squeeze(dim)
