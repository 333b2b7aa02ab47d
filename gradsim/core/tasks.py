"""Seeded sequence tasks.

Every task produces time-major tensors: inputs ``x`` of shape (T, B, input_size) and
targets whose form depends on the loss. A task also knows its loss, whether the loss
sits at the last step only, and its trivial baseline (the loss of a model that has
learned nothing about the sequence), drawn as a reference line on the loss plot.

Losses are written so that ``L = Σ_t L_t``: :meth:`Task.loss` returns that total and
the instrumentation derives the last step's share ``L_T`` from the output gradient
at t = T − 1 (outputs at step t only feed L_t).
"""

from __future__ import annotations

import csv
import io
import math
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from gradsim.config import ConfigError, RunConfig
from gradsim.errors import Message, Reason
from gradsim.fileio import NotRead, read_regular_file

__all__ = ["Task", "make_task", "Batch", "CsvSeries", "load_csv_series", "SAMPLE_CSV", "MAX_CSV_BYTES"]

#: The series the csv task reads when ``csv_path`` is empty (shipped in the package).
SAMPLE_CSV = "data/sample.csv"


@dataclass(frozen=True)
class Batch:
    """One batch: inputs (T, B, in) and targets (task-specific)."""

    x: torch.Tensor
    y: torch.Tensor


class Task:
    """Base class. Subclasses set the sizes and implement :meth:`sample` and :meth:`loss`."""

    name = ""
    input_size = 1
    output_size = 1
    last_only = False  # loss only at the last time step
    baseline: float | None = None
    baseline_label = "trivial baseline"

    def __init__(self, cfg: RunConfig, dtype: torch.dtype, device: torch.device) -> None:
        self.T = cfg.seq_len
        self.B = cfg.batch_size
        self.dtype = dtype
        self.device = device

    def _tensor(self, a: np.ndarray) -> torch.Tensor:
        return torch.as_tensor(a, dtype=self.dtype, device=self.device)

    def sample(self, rng: np.random.Generator) -> Batch:  # pragma: no cover - abstract
        raise NotImplementedError

    def loss(self, out: torch.Tensor, y: torch.Tensor, h_top: torch.Tensor) -> torch.Tensor:  # pragma: no cover
        """Total loss from outputs (T, B, out) and the top hidden states (T, B, H)."""
        raise NotImplementedError

    def target_for_plot(self, y: torch.Tensor, b: int = 0) -> np.ndarray:
        """Targets of sample ``b`` as (T, out), NaN where a step has no target."""
        raise NotImplementedError  # pragma: no cover

    def output_for_plot(self, out: torch.Tensor, b: int = 0) -> np.ndarray:
        """Outputs of sample ``b`` as (T, out) (probabilities for classification)."""
        return out[:, b, :].detach().cpu().double().numpy()

    def describe_data(self) -> Message | None:
        """One line on the data this task read from a file (None for a generated task)."""
        return None


class SineTask(Task):
    """Seed 002: ``seq_len + 1`` points of sin over [s, s+10], s a random integer 0–9;
    predict the next value at every step (MSE averaged over batch and steps, as
    ``nn.MSELoss`` in the seed). With ``seq_len = 49`` this is the seed's 50 points."""

    name = "sine"
    baseline = 0.5
    baseline_label = "predict 0"  # the plots add the value: "predict 0 (0.5)"

    def sample(self, rng: np.random.Generator) -> Batch:
        starts = rng.integers(0, 10, size=self.B)
        t = np.linspace(starts, starts + 10, self.T + 1, axis=0)  # (T+1, B)
        data = np.sin(t)
        return Batch(self._tensor(data[:-1, :, None]), self._tensor(data[1:, :, None]))

    def loss(self, out, y, h_top):
        return F.mse_loss(out, y)

    def target_for_plot(self, y, b=0):
        return y[:, b, :].detach().cpu().double().numpy()


