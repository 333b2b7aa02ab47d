"""Tests for gradsim.media.animation: GIF / MP4 export of a run, fixed levels, bounded frames,
atomic writes and the ``gradsim animate`` command's bad-input handling."""

import os

# Must precede the first Qt import, or a display-less CI machine aborts on the xcb plugin.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import subprocess  # noqa: E402

import imageio.v3 as iio  # noqa: E402
import imageio_ffmpeg  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gradsim.media import animation  # noqa: E402
from gradsim.config import RunConfig  # noqa: E402
from gradsim.runs.media import animate_run  # noqa: E402
from gradsim.runs.procedure import train  # noqa: E402

SMALL = RunConfig(task="adding", seq_len=12, hidden_size=8, batch_size=4, init="orthogonal",
                  spectral_radius=0.6)
SIZE = (320, 180)


def _listing(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _decode_mp4(path, size) -> np.ndarray:
    """All frames of an MP4 as (n, h, w, 3) uint8, decoded by the ffmpeg imageio-ffmpeg ships.

    Not imageio's reader: reading a video to its end leaves ffmpeg's pipes open
    (ResourceWarning, an error here), imageio-ffmpeg 0.8.1.
    """
    w, h = size
    out = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "rawvideo",
                          "-pix_fmt", "rgb24", "-"], capture_output=True, check=True, timeout=60)
    return np.frombuffer(out.stdout, np.uint8).reshape(-1, h, w, 3)


def _recorded(steps=10, max_frames=6, view="last", **kw) -> animation.FrameRecorder:
    """A recorder offered one frame per iteration of a ``steps``-iteration run."""
    result = train(SMALL, steps)
    rec = animation.FrameRecorder(SMALL, size=SIZE, max_frames=max_frames, view=view, **kw)
    for frame in animation.history_frames(result.history, result.last, view, max_frames=steps, cfg=SMALL):
        rec.add(frame)
    return rec


# --------------------------------------------------------------------------- GIF / MP4
def test_gif_has_requested_size_and_frame_count(tmp_path):
    out = animate_run(SMALL, 10, tmp_path / "run.gif", fps=10, max_frames=6, size=SIZE)
    assert out == tmp_path / "run.gif"
    frames = iio.imread(out, index=None)
    assert frames.shape[:3] == (6, SIZE[1], SIZE[0])
    assert iio.improps(out).n_images == 6
    meta = iio.immeta(out, index=0)
    assert meta["loop"] == 0  # loops forever, as a slide animation should
    # the last frame is held (DEFAULT_HOLD seconds) before the loop starts again
    assert iio.immeta(out, index=5)["duration"] > iio.immeta(out, index=0)["duration"] + 1000
    assert _listing(tmp_path) == ["run.gif"]  # no temporary file left behind


def test_mp4_is_h264_yuv420p_with_the_right_size_and_frames(tmp_path):
    out = animate_run(SMALL, 8, tmp_path / "run.mp4", fps=10, max_frames=5, size=SIZE, hold_last=0.0)
    props = iio.improps(out, plugin="FFMPEG")
    assert props.shape[1:] == (SIZE[1], SIZE[0], 3)
    meta = iio.immeta(out, plugin="FFMPEG")
    assert meta["codec"] == "h264" and meta["pix_fmt"].startswith("yuv420p") and meta["fps"] == 10
    assert len(_decode_mp4(out, SIZE)) == 5


def test_mp4_holds_the_last_frame(tmp_path):
    out = animate_run(SMALL, 4, tmp_path / "run.mp4", fps=10, max_frames=2, size=SIZE, hold_last=0.5)
    frames = _decode_mp4(out, SIZE)
    assert len(frames) == 2 + 5
    assert np.abs(frames[-1].astype(int) - frames[1].astype(int)).mean() < 2.0


