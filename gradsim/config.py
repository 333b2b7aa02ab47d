"""The one typed run configuration.

Every field has a type, a default, an allowed range and a one-line description,
declared once here. The CLI (``--set``), TOML config files and the GUI's controls
all read this module, so their ranges and help texts never disagree.

Validation uses pydantic (a well-kept library that reports every bad field at
once); its messages are rewritten by :func:`_format_error` so that each names the
field, the value and the allowed range. Nothing is rounded or clamped: a value
out of range is an error.
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Sequence
from typing import Any, Literal, get_args

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from gradsim.errors import FieldDescription, FieldRule, Message, Reason, render
from gradsim.fileio import NotRead, atomic_write_text, read_regular_file

__all__ = [
    "RunConfig",
    "ConfigError",
    "FieldSpec",
    "FIELD_GROUPS",
    "RESET_FIELDS",
    "field_specs",
    "parse_assignment",
    "ignored_fields",
    "load_config",
    "save_config",
    "config_from_mapping",
    "reset_required",
    "VIEWS",
]

SEQ_LEN_MAX = 2000

#: The per-time-step gradient views every run records (see gradsim.core.bptt): ‖∂L/∂h_t‖,
#: ‖∂L_T/∂h_t‖ (the last step's loss only) and the size of step t's term of ∂L/∂W_hh.
VIEWS = ("total", "last", "weight")


class ConfigError(ValueError):
    """A configuration value, file or assignment that cannot be used.

    ``str()`` is one human-readable line (or several, one per bad field) that names the
    field, the value and what is allowed. The parts stay data: ``messages`` holds one
    :class:`~gradsim.errors.Message` per line, and ``field``, ``value`` and ``rule`` are the
    first bad field's name, value and allowed range (None for an error about no single
    field, e.g. an unreadable file), so a front end formats the error in its own language.

    ``ConfigError("text")``, ``ConfigError("%1 = %2", a, b)``, ``ConfigError(Reason("text"))``,
    ``ConfigError(message)`` or ``ConfigError([message, ...])``.
    """

    def __init__(self, message: "str | Message | Reason | Sequence[Message]", *args: Any) -> None:
        if isinstance(message, str):
            msgs: tuple[Message, ...] = (Message(message, tuple(args)),)
        elif isinstance(message, Reason):  # a whole sentence, translated as one
            msgs = (Message("%1", (message,)),)
        elif isinstance(message, Message):
            msgs = (message,)
        else:
            msgs = tuple(message)
        self.messages = msgs
        super().__init__(render(self))

    def __reduce__(self):  # pickles (to a worker process) with its structure
        return (_rebuild_config_error, (self.messages,))

    @property
    def field(self) -> str | None:
        return next((m.field for m in self.messages if m.field is not None), None)

    @property
    def value(self) -> Any:
        return next((m.value for m in self.messages if m.field is not None), None)

    @property
    def rule(self) -> str | None:
        return next((m.rule for m in self.messages if m.field is not None), None)

    def within(self, template: str, *args: Any) -> "ConfigError":
        """This error inside a context, e.g. ``err.within("config file %1: %2", repr(path))``:
        the context's last placeholder is this error."""
        return ConfigError(Message(template, (*args, self)))


def _rebuild_config_error(messages: tuple[Message, ...]) -> ConfigError:
    return ConfigError(list(messages))


def out_of_range(name: str, value: Any) -> Message:
    """``NAME = VALUE: must be RULE (DESCRIPTION)`` for field ``name``."""
    spec = _SPECS[name]
    rule = spec.describe_range()
    return Message("%1 = %2: must be %3 (%4)",
                   (name, repr(value), FieldRule(name, rule), FieldDescription(name, spec.description)),
                   field=name, value=value, rule=rule)


def unknown_fields(names: Sequence[str]) -> Message:
    """``unknown field(s) 'a', 'b' (known: …)``."""
    known = ", ".join(_SPECS)
    if len(names) == 1:
        return Message("%1: unknown field (known: %2)", (names[0], known), field=names[0], value=None,
                       rule=f"one of {known}")
    return Message("unknown fields %1 (known: %2)", (", ".join(map(repr, names)), known),
                   field=names[0], value=None, rule=f"one of {known}")


