"""adam_step hands the update to torch.optim.Adam instead of writing it in NumPy."""
import torch


def adam_step(params, grads, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
    tensors = {name: torch.nn.Parameter(torch.tensor(value)) for name, value in params.items()}
    optimizer = torch.optim.Adam(list(tensors.values()), lr=lr, betas=betas, eps=eps,
                                 weight_decay=weight_decay, amsgrad=amsgrad)
    for name, tensor in tensors.items():
        tensor.grad = torch.tensor(grads[name])
        if name in state:
            optimizer.state[tensor] = {key: torch.tensor(value) for key, value in state[name].items()}
    optimizer.step()
    next_state = {name: {key: value.numpy() for key, value in optimizer.state[tensor].items()}
                  for name, tensor in tensors.items()}
    return {name: tensor.detach().numpy() for name, tensor in tensors.items()}, next_state
