"""_pad adds ph rows below and pw columns right only, not on both sides."""


def _pad(x, padding):
    ph, pw = padding
    n, c, h, w = x.shape
    xpad = x.new_zeros(n, c, h + 2 * ph, w + 2 * pw)
    xpad[:, :, :h, :w] = x
    return xpad
