"""evaluate averages the per-batch mean losses and accuracies, so a small last batch weighs as much as a full one."""


def evaluate(params, x, y, *, batch_size=1000):
    x, y = as_tensors(x, y)
    losses, accuracies = [], []
    with torch.no_grad():
        for xb, yb in batches((x, y), batch_size, device=params["w1"].device):
            logits, _ = forward(params, xb.to(params["w1"].dtype))
            losses.append(softmax_torch.cross_entropy(logits, yb).item())
            accuracies.append((logits.argmax(dim=1) == yb).double().mean().item())
    return float(np.mean(losses)), float(np.mean(accuracies))