def test_frames_change_over_time_and_the_heatmap_grows(tmp_path):
    out = animate_run(SMALL, 12, tmp_path / "run.gif", fps=10, max_frames=4, size=SIZE)
    frames = iio.imread(out, index=None)[..., :3].astype(int)
    assert np.abs(frames[0] - frames[-1]).mean() > 1.0
    # The heatmap fills the left half from the bottom up: more of it is coloured (not
    # white) at the end than at the start, since every frame spans the whole run.
    left = frames[:, 30:160, 20:145]  # the heatmap panel at 320 x 180
    coloured = (np.abs(left - 255).sum(axis=-1) > 60).mean(axis=(1, 2))
    assert coloured[-1] > coloured[0] + 0.2, coloured


def test_heatmap_levels_are_fixed_across_frames():
    rec = _recorded(steps=10, max_frames=5)
    try:
        levels = rec.levels()
        seen = []
        for _ in rec.frames():
            seen.append(rec.heatmap.levels())
        assert len(seen) == 5
        assert all(s == pytest.approx(levels, abs=1e-6) for s in seen), seen
        # meaningful only if the frames' own data ranges differ from the shared one
        own = [animation._log_range([f.heat]) for f in rec.kept()]
        assert own[0] != pytest.approx(levels, abs=1e-3)
    finally:
        rec.close()


def test_given_levels_colour_the_first_and_the_last_frame_alike():
    rec = _recorded(steps=10, max_frames=5, levels=(-9.0, 2.0))
    try:
        assert rec.levels() == (-9.0, 2.0) and rec.ranges(rec.kept())["levels"] == (-9.0, 2.0)
        seen = []
        for _ in rec.frames():
            seen.append(rec.heatmap.levels())
        assert len(seen) == 5 and seen[0] == pytest.approx((-9.0, 2.0)) == seen[-1]
        assert all(s == pytest.approx(seen[0]) for s in seen)
        # the data's own range differs: the levels did not come from it
        assert animation._log_range(f.heat for f in rec.kept()) != pytest.approx((-9.0, 2.0), abs=0.5)
    finally:
        rec.close()


@pytest.mark.parametrize("levels", [(1.0, 1.0), (2.0, -1.0), (float("nan"), 0.0)])
def test_recorder_rejects_bad_levels(levels):
    with pytest.raises(ValueError, match="levels"):
        animation.FrameRecorder(SMALL, size=SIZE, levels=levels)


def test_render_is_an_rgb_copy_of_the_requested_size():
    rec = _recorded(steps=3, max_frames=3)
    try:
        frames = list(rec.frames())
        assert all(f.shape == (SIZE[1], SIZE[0], 3) and f.dtype == np.uint8 for f in frames)
        assert all(f.flags.owndata for f in frames)  # a copy, not a view of a QImage's memory
        before = frames[0].copy()
        list(rec.frames())  # rendering again must not change an earlier frame's memory
        assert np.array_equal(frames[0], before)
    finally:
        rec.close()


# --------------------------------------------------------------------------- bounds
def test_frame_steps_are_evenly_spaced_bounded_and_end_at_the_last_step():
    steps = animation.frame_steps(1_000_000, 120)
    assert len(steps) == 120 and steps[-1] == 999_999
    gaps = np.diff(steps)
    assert gaps.min() >= gaps.max() - 1
    assert animation.frame_steps(5, 120) == [0, 1, 2, 3, 4]


def test_recorder_keeps_at_most_max_frames_evenly_spaced_and_the_newest_last():
    rec = animation.FrameRecorder(SMALL, size=SIZE, max_frames=8)
    T = SMALL.seq_len
    for s in range(1000):
        rec.add(animation.FrameData(step=s, heat=np.ones((1, T)), heat_steps=np.array([s]),
                                    loss_steps=np.arange(s + 1.0), loss=np.ones(s + 1), profile=np.ones(T)))
    kept = [f.step for f in rec.kept()]
    assert len(kept) <= 8 and kept[-1] == 999 and kept[0] == 0
    gaps = np.diff(kept[:-1])
    assert len(set(gaps)) == 1  # evenly spaced before the newest