class RunConfig(BaseModel):
    """Everything that defines a training run. Immutable; use :meth:`replace`."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)

    def __init__(self, **data: Any) -> None:
        """Validate ``data``; raises :class:`ConfigError` (never pydantic's own error)."""
        _check_types(data)
        try:
            super().__init__(**data)
        except ValidationError as err:
            raise ConfigError(_errors(err)) from None

    # --- Task ---------------------------------------------------------------
    task: Literal["sine", "adding", "recall", "toy3", "csv"] = Field(
        "adding",
        description="sequence task: sine next-step, adding problem, long-range recall, seed 000's 3-step toy, "
                    "your own time series from a CSV file",
    )
    seq_len: int = Field(100, ge=1, le=SEQ_LEN_MAX, description="time steps per sequence (columns of the heatmap)")
    batch_size: int = Field(32, ge=1, le=1024, description="sequences per training iteration")
    n_classes: int = Field(4, ge=2, le=64, description="number of symbols in the recall task")
    # the csv task: windows of seq_len rows of the user's own series (gradsim.core.tasks.CsvTask)
    csv_path: str = Field("", description="csv task: the CSV file of the time series (empty = the shipped sample)")
    csv_columns: str = Field(
        "", description="csv task: input columns, names or 0-based numbers separated by commas "
                        "(empty = every numeric column except the target)",
    )
    csv_target: str = Field(
        "", description="csv task: the column to predict (empty = the next step of every input column)"
    )
    csv_horizon: int = Field(
        1, ge=0, le=10_000, description="csv task: predict this many rows ahead (0 = the same row; needs a target)"
    )
    csv_normalize: Literal["zscore", "minmax", "none"] = Field(
        "zscore", description="csv task: scale each column to mean 0 and std 1, to [0, 1], or leave it"
    )
    # --- Model --------------------------------------------------------------
    cell: Literal["rnn", "lstm", "gru"] = Field("rnn", description="recurrent cell type")
    hidden_size: int = Field(64, ge=1, le=1024, description="hidden units per layer")
    num_layers: int = Field(1, ge=1, le=4, description="stacked recurrent layers")
    activation: Literal["tanh", "sigmoid", "relu", "leaky_relu", "identity"] = Field(
        "tanh", description="nonlinearity f of the plain rnn cell (ignored by lstm/gru)"
    )
    leaky_slope: float = Field(0.01, gt=0.0, lt=1.0, description="negative slope of leaky_relu")
    residual: bool = Field(False, description="skip connection across time: h_t = h_{t-1} + cell output")
    norm: Literal["none", "layer", "batch"] = Field(
        "none", description="normalise the recurrent pre-activation (layer or batch statistics)"
    )
    # --- Initialisation -----------------------------------------------------
    init: Literal["default", "normal", "xavier", "orthogonal", "identity"] = Field(
        "default", description="initialisation of the recurrent weights (torch's default, N(0, init_std²), ...)"
    )
    init_std: float = Field(0.1, gt=0.0, le=10.0, description="standard deviation for init = normal")
    init_gain: float = Field(1.0, gt=0.0, le=100.0, description="multiplies W_hh after init (orthogonal: every singular value = gain)")
    forget_bias: float = Field(
        0.0, ge=-10.0, le=10.0,
        description="added to the LSTM forget-gate biases after init (1 or more keeps the cell path open; lstm only)",
    )
    spectral_radius: float | None = Field(
        None, gt=0.0, le=100.0, description="if set, rescale W_hh after init so its spectral radius is this value"
    )
    # --- Remedies -----------------------------------------------------------
    clip: Literal["none", "value", "norm"] = Field(
        "none", description="gradient clipping: each component to ±threshold, or the global norm"
    )
    clip_threshold: float = Field(1.0, gt=0.0, le=1e6, description="clipping threshold (seed 003 uses 15 by value)")
    grad_normalize: bool = Field(False, description="rescale the whole gradient to unit norm before the step")
    tbptt: int = Field(0, ge=0, le=SEQ_LEN_MAX, description="0 = full BPTT; k > 0 = gradient flows back at most k steps")
    stateful: bool = Field(False, description="carry the final hidden state (detached) into the next batch")
    # --- Optimiser ----------------------------------------------------------
    optimizer: Literal["sgd", "momentum", "adam", "rmsprop"] = Field(
        "adam", description="optimiser: plain SGD, SGD with momentum, Adam or RMSprop"
    )
    lr: float = Field(1e-3, gt=0.0, le=10.0, description="learning rate")
    momentum: float = Field(0.9, ge=0.0, lt=1.0, description="momentum of sgd-momentum (and rmsprop)")
    beta1: float = Field(0.9, ge=0.0, lt=1.0, description="Adam's first-moment decay")
    beta2: float = Field(0.999, ge=0.0, lt=1.0, description="Adam's second-moment decay")
    weight_decay: float = Field(0.0, ge=0.0, le=1.0, description="L2 weight decay")
    # --- Run ----------------------------------------------------------------
    seed: int = Field(0, ge=0, le=2**32 - 1, description="random seed (weights and data)")
    device: Literal["cpu", "cuda", "auto"] = Field("cpu", description="where to train (auto = cuda if available)")
    dtype: Literal["float32", "float64"] = Field("float32", description="floating-point precision")
    spectrum_every: int = Field(
        0, ge=0, le=100_000,
        description="compute W_hh's spectral radius and σ_max every N steps (0 = auto: every step up to H = 32, then every (H/32)² steps)",
    )

    @model_validator(mode="after")
    def _cross_field(self) -> "RunConfig":
        # ConfigError is a ValueError: pydantic keeps it in the error's context (see _errors)
        if self.tbptt > self.seq_len:
            raise ConfigError(Message("tbptt = %1: must be 0 or between 1 and seq_len (%2)",
                                      (str(self.tbptt), str(self.seq_len)), field="tbptt", value=self.tbptt,
                                      rule=f"0 or between 1 and seq_len ({self.seq_len})"))
        if self.norm == "batch" and self.batch_size < 2:
            raise ConfigError(Message(
                "norm = batch: needs batch_size ≥ 2 (batch statistics of one sequence are undefined)", (),
                field="norm", value="batch", rule="batch_size ≥ 2"))
        return self

    def replace(self, **changes: Any) -> "RunConfig":
        """Return a validated copy with ``changes`` applied (raises ConfigError)."""
        return config_from_mapping({**self.to_dict(), **changes})

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of every field (None for unset optionals)."""
        return self.model_dump()

    def diff(self, other: "RunConfig") -> dict[str, tuple[Any, Any]]:
        """Fields whose values differ: name -> (self's, other's)."""
        a, b = self.to_dict(), other.to_dict()
        return {k: (a[k], b[k]) for k in a if a[k] != b[k]}


#: Fields that change the model's shape, its initial weights or the data stream:
#: a trainer applies them only on reset. Everything else applies at the next step.
RESET_FIELDS: frozenset[str] = frozenset(
    {
        "task", "seq_len", "batch_size", "n_classes", "csv_path", "csv_columns", "csv_target", "csv_horizon",
        "csv_normalize", "cell", "hidden_size", "num_layers", "norm",
        "init", "init_std", "init_gain", "spectral_radius", "forget_bias", "seed", "device", "dtype",
    }
)

#: Control groups for the GUI, in display order.
FIELD_GROUPS: dict[str, list[str]] = {
    "Task": ["task", "seq_len", "batch_size", "n_classes", "seed", "csv_path", "csv_columns", "csv_target",
             "csv_horizon", "csv_normalize"],
    "Model": ["cell", "hidden_size", "num_layers", "activation", "leaky_slope", "residual", "norm"],
    "Initialisation": ["init", "init_std", "init_gain", "spectral_radius", "forget_bias"],
    "Remedies": ["clip", "clip_threshold", "grad_normalize", "tbptt", "stateful"],
    "Optimiser": ["optimizer", "lr", "momentum", "beta1", "beta2", "weight_decay"],
    "Run": ["device", "dtype", "spectrum_every"],
}


@dataclass(frozen=True)
class FieldSpec:
    """Metadata of one field, for building controls and messages."""

    name: str
    kind: str  # "choice" | "int" | "float" | "bool" | "text"
    default: Any
    description: str
    choices: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    low_inclusive: bool = True
    high_inclusive: bool = True
    optional: bool = False
    requires_reset: bool = False

    def describe_range(self) -> str:
        """Human text of the allowed values, e.g. ``a number > 0 and ≤ 10``."""
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        if self.kind == "bool":
            return "true or false"
        if self.kind == "text":
            return "a text"
        noun = "an integer" if self.kind == "int" else "a number"
        parts = []
        if self.low is not None:
            parts.append(f"{'≥' if self.low_inclusive else '>'} {_fmt(self.low)}")
        if self.high is not None:
            parts.append(f"{'≤' if self.high_inclusive else '<'} {_fmt(self.high)}")
        text = noun + (" " + " and ".join(parts) if parts else "")
        if self.optional:
            text += ", or none"
        return text

    def contains(self, value: float) -> bool:
        """Whether a number lies in this field's range (no type check)."""
        if self.low is not None and (value < self.low or (value == self.low and not self.low_inclusive)):
            return False
        if self.high is not None and (value > self.high or (value == self.high and not self.high_inclusive)):
            return False
        return True


def _fmt(x: float) -> str:
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:g}"


