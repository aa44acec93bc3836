"""A line chart of a score over the editions, as PNG bytes (matplotlib's Agg canvas, no display).

Blocking (tens of milliseconds): the bot calls it through `asyncio.to_thread`. It uses a Figure of
its own (not pyplot's global state), so calls from several threads do not interfere.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

# Sized for a phone screen: 2:1, readable labels once scaled down in a Discord embed.
WIDTH_IN, HEIGHT_IN, DPI = 8.0, 4.0, 110
LINE_COLOR = "#2f6db5"


def _plain(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def series_png(series: Sequence[tuple[int, float]], *, title: str = "", ylabel: str = "",
               value_label: Callable[[float], str] = _plain) -> bytes:
    """PNG of (year, value) points joined by a line, each value written above its point
    (value_label formats it, e.g. with a decimal comma)."""
    if not series:
        raise ValueError("no points to draw")
    points = sorted(series)
    years = [year for year, _ in points]
    values = [float(value) for _, value in points]

    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.plot(years, values, marker="o", linewidth=2.5, markersize=7, color=LINE_COLOR)
    for year, value in zip(years, values):
        axes.annotate(value_label(value), (year, value), textcoords="offset points", xytext=(0, 9), ha="center", fontsize=11)
    low, high = min(values), max(values)
    margin = max((high - low) * 0.25, 3.0)
    axes.set_ylim(low - margin, high + margin)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    if len(years) == 1:
        axes.set_xlim(years[0] - 1, years[0] + 1)
    axes.grid(True, alpha=0.3)
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(labelsize=11)
    if title:
        axes.set_title(title, fontsize=13)
    if ylabel:
        axes.set_ylabel(ylabel, fontsize=11)
    figure.tight_layout()

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