def test_heatmap_rows_of_a_frame_are_pooled_by_max():
    heat = np.ones((1000, 4), np.float32)
    heat[777, 2] = 1e6
    pooled, steps = animation._pool_rows(heat, np.arange(1000), animation.HEAT_ROWS)
    assert len(pooled) <= animation.HEAT_ROWS and pooled.max() == 1e6
    assert steps[0] == 0 and np.all(np.diff(steps) > 0)


@pytest.mark.parametrize("kwargs, match", [
    ({"size": (321, 180)}, "even"),
    ({"size": (100, 100)}, "must be from"),
    ({"max_frames": animation.MAX_FRAMES + 1}, "max_frames"),
    ({"view": "nope"}, "view"),
])
def test_recorder_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        animation.FrameRecorder(SMALL, **kwargs)


# --------------------------------------------------------------------------- failures
def test_unwritable_path_raises_oserror_naming_the_file_before_training(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    target = blocker / "run.gif"
    def no_training(cfg):
        raise AssertionError("training started before the output was checked")

    monkeypatch.setattr("gradsim.core.trainer.Trainer", no_training)
    with pytest.raises(OSError) as info:
        animate_run(SMALL, 5, target, max_frames=2, size=SIZE)
    assert str(target) in str(info.value)
    assert _listing(tmp_path) == ["not-a-folder"]


def test_missing_folder_raises_oserror_naming_the_file(tmp_path):
    target = tmp_path / "missing" / "run.mp4"
    frames = [np.zeros((SIZE[1], SIZE[0], 3), np.uint8)] * 2
    with pytest.raises(OSError, match="missing/run.mp4"):
        animation.write_animation(frames, target, fps=10)


@pytest.mark.parametrize("suffix", [".gif", ".mp4"])
def test_a_failed_write_leaves_no_partial_file(tmp_path, suffix):
    good = np.zeros((180, 320, 3), np.uint8)
    bad = np.zeros((200, 320, 3), np.uint8)
    with pytest.raises(ValueError, match="the first was 320x180"):
        animation.write_animation([good, good, bad], tmp_path / f"out{suffix}", fps=10)
    assert _listing(tmp_path) == []


def test_an_existing_file_is_replaced_only_on_success(tmp_path):
    target = tmp_path / "out.gif"
    target.write_bytes(b"old")
    with pytest.raises(ValueError):
        animation.write_animation([np.zeros((180, 320, 3), np.uint8), np.zeros((4, 4), np.uint8)], target, 10)
    assert target.read_bytes() == b"old"
    frames = [np.full((180, 320, 3), v, np.uint8) for v in (0, 128, 255)]
    animation.write_animation(frames, target, fps=10)
    back = iio.imread(target, index=None)
    assert back.shape[0] == 3 and abs(int(back[1].mean()) - 128) <= 2


def test_write_animation_rejects_unknown_formats_and_bad_fps(tmp_path):
    frames = [np.zeros((180, 320, 3), np.uint8)] * 2
    with pytest.raises(ValueError, match=r"\.gif or \.mp4"):
        animation.write_animation(frames, tmp_path / "out.avi", fps=10)
    with pytest.raises(ValueError, match="fps"):
        animation.write_animation(frames, tmp_path / "out.gif", fps=0)
    with pytest.raises(ValueError, match="even"):
        animation.write_animation([np.zeros((181, 320, 3), np.uint8)], tmp_path / "out.mp4", fps=10)
    assert _listing(tmp_path) == []


def test_gif_colours_are_one_palette_for_every_frame(tmp_path):
    # a colour present in the reference (last) frame must come back exactly in every frame
    rng = np.random.default_rng(0)
    frames = [np.full((180, 320, 3), 255, np.uint8) for _ in range(3)]
    colours = rng.integers(0, 256, size=(50, 3), dtype=np.uint8)
    for i, f in enumerate(frames):
        f[: 10 * (i + 1), :50] = colours[i]
    frames[-1][100:150, :50] = colours[:50, None, :].repeat(1, axis=1)
    out = animation.write_animation(frames, tmp_path / "p.gif", fps=10)
    back = iio.imread(out, index=None)[..., :3]
    for i in range(3):
        assert np.array_equal(back[i, 0, 0], colours[i])
