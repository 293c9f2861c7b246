"""fit appends the epoch's loss and accuracy as 0-dim tensors (no .item()): history is not plain data."""
import time


def fit(params, train_x, train_y, eval_x, eval_y, *, epochs, batch_size, lr, optimizer="adam", momentum=0.0,
        seed=0, on_epoch=None):
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}")
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}")
    params = {key: params[key].detach().clone().requires_grad_() for key in KEYS}
    train_x, train_y = as_tensors(train_x, train_y)
    generator = torch.Generator().manual_seed(seed)
    history = {key: [] for key in HISTORY_KEYS}
    state = {}
    for epoch in range(epochs):
        started = time.perf_counter()
        total = torch.zeros((), dtype=torch.float64, device=params["w1"].device)
        correct = torch.zeros((), dtype=torch.int64, device=params["w1"].device)
        for xb, yb in batches((train_x, train_y), batch_size, shuffle=True, generator=generator):
            loss, right, state = train_step(params, state, xb, yb, lr=lr, optimizer=optimizer, momentum=momentum)
            total += loss * len(yb)
            correct += right
        eval_loss, eval_accuracy = evaluate(params, eval_x, eval_y)
        for key, value in zip(HISTORY_KEYS, (total / len(train_y), correct / len(train_y), eval_loss, eval_accuracy,
                                             time.perf_counter() - started)):
            history[key].append(value)
        if on_epoch is not None:
            on_epoch(epoch, history)
    return {key: value.detach() for key, value in params.items()}, history
