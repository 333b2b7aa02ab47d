"""The csv task against hostile files: each is one structured line (a template with the path
and the line as arguments, never an f-string), on the command line one line and exit 2, and
nothing is written; a named pipe or a device is refused at once, never read."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gradsim.config import ConfigError, RunConfig
from gradsim.core import budget
from gradsim.core.tasks import MAX_CSV_BYTES, load_csv_series


def _make(tmp_path: Path, kind: str) -> Path:
    """The hostile input ``kind`` under ``tmp_path`` (a file, a folder, a FIFO or a device)."""
    p = tmp_path / f"{kind}.csv"
    data = {
        "empty": b"",
        "blank-lines": b"\n  \n\t\n",
        "header-only": b"date,a,b\n",
        "one-row": b"1,2\n",
        "nan-in-a-column": b"a,b\n" + b"1,2\n" * 20 + b"nan,3\n",
        "inf-in-the-target": b"a\n" + b"1\n" * 10 + b"inf\n",
        "minus-inf-input": b"a,b\n" + b"1,2\n" * 10 + b"-inf,3\n",
        "empty-cell": b"a,b\n" + b"1,2\n" * 10 + b",3\n",
        "ragged-after-a-blank-line": b"a,b\n1,2\n\n3,4,5\n",
        "binary": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "nul-bytes": b"a,b\n1,2\n3,\x004\n",
        "utf16-bom": "a,b\n1,2\n".encode("utf-16"),
        "utf16-no-bom": "a,b\n1,2\n".encode("utf-16-le"),
        "latin1": "a,b\n1,2\ncafé,3\n".encode("latin-1"),
        "huge-cell": b"a,b\n1," + b"9" * 200_000 + b"\n",
        "too-many-columns": b",".join([b"1"] * 5000) + b"\n",
    }
    if kind in data:
        p.write_bytes(data[kind])
    elif kind == "too-large":
        with open(p, "wb") as fh:  # sparse: refused by its size before any byte is read
            fh.truncate(MAX_CSV_BYTES + 1)
    elif kind == "folder":
        p.mkdir()
    elif kind == "fifo":
        os.mkfifo(p)
    elif kind == "device":
        p = Path("/dev/zero")
    elif kind == "missing":
        pass
    else:  # pragma: no cover
        raise AssertionError(kind)
    return p


#: kind -> (fields, the one line after ``csv_path = 'PATH': ``). seq_len is 8 unless set.
CASES = {
    "missing": ({}, r"no such file"),
    "empty": ({}, r"the file has no rows"),
    "blank-lines": ({}, r"the file has no rows"),
    "header-only": ({}, r"'{p}' has a header row and no data rows"),
    "one-row": ({}, r"'{p}' has 1 data rows; seq_len = 8 with csv_horizon = 1 needs at least 9 "
                    r"\(lower seq_len or use a longer series\)"),
    "nan-in-a-column": ({}, r"column 'a' of '{p}' mixes numbers with other cells \(line 22 has 'nan', not a "
                            r"finite number\); fix the file, or choose the input columns with csv_columns"),
    "minus-inf-input": ({"csv_columns": "a"}, None),
    "empty-cell": ({}, r"column 'a' of '{p}' mixes numbers with other cells \(line 12 has an empty cell\); "
                       r"fix the file, or choose the input columns with csv_columns"),
    "ragged-after-a-blank-line": ({"seq_len": 1}, r"line 4 has 3 fields, the header 2"),  # the file's line
    "binary": ({}, r"line 1 is not UTF-8 text \(save the CSV as UTF-8\)"),
    "nul-bytes": ({}, r"line 3 holds a NUL byte: a binary file, not CSV text \(save the CSV as UTF-8 text\)"),
    "utf16-bom": ({}, r"UTF-16 text, not UTF-8 \(save the CSV as UTF-8\)"),
    "utf16-no-bom": ({}, r"line 1 holds a NUL byte: a binary file, not CSV text \(save the CSV as UTF-8 text\)"),
    "latin1": ({}, r"line 3 is not UTF-8 text \(save the CSV as UTF-8\)"),
    "huge-cell": ({}, r"line 2 has a cell longer than 131072 characters"),
    "too-many-columns": ({}, r"line 1 has 5000 fields, more than the 4096 columns the csv task reads"),
    "too-large": ({}, r"larger than 16 MiB, the most the csv task reads"),
    "folder": ({}, r"is a folder, not a CSV file"),
    "fifo": ({}, r"not a regular file \(a named pipe or a device is not read\)"),
    "device": ({}, r"not a regular file \(a named pipe or a device is not read\)"),
}


def _expected(kind: str, p: Path, fields: dict) -> str:
    if kind == "minus-inf-input":  # a column chosen by name: its field names the error
        return (rf"^csv_columns = 'a': column 'a' of '{re.escape(str(p))}' is not numeric "
                r"\(line 12 has '-inf', not a finite number\)$")
    return rf"^csv_path = '{re.escape(str(p))}': " + CASES[kind][1].replace("{p}", re.escape(str(p))) + "$"


def _cfg(p: Path, **fields) -> RunConfig:
    return RunConfig(**{"task": "csv", "csv_path": str(p), "seq_len": 8, "batch_size": 4, "hidden_size": 8,
                        **fields})


@pytest.mark.parametrize("kind", list(CASES))
def test_a_hostile_file_is_one_structured_line(tmp_path, kind):
    fields = CASES[kind][0]
    p = _make(tmp_path, kind)
    with pytest.raises(ConfigError, match=_expected(kind, p, fields)) as info:
        load_csv_series(_cfg(p, **fields))
    err = info.value
    assert "\n" not in str(err) and len(err.messages) == 1
    msg = err.messages[0]
    # data, not text: the path is an argument, the template holds no part of it
    assert str(p) not in msg.template and f"'{p}'" in [str(a) for a in msg.args]
    assert "%1" in msg.template and re.fullmatch(r"(?:[^%]|%[1-9])*", msg.template)
    assert err.field == ("csv_columns" if kind == "minus-inf-input" else "csv_path")


def _run_cli(capsys, out: Path, p: Path, **fields) -> tuple[int, str]:
    from gradsim.cli import build_parser

    fields = {"seq_len": 8, **fields}
    argv = ["run", "--set", "task=csv", f"csv_path={p}", *(f"{k}={v}" for k, v in fields.items()),
            "--steps", "2", "--no-figures", "--quiet", "--out", str(out)]
    args = build_parser().parse_args(argv)
    code = int(args.func(args))
    return code, capsys.readouterr().err


@pytest.mark.parametrize("kind", [k for k in CASES if k not in ("fifo",)])
def test_the_command_line_says_one_line_and_writes_nothing(tmp_path, capsys, kind):
    fields = CASES[kind][0]
    src = tmp_path / "in"
    src.mkdir()
    p = _make(src, kind)
    work = tmp_path / "work"
    work.mkdir()
    code, err = _run_cli(capsys, work / "run" / "out", p, **fields)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("gradsim: error: ")
    assert re.match(_expected(kind, p, fields), lines[0].removeprefix("gradsim: error: ")), lines[0]
    assert list(work.iterdir()) == []  # no run folder, no parent, no temporary sibling


def test_a_named_pipe_never_hangs_the_command_line(tmp_path):
    """A FIFO without a writer: refused at once by the memory estimate and the task (a blocking
    open would wait forever; the timeout only turns such a hang into a failure)."""
    fifo = _make(tmp_path, "fifo")
    out = tmp_path / "out"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    r = subprocess.run([sys.executable, "-m", "gradsim", "run", "--set", "task=csv", f"csv_path={fifo}",
                        "seq_len=8", "--steps", "2", "--no-figures", "--quiet", "--out", str(out)],
                       capture_output=True, text=True, timeout=240, env=env, check=False)
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip() == (f"gradsim: error: csv_path = '{fifo}': not a regular file "
                                "(a named pipe or a device is not read)")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo.csv"]


@pytest.mark.parametrize("kind", ["fifo", "folder", "device", "missing"])
def test_the_memory_estimate_reads_only_regular_files(tmp_path, kind):
    # the guessed width of a file the task will refuse; a pipe is not opened for a blocking read
    assert budget._csv_width(str(_make(tmp_path, kind))) == 8
    p = tmp_path / "ok.csv"
    p.write_text("a,b,c\n1,2,3\n")
    assert budget._csv_width(str(p)) == 3


_READ_AS = """\
import sys
from gradsim.config import ConfigError, RunConfig
from gradsim.core.tasks import load_csv_series
for path in sys.argv[1:]:
    try:
        s = load_csv_series(RunConfig(task="csv", csv_path=path, seq_len=8, batch_size=4, hidden_size=8))
        print("read", s.as_dict()["rows"])
    except ConfigError as err:
        print(err)
