"""train_charlm and charlm_eval_loss predict the input character itself (targets not shifted by one)."""
import time


def charlm_eval_loss(params, ids, *, length=32, batch_size=512):
    windows = sequence_windows(ids, length)
    total = 0.0
    for batch in DataLoader(windows, batch_size):
        scores, _ = char_rnn_forward(params, batch[:, :-1].T)
        total += cross_entropy_forward(scores, batch[:, :-1].T.reshape(-1))[0] * len(batch)
    return total / len(windows)


def char_rnn_objective(params, inputs, targets):
    scores, cache = char_rnn_forward(params, inputs)
    loss, loss_cache = cross_entropy_forward(scores, inputs.reshape(-1))
    return loss, char_rnn_backward(cross_entropy_backward(1.0, loss_cache), cache), scores
