"""conv2d_forward hands the work to torch.nn.functional.conv2d."""
import numpy as np
import torch

reference_forward = conv2d_forward


def conv2d_forward(x, w, b, stride=1, padding=0, dilation=1):
    _, cache = reference_forward(x, w, b, stride, padding, dilation)
    out = torch.nn.functional.conv2d(torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b),
                                     stride=stride, padding=padding, dilation=dilation)
    return np.asarray(out), cache
