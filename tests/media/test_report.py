"""Tests for gradsim.media.report: a self-contained HTML report, the same as a PDF, atomic
writes, and the ``gradsim report`` command's bad-input handling."""

import os

# Must precede the first Qt import, or a display-less CI machine aborts on the xcb plugin.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import base64  # noqa: E402
import html  # noqa: E402
import re  # noqa: E402

import pytest  # noqa: E402

from gradsim.media import report  # noqa: E402
from gradsim.config import RunConfig, field_specs  # noqa: E402
from gradsim.runs.procedure import train  # noqa: E402

SMALL = RunConfig(task="adding", seq_len=12, hidden_size=8, batch_size=4, init="orthogonal",
                  spectral_radius=0.6, clip="norm")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
DATA_URI = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


@pytest.fixture(scope="module")
def trained():
    return train(SMALL, 8)


def _write(trained, path, **kw):
    return report.write_report(path, trained.config, trained.histories, trained.last, trained.summary,
                               eigenvalues=trained.eigenvalues, rollout=trained.rollout, **kw)


def _listing(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --------------------------------------------------------------------------- HTML
def test_html_holds_every_config_field_every_figure_and_nothing_external(trained, tmp_path):
    out = _write(trained, tmp_path / "run.html", title="small run")
    text = out.read_text(encoding="utf-8")
    for name, spec in field_specs().items():
        assert f"<code>{name}</code>" in text, name
        assert html.escape(spec.description) in text, name
    images = DATA_URI.findall(text)
    assert len(images) == len(report.FIGURE_NAMES) == text.count("data:image/png")
    for data in images:
        png = base64.b64decode(data)
        assert png.startswith(PNG_SIGNATURE) and report._png_size(png) == report.FIGURE_SIZE
    assert text.count("How to read this.") == len(report.FIGURE_NAMES)
    # self-contained: no link, script, stylesheet or image fetched from anywhere
    assert not re.search(r"(src|href)=\"(?!data:)", text)
    assert "http://" not in text and "https://" not in text and "<script" not in text
    assert _listing(tmp_path) == ["run.html"]


def test_html_highlights_exactly_the_fields_that_differ_from_the_defaults(trained, tmp_path):
    text = _write(trained, tmp_path / "run.html").read_text(encoding="utf-8")
    changed = set(re.findall(r'<tr class="changed"><td[^>]*><code>(\w+)</code>', text))
    assert changed == set(RunConfig().diff(SMALL)) == {"seq_len", "hidden_size", "batch_size", "init",
                                                       "spectral_radius", "clip"}


def test_html_shows_the_summary_numbers_and_versions(trained, tmp_path):
    text = _write(trained, tmp_path / "run.html").read_text(encoding="utf-8")
    s = trained.summary
    assert s["steps"] == 8 and s["steps_per_second"] > 0
    for label, value in [("Final loss", s["final_loss"]), ("Iterations trained", 8),
                         ("Spectral radius ρ of W_hh (final)", s["final_spectral_radius"]),
                         ("Gradient norm (final, before clipping)", s["final_grad_norm"])]:
        assert re.search(rf"<th>{re.escape(label)}</th><td[^>]*>{re.escape(report.format_number(value))}</td>", text), label
    assert "Diverged</th><td class=\"num\">no<" in text
    assert "steps/s" in text and "Iterations clipped" in text
    for lib in ("python", "torch", "numpy", "qt", "pyqtgraph", "gradsim"):
        assert f"<th>{lib}</th>" in text


def test_explanations_name_the_bound_only_where_it_applies():
    rnn = report._explanations(RunConfig(activation="sigmoid"), "x")["spectral"][1]
    assert "γ = sup|f′| = 0.25" in rnn and "1/γ = 4" in rnn
    lstm = report._explanations(RunConfig(cell="lstm"), "x")["spectral"][1]
    assert "does not apply to LSTM" in lstm and "1/γ =" not in lstm


def test_figures_dir_pngs_replace_the_rendering(trained, tmp_path):
    from PySide6.QtGui import QColor, QImage

    folder = tmp_path / "figs"
    folder.mkdir()
    image = QImage(64, 32, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    assert image.save(str(folder / "loss.png"))
    text = _write(trained, tmp_path / "run.html", figures_dir=folder).read_text(encoding="utf-8")
    pngs = [base64.b64decode(d) for d in DATA_URI.findall(text)]
    assert pngs[0] == (folder / "loss.png").read_bytes()
    assert all(report._png_size(p) == report.FIGURE_SIZE for p in pngs[1:])


# --------------------------------------------------------------------------- PDF
def test_pdf_is_a_multi_page_pdf(trained, tmp_path):
    out = _write(trained, tmp_path / "run.pdf")
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", data))
    assert pages >= 5, pages  # summary, 9 figures two to a page, config, versions
    assert len(data) > 100_000
    assert _listing(tmp_path) == ["run.pdf"]


# --------------------------------------------------------------------------- failures
@pytest.mark.parametrize("suffix", [".html", ".pdf"])
def test_unwritable_path_raises_oserror_naming_the_file(trained, tmp_path, suffix, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    target = blocker / f"run{suffix}"
    # the path is checked before any figure is rendered
    monkeypatch.setattr(report, "render_figures", lambda *a, **k: pytest.fail("rendered before the check"))
    with pytest.raises(OSError) as info:
        _write(trained, target)
    assert str(target) in str(info.value)
    assert _listing(tmp_path) == ["not-a-folder"]


def test_a_failed_write_leaves_the_old_file_and_no_partial_file(trained, tmp_path, monkeypatch):
    target = tmp_path / "run.pdf"
    target.write_bytes(b"old")

    def broken(*args, **kwargs):
        raise RuntimeError("renderer broke")

    monkeypatch.setattr(report, "build_html", broken)
    with pytest.raises(RuntimeError):
        _write(trained, target)
    assert target.read_bytes() == b"old" and _listing(tmp_path) == ["run.pdf"]


def test_unknown_suffix_is_refused(trained, tmp_path):
    with pytest.raises(ValueError, match=r"\.html or \.pdf"):
        _write(trained, tmp_path / "run.docx")
    assert _listing(tmp_path) == []
