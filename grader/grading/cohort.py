"""Cohort stage: every learner's scorecard as gradebook.csv and summary.html for the instructor.

``gradebook.csv`` has one row per learner, sorted by learner id: ``learner``,
``status`` (``graded`` or ``refused``), one column per component (points, at
most 2 decimals; empty where that component was not graded for that learner),
``total``, ``max`` and ``reason`` (why a submission was refused). A refused
submission is a row of zeros.

``summary.html`` is self-contained: three matplotlib plots (Agg backend) as
base64 PNGs inside the page (the distribution of totals, the pass rate per
component, the 15 most often failed checks), a table per component and one
per learner. A component "passes" for a learner when every check of it that
ran passed; learners for whom all its checks skipped are left out of its rate.
"""

from __future__ import annotations

import base64
import csv
import io
import statistics
from collections import Counter
from html import escape
from pathlib import Path
from typing import Any

from grader.components import CURRICULUM
from grader.grading.pages import number, page, percent, table, write_files
from grader.grading.report import readable
from grader.grading.score import Scorecard
from grader.plots import _pyplot

TOP_FAILED = 15


def write_cohort(folder: Path, scorecards: list[Scorecard | dict]) -> dict[str, Path]:
    """Write gradebook.csv and summary.html into ``folder`` (each atomically); their paths by name.

    ``scorecards`` are Scorecard objects or their ``to_dict()`` data, refused ones included.
    """
    cards = sorted((card.to_dict() if isinstance(card, Scorecard) else card for card in scorecards),
                   key=lambda card: card["learner"])
    repeated = [learner for learner, count in Counter(card["learner"] for card in cards).items() if count > 1]
    if repeated:
        raise ValueError(f"learners with more than one scorecard: {', '.join(repeated)}; give one per learner")
    components = _component_names(cards)
    return write_files(folder, {"gradebook.csv": gradebook_csv(cards, components),
                                "summary.html": summary_html(cards, components)})


def _component_names(cards: list[dict]) -> list[str]:
    present = {component["name"] for card in cards for component in card["components"]}
    return [component.name for component in CURRICULUM if component.name in present]


def _points_by_component(card: dict) -> dict[str, dict]:
    return {component["name"]: component for component in card["components"]}


def gradebook_csv(cards: list[dict], components: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["learner", "status", *components, "total", "max", "reason"])
    for card in cards:
        scored = _points_by_component(card)
        writer.writerow([card["learner"], card["status"],
                         *(number(scored[name]["points"]) if name in scored else "" for name in components),
                         number(card["points"]), number(card["max_points"]), card.get("reason") or ""])
    return out.getvalue()


def component_stats(cards: list[dict], components: list[str]) -> list[dict[str, Any]]:
    """Per component, over graded learners: mean points, pass rate, learners with a failed check."""
    graded = [_points_by_component(card) for card in cards if card["status"] == "graded"]
    stats = []
    for name in components:
        scored = [by_name[name] for by_name in graded if name in by_name]
        rated = [component for component in scored if component["max_points"] > 0]
        stats.append({
            "name": name,
            "mean": statistics.fmean(c["points"] for c in scored) if scored else 0.0,
            "max": max((c["possible"] for c in scored), default=0.0),
            "pass_rate": sum(c["passed"] for c in rated) / len(rated) if rated else None,
            "failing": sum(not c["passed"] for c in rated),
        })
    return stats


def failed_checks(cards: list[dict]) -> Counter:
    """(component, test function) -> how many graded learners failed at least one of its cases."""
    return Counter((component["name"], test["test"]) for card in cards if card["status"] == "graded"
                   for component in card["components"] for test in component["tests"]
                   if test["status"] == "failed")


def _png(figure) -> str:
    """The figure as an <img> with a base64 data URI (the page stays one file)."""
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=100)
    _pyplot().close(figure)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _image(encoded: str, alt: str) -> str:
    return f'<img alt="{escape(alt)}" src="data:image/png;base64,{encoded}">'


