"""Pictures drawn off-screen to PNG bytes, without pyplot's global state.

A figure made here belongs to no pyplot registry: nothing to close, nothing shared between
threads or a web page's sessions, and no GUI backend is ever chosen.
"""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


def new_figure(**kwargs) -> Figure:
    """A new figure (Figure's keywords, e.g. figsize) with its own Agg canvas; add axes with `fig.subplots(...)`."""
    fig = Figure(**kwargs)
    FigureCanvasAgg(fig)
    return fig


def png_bytes(fig: Figure, dpi: int = 100) -> bytes:
    """A figure as PNG bytes, without a timestamp or software tag: the same picture gives the same bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()
