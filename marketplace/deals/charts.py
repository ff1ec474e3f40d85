"""Geometry of the server-rendered SVG bar charts (no JS library): rows in, bars out.

The drawing is 380 units wide, about a phone's width, and the page never scales it beyond 1.3x
(app.css .bar-chart): the 13-unit labels stay between ~12 and ~17 px on any screen. Values are plain
numbers; each chart's title names the unit.
"""
from decimal import Decimal

LABEL_WIDTH = 112
BAR_AREA = 180
VALUE_WIDTH = 88
ROW_HEIGHT = 28
VIEW_WIDTH = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH


def bar_chart(rows, label_key, value_key, fmt=str):
    """A horizontal bar chart: {"bars": [{label, value, text, y, width}], "height", "width"}."""
    values = [Decimal(str(r[value_key] or 0)) for r in rows]
    top = max(values, default=Decimal(0))
    bars = []
    for i, (row, value) in enumerate(zip(rows, values)):
        width = int(value / top * BAR_AREA) if top > 0 else 0
        bars.append({"label": str(row[label_key]), "value": value, "text": fmt(row[value_key]),
                     "y": i * ROW_HEIGHT, "width": max(width, 1 if value > 0 else 0)})
    return {"bars": bars, "height": max(len(bars), 1) * ROW_HEIGHT, "width": VIEW_WIDTH,
            "label_width": LABEL_WIDTH}