"""


def test_an_unreadable_file_names_the_reason(as_nobody):
    # root reads a file of mode 000, so where the suite runs as root the reader runs as nobody
    import shutil
    import tempfile

    if as_nobody is None:
        pytest.skip("running as root without setpriv: every file is readable")
    base = Path(tempfile.mkdtemp(prefix="gradsim-unreadable-"))
    try:
        base.chmod(0o755)
        secret, readable = base / "secret.csv", base / "readable.csv"
        secret.write_text("a\n" + "1\n" * 20)
        readable.write_text("a\n" + "1\n" * 20)
        secret.chmod(0)
        readable.chmod(0o644)
        env = {**os.environ, "HOME": str(base)}
        r = subprocess.run([*as_nobody, sys.executable, "-c", _READ_AS, str(secret), str(readable)],
                           capture_output=True, text=True, timeout=240, env=env, cwd=base, check=False)
        assert r.returncode == 0, r.stderr
        # the twin with a readable mode is read by the same user: the refusal is the mode's
        assert r.stdout.splitlines() == [f"csv_path = '{secret}': cannot read it: Permission denied", "read 20"]
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_a_label_column_without_numbers_is_still_skipped(tmp_path):
    # the "mixes numbers" refusal is only for a column with numbers in it
    p = tmp_path / "labels.csv"
    p.write_text("day,a\n" + "".join(f"d{i},{i}\n" for i in range(20)))
    s = load_csv_series(_cfg(p))
    assert s.skipped == ("day",) and s.input_names == ("a",)
    # and it is said, not dropped unnoticed: the line a front end shows, and the record
    assert str(s.describe()) == f"{str(p)!r}: 20 rows; inputs a; predicts a, 1 row(s) ahead; left out (not numeric): day"
    assert s.as_dict() == {"rows": 20, "inputs": ["a"], "targets": ["a"], "horizon": 1, "skipped": ["day"]}


def test_what_was_read_names_the_target_the_horizon_and_no_left_out_columns(tmp_path):
    p = tmp_path / "two.csv"
    p.write_text("a,b\n" + "".join(f"{i},{i % 3}\n" for i in range(30)))
    s = load_csv_series(_cfg(p, csv_target="b", csv_horizon=3))
    assert s.rows == 30 and len(s.inputs) == 27  # 3 rows ahead: the last 3 rows have no target
    line = s.describe()
    assert str(line) == f"{str(p)!r}: 30 rows; inputs a; predicts b, 3 row(s) ahead" and "left out" not in str(line)
    assert line.template.count("%") == 5
    sample = load_csv_series(_cfg(""))  # the shipped sample: named as such, its time column left out
    assert str(sample.describe()).startswith("the shipped sample: ") and sample.skipped == ("time",)


def test_the_live_loop_hands_the_error_over_as_data(tmp_path):
    """The app's worker reports a bad file as the structured error (pickled to the GUI
    process whole), so the window shows it in its language, not the English text."""
    import pickle
    import queue

    from gradsim.runs.live.loop import TrainingLoop
    from gradsim.runs.live.protocol import ErrorMsg

    fifo = _make(tmp_path, "fifo")
    gen = TrainingLoop(_cfg(fifo)).run(queue.Queue())
    try:
        (err,) = [m for m in next(gen) if isinstance(m, ErrorMsg)]
    finally:
        gen.close()
    line = f"cannot build the model: csv_path = '{fifo}': not a regular file (a named pipe or a device is not read)"
    assert err.message == line
    back = pickle.loads(pickle.dumps(err.error))
    assert str(back) == line and back.messages[0].template == "cannot build the model: %1"
    assert back.messages[0].args[0].messages[0].template == ("csv_path = %1: not a regular file (a named pipe or a "
                                                             "device is not read)")