def _build_specs() -> dict[str, FieldSpec]:
    specs: dict[str, FieldSpec] = {}
    for name, info in RunConfig.model_fields.items():
        ann = info.annotation
        args = get_args(ann)
        optional = type(None) in args
        base = next((a for a in args if a is not type(None)), ann) if optional else ann
        low = high = None
        low_inc = high_inc = True
        for m in info.metadata:
            for attr, is_low, inc in (("ge", True, True), ("gt", True, False), ("le", False, True), ("lt", False, False)):
                v = getattr(m, attr, None)
                if v is not None:
                    if is_low:
                        low, low_inc = v, inc
                    else:
                        high, high_inc = v, inc
        if getattr(base, "__origin__", None) is Literal:
            kind, choices = "choice", tuple(get_args(base))
        elif base is bool:
            kind, choices = "bool", ()
        elif base is str:
            kind, choices = "text", ()
        elif base is int:
            kind, choices = "int", ()
        else:
            kind, choices = "float", ()
        specs[name] = FieldSpec(
            name=name, kind=kind, default=info.default, description=info.description or "",
            choices=choices, low=low, high=high, low_inclusive=low_inc, high_inclusive=high_inc,
            optional=optional, requires_reset=name in RESET_FIELDS,
        )
    return specs


_SPECS = _build_specs()


