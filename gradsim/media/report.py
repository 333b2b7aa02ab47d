"""Report export: one self-contained HTML (or PDF) file describing a run, for a student to
hand in or a researcher to attach.

The report holds the title and date, the summary numbers (final loss, steps, steps/s,
divergence, spectral radius, gradient norm), every plot with a short "how to read this",
the whole config (each field's value and meaning, the fields that differ from the defaults
highlighted) and the versions of the libraries that shaped the numbers.  Images are PNG
data URIs, so the HTML needs nothing beside it; the PDF is the same HTML laid out by
Qt's QTextDocument on A4 pages through QPdfWriter (no browser, no QtPrintSupport).

One procedure, two front ends: the app calls :func:`write_report` with its live History
and newest Snapshot; ``gradsim report`` trains first (:func:`gradsim.runs.media.report_run`).
Figures are rendered with the same builders as the app and ``gradsim run`` (needs a
QApplication, on its thread).
"""

from __future__ import annotations

import base64
import contextlib
import datetime as _dt
import html
import math
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from gradsim.config import FIELD_GROUPS, RunConfig, field_specs
from gradsim.core.history import run_summary
from gradsim.fileio import WriteError, atomic_path, temp_beside, write_error, write_failure

__all__ = ["FORMATS", "FIGURE_NAMES", "write_report", "render_figures", "build_html"]

FORMATS = (".html", ".pdf")
#: Figures of a report, in order (``<name>.png`` in ``figures_dir`` replaces the rendering).
FIGURE_NAMES = ("loss", "predictions", "heatmap_last", "heatmap_total", "heatmap_weight", "profile",
                "grad_norm", "spectral", "spectrum")
#: Pixel size figures are rendered at, for the HTML and for the PDF: fonts keep their point
#: size, so a smaller canvas prints larger labels (the PDF shows figures 500 px wide).
FIGURE_SIZE = (1080, 630)
PDF_FIGURE_SIZE = (840, 490)
#: Width of a figure in the HTML, CSS pixels.
IMG_WIDTH = 900
#: Width of a figure in the PDF, in QTextDocument pixels (96 per inch): A4 less 15 mm
#: margins is ~680 px wide and ~1000 px tall, so two figures with their texts fit a page.
PDF_IMG_WIDTH = 500
PDF_MARGIN_MM = 15


# --------------------------------------------------------------------------- figures
@dataclass
class _Figure:
    name: str
    title: str
    how_to_read: str
    png: bytes = field(repr=False, default=b"")


def _gamma(cfg: RunConfig) -> float | None:
    from gradsim.core.theory import GAMMA

    return GAMMA[cfg.activation] if cfg.cell == "rnn" else None


