"""conv2d_forward flips the kernel (true convolution, as in a signal-processing course) instead of cross-correlating."""

reference_forward = conv2d_forward


def conv2d_forward(x, w, b, stride=1, padding=0, dilation=1):
    return reference_forward(x, w[:, :, ::-1, ::-1], b, stride, padding, dilation)
