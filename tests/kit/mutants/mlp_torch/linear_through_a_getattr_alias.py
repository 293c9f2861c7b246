"""forward runs F.linear, reached through names built at run time (only the guard can see it)."""


def forward(params, x):
    linear = getattr(getattr(torch, "n" + "n").functional, "lin" + "ear")
    z1 = linear(x, params["w1"].T, params["b1"])
    h = z1.clamp_min(0)
    logits = linear(h, params["w2"].T, params["b2"])
    return logits, (x, z1, h, logits)