def _explanations(cfg: RunConfig, baseline_label: str) -> dict[str, tuple[str, str]]:
    """Figure name -> (title, how to read it)."""
    gamma = _gamma(cfg)
    if gamma:
        bound = (f"For this plain RNN γ = sup|f′| = {gamma:g} ({cfg.activation}), so the dashed line sits at "
                 f"1/γ = {1 / gamma:g}: σ_max below it guarantees that gradients vanish geometrically, "
                 "at least as fast as (γσ_max)^(T−t); above it, explosion becomes possible (necessary, "
                 "not sufficient).")
    else:
        bound = (f"The bound (γσ_max)^(T−t) is for plain RNN cells; it does not apply to {cfg.cell.upper()}, "
                 "whose gates move gradient along the cell state rather than through W_hh alone.")
    base = f" The dashed line is the loss of a trivial predictor ({baseline_label})." if baseline_label else ""
    heat = (" Rows are training iterations (oldest at the bottom), columns are time steps t of the "
            "sequence; colour is log10 of the magnitude (dark: vanished, bright: large; the colour bar "
            "gives the decades).")
    return {
        "loss": ("Training loss",
                 "Loss per iteration on a log axis." + base + " A model stuck on that line has not learned "
                 "the long-range part of the task. Orange triangles mark iterations where clipping fired; "
                 "a red vertical line marks the first iteration with a non-finite loss or gradient."),
        "predictions": ("Predictions",
                        "Seed 000's toy network has no readout (its loss is the sum of h_T), so there is no "
                        "prediction to show." if cfg.task == "toy3" else
                        "One sample of the last batch: the model's output over t (blue) against the target "
                        "(orange markers; tasks with a target only at the last step show one marker)."
                        + (" The dashed green curve is a free-running roll-out: each prediction is fed back "
                           "as the next input." if cfg.task == "sine" else "")),
        "heatmap_last": ("Heatmap: ‖∂L_T/∂h_t‖ (last step's loss only)",
                         "The classic picture of vanishing and exploding gradients: how much of the LAST "
                         "step's error reaches step t." + heat + " A steady colour ramp from right to left "
                         "means geometric decay (or growth) with the distance T − t; dark columns on the "
                         "left are steps the loss cannot teach."),
        "heatmap_total": ("Heatmap: ‖δ_t‖ (total error signal)",
                          "The total error ∂L/∂h_t reaching step t from every later step's loss — what BPTT "
                          "actually delivers (axes and colours as above). With a loss at every step it looks "
                          "flat, dominated by each step's own term; compare it with the 'last step only' heatmap."),
        "heatmap_weight": ("Heatmap: step t's term of ∂L/∂W_hh",
                           "‖f′(a_t) ⊙ δ_t‖ · ‖h_{t−1}‖, the size of step t's rank-one contribution to the "
                           "gradient of the recurrent weights: how much each time step teaches W_hh (axes and "
                           "colours as above). Dark columns are steps whose inputs W_hh cannot learn from."),
        "profile": ("Gradient profile of the last iteration",
                    "‖∂L_T/∂h_t‖ over t for the newest iteration, on a log axis. A straight line is "
                    "geometric decay by a constant factor per step (its slope is log10 of that factor); "
                    "points that underflow to 0 are not drawn."),
        "grad_norm": ("Gradient norm",
                      "Global norm of the gradient of all parameters before clipping (and after, when "
                      "clipping is on), log axis. Sudden spikes are the 'cliff' of the loss surface; "
                      "clipping caps the step taken, not the gradient measured."),
        "spectral": ("Spectral radius ρ and σ_max of W_hh",
                     "ρ is the largest |eigenvalue| of the recurrent weights, σ_max (λ₁ in Pascanu et al. "
                     "2013) the largest singular value; σ_max ≥ ρ. " + bound),
        "spectrum": ("Eigenvalues of W_hh",
                     "The eigenvalues of the recurrent weight matrix at the end of the run, with the unit "
                     "circle (dashed). All of them inside the circle: repeated multiplication by W_hh "
                     "shrinks every direction (seed 001's criterion for vanishing); outside: some direction "
                     "grows."),
    }


def _png_of(widget, tmp: Path, name: str, size: tuple[int, int]) -> bytes:
    from gradsim.figures import export

    path = export.export_widget(widget, tmp / f"{name}.png", *size)
    return path.read_bytes()


def render_figures(cfg: RunConfig, history, last_snapshot, *, eigenvalues: np.ndarray | None = None,
                   rollout: np.ndarray | None = None, figures_dir: Path | None = None,
                   size: tuple[int, int] = FIGURE_SIZE) -> list[_Figure]:
    """Every figure of the report as PNG bytes, in :data:`FIGURE_NAMES` order.

    ``figures_dir/<name>.png`` files, where present, are used instead of a rendering (e.g.
    the app's own exports).  The spectrum is included only with ``eigenvalues``.
    """
    from gradsim.figures import export, plots
    from gradsim.figures.run import run_figure, task_baseline

    export.ensure_qapp()
    h = history[0] if isinstance(history, (list, tuple)) else history
    _baseline, label = task_baseline(cfg)
    texts = _explanations(cfg, label)
    snap = last_snapshot
    figures: list[_Figure] = []
    names = [n for n in FIGURE_NAMES if n != "spectrum" or eigenvalues is not None]

    def build(name: str):
        if name == "grad_norm":
            steps, before = h.scalar("grad_norm")
            series = {"before clipping": before}
            if cfg.clip != "none" or cfg.grad_normalize:
                series["after clipping / normalising"] = h.scalar("grad_norm_after")[1]
            w = plots.SeriesPlot(title="Gradient norm ‖∂L/∂θ‖", y_label="norm")
            w.set_data(steps, series, log_y=True)
            return w
        if name.startswith("heatmap_"):  # the run folder's figures, one per view
            return run_figure("heatmap", cfg, h, snap, view=name.removeprefix("heatmap_"))
        return run_figure(name, cfg, h, snap, rollout=rollout, eigenvalues=eigenvalues)

    with tempfile.TemporaryDirectory(prefix="gradsim-report-") as tmpdir:
        for name in names:
            title, how = texts[name]
            given = Path(figures_dir) / f"{name}.png" if figures_dir is not None else None
            if given is not None and given.is_file():
                png = given.read_bytes()
            else:
                widget = build(name)
                try:
                    png = _png_of(widget, Path(tmpdir), name, size)
                finally:
                    widget.close()
                    widget.deleteLater()
            figures.append(_Figure(name, title, how, png))
    return figures


