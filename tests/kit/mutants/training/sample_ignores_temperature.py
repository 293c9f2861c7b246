"""sample_chars draws from softmax(scores) whatever the temperature."""
import numpy as np


def sample_chars(params, start, length, rng, temperature=1.0):
    vocab, hidden = params["w_out"].shape[1], params["w_hh"].shape[0]
    eye = np.eye(vocab, dtype=params["w_out"].dtype)
    rnn_params = {name: params[name] for name in RNN_KEYS}
    hs, _ = rnn_forward(eye[np.asarray(start)][:, None, :], np.zeros((1, hidden), dtype=eye.dtype), rnn_params)
    h, out = hs[-1], []
    for _ in range(length):
        probabilities, _ = softmax_forward((h @ params["w_out"] + params["b_out"]).astype(np.float64))
        out.append(int(rng.choice(vocab, p=probabilities[0])))
        h = rnn_forward(eye[[out[-1]]][:, None, :], h, rnn_params)[0][-1]
    return np.array(out, dtype=np.int64)
