"""summarize reports the mean as the median: one slow call drags it up."""


def summarize(times):
    values = sorted(float(t) for t in times)
    mean = sum(values) / len(values)
    quarter, three_quarters = values[(len(values) - 1) // 4], values[3 * (len(values) - 1) // 4]
    return {"median": mean, "spread": three_quarters - quarter, "min": values[0], "max": values[-1]}
