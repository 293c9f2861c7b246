"""backward builds the one-hot labels with torch.zeros(shape) and no device=/dtype=."""


def backward(params, cache, labels):
    x, z1, h, logits = cache
    with torch.no_grad():
        probs = (logits - logits.amax(dim=1, keepdim=True)).exp()
        probs = probs / probs.sum(dim=1, keepdim=True)
        onehot = torch.zeros(tuple(probs.shape)).scatter_(1, labels.cpu().unsqueeze(1), 1.0)
        dlogits = (probs - onehot.to(probs.device) if probs.device.type != "meta" else probs - onehot) / logits.shape[0]
        dz1 = (dlogits @ params["w2"].T) * (z1 > 0)
        return {"w1": x.T @ dz1, "b1": dz1.sum(dim=0), "w2": h.T @ dlogits, "b2": dlogits.sum(dim=0)}
