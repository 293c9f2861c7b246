"""dropout delegates to torch.nn.functional.dropout (caught in the source)."""
import torch.nn.functional as F


def dropout(x, p, *, training=True, generator=None):
    return F.dropout(x, p, training=training)
