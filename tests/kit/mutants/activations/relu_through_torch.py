"""relu_forward hands the work to torch.relu instead of writing it in NumPy."""
import torch


def relu_forward(x):
    return torch.relu(torch.from_numpy(x)).numpy(), x
