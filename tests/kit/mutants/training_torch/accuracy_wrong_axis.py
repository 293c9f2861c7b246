"""train_step and evaluate take the argmax over dim 0 (the batch) and compare the first C labels with it."""
reference_train_step, reference_evaluate = train_step, evaluate


def count_correct(logits, y):
    predictions = logits.argmax(dim=0)
    k = min(len(predictions), len(y))
    return (predictions[:k] == y[:k]).sum()


def train_step(params, state, x, y, *, lr, optimizer="adam", momentum=0.0):
    x, y = x.to(device=params["w1"].device, dtype=params["w1"].dtype), y.to(params["w1"].device)
    with torch.no_grad():
        logits, _ = forward(params, x)
    loss, _, state = reference_train_step(params, state, x, y, lr=lr, optimizer=optimizer, momentum=momentum)
    return loss, count_correct(logits, y), state


def evaluate(params, x, y, *, batch_size=1000):
    loss, _ = reference_evaluate(params, x, y, batch_size=batch_size)
    x, y = as_tensors(x, y)
    with torch.no_grad():
        logits, _ = forward(params, x.to(params["w1"].device, params["w1"].dtype))
    return loss, count_correct(logits, y.to(logits.device)).item() / len(y)