# --------------------------------------------------------------------------- HTML
def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or len(png) < 24:
        raise ValueError("not a PNG image")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def format_number(v: Any, digits: int = 4) -> str:
    """A summary value for people: 4 significant digits, yes/no, — for none, ∞ for overflow."""
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        v = float(v)
        if not math.isfinite(v):
            return "not finite" if math.isnan(v) else ("∞" if v > 0 else "−∞")
        return f"{v:.{digits}g}"
    return str(v)


def _value(v: Any) -> str:
    if v is None:
        return "none"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


# No line-height on body or on the figures' paragraphs: Qt's layout multiplies an image's
# line by it (a 350-px figure took 472 px, a blank band under each in the PDF).
_CSS = """
body { font-family: 'DejaVu Sans', Arial, Helvetica, sans-serif; color: #222; max-width: 960px;
       margin: 1.5em auto; padding: 0 1em; }
h1 { font-size: 22pt; margin-bottom: 0.1em; }
h2 { font-size: 15pt; margin-top: 1.4em; border-bottom: 1px solid #bbb; }
h3 { font-size: 12.5pt; margin-bottom: 0.2em; }
p.meta { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: 0.4em 0; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
td.num { text-align: right; }
tr.changed td { background: #fff1b8; font-weight: bold; }
tr.group td { background: #e8eef7; font-weight: bold; }
p.how { color: #333; font-size: 10.5pt; margin-top: 0.2em; line-height: 135%; }
img { border: 1px solid #ddd; }
"""


