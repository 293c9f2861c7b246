"""No hyperparameter is validated: a negative lr climbs the loss, nesterov without momentum is accepted."""


def check_hyperparameters(*, lr, weight_decay, eps=0.0, betas=(0.0, 0.0)):
    pass


def sgd_step(params, state, *, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    state = dict(state)
    with torch.no_grad():
        for index, param in enumerate(params):
            if param.grad is None:
                continue
            grad = param.grad
            if weight_decay != 0:
                grad = grad.add(param, alpha=weight_decay)
            if momentum != 0:
                buffer = state.get(index, {}).get("momentum_buffer")
                if buffer is None:
                    buffer = torch.clone(grad).detach()
                else:
                    buffer.mul_(momentum).add_(grad, alpha=1 - dampening)
                state[index] = {"momentum_buffer": buffer}
                grad = grad.add(buffer, alpha=momentum) if nesterov else buffer
            param.add_(grad, alpha=-lr)
    return params, state
