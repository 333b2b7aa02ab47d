"""Export → each plot as PNG / SVG / PDF and its data as CSV, and Export → all.

Figures go through :func:`gradsim.figures.export.export_widget` (atomic, raises ExportError
naming the file); "all" through :func:`gradsim.runs.folder.write_outputs`, so a folder
exported from the app holds the same files, with the same names, as ``gradsim run
--out``. Every function raises OSError with a message naming the file and the reason.
"""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import numpy as np

from gradsim.figures import export
from gradsim.fileio import atomic_write_text
from gradsim.figures.run import prediction_series
from gradsim.app.plots_panel import PlotsPanel
from gradsim.app.session import Session

__all__ = ["export_figure", "figure_csv", "export_csv", "export_all", "FORMATS"]

FORMATS = (".png", ".svg", ".pdf")
#: PNGs at twice the on-screen size: crisp on slides.
PNG_SCALE = 2


def export_figure(panel: PlotsPanel, name: str, path: str | Path) -> Path:
    """Write figure ``name`` as it is on screen (format from the suffix)."""
    widget = panel.widgets()[name]
    panel.draw_all()
    path = Path(path)
    scale = PNG_SCALE if path.suffix.lower() == ".png" else 1
    grid = hasattr(widget, "showGrid") and name != "heatmap"
    if grid:  # the live view hides the grid for speed; a figure wants it
        widget.showGrid(x=True, y=True, alpha=0.15)
    try:
        return export.export_widget(widget, path, max(1, widget.width() * scale), max(1, widget.height() * scale))
    finally:
        if grid:
            widget.showGrid(x=False, y=False)


def _cell(v):
    """Floats unrounded (shortest round-trip repr), NaN as an empty cell."""
    if isinstance(v, (float, np.floating)):
        return "" if np.isnan(v) else repr(float(v))
    return v


def _csv(header: list[str], rows) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for row in rows:
        w.writerow([_cell(v) for v in row])
    return buf.getvalue()


def figure_csv(session: Session, panel: PlotsPanel, name: str) -> str:
    """The data behind figure ``name`` as CSV text."""
    h = session.history
    if name == "loss":
        cols = ["loss", "grad_norm", "grad_norm_after", "clipped", "diverged"]
        steps = h.scalar("loss")[0]
        data = [h.scalar(c)[1] for c in cols]
        return _csv(["step"] + cols, zip(steps.tolist(), *data))
    if name == "heatmap":
        hist = session.histories[min(panel.layer, len(session.histories) - 1)]
        buf = hist.views[panel.view]
        header = ["step"] + [f"t{t}" for t in range(buf.width)]
        return _csv(header, ([int(s)] + row.tolist() for s, row in zip(buf.steps, buf.data.astype(np.float64))))
    if name == "profile":
        snap = session.last
        if snap is None:
            return _csv(["t", "value"], [])
        prof = snap.views[panel.view][min(panel.layer, snap.views[panel.view].shape[0] - 1)]
        return _csv(["t", f"{panel.view}"], enumerate(prof.tolist()))
    if name == "predictions":
        pred, target, _ = prediction_series(session.run_config, session.last)
        roll = session.rollout if session.run_config.task == "sine" and session.rollout is not None else None
        n = max(len(pred), len(roll) if roll is not None else 0)
        rows = []
        for t in range(n):
            rows.append([t, pred[t] if t < len(pred) else np.nan, target[t] if t < len(target) else np.nan]
                        + ([roll[t] if t < len(roll) else np.nan] if roll is not None else []))
        return _csv(["t", "prediction", "target"] + (["rollout"] if roll is not None else []), rows)
    if name == "spectrum":
        rows = []
        for layer, ev in enumerate(session.eigenvalues):
            rows += [[layer, float(e.real), float(e.imag), float(abs(e))] for e in np.asarray(ev).ravel()]
        return _csv(["layer", "re", "im", "abs"], rows)
    if name == "spectral":
        steps, rho = h.scalar("spectral_radius")
        _, sigma = h.scalar("sigma_max")
        return _csv(["step", "spectral_radius", "sigma_max"], zip(steps.tolist(), rho, sigma))
    if name == "grad_norms":
        buf = session.param_norms
        names = list(session.param_names)
        return _csv(["step"] + names, ([int(s)] + row[: len(names)].tolist() for s, row in zip(buf.steps, buf.data)))
    raise KeyError(name)


def export_csv(session: Session, panel: PlotsPanel, name: str, path: str | Path) -> Path:
    """Write figure ``name``'s data as CSV (atomically)."""
    path = Path(path)
    text = figure_csv(session, panel, name)
    try:
        atomic_write_text(path, text)
    except OSError as err:
        raise OSError(f"cannot write {str(path)!r}: {err.strerror or err}") from None
    return path


def export_all(session: Session, folder: str | Path, wall_seconds: float | None = None) -> list[Path]:
    """The same files as ``gradsim run --out folder``, from the session's run."""
    from gradsim.runs.folder import write_outputs

    extra = {
        "source": "gradsim app",
        "preset": session.preset,
        "steps_per_second": round(session.steps_per_second, 3),
        "exported_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    if wall_seconds is not None:
        extra["wall_seconds"] = round(wall_seconds, 3)
    eig = session.eigenvalues
    return write_outputs(folder, session.run_config, list(session.histories), session.last,
                         summary_extra=extra, rollout=session.rollout if session.run_config.task == "sine" else None,
                         eigenvalues=np.asarray(eig[0]) if eig else None)
