"""Render a drawing to PNG bytes on a private Agg figure (no pyplot, no global figure state)."""

from __future__ import annotations

import io
from collections.abc import Callable

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


def render_png(draw: Callable[[Axes], object], *, width: float = 8.0, height: float = 4.5, dpi: int = 80,
               constrained: bool = True) -> bytes:
    """Call `draw(ax)` on a fresh Figure of width x height inches and return the PNG bytes.

    `constrained` fits tick labels with matplotlib's constrained layout; drawings without axes (graphs)
    can skip it and render faster with fixed margins. The PNG carries no creation time and no software
    version, so equal drawings give equal bytes."""
    fig = Figure(figsize=(width, height), dpi=dpi, layout="constrained" if constrained else None)
    if not constrained:
        fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.93)
    FigureCanvasAgg(fig)
    draw(fig.add_subplot())
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()
