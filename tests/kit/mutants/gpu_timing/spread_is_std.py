"""summarize reports the standard deviation as the spread instead of the interquartile range."""
import statistics

reference_summarize = summarize


def summarize(times):
    stats = reference_summarize(times)
    return {**stats, "spread": statistics.pstdev(float(t) for t in times)}
