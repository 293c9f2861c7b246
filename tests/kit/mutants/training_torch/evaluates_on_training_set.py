"""fit reports eval_loss and eval_accuracy on the training set instead of the evaluation set."""
reference_fit = fit


def fit(params, train_x, train_y, eval_x, eval_y, *, epochs, batch_size, lr, optimizer="adam", momentum=0.0,
        seed=0, on_epoch=None):
    return reference_fit(params, train_x, train_y, train_x, train_y, epochs=epochs, batch_size=batch_size, lr=lr,
                         optimizer=optimizer, momentum=momentum, seed=seed, on_epoch=on_epoch)