def build_html(cfg: RunConfig, summary: Mapping[str, Any], figures: list[_Figure], versions: Mapping[str, str],
               *, title: str = "gradsim run", date: _dt.datetime | None = None, paged: bool = False) -> str:
    """The report as one HTML document (figures as PNG data URIs).

    ``paged``: laid out for A4 pages (the PDF): narrower figures, two to a page, each
    pair and the configuration starting a new page so that a heading never ends a page.
    """
    esc = html.escape
    date = date or _dt.datetime.now().astimezone()
    defaults = RunConfig()
    changed = set(defaults.diff(cfg))
    specs = field_specs()
    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{esc(title)} — gradsim report</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
        f'<p class="meta">gradsim report · {esc(date.strftime("%Y-%m-%d %H:%M %Z").strip())} · '
        f"gradsim {esc(versions.get('gradsim', '?'))}</p>",
        "<h2>Summary</h2>",
        '<table border="1" cellspacing="0" cellpadding="4">',
    ]
    div = summary.get("diverged_at")
    rows = [
        ("Final loss", format_number(summary.get("final_loss"))),
        ("Iterations trained", format_number(summary.get("steps"))),
        ("Training speed", f"{format_number(summary.get('steps_per_second'), 3)} steps/s"
         if summary.get("steps_per_second") is not None else "—"),
        ("Wall time", f"{format_number(summary.get('wall_seconds'), 3)} s" if summary.get("wall_seconds") is not None else "—"),
        ("Diverged", f"yes, at iteration {div}" if div is not None else "no"),
        ("Spectral radius ρ of W_hh (final)", format_number(summary.get("final_spectral_radius"))),
        ("σ_max of W_hh (final)", format_number(summary.get("final_sigma_max"))),
        ("Gradient norm (final, before clipping)", format_number(summary.get("final_grad_norm"))),
    ]
    frac = summary.get("clipped_fraction")
    if frac is not None and cfg.clip != "none":
        rows.append(("Iterations clipped", f"{100 * float(frac):.3g} %"))
    for k, v in rows:
        out.append(f'<tr><th>{esc(k)}</th><td class="num">{esc(v)}</td></tr>')
    out.append("</table>")
    out.append("<h2>Configuration</h2>")
    n = len(changed)
    out.append(f"<p>Every field of the run's config. {n} {'field differs' if n == 1 else 'fields differ'} "
               "from the defaults, <span style=\"background-color: #fff1b8; font-weight: bold\">"
               "highlighted</span>. <code>gradsim run --config FILE</code> reruns a TOML file with these "
               "values.</p>")
    out.append('<table border="1" cellspacing="0" cellpadding="3">')
    out.append("<tr><th>field</th><th>value</th><th>default</th><th>meaning</th></tr>")
    values = cfg.to_dict()
    grouped = [n for names in FIELD_GROUPS.values() for n in names]
    groups = dict(FIELD_GROUPS)
    rest = [n for n in specs if n not in grouped]
    if rest:
        groups["Other"] = rest
    for group, names in groups.items():
        out.append(f'<tr class="group"><td colspan="4" bgcolor="#e8eef7"><b>{esc(group)}</b></td></tr>')
        for name in names:
            spec = specs[name]
            cls, bg = (' class="changed"', ' bgcolor="#fff1b8"') if name in changed else ("", "")
            value = esc(_value(values[name]))
            if name in changed:
                value = f"<b>{value}</b>"
            out.append(f'<tr{cls}><td{bg} style="white-space: nowrap"><code>{esc(name)}</code></td>'
                       f"<td{bg}>{value}</td>"
                       f"<td{bg}>{esc(_value(spec.default))}</td><td{bg}>{esc(spec.description)}</td></tr>")
    out.append("</table>")
    # paged: the plots start on a new page, two to a page (pages 1-2: summary and config)
    out.append('<h2 style="page-break-before: always">Plots</h2>' if paged else "<h2>Plots</h2>")
    width = PDF_IMG_WIDTH if paged else IMG_WIDTH
    for i, f in enumerate(figures):
        data = base64.b64encode(f.png).decode("ascii")
        brk = ' style="page-break-before: always"' if paged and i % 2 == 0 and i > 0 else ""
        out.append(f'<h3 id="{esc(f.name)}"{brk}>{esc(f.title)}</h3>')
        pw, ph = _png_size(f.png)
        height = round(width * ph / max(pw, 1))
        # Qt's HTML subset ignores max-width; the PDF's width is chosen to fit the page.
        style = "" if paged else ' style="max-width: 100%; height: auto;"'
        out.append(f'<p><img src="data:image/png;base64,{data}" width="{width}" height="{height}"'
                   f'{style} alt="{esc(f.title)}"></p>')
        out.append(f'<p class="how"><b>How to read this.</b> {esc(f.how_to_read)}</p>')
    out.append("<h2>Versions</h2>")
    out.append('<table border="1" cellspacing="0" cellpadding="3">')
    for k, v in versions.items():
        out.append(f"<tr><th>{esc(k)}</th><td>{esc(str(v))}</td></tr>")
    out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- writing
def _error(path: Path, exc: BaseException | str) -> OSError:
    return write_error(path, exc, "report")


def check_writable(path: Path) -> None:
    """Prove a file can be created beside ``path`` (OSError naming ``path`` otherwise)."""
    if path.is_dir():
        raise _error(path, "is a folder")
    try:
        probe = temp_beside(path, ".probe")
    except OSError as exc:
        raise _error(path, exc.messages[0].args[1] if isinstance(exc, WriteError) else exc) from None
    with contextlib.suppress(OSError):
        os.unlink(probe)