def _histogram(cards: list[dict]) -> str:
    plt = _pyplot()
    shares = [100 * card["points"] / card["max_points"] for card in cards
              if card["status"] == "graded" and card["max_points"] > 0]
    figure, axis = plt.subplots(figsize=(9, 3.6))
    axis.hist(shares, bins=range(0, 101, 10), color="#0969da", edgecolor="white")
    refused = sum(card["status"] == "refused" for card in cards)
    axis.set(xlabel="total, % of the maximum", ylabel="learners", xlim=(0, 100),
             title=f"Distribution of totals ({len(shares)} graded" + (f", {refused} refused not shown)" if refused
                                                                        else ")"))
    axis.grid(axis="y", alpha=0.3)
    return _png(figure)


def _pass_rates(stats: list[dict]) -> str:
    plt = _pyplot()
    figure, axis = plt.subplots(figsize=(9, 4.2))
    rates = [100 * (entry["pass_rate"] or 0) for entry in stats]
    axis.bar([entry["name"] for entry in stats], rates, color="#2da44e")
    axis.set(ylabel="learners passing every check, %", ylim=(0, 100), title="Pass rate per component")
    axis.tick_params(axis="x", labelrotation=60)
    for label in axis.get_xticklabels():
        label.set_horizontalalignment("right")
    axis.grid(axis="y", alpha=0.3)
    return _png(figure)


def _most_failed(counts: Counter) -> str:
    plt = _pyplot()
    top = counts.most_common(TOP_FAILED)[::-1]  # the most failed at the top of a horizontal bar chart
    figure, axis = plt.subplots(figsize=(9, 1.2 + 0.32 * max(len(top), 1)))
    axis.barh([f"{component}: {readable(test)}" for (component, test), _ in top], [count for _, count in top],
              color="#cf222e")
    axis.set(xlabel="learners failing at least one case", title=f"The {TOP_FAILED} most often failed checks")
    axis.xaxis.get_major_locator().set_params(integer=True)
    axis.grid(axis="x", alpha=0.3)
    return _png(figure)


def summary_html(cards: list[dict], components: list[str]) -> str:
    stats = component_stats(cards, components)
    graded = [card for card in cards if card["status"] == "graded"]
    shares = [card["points"] / card["max_points"] for card in graded if card["max_points"] > 0]
    headline = (f"{len(cards)} submissions: {len(graded)} graded, {len(cards) - len(graded)} refused"
                + (f"; mean {100 * statistics.fmean(shares):.0f}%, median {100 * statistics.median(shares):.0f}%"
                   if shares else ""))
    component_rows = [[f'<span class="name">{escape(entry["name"])}</span>', number(entry["mean"]),
                       number(entry["max"]),
                       f"{100 * entry['pass_rate']:.0f}%" if entry["pass_rate"] is not None else "n/a",
                       str(entry["failing"])] for entry in stats]
    learner_rows = [[escape(card["learner"]), escape(card["status"]), number(card["points"]),
                     number(card["max_points"]), percent(card["points"], card["max_points"]),
                     escape(card.get("reason") or "")] for card in cards]
    body = "\n".join([
        "<h1>Cohort summary</h1>", f'<p class="subtitle">{escape(headline)}</p>',
        "<h2>Totals</h2>", _image(_histogram(cards), "histogram of learners' totals"),
        "<h2>Per component</h2>", _image(_pass_rates(stats), "pass rate per component"),
        table(["Component", "Mean points", "Max", "Pass rate", "Learners failing a check"], component_rows,
              numeric=(1, 2, 3, 4)),
        "<h2>Most often failed checks</h2>", _image(_most_failed(failed_checks(cards)), "most often failed checks"),
        "<h2>Learners</h2>",
        table(["Learner", "Status", "Total", "Max", "%", "Reason"], learner_rows, numeric=(2, 3, 4)),
    ])
    return page("Cohort summary", body)