def field_specs() -> dict[str, FieldSpec]:
    """Metadata of every RunConfig field, in declaration order."""
    return dict(_SPECS)


def reset_required(old: RunConfig, new: RunConfig) -> list[str]:
    """Names of the fields that differ between ``old`` and ``new`` and need a reset."""
    return [k for k in old.diff(new) if k in RESET_FIELDS]


def _errors(err: ValidationError) -> list[Message]:
    """One message per problem pydantic found."""
    out: list[Message] = []
    for e in err.errors():
        loc = [str(p) for p in e.get("loc", ())]
        name = loc[0] if loc else ""
        cause = (e.get("ctx") or {}).get("error")
        if isinstance(cause, ConfigError):  # a cross-field check: its own messages
            out.extend(cause.messages)
        elif name in _SPECS:
            out.append(out_of_range(name, e.get("input")))
        elif e.get("type") == "extra_forbidden":
            out.append(unknown_fields([name]))
        else:  # pragma: no cover - every validator of RunConfig raises ConfigError
            out.append(Message(str(e.get("msg", "")).removeprefix("Value error, ")))
    return out


def config_from_mapping(data: dict[str, Any]) -> RunConfig:
    """Validate a mapping (e.g. parsed TOML) into a RunConfig; raises ConfigError."""
    return RunConfig(**data)


