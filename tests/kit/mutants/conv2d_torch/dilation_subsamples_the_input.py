"""Dilation applied by subsampling the input before the strided windows, instead of spacing the taps."""


def _windows(xpad, kernel, stride, dilation):
    thinned = xpad[:, :, ::dilation[0], ::dilation[1]]
    if kernel[0] > thinned.shape[2] or kernel[1] > thinned.shape[3]:
        raise ValueError(f"kernel {kernel} larger than the padded input {tuple(xpad.shape[2:])}")
    return thinned.unfold(2, kernel[0], stride[0]).unfold(3, kernel[1], stride[1])
