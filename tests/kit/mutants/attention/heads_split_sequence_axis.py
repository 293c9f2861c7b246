"""The heads are split with x.reshape(N, H, T, Dh), cutting the sequence axis instead of the embedding."""


def _split_heads(x, num_heads):
    batch, length, embed = x.shape
    return x.reshape(batch, num_heads, length, embed // num_heads)


def _merge_heads(x):
    batch, heads, length, head_dim = x.shape
    return x.reshape(batch, length, heads * head_dim)
