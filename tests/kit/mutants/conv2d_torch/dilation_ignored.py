"""The windows are cut with the plain kernel size: dilation is accepted and ignored."""


def _windows(xpad, kernel, stride, dilation):
    if kernel[0] > xpad.shape[2] or kernel[1] > xpad.shape[3]:
        raise ValueError(f"kernel {kernel} larger than the padded input {tuple(xpad.shape[2:])}")
    return xpad.unfold(2, kernel[0], stride[0]).unfold(3, kernel[1], stride[1])
