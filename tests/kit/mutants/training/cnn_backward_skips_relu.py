"""cnn_backward passes the gradient from max pooling straight to the convolution, forgetting ReLU's backward."""


def cnn_backward(dscores, cache):
    caches, pooled_shape, linear_cache = cache
    grads = {}
    dh, grads["w"], grads["b"] = linear_backward(dscores, linear_cache)
    dh = dh.reshape(pooled_shape)
    for i in reversed(range(2)):
        conv_cache, relu_cache, pool_cache = caches[i]
        dh = max_pool2d_backward(dh, pool_cache)
        dh, grads[f"conv{i}_w"], grads[f"conv{i}_b"] = conv2d_backward(dh, conv_cache)
    return grads
