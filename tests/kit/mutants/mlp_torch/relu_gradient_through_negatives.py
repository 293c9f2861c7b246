"""backward passes the gradient through the ReLU everywhere, ignoring the z1 > 0 mask."""


def backward(params, cache, labels):
    x, z1, h, logits = cache
    with torch.no_grad():
        probs = (logits - logits.amax(dim=1, keepdim=True)).exp()
        probs = probs / probs.sum(dim=1, keepdim=True)
        dlogits = (probs - torch.zeros_like(probs).scatter_(1, labels.unsqueeze(1), 1.0)) / logits.shape[0]
        dz1 = dlogits @ params["w2"].T
        return {"w1": x.T @ dz1, "b1": dz1.sum(dim=0), "w2": h.T @ dlogits, "b2": dlogits.sum(dim=0)}
