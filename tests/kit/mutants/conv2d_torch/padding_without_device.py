"""_pad builds the padded input with torch.zeros(..., dtype=x.dtype) and no device=: it lands on the CPU."""


def _pad(x, padding):
    ph, pw = padding
    if ph == 0 and pw == 0:
        return x
    n, c, h, w = x.shape
    xpad = torch.zeros(n, c, h + 2 * ph, w + 2 * pw, dtype=x.dtype)
    xpad[:, :, ph:ph + h, pw:pw + w] = x
    return xpad
