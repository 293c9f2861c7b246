"""batchnorm_forward hands the work to torch.nn.functional.batch_norm."""
import numpy as np
import torch

reference_forward = batchnorm_forward


def batchnorm_forward(x, gamma, beta, running_mean, running_var, *, train=True, momentum=0.1, eps=1e-5):
    tensors = [torch.from_numpy(np.array(a)) for a in (x, running_mean, running_var, gamma, beta)]
    out = torch.nn.functional.batch_norm(*tensors, training=train, momentum=momentum, eps=eps).numpy()
    _, cache, _, _ = reference_forward(x, gamma, beta, running_mean, running_var, train=train, eps=eps)
    return out, cache, tensors[1].numpy(), tensors[2].numpy()