class AddingTask(Task):
    """Adding problem (Hochreiter & Schmidhuber 1997). Channel 0: values U(0, 1);
    channel 1: exactly two markers, one in each half of the sequence (with T = 1 the
    single step is marked and its value is the target). Target: the sum of the two marked values, MSE at the last step only. Predicting the
    mean (1) gives MSE = Var(U1 + U2) = 1/6."""

    name = "adding"
    input_size = 2
    last_only = True
    baseline = 1.0 / 6.0
    baseline_label = "predict the mean (MSE 1/6)"

    def sample(self, rng: np.random.Generator) -> Batch:
        T, B = self.T, self.B
        vals = rng.random((T, B))
        marks = np.zeros((T, B))
        half = max(T // 2, 1)
        first = rng.integers(0, half, size=B)
        second = rng.integers(half, T, size=B) if T > 1 else first
        cols = np.arange(B)
        marks[first, cols] = 1.0
        marks[second, cols] = 1.0
        target = vals[first, cols] + (vals[second, cols] if T > 1 else 0.0)
        x = np.stack([vals, marks], axis=-1)
        return Batch(self._tensor(x), self._tensor(target[:, None]))

    def loss(self, out, y, h_top):
        return F.mse_loss(out[-1], y)

    def target_for_plot(self, y, b=0):
        t = np.full((self.T, 1), np.nan)
        t[-1, 0] = float(y[b, 0])
        return t


class RecallTask(Task):
    """Long-range recall: step 0 shows one of ``n_classes`` symbols (one-hot), steps
    1..T−2 show random distractor symbols, the last step raises a query channel; the
    class of the FIRST symbol must be output at the last step (cross-entropy). Only
    gradient that survives T − 1 steps can teach it. Chance level: ln(n_classes)."""

    name = "recall"
    last_only = True

    def __init__(self, cfg, dtype, device):
        super().__init__(cfg, dtype, device)
        self.K = cfg.n_classes
        self.input_size = self.K + 1
        self.output_size = self.K
        self.baseline = math.log(self.K)
        self.baseline_label = f"chance (ln {self.K})"

    def sample(self, rng: np.random.Generator) -> Batch:
        T, B, K = self.T, self.B, self.K
        symbols = rng.integers(0, K, size=(T, B))
        x = np.zeros((T, B, K + 1))
        x[np.arange(T)[:, None], np.arange(B)[None, :], symbols] = 1.0
        if T > 1:
            x[-1, :, :K] = 0.0  # the query step shows no symbol
        x[-1, :, K] = 1.0
        y = torch.as_tensor(symbols[0], dtype=torch.long, device=self.device)
        return Batch(self._tensor(x), y)

    def loss(self, out, y, h_top):
        return F.cross_entropy(out[-1], y)

    def target_for_plot(self, y, b=0):
        t = np.full((self.T, self.K), np.nan)
        t[-1] = 0.0
        t[-1, int(y[b])] = 1.0
        return t

    def output_for_plot(self, out, b=0):
        return torch.softmax(out[:, b, :].detach().double(), dim=-1).cpu().numpy()


class Toy3Task(Task):
    """Seed 000: the same random input (input_size 10) at every step, no readout, and
    ``loss = sum(h_T)``. Seed 000 uses T = 3, H = 5, randn weights, zero bias."""

    name = "toy3"
    input_size = 10
    output_size = 0
    last_only = True

    def sample(self, rng: np.random.Generator) -> Batch:
        x = rng.standard_normal((1, self.B, self.input_size)).repeat(self.T, axis=0)
        return Batch(self._tensor(x), torch.zeros(0, device=self.device))

    def loss(self, out, y, h_top):
        return h_top[-1].sum() / self.B

    def target_for_plot(self, y, b=0):
        return np.full((self.T, 1), np.nan)

    def output_for_plot(self, out, b=0):
        return np.full((self.T, 1), np.nan)


@dataclass(frozen=True)
class CsvSeries:
    """A CSV time series ready for windows: ``inputs`` (rows, in) and ``targets`` (rows, out),
    both normalised, ``targets[t]`` being what step ``t`` predicts (already shifted by the
    horizon, so both have the same number of rows)."""

    path: str
    input_names: tuple[str, ...]
    target_names: tuple[str, ...]
    inputs: np.ndarray
    targets: np.ndarray
    skipped: tuple[str, ...]  # columns left out because they are not numeric
    rows: int = 0      # data rows in the file (the header not counted)
    horizon: int = 1   # csv_horizon: targets[t] is the target column's row t + horizon
    source: Any = None  # the file as messages name it (a path, or Reason("the shipped sample"))

    def describe(self) -> Message:
        """What was read, as one structured line for a front end to show (and translate):
        the file, its rows, the input and target columns, how far ahead, and the columns
        left out because they hold no number (a date, a label), which would otherwise go
        unnoticed.

        Example: ``x.csv: 300 rows; inputs temp, wind; predicts temp, 1 row(s) ahead; left
        out (not numeric): date, label``."""
        args = (self.source if self.source is not None else self.path, str(self.rows),
                ", ".join(self.input_names), ", ".join(self.target_names), str(self.horizon))
        if self.skipped:
            return Message(CSV_DESCRIPTION[1], (*args, ", ".join(self.skipped)))
        return Message(CSV_DESCRIPTION[0], args)

    def as_dict(self) -> dict[str, Any]:
        """The same facts as data (a run folder's ``summary.json``: ``data``; the path is in
        its ``config.toml``)."""
        return {"rows": self.rows, "inputs": list(self.input_names),
                "targets": list(self.target_names), "horizon": self.horizon, "skipped": list(self.skipped)}


#: :meth:`CsvSeries.describe`'s two templates (without and with left-out columns).
CSV_DESCRIPTION = ("%1: %2 rows; inputs %3; predicts %4, %5 row(s) ahead",
                   "%1: %2 rows; inputs %3; predicts %4, %5 row(s) ahead; left out (not numeric): %6")


#: The largest CSV file the csv task reads. The series is parsed whole into memory, a few
#: dozen bytes per cell, so this bounds the parse at a few hundred MB (the shipped sample
#: is 43 kB; 300 000 rows of three numbers are about 8 MB).
MAX_CSV_BYTES = 16 << 20
#: The most columns a CSV row may have (every numeric column becomes an input).
MAX_CSV_COLUMNS = 4096

_SAMPLE = Reason("the shipped sample")


def _csv_bytes(path_field: str) -> bytes:
    """The bytes of the regular file ``csv_path`` names, at most :data:`MAX_CSV_BYTES`.

    Opened without blocking and checked with ``fstat`` before any read, as
    :func:`gradsim.config.read_toml` does: a named pipe with no writer, ``/dev/zero`` or a
    folder is refused at once instead of hanging or filling memory. Raises ConfigError.
    """
    p = Path(os.path.expanduser(path_field.strip()))
    at = {"field": "csv_path", "value": path_field}
    q = repr(path_field)
    limit = f"{MAX_CSV_BYTES >> 20} MiB"
    try:
        return read_regular_file(p, MAX_CSV_BYTES)
    except FileNotFoundError:
        raise ConfigError(Message("csv_path = %1: no such file", (q,), **at)) from None
    except (IsADirectoryError, NotRead) as err:  # IsADirectoryError: Windows cannot open a folder at all
        if isinstance(err, NotRead) and err.kind == "special":
            raise ConfigError(Message("csv_path = %1: not a regular file (a named pipe or a device is not read)",
                                      (q,), **at)) from None
        if isinstance(err, NotRead) and err.kind == "large":
            raise ConfigError(Message("csv_path = %1: larger than %2, the most the csv task reads", (q, limit),
                                      **at)) from None
        raise ConfigError(Message("csv_path = %1: is a folder, not a CSV file", (q,), **at)) from None
    except OSError as err:  # cannot open, or an I/O error while reading
        raise ConfigError(Message("csv_path = %1: cannot read it: %2", (q, Reason(err.strerror or str(err))),
                                  **at)) from None


def _csv_text(path_field: str) -> tuple[str | Reason, str]:
    """(shown name, text) of ``csv_path`` (empty: the shipped sample); raises ConfigError.

    The shown name is the path as typed (quoted), or the Reason "the shipped sample"."""
    if not path_field.strip():
        res = resources.files("gradsim.resources").joinpath(SAMPLE_CSV)
        return _SAMPLE, res.read_text(encoding="utf-8-sig")
    raw = _csv_bytes(path_field)
    at = {"field": "csv_path", "value": path_field}
    q = repr(path_field)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # a UTF-16 (or UTF-32) byte-order mark
        raise ConfigError(Message("csv_path = %1: UTF-16 text, not UTF-8 (save the CSV as UTF-8)", (q,), **at))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        raise ConfigError(Message("csv_path = %1: line %2 is not UTF-8 text (save the CSV as UTF-8)",
                                  (q, str(line)), **at)) from None
    nul = text.find("\x00")
    if nul >= 0:  # valid UTF-8 with NUL bytes: a binary file, or UTF-16 without a byte-order mark
        raise ConfigError(Message("csv_path = %1: line %2 holds a NUL byte: a binary file, not CSV text "
                                  "(save the CSV as UTF-8 text)", (q, str(text.count("\n", 0, nul) + 1)), **at))
    return q, text


def _number(cell: str) -> float | None:
    try:
        v = float(cell)
    except ValueError:
        return None
    return v


def _finite(cell: str) -> bool:
    v = _number(cell.strip())
    return v is not None and math.isfinite(v)


def _pick(spec: str, header: list[str], field: str, shown: str | Reason) -> list[int]:
    """Column numbers named by ``spec`` ("a, b" or "0, 2"); raises ConfigError naming the missing one."""
    picked = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        if part in header:
            picked.append(header.index(part))
        elif part.isdigit() and int(part) < len(header):
            picked.append(int(part))
        else:
            raise ConfigError(Message("%1 = %2: no column %3 in %4 (columns: %5)",
                                      (field, repr(spec), repr(part), shown, ", ".join(header)),
                                      field=field, value=spec))
    return list(dict.fromkeys(picked))


def _csv_rows(text: str, delimiter: str, path_field: str) -> tuple[list[list[str]], list[int]]:
    """The non-blank rows of ``text`` and the line (1-based, in the file) each starts on;
    raises ConfigError naming the line the csv module cannot parse."""
    at = {"field": "csv_path", "value": path_field}
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[list[str]] = []
    lines: list[int] = []
    start = 1
    try:
        for r in reader:
            if any(c.strip() for c in r):
                if len(r) > MAX_CSV_COLUMNS:
                    raise ConfigError(Message("csv_path = %1: line %2 has %3 fields, more than the %4 columns the "
                                              "csv task reads", (repr(path_field), str(start), str(len(r)),
                                                                 str(MAX_CSV_COLUMNS)), **at))
                rows.append(r)
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as err:
        line = max(start, 1)
        if any(len(cell) > csv.field_size_limit() for cell in _raw_line(text, reader.line_num).split(delimiter)):
            raise ConfigError(Message("csv_path = %1: line %2 has a cell longer than %3 characters",
                                      (repr(path_field), str(line), str(csv.field_size_limit())), **at)) from None
        # the csv module's own detail stays in its words, as TOML's parser detail does
        raise ConfigError(Message("csv_path = %1: line %2 is not valid CSV: %3", (repr(path_field), str(line),
                                                                                 str(err)), **at)) from None
    return rows, lines


def _raw_line(text: str, number: int) -> str:
    """Line ``number`` (1-based) of ``text``, or "" past the end."""
    for i, line in enumerate(io.StringIO(text), 1):
        if i == number:
            return line
    return ""


def load_csv_series(cfg: RunConfig) -> CsvSeries:
    """Read ``cfg.csv_path`` into a :class:`CsvSeries` for windows of ``cfg.seq_len`` rows.

    The first row is a header when any of its cells is not a number (else columns are
    named 0, 1, …); the delimiter is sniffed (comma, semicolon, tab). Without
    ``csv_columns`` every numeric column except the target is an input and the columns
    without a single number (a date, a label) are skipped; one that mixes numbers with
    other cells (an empty cell, NaN, a typo) is an error naming the line. Without
    ``csv_target`` the task predicts the input columns ``csv_horizon`` rows ahead.
    Normalisation statistics are those of the whole column.

    Raises
    ------
    ConfigError
        One line naming the field and what is wrong, with the path and the file's line as
        arguments (:class:`~gradsim.errors.Message`): a missing file, a folder, a named pipe
        or device, a file over :data:`MAX_CSV_BYTES`, an unreadable, binary, UTF-16 or
        otherwise not UTF-8 file, an empty file or one with only a header, a row with the
        wrong number of fields or more than :data:`MAX_CSV_COLUMNS`, a line the csv module
        cannot parse (a cell over its field size limit), an unknown or non-numeric column
        (an empty cell, text, NaN or infinity), too few rows for ``seq_len`` and
        ``csv_horizon``.
    """
    shown, text = _csv_text(cfg.csv_path)
    at = {"field": "csv_path", "value": cfg.csv_path}
    q = repr(cfg.csv_path)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows, lines = _csv_rows(text, delimiter, cfg.csv_path)
    if not rows:
        raise ConfigError(Message("csv_path = %1: the file has no rows", (q,), **at))
    first = [c.strip() for c in rows[0]]
    if any(_number(c) is None for c in first):
        header, body, body_lines = first, rows[1:], lines[1:]
        if not body:
            raise ConfigError(Message("csv_path = %1: %2 has a header row and no data rows", (q, shown), **at))
    else:
        header, body, body_lines = [str(i) for i in range(len(first))], rows, lines
    width = len(header)
    for r, line in zip(body, body_lines):
        if len(r) != width:
            raise ConfigError(Message("csv_path = %1: line %2 has %3 fields, the header %4",
                                      (q, str(line), str(len(r)), str(width)), **at))
    cells = np.array(body, dtype=object).reshape(len(body), width) if body else np.empty((0, width), object)

    def column(j: int) -> tuple[np.ndarray | None, Message | None]:
        """(float values, None) or (None, why) for column j."""
        out = np.empty(len(body))
        for i, c in enumerate(cells[:, j]):
            cell = str(c).strip()
            v = _number(cell)
            if v is None:
                if not cell:
                    return None, Message("line %1 has an empty cell", (str(body_lines[i]),))
                return None, Message("line %1 has %2", (str(body_lines[i]), repr(cell)))
            if not math.isfinite(v):
                return None, Message("line %1 has %2, not a finite number", (str(body_lines[i]), repr(cell)))
            out[i] = v
        return out, None

    def numeric(j: int, field: str, spec: str) -> np.ndarray:
        values, why = column(j)
        if values is None:
            raise ConfigError(Message("%1 = %2: column %3 of %4 is not numeric (%5)",
                                      (field, repr(spec), repr(header[j]), shown, why), field=field, value=spec))
        return values

    target_cols = _pick(cfg.csv_target, header, "csv_target", shown) if cfg.csv_target.strip() else []
    if len(target_cols) > 1:
        raise ConfigError(Message("csv_target = %1: name one column", (repr(cfg.csv_target),),
                                  field="csv_target", value=cfg.csv_target))
    skipped: list[str] = []
    if cfg.csv_columns.strip():
        input_cols = _pick(cfg.csv_columns, header, "csv_columns", shown)
        inputs = [numeric(j, "csv_columns", cfg.csv_columns) for j in input_cols]
    else:
        input_cols, inputs = [], []
        for j in range(width):
            if j in target_cols:
                continue
            values, why = column(j)
            if values is None:
                if any(_finite(str(c)) for c in cells[:, j]):
                    # numbers with a gap, a NaN or a typo are bad data, not a label column
                    # to leave out without a word
                    raise ConfigError(Message("csv_path = %1: column %2 of %3 mixes numbers with other cells (%4); "
                                              "fix the file, or choose the input columns with csv_columns",
                                              (q, repr(header[j]), shown, why), **at))
                skipped.append(header[j])
            else:
                input_cols.append(j)
                inputs.append(values)
        if not input_cols and not target_cols:
            raise ConfigError(Message("csv_path = %1: %2 has no numeric column", (q, shown), **at))
    if target_cols:
        targets = [numeric(target_cols[0], "csv_target", cfg.csv_target)]
        if not input_cols:  # a single-column file: the target's own past is the input
            input_cols, inputs = list(target_cols), list(targets)
    else:
        if not input_cols:
            raise ConfigError(Message("csv_columns = %1: no input column", (repr(cfg.csv_columns),),
                                      field="csv_columns", value=cfg.csv_columns))
        target_cols, targets = list(input_cols), list(inputs)
    h = cfg.csv_horizon
    if h == 0 and set(target_cols) <= set(input_cols):
        raise ConfigError(Message("csv_horizon = 0: the target %1 is also an input, so predicting it at the same "
                                  "row is copying it (use csv_horizon ≥ 1, or a target that is not an input)",
                                  (", ".join(header[j] for j in target_cols),), field="csv_horizon", value=0))
    n = len(body)
    need = cfg.seq_len + h
    if n < need:
        raise ConfigError(Message("csv_path = %1: %2 has %3 data rows; seq_len = %4 with csv_horizon = %5 needs "
                                  "at least %6 (lower seq_len or use a longer series)",
                                  (q, shown, str(n), str(cfg.seq_len), str(h), str(need)), **at))
    x = _normalise(np.stack(inputs, axis=1), cfg.csv_normalize)
    y = _normalise(np.stack(targets, axis=1), cfg.csv_normalize)
    return CsvSeries(
        path=str(shown), input_names=tuple(header[j] for j in input_cols),
        target_names=tuple(header[j] for j in target_cols),
        inputs=x[: n - h], targets=y[h:], skipped=tuple(skipped), rows=n, horizon=h, source=shown,
    )


def _normalise(a: np.ndarray, how: str) -> np.ndarray:
    """Per column: z-score or min-max (a constant column becomes 0), or unchanged."""
    if how == "zscore":
        sd = a.std(axis=0)
        return (a - a.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
    if how == "minmax":
        lo, span = a.min(axis=0), a.max(axis=0) - a.min(axis=0)
        return (a - lo) / np.where(span > 0, span, 1.0)
    return a.copy()


class CsvTask(Task):
    """Your own time series (``csv_path``): windows of ``seq_len`` consecutive rows at random
    offsets; at every step predict the target ``csv_horizon`` rows ahead (by default the
    next row of every input column), MSE averaged over batch and steps. Baseline: predict
    the mean, whose MSE is the target's variance (1 after z-scoring)."""

    name = "csv"

    def __init__(self, cfg: RunConfig, dtype: torch.dtype, device: torch.device) -> None:
        super().__init__(cfg, dtype, device)
        series = load_csv_series(cfg)
        self.series = series
        self.input_size = series.inputs.shape[1]
        self.output_size = series.targets.shape[1]
        self._x = series.inputs
        self._y = series.targets
        self._windows = len(self._x) - self.T + 1
        self.baseline = float(series.targets.var(axis=0).mean())
        self.baseline_label = "predict the mean"  # the plots add the value (the MSE)

    def sample(self, rng: np.random.Generator) -> Batch:
        starts = rng.integers(0, self._windows, size=self.B)
        idx = starts[None, :] + np.arange(self.T)[:, None]  # (T, B)
        return Batch(self._tensor(self._x[idx]), self._tensor(self._y[idx]))

    def loss(self, out, y, h_top):
        return F.mse_loss(out, y)

    def target_for_plot(self, y, b=0):
        return y[:, b, :].detach().cpu().double().numpy()

    def describe_data(self) -> Message:
        return self.series.describe()


_TASKS = {"sine": SineTask, "adding": AddingTask, "recall": RecallTask, "toy3": Toy3Task, "csv": CsvTask}


def make_task(cfg: RunConfig, dtype: torch.dtype, device: torch.device) -> Task:
    """The task named by ``cfg.task``."""
    return _TASKS[cfg.task](cfg, dtype, device)
