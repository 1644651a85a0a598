"""A chart as data: what dashboards/static/dashboards/charts.js draws and what the table beside it shows.

A view builds a `Chart`; the template includes `dashboards/_chart.html` with `chart=…`. The JSON the script reads
is `Chart.spec()`, passed through `json_script` (no inline script under the strict CSP); the table reads
`Chart.rows()`, the same numbers already formatted for reading.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core.templatetags.ktd import points


def as_points(value: Any) -> str:
    """7,5 / 100 (the product's way of writing points); a dash for no value."""
    return "–" if value is None else points(value)


def as_percent(value: Any) -> str:
    return "–" if value is None else f"{value} %"


@dataclass
class Series:
    label: str
    values: list[Any]  # one per label of the chart; None where there is no value (a gap in a line)


@dataclass
class Chart:
    """One chart: a bar chart (horizontal for long labels) or a line chart, and its numbers as a table."""

    id: str  # unique on the page; the JSON element is "<id>-data"
    title: str
    kind: str  # "bar" | "line"
    labels: list[str]
    series: list[Series]
    label_header: str = ""  # heading of the table's first column
    horizontal: bool = False
    suffix: str = ""  # shown after each value on the axis and in tooltips, e.g. " %"
    y_min: float | None = None
    y_max: float | None = None
    axis_title: str = ""
    fmt: Callable[[Any], str] = field(default=as_points)  # how the table writes a value

    @property
    def data_id(self) -> str:
        return f"{self.id}-data"

    def spec(self) -> dict:
        def number(value):
            if value is None:
                return None
            return float(value) if isinstance(value, Decimal) else value

        return {
            "type": self.kind,
            "horizontal": self.horizontal,
            "labels": [str(label) for label in self.labels],
            "datasets": [{"label": str(s.label), "data": [number(v) for v in s.values]} for s in self.series],
            "suffix": self.suffix,
            "min": self.y_min,
            "max": self.y_max,
            "axisTitle": str(self.axis_title),
        }

    def rows(self) -> list[tuple[str, list[str]]]:
        """(label, the formatted value of each series) for the table of numbers."""
        return [(label, [self.fmt(s.values[i]) for s in self.series]) for i, label in enumerate(self.labels)]

    @property
    def is_empty(self) -> bool:
        return not self.labels or all(v is None for s in self.series for v in s.values)
