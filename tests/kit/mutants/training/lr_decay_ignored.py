"""fit uses the initial learning rate at every epoch, ignoring lr_decay."""
import time


def fit(params, objective, scores_fn, train_x, train_y, eval_x, eval_y, *, epochs, batch_size, lr, lr_decay=1.0,
        optimizer="adam", momentum=0.0, seed=0, on_batch=None, on_epoch=None):
    if epochs < 1:
        raise ValueError("epochs must be at least 1")
    loader = DataLoader((train_x, train_y), batch_size, shuffle=True, seed=seed)
    history = {key: [] for key in HISTORY_KEYS}
    state = {}
    for epoch in range(epochs):
        started, total_loss, correct = time.perf_counter(), 0.0, 0.0
        for step, (xb, yb) in enumerate(loader):
            loss, grads, scores = objective(params, xb, yb)
            params, state = optimizer_step(params, grads, state, optimizer=optimizer, lr=lr,
                                           momentum=momentum)
            total_loss += loss * len(yb)
            correct += accuracy(scores, yb) * len(yb)
            if on_batch is not None:
                on_batch(epoch, step, loss)
        eval_loss, eval_accuracy = evaluate(params, scores_fn, eval_x, eval_y)
        for key, value in zip(HISTORY_KEYS, (total_loss / len(train_y), correct / len(train_y), eval_loss,
                                             eval_accuracy, time.perf_counter() - started)):
            history[key].append(float(value))
        if on_epoch is not None:
            on_epoch(epoch, history)
    return params, history