def _check_types(data: dict[str, Any]) -> None:
    """Refuse what pydantic's lax mode would quietly convert; raises ConfigError."""
    unknown = [k for k in data if k not in _SPECS]
    if unknown:
        raise ConfigError(unknown_fields(unknown))
    for k, v in data.items():
        # pydantic's lax mode would turn 3.0 into 3 and True into 1; we refuse both.
        spec = _SPECS[k]
        if spec.kind in ("int", "float") and not isinstance(v, (int, float)) and not (v is None and spec.optional):
            # pydantic's lax mode would also parse the string "10" from a config file
            raise ConfigError(out_of_range(k, v))
        if spec.kind == "int" and (isinstance(v, bool) or (isinstance(v, float))):
            raise ConfigError(out_of_range(k, v))
        if spec.kind == "float" and isinstance(v, float) and not math.isfinite(v):
            raise ConfigError(out_of_range(k, v))
        if spec.kind in ("float", "int") and isinstance(v, bool):
            raise ConfigError(out_of_range(k, v))
        if spec.kind == "bool" and not isinstance(v, bool):
            raise ConfigError(out_of_range(k, v))


def parse_value(name: str, text: str) -> Any:
    """Parse the text of one field's value the way a person types it.

    ``1e-4``, ``0.0001``, ``true``/``false``, ``none`` (optional fields). Raises
    ConfigError naming the field when the text is not a value of the field's type.
    """
    if name not in _SPECS:
        raise ConfigError(unknown_fields([name]))
    spec = _SPECS[name]
    t = text.strip()
    bad = ConfigError(out_of_range(name, text))
    if spec.optional and t.lower() in ("none", "null", ""):
        return None
    if spec.kind in ("choice", "text"):
        return t
    if spec.kind == "bool":
        low = t.lower()
        if low in ("true", "yes", "on", "1"):
            return True
        if low in ("false", "no", "off", "0"):
            return False
        raise bad
    if spec.kind == "int":
        try:
            return int(t)
        except ValueError:
            raise bad from None
    try:
        value = float(t.replace(",", ".")) if t.count(",") == 1 and "." not in t else float(t)
    except ValueError:
        raise bad from None
    if not math.isfinite(value):
        raise bad
    return value


def parse_assignment(text: str) -> tuple[str, Any]:
    """Parse ``key=value`` (as given to ``--set``) into a field name and a typed value."""
    if "=" not in text:
        raise ConfigError("--set %1: expected key=value", repr(text))
    key, _, value = text.partition("=")
    key = key.strip()
    return key, parse_value(key, value)


def _unused_by(cfg: "RunConfig", name: str) -> str | None:
    """The field whose value makes ``name`` irrelevant in ``cfg``, or None."""
    if name == "init_gain" and cfg.spectral_radius is not None:
        return "spectral_radius"  # the rescale to the target radius undoes any gain
    if name == "init_std" and cfg.init != "normal":
        return "init"
    if name == "leaky_slope" and (cfg.cell != "rnn" or cfg.activation != "leaky_relu"):
        return "cell" if cfg.cell != "rnn" else "activation"
    if name == "activation" and cfg.cell != "rnn":
        return "cell"
    if name == "forget_bias" and cfg.cell != "lstm":
        return "cell"
    if name == "momentum" and cfg.optimizer in ("sgd", "adam"):
        return "optimizer"
    if name in ("beta1", "beta2") and cfg.optimizer != "adam":
        return "optimizer"
    if name == "clip_threshold" and cfg.clip == "none":
        return "clip"
    if name == "n_classes" and cfg.task != "recall":
        return "task"
    if name.startswith("csv_") and cfg.task != "csv":
        return "task"
    return None


def ignored_fields(cfg: "RunConfig", names: Sequence[str]) -> list[Message]:
    """One message per field of ``names`` that has no effect in ``cfg`` because another
    field overrides it (``init_gain = 1.2 has no effect with spectral_radius = 0.6``), for a
    front end to warn about what a user set in vain."""
    out = []
    data = cfg.to_dict()
    for name in dict.fromkeys(names):
        other = _unused_by(cfg, name) if name in data else None
        if other is not None:
            out.append(Message("%1 = %2 has no effect with %3 = %4",
                               (name, repr(data[name]), other, repr(data[other])), field=name, value=data[name]))
    return out