def _write_bytes(path: Path, data: bytes) -> None:
    with atomic_path(path, path.suffix, "report") as tmp, open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _write_pdf(path: Path, document_html: str) -> None:
    from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt
    from PySide6.QtGui import QColor, QFont, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument

    from gradsim.figures import export

    export.ensure_qapp()
    with atomic_path(path, ".pdf", "report") as tmp:
        writer = QPdfWriter(str(tmp))
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        writer.setPageMargins(QMarginsF(PDF_MARGIN_MM, PDF_MARGIN_MM, PDF_MARGIN_MM, PDF_MARGIN_MM),
                              QPageLayout.Unit.Millimeter)
        writer.setResolution(300)
        writer.setTitle(path.stem)
        writer.setCreator("gradsim")
        # Lay the document out on the text area in 96-dpi pixels and paint page by page,
        # scaled to the writer.  Not QTextDocument.print_: it adds 2 cm margins of its own,
        # and laid out for the printer it reserves more height for each image than it draws
        # (a blank third under every figure, Qt 6.11).
        area = writer.pageLayout().paintRect(QPageLayout.Unit.Millimeter)
        footer = 24.0  # px kept free at the bottom for the page number
        width, height = area.width() / 25.4 * 96.0, area.height() / 25.4 * 96.0
        doc = QTextDocument()
        doc.setDocumentMargin(0)
        doc.setPageSize(QSizeF(width, height - footer))
        doc.setHtml(document_html)  # data: URIs load as resources (Qt 6)
        pages = doc.pageCount()
        scale = writer.resolution() / 96.0
        painter = QPainter()
        if not painter.begin(writer):
            raise _error(path, "Qt could not open the PDF for painting")
        try:
            font = QFont()
            # pixels of the 96-dpi layout: a point size would be scaled twice (dpi, then scale)
            font.setPixelSize(11)
            for page in range(pages):
                if page:
                    writer.newPage()
                painter.save()
                painter.scale(scale, scale)
                top = page * (height - footer)
                painter.translate(0, -top)
                doc.drawContents(painter, QRectF(0, top, width, height - footer))
                painter.restore()
                painter.save()
                painter.scale(scale, scale)
                painter.setFont(font)
                painter.setPen(QColor("#777777"))
                painter.drawText(QRectF(QPointF(0, height - footer), QSizeF(width, footer)),
                                 int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom),
                                 f"{page + 1} / {pages}")
                painter.restore()
        finally:
            painter.end()
        del writer  # QPdfWriter finishes the file when it goes
        if os.path.getsize(tmp) == 0:
            # Qt does not say why; a full disk is the usual reason, and the probe says so
            why = write_failure(tmp.parent)
            raise _error(path, why if why is not None else "Qt wrote an empty PDF")


def write_report(out_path: str | Path, cfg: RunConfig, history, last_snapshot, summary: Mapping[str, Any], *,
                 figures_dir: Path | None = None, eigenvalues: np.ndarray | None = None,
                 rollout: np.ndarray | None = None, title: str | None = None) -> Path:
    """Write the report of a run as HTML or PDF, chosen by the suffix; atomic.

    Parameters
    ----------
    out_path : str or Path
        ``.html`` (self-contained, figures as data URIs) or ``.pdf`` (A4).
    cfg : RunConfig
        The config the run used.
    history : History or list of History
        The run's history (one per layer: layer 0 is plotted).
    last_snapshot : Snapshot or None
        The newest snapshot (predictions, profile, final numbers).
    summary : mapping
        Summary numbers; see :func:`gradsim.core.history.run_summary` for the keys read (missing ones
        are filled from ``history`` / ``last_snapshot``).
    figures_dir : Path, optional
        A folder whose ``<name>.png`` files (names in :data:`FIGURE_NAMES`) replace the
        rendered figures.
    eigenvalues : np.ndarray, optional
        Eigenvalues of W_hh (``Trainer.eigenvalues()``); adds the spectrum plot.
    rollout : np.ndarray, optional
        Free-running roll-out of the sine task, drawn on the predictions.
    title : str, optional
        Heading, e.g. the preset's name.

    Returns
    -------
    Path
        The written file.  Raises OSError naming it when it cannot be written (nothing
        partial is left), ValueError for an unknown suffix.
    """
    from gradsim.versions import versions

    path = Path(out_path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"cannot write report {os.fspath(path)!r}: unknown format {path.suffix!r}; "
                         "use .html or .pdf")
    check_writable(path)
    full = run_summary(history, last_snapshot)
    full.update({k: v for k, v in summary.items() if v is not None or k not in full})
    figures = render_figures(cfg, history, last_snapshot, eigenvalues=eigenvalues, rollout=rollout,
                             figures_dir=figures_dir, size=PDF_FIGURE_SIZE if suffix == ".pdf" else FIGURE_SIZE)
    document = build_html(cfg, full, figures, versions(), title=title or f"gradsim run: {cfg.task}, {cfg.cell}",
                          paged=suffix == ".pdf")
    if suffix == ".html":
        _write_bytes(path, document.encode("utf-8"))
    else:
        _write_pdf(path, document)
    return path