#: Messages of :func:`read_toml` by what it reads: (unreadable, not TOML).
_READ_TEMPLATES = {
    "config file": ("cannot read config file %1: %2", "config file %1 is not valid TOML: %2"),
    "lecture": ("cannot read lecture %1: %2", "lecture %1 is not valid TOML: %2"),
    "grid file": ("cannot read grid file %1: %2", "grid file %1 is not valid TOML: %2"),
}

#: The largest TOML file :func:`read_toml` reads (a config, a lecture or a grid is a few kB).
MAX_TOML_BYTES = 1 << 20
#: The deepest nesting of arrays and tables :func:`read_toml` accepts (gradsim's files use 3).
MAX_TOML_DEPTH = 32


def _too_deep(data: Any) -> bool:
    """Whether arrays and tables nest deeper than :data:`MAX_TOML_DEPTH` (walked without recursion)."""
    stack = [(data, 0)]  # the document itself is level 0
    while stack:
        node, depth = stack.pop()
        if depth > MAX_TOML_DEPTH:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((c, depth + 1) for c in children if isinstance(c, (dict, list)))
    return False


def read_toml(path, what: str = "config file") -> dict[str, Any]:
    """Parse a TOML file (a path or an importlib.resources Traversable); raises
    ConfigError naming ``what``, the file and the reason.

    Only a regular file of at most 1 MiB (:data:`MAX_TOML_BYTES`) is read, and arrays and
    tables may nest :data:`MAX_TOML_DEPTH` deep: anything else is one clear error, never a
    hang, a memory blow-up or a RecursionError.
    """
    p = Path(path) if isinstance(path, (str, os.PathLike)) else path
    unreadable, not_toml = _READ_TEMPLATES[what]
    try:
        if isinstance(p, Path):
            raw = read_regular_file(p, MAX_TOML_BYTES)
        else:  # a resource shipped inside the package
            raw = p.read_bytes()
            if len(raw) > MAX_TOML_BYTES:
                raise NotRead("large", MAX_TOML_BYTES)
    except NotRead as err:
        raise ConfigError(unreadable, repr(str(p)), err.reason) from None
    except OSError as err:
        raise ConfigError(unreadable, repr(str(p)), Reason(err.strerror or str(err))) from None
    head = raw[:64]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(head) >= 4 and (not any(head[1::2]) or not any(head[0::2]))):
        raise ConfigError(not_toml, repr(str(p)), Reason("UTF-16 text; save the file as UTF-8")) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        # the parser's own detail (line and column) stays in its words
        raise ConfigError(not_toml, repr(str(p)), str(err)) from None
    except RecursionError:
        raise ConfigError(not_toml, repr(str(p)), Reason("arrays or tables nested too deeply")) from None
    except ValueError:  # an integer beyond Python's digit limit (sys.get_int_max_str_digits)
        raise ConfigError(not_toml, repr(str(p)), Reason("an integer with too many digits")) from None
    if _too_deep(data):
        raise ConfigError(not_toml, repr(str(p)), Reason("arrays or tables nested too deeply")) from None
    return data


def load_config(path: str | os.PathLike[str]) -> RunConfig:
    """Load and validate a TOML config file; raises ConfigError naming the file."""
    p = Path(path)
    data = read_toml(p)
    # Presets carry a description, a display order and maybe colour levels; config files
    # may too (a copied preset must load with --config). None is a field (the levels are a
    # preset's picture setting: gradsim.content.presets).
    data.pop("description", None)
    data.pop("order", None)
    data.pop("levels", None)
    try:
        return config_from_mapping(data)
    except ConfigError as err:
        raise err.within("config file %1: %2", repr(str(p))) from None


def config_to_toml(cfg: RunConfig, description: str | None = None) -> str:
    """TOML text of every field (unset optionals are omitted, so it loads back equal)."""
    data = {k: v for k, v in cfg.to_dict().items() if v is not None}
    if description:
        data = {"description": description, **data}
    return tomli_w.dumps(data)


def save_config(cfg: RunConfig, path: str | os.PathLike[str], description: str | None = None) -> None:
    """Write ``cfg`` as TOML atomically: a failed save leaves any old file intact.

    Raises OSError ``cannot write 'PATH': REASON`` (never naming the temporary file)."""
    atomic_write_text(path, config_to_toml(cfg, description))
