"""Languages of the app (English, 简体中文) with Qt's own translation tooling.

Every user-visible string in ``gradsim/app`` goes through ``self.tr`` or
``QCoreApplication.translate``; ``pyside6-lupdate`` extracts them into
``resources/i18n/gradsim_zh_CN.ts`` and ``pyside6-lrelease`` compiles the ``.qm`` that
:func:`set_language` installs (``tools/update_translations.py`` does both).

The Qt-free core (:mod:`gradsim.config`) speaks English. Its field labels, descriptions
and choices are listed for lupdate in the generated :mod:`gradsim.app.config_strings`
and translated here in the context ``"RunConfig"``; its errors carry structured messages
(:mod:`gradsim.errors`) that :func:`translate_error` rebuilds in the current language.

Switching language installs or removes one QTranslator on the application; Qt then
sends ``QEvent.LanguageChange`` to every widget, and each widget built with text
re-applies it in ``retranslate()``.
"""

from __future__ import annotations

import re
from importlib import resources

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QTranslator

from gradsim.config import FieldSpec, field_specs
from gradsim.errors import FieldDescription, FieldRule, Reason, messages_of, render

__all__ = [
    "LANGUAGES", "SETTINGS_KEY", "set_language", "current_language", "saved_language",
    "tr_config", "field_label", "field_description", "choice_label", "describe_range",
    "translate_config_error", "translate_error", "translate_theory", "translate_legend", "translate_legends",
    "translate_plot_text", "preset_description",
]

#: Language code -> its name in that language (View → Language shows these).
LANGUAGES = {"en": "English", "zh": "简体中文"}
#: QSettings key of the chosen language ("en" / "zh"); the lecture panel reads it too.
SETTINGS_KEY = "ui/language"
_QM = {"zh": "gradsim_zh_CN.qm"}

_state: dict = {"lang": "en", "translator": None}


def _load_translator(lang: str) -> QTranslator | None:
    name = _QM.get(lang)
    if name is None:
        return None
    try:
        data = (resources.files("gradsim.resources") / "i18n" / name).read_bytes()
    except OSError:
        return None
    translator = QTranslator(QCoreApplication.instance())
    # load(data) works from a wheel, a zip or a source tree alike. Qt does not copy the
    # data: the bytes must live as long as the translator, hence the attribute.
    if not translator.load(data):
        return None
    translator._gradsim_qm = data
    return translator


def set_language(lang: str) -> bool:
    """Install ``lang`` ("en" or "zh") on the running application.

    Returns False (and keeps the current language) when the translation cannot be
    loaded. Every widget gets ``QEvent.LanguageChange`` from Qt.
    """
    if lang not in LANGUAGES:
        return False
    app = QCoreApplication.instance()
    if app is None:
        return False
    if lang == _state["lang"] and (lang == "en" or _state["translator"] is not None):
        return True
    new = _load_translator(lang)
    if lang != "en" and new is None:
        return False
    old = _state["translator"]
    if old is not None:
        app.removeTranslator(old)
    if new is not None:
        app.installTranslator(new)
    elif old is not None:
        pass  # removing the translator already sent LanguageChange
    _state["translator"], _state["lang"] = new, lang
    return True


def current_language() -> str:
    """The installed language code ("en" or "zh")."""
    return _state["lang"]


def saved_language(settings) -> str:
    """The language stored in ``settings`` (``ui/language``), "en" when unset or unknown."""
    value = settings.value(SETTINGS_KEY, "en")
    return value if value in LANGUAGES else "en"


# ------------------------------------------------------------------ config texts
def tr_config(text: str) -> str:
    """A field label, description or choice of :mod:`gradsim.config` in the current language."""
    return QCoreApplication.translate("RunConfig", text) if text else text


def field_label(spec: FieldSpec) -> str:
    """The control's label: ``learning rate``-style words (``lr`` -> ``lr``)."""
    return tr_config(spec.name.replace("_", " "))


def field_description(spec: FieldSpec) -> str:
    return tr_config(spec.description)


def choice_label(choice: str) -> str:
    """A choice of a field (``sine``, ``norm``, ...) as the combo box shows it."""
    return QCoreApplication.translate("RunConfigChoice", choice) if choice else choice


def preset_description(description: str) -> str:
    """A shipped preset's description in the current language (a user's own stays as written)."""
    return QCoreApplication.translate("Presets", description) if description else description


def _num(x: float) -> str:
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:g}"


def describe_range(spec: FieldSpec) -> str:
    """:meth:`FieldSpec.describe_range` in the current language."""
    if spec.kind == "choice":
        return QCoreApplication.translate("ConfigText", "one of %1").replace("%1", ", ".join(spec.choices))
    if spec.kind == "bool":
        return QCoreApplication.translate("ConfigText", "true or false")
    if spec.kind == "text":
        return QCoreApplication.translate("ConfigText", "a text")
    parts = []
    if spec.low is not None:
        parts.append(f"{'≥' if spec.low_inclusive else '>'} {_num(spec.low)}")
    if spec.high is not None:
        parts.append(f"{'≤' if spec.high_inclusive else '<'} {_num(spec.high)}")
    bounds = QCoreApplication.translate("ConfigText", " and ").join(parts)
    if spec.kind == "int":
        text = QCoreApplication.translate("ConfigText", "an integer %1") if parts else QCoreApplication.translate("ConfigText", "an integer")
    else:
        text = QCoreApplication.translate("ConfigText", "a number %1") if parts else QCoreApplication.translate("ConfigText", "a number")
    text = text.replace("%1", bounds)
    if spec.optional:
        text = QCoreApplication.translate("ConfigText", "%1, or none").replace("%1", text)
    return text


def translate_error(err: "BaseException | str") -> str:
    """An error in the current language.

    The core's errors (:class:`gradsim.config.ConfigError`, the file writers'
    :class:`gradsim.fileio.WriteError`, lecture-script errors) carry structured messages
    (:mod:`gradsim.errors`): each template is translated here, a field's rule and meaning
    are rebuilt from its spec, an OS reason is translated as a whole, and paths, field
    names and values stay as typed. Anything else (a plain string, an exception without
    messages) is shown as it is: nothing parses English text.
    """
    if _state["lang"] == "en":
        return render(err)
    return render(err, _translate_template, _translate_arg)


#: Old name, kept for the callers that format config errors.
translate_config_error = translate_error


def _translate_template(template: str) -> str:
    return QCoreApplication.translate("Errors", template)


def _translate_arg(arg) -> str:
    specs = field_specs()
    if isinstance(arg, Reason):
        return QCoreApplication.translate("Errors", arg.text)
    if isinstance(arg, FieldRule):
        return describe_range(specs[arg.field]) if arg.field in specs else arg.text
    if isinstance(arg, FieldDescription):
        return field_description(specs[arg.field]) if arg.field in specs else arg.text
    if messages_of(arg) is not None:
        return render(arg, _translate_template, _translate_arg)
    return str(arg)


#: Every template and reason of the core's errors, for lupdate (context "Errors"). A test
#: checks that each Message template in the Qt-free packages is listed here.
ERROR_TEXTS = [
    # gradsim.config
    QT_TRANSLATE_NOOP("Errors", "%1 = %2: must be %3 (%4)"),
    QT_TRANSLATE_NOOP("Errors", "%1: unknown field (known: %2)"),
    QT_TRANSLATE_NOOP("Errors", "unknown fields %1 (known: %2)"),
    QT_TRANSLATE_NOOP("Errors", "tbptt = %1: must be 0 or between 1 and seq_len (%2)"),
    QT_TRANSLATE_NOOP("Errors", "norm = batch: needs batch_size ≥ 2 (batch statistics of one sequence are undefined)"),
    QT_TRANSLATE_NOOP("Errors", "--set %1: expected key=value"),
    QT_TRANSLATE_NOOP("Errors", "cannot read config file %1: %2"),
    QT_TRANSLATE_NOOP("Errors", "config file %1 is not valid TOML: %2"),
    QT_TRANSLATE_NOOP("Errors", "config file %1: %2"),
    QT_TRANSLATE_NOOP("Errors", "cannot read lecture %1: %2"),
    QT_TRANSLATE_NOOP("Errors", "lecture %1 is not valid TOML: %2"),
    QT_TRANSLATE_NOOP("Errors", "cannot read grid file %1: %2"),
    QT_TRANSLATE_NOOP("Errors", "grid file %1 is not valid TOML: %2"),
    QT_TRANSLATE_NOOP("Errors", "%1 = %2 has no effect with %3 = %4"),
    QT_TRANSLATE_NOOP("Errors", "not a regular file"),
    QT_TRANSLATE_NOOP("Errors", "larger than 1 MiB"),
    QT_TRANSLATE_NOOP("Errors", "arrays or tables nested too deeply"),
    QT_TRANSLATE_NOOP("Errors", "an integer with too many digits"),
    # gradsim.core.budget
    QT_TRANSLATE_NOOP("Errors", "this run needs about %1 of memory but %2 is available "
                                "(lower batch_size, seq_len or hidden_size)"),
    QT_TRANSLATE_NOOP("Errors", "this run needs about %1 of GPU memory but %2 is free "
                                "(lower batch_size, seq_len or hidden_size)"),
    # gradsim.runs.folder
    QT_TRANSLATE_NOOP("Errors", "no folder given"),
    QT_TRANSLATE_NOOP("Errors", "not a folder"),
    QT_TRANSLATE_NOOP("Errors", "holds files that are not a gradsim run (choose an empty or new folder)"),
    # gradsim.content
    QT_TRANSLATE_NOOP("Errors", "unknown preset %1 (known: %2)"),
    QT_TRANSLATE_NOOP("Errors", "preset %1: %2"),
    QT_TRANSLATE_NOOP("Errors", "lecture %1, step %2: %3"),
    QT_TRANSLATE_NOOP("Errors", "lecture %1: %2"),
    # gradsim.content.claims (a lecture step's live claims)
    QT_TRANSLATE_NOOP("Errors", "%1 is not an expression (a string such as \"rho\" or \"last_ratio(0, -1)\")"),
    QT_TRANSLATE_NOOP("Errors", "unknown quantity %1 (known: %2)"),
    QT_TRANSLATE_NOOP("Errors", "%1: %2 takes %3 arguments, not %4"),
    QT_TRANSLATE_NOOP("Errors", "%1 is text, not a number: use it in a placeholder, not in an expectation"),
    QT_TRANSLATE_NOOP("Errors", "%1 = %2: must be a finite number"),
    QT_TRANSLATE_NOOP("Errors", "%1 = %2: must be an iteration (an integer, 0 or more)"),
    QT_TRANSLATE_NOOP("Errors", "%1 = %2: the step stops after %3 iterations, so iteration %2 never comes"),
    QT_TRANSLATE_NOOP("Errors", "must be a table ([[step.expect]] with what = … and below = … or above = …)"),
    QT_TRANSLATE_NOOP("Errors", "missing field 'what' (an expression such as \"rho\")"),
    QT_TRANSLATE_NOOP("Errors", "field 'what' = %1: write the iteration as at = N, not with @"),
    QT_TRANSLATE_NOOP("Errors", "needs below = … or above = … (or both)"),
    QT_TRANSLATE_NOOP("Errors", "above = %1 is not less than below = %2: nothing could pass"),
    QT_TRANSLATE_NOOP("Errors", "give at = N (checked at iteration N) or by = N (held at some iteration up to N), not both"),
    QT_TRANSLATE_NOOP("Errors", "field 'expect' must be a list of tables ([[step.expect]]), not %1"),
    QT_TRANSLATE_NOOP("Errors", "%1: argument %2 is not an integer"),
    QT_TRANSLATE_NOOP("Errors", "%1: the iteration after @ must be 0 or more"),
    QT_TRANSLATE_NOOP("Errors", "field 'what': %1"),
    QT_TRANSLATE_NOOP("Errors", "field 'say' must be a table with a text for each of %1"),
    QT_TRANSLATE_NOOP("Errors", "expectation %1: %2"),
    QT_TRANSLATE_NOOP("Errors", "placeholder %1: bad format %2 (use .N for N significant digits, or a Python format such as .3f)"),
    QT_TRANSLATE_NOOP("Errors", "field %1 (%2): %3"),
    QT_TRANSLATE_NOOP("Errors", "missing field %1 (a table %2)"),
    QT_TRANSLATE_NOOP("Errors", "field %1 must be a table %2, not %3"),
    QT_TRANSLATE_NOOP("Errors", "field %1: unknown language %2 (expected %3)"),
    QT_TRANSLATE_NOOP("Errors", "field %1: missing or empty %2 text (every text needs %3)"),
    QT_TRANSLATE_NOOP("Errors", "unknown top-level field %1 (known: %2)"),
    QT_TRANSLATE_NOOP("Errors", "unknown field %1 (known: %2)"),
    QT_TRANSLATE_NOOP("Errors", "field 'preset' is missing or not a string (known: %1)"),
    QT_TRANSLATE_NOOP("Errors", "field 'preset': unknown preset %1 (known: %2)"),
    QT_TRANSLATE_NOOP("Errors", "field 'set' must be a table {field = value}, not %1"),
    QT_TRANSLATE_NOOP("Errors", "field 'set': %1"),
    QT_TRANSLATE_NOOP("Errors", "field 'view' = %1: must be one of %2"),
    QT_TRANSLATE_NOOP("Errors", "field 'stop_at' = %1: must be an integer from 1 to %2"),
    QT_TRANSLATE_NOOP("Errors", "field 'delay' = %1: must be a number of seconds from 0 to 1"),
    QT_TRANSLATE_NOOP("Errors", "field 'play' = %1: must be true or false"),
    QT_TRANSLATE_NOOP("Errors", "field 'hide' must be a list of control names, not %1"),
    QT_TRANSLATE_NOOP("Errors", "field 'hide': unknown control %1 (known: %2)"),
    QT_TRANSLATE_NOOP("Errors", "field 'plots' must be a list of plot names (%1), not %2"),
    QT_TRANSLATE_NOOP("Errors", "field 'plots': unknown plot %1 (known: %2)"),
    QT_TRANSLATE_NOOP("Errors", "field 'levels' = %1: must be [low, high], log10 of the gradient norm, finite, "
                                "low < high, from %2 to %3 (or \"data\": follow the data)"),
    # gradsim.core
    QT_TRANSLATE_NOOP("Errors", "device = 'cuda': CUDA is not available on this machine (use cpu or auto)"),
    # gradsim.core.tasks: the csv task's file
    QT_TRANSLATE_NOOP("Errors", "the shipped sample"),
    QT_TRANSLATE_NOOP("Errors", "csv_path = %1: UTF-16 text, not UTF-8 (save the CSV as UTF-8)"),
    QT_TRANSLATE_NOOP("Errors", "csv_path = %1: line %2 holds a NUL byte: a binary file, not CSV text (save the CSV "
                                "as UTF-8 text)"),
    QT_TRANSLATE_NOOP("Errors", "csv_path = %1: the file has no rows"),
    QT_TRANSLATE_NOOP("Errors", "csv_target = %1: name one column"),
    QT_TRANSLATE_NOOP("Errors", "csv_horizon = 0: the target %1 is also an input, so predicting it at the same row "
                                "is copying it (use csv_horizon ≥ 1, or a target that is not an input)"),
    QT_TRANSLATE_NOOP("Errors", "csv_path = %1: %2 has %3 data rows; seq_len = %4 with csv_horizon = %5 needs at "
                                "least %6 (lower seq_len or use a longer series)"),
    QT_TRANSLATE_NOOP("Errors", "csv_path = %1: no such file"),
    QT_TRANSLATE_NOOP("Errors", "csv_path = %1: is a folder, not a CSV file"),
    QT_TRANSLATE_NOOP("Errors", "csv_path = %1: cannot read it: %2"),
    QT_TRANSLATE_NOOP("Errors", "csv_path = %1: not a regular file (a named pipe or a device is not read)"),
    QT_TRANSLATE_NOOP("Errors", "csv_path = %1: larger than %2, the most the csv task reads"),
    QT_TRANSLATE_NOOP("Errors", "csv_path = %1: line %2 is not UTF-8 text (save the CSV as UTF-8)"),
    QT_TRANSLATE_NOOP("Errors", "csv_path = %1: line %2 is not valid CSV: %3"),
    QT_TRANSLATE_NOOP("Errors", "csv_path = %1: %2 has a header row and no data rows"),
    QT_TRANSLATE_NOOP("Errors", "csv_path = %1: line %2 has %3 fields, the header %4"),
    QT_TRANSLATE_NOOP("Errors", "%1 = %2: column %3 of %4 is not numeric (%5)"),
    QT_TRANSLATE_NOOP("Errors", "csv_path = %1: %2 has no numeric column"),
    QT_TRANSLATE_NOOP("Errors", "csv_columns = %1: no input column"),
    QT_TRANSLATE_NOOP("Errors", "%1 = %2: no column %3 in %4 (columns: %5)"),
    QT_TRANSLATE_NOOP("Errors", "csv_path = %1: line %2 has a cell longer than %3 characters"),
    QT_TRANSLATE_NOOP("Errors", "line %1 has %2"),
    QT_TRANSLATE_NOOP("Errors", "line %1 has %2, not a finite number"),
    QT_TRANSLATE_NOOP("Errors", "csv_path = %1: line %2 has %3 fields, more than the %4 columns the csv task reads"),
    QT_TRANSLATE_NOOP("Errors", "line %1 has an empty cell"),
    QT_TRANSLATE_NOOP("Errors", "csv_path = %1: column %2 of %3 mixes numbers with other cells (%4); fix the file, "
                                "or choose the input columns with csv_columns"),
    # gradsim.runs.sweep, gradsim.runs.sweep_plot: grid files, sweep folders, the phase diagram
    QT_TRANSLATE_NOOP("Errors", "[axes] %1: the range has %2 values, more than %3"),
    QT_TRANSLATE_NOOP("Errors", "[axes] seed: give the seeds with `seeds = N` or `seeds = [...]` at the top level"),
    QT_TRANSLATE_NOOP("Errors", "[base]: give preset or config, not both"),
    QT_TRANSLATE_NOOP("Errors", "[base] seed: give the seeds with `seeds = N` or `seeds = [...]` at the top level"),
    QT_TRANSLATE_NOOP("Errors", "[axes]: give at least one axis, e.g. init_gain = { log = [0.25, 4.0], num = 9 }"),
    QT_TRANSLATE_NOOP("Errors", "--x and --y are both %1: give two different axes"),
    QT_TRANSLATE_NOOP("Errors", "--metric %1: unknown (known: %2)"),
    QT_TRANSLATE_NOOP("Errors", "[axes] %1: %2 = %3: must be two numbers [a, b]"),
    QT_TRANSLATE_NOOP("Errors", "[axes] %1: unknown field (known: %2)"),
    QT_TRANSLATE_NOOP("Errors", "[axes] %1: no values"),
    QT_TRANSLATE_NOOP("Errors", "unknown keys %1 (known: %2)"),
    QT_TRANSLATE_NOOP("Errors", "[base]: %1"),
    QT_TRANSLATE_NOOP("Errors", "steps = %1: must be an integer from 1 to %2"),
    QT_TRANSLATE_NOOP("Errors", "the grid has %1 runs (points × seeds), more than %2"),
    QT_TRANSLATE_NOOP("Errors", "[metrics]: unknown key %1 (known: reach_fraction, learned_below, tail)"),
    QT_TRANSLATE_NOOP("Errors", "[plot]: unknown key %1 (known: metric, x, y)"),
    QT_TRANSLATE_NOOP("Errors", "[plot] metric = %1: unknown (known: %2)"),
    QT_TRANSLATE_NOOP("Errors", "grid file %1: %2"),
    QT_TRANSLATE_NOOP("Errors", "cannot read sweep table %1: %2"),
    QT_TRANSLATE_NOOP("Errors", "--%1 %2: not an axis of this sweep (axes: %3)"),
    QT_TRANSLATE_NOOP("Errors", "[axes] %1: %2 = %3: both ends must be finite numbers"),
    QT_TRANSLATE_NOOP("Errors", "[axes] %1: %2 values, more than %3"),
    QT_TRANSLATE_NOOP("Errors", "[axes] %1 = %2: give a list of values or a range table"),
    QT_TRANSLATE_NOOP("Errors", "unknown key %1 (known: %2)"),
    QT_TRANSLATE_NOOP("Errors", "%1 = %2: must be a table ([%1])"),
    QT_TRANSLATE_NOOP("Errors", "[base] %1 = %2: must be a name (a non-empty string)"),
    QT_TRANSLATE_NOOP("Errors", "seeds = %1: must be an integer from 1 to %2 or a list of seeds"),
    QT_TRANSLATE_NOOP("Errors", "seeds = %1: must be an integer ≥ 1 or a list of seeds (integers from 0 to %2)"),
    QT_TRANSLATE_NOOP("Errors", "[plot] %1 = %2: not an axis of this grid (axes: %3)"),
    QT_TRANSLATE_NOOP("Errors", "grid %1: no such file or shipped grid (shipped: %2)"),
    QT_TRANSLATE_NOOP("Errors", "shipped grid %1: %2"),
    QT_TRANSLATE_NOOP("Errors", "--scheduler: Dask is not installed (pip install 'gradsim[cluster]')"),
    QT_TRANSLATE_NOOP("Errors", "[metrics] %1 = %2: must be a number > 0 and ≤ 1"),
    QT_TRANSLATE_NOOP("Errors", "[axes] %1: a range needs a numeric field; give a list of values"),
    QT_TRANSLATE_NOOP("Errors", "cannot connect to the Dask scheduler %1: %2"),
    QT_TRANSLATE_NOOP("Errors", "[axes] %1: num = %2: must be an integer ≥ 1"),
    QT_TRANSLATE_NOOP("Errors", "[axes] %1: log = [%2, %3]: both ends must be > 0"),
    QT_TRANSLATE_NOOP("Errors", "[axes] %1: a range is { log = [a, b], num = n }, { lin = [a, b], num = n } or { "
                                "range = [a, b], step = s }; got keys %2"),
    QT_TRANSLATE_NOOP("Errors", "grid point %1, seed=%2: %3"),
    QT_TRANSLATE_NOOP("Errors", "[axes] %1: step = %2: must be > 0"),
    QT_TRANSLATE_NOOP("Errors", "sweep manifest %1: %2 is missing or malformed"),
    QT_TRANSLATE_NOOP("Errors", "%1 is not a folder (a sweep folder is written by `gradsim sweep`)"),
    QT_TRANSLATE_NOOP("Errors", "sweep %1: a phase diagram needs two axes, this sweep has %2"),
    QT_TRANSLATE_NOOP("Errors", "sweep folder %1: no such folder"),
    QT_TRANSLATE_NOOP("Errors", "cannot read sweep folder %1: %2"),
    QT_TRANSLATE_NOOP("Errors", "%1 is not a sweep folder (no sweep.json; make one with `gradsim sweep`)"),
    QT_TRANSLATE_NOOP("Errors", "cannot read sweep manifest %1: %2"),
    QT_TRANSLATE_NOOP("Errors", "sweep manifest %1 is not valid JSON: %2"),
    QT_TRANSLATE_NOOP("Errors", "sweep table %1: no column %2"),
    QT_TRANSLATE_NOOP("Errors", "larger than 64 MiB"),
    QT_TRANSLATE_NOOP("Errors", "larger than 16 MiB"),
    QT_TRANSLATE_NOOP("Errors", "too large"),
    QT_TRANSLATE_NOOP("Errors", "UTF-16 text; save the file as UTF-8"),
    QT_TRANSLATE_NOOP("Errors", "arrays or objects nested too deeply"),
    QT_TRANSLATE_NOOP("Errors", "[overrides] %1: name an axis and one of its values, e.g. \"cell=lstm\" (axes: %2)"),
    QT_TRANSLATE_NOOP("Errors", "[overrides] %1: %2 is not a value of axis %3 (values: %4)"),
    QT_TRANSLATE_NOOP("Errors", "[overrides] %1 = %2: must be a table of fields, e.g. { lr = 0.1 }"),
    QT_TRANSLATE_NOOP("Errors", "[overrides] %1: %2: unknown field (known: %3)"),
    QT_TRANSLATE_NOOP("Errors", "[overrides] %1: %2 is an axis or the seed; an override sets other fields"),
    # gradsim.core.tasks.CsvSeries.describe (what the csv task read)
    QT_TRANSLATE_NOOP("Errors", "%1: %2 rows; inputs %3; predicts %4, %5 row(s) ahead"),
    QT_TRANSLATE_NOOP("Errors", "%1: %2 rows; inputs %3; predicts %4, %5 row(s) ahead; left out (not numeric): %6"),
    # gradsim.runs.live.loop (the worker could not build the model)
    QT_TRANSLATE_NOOP("Errors", "cannot build the model: %1"),
    QT_TRANSLATE_NOOP("Errors", "no model to train: fix the configuration and press Reset"),
    QT_TRANSLATE_NOOP("Errors", "training step failed: %1: %2"),
    # gradsim.runs.lockstep
    QT_TRANSLATE_NOOP("Errors", "A/B comparison: field %1 must match, because both runs train on the same seed and "
                                "data batches (A: %2; B: %3)"),
    QT_TRANSLATE_NOOP("Errors", "A/B comparison: fields %1 must match, because both runs train on the same seed and "
                                "data batches (A: %2; B: %3)"),
    # gradsim.fileio, the figure / animation / report writers
    QT_TRANSLATE_NOOP("Errors", "cannot write %1: %2"),
    QT_TRANSLATE_NOOP("Errors", "cannot write report %1: %2"),
    QT_TRANSLATE_NOOP("Errors", "cannot write animation %1: %2"),
    QT_TRANSLATE_NOOP("Errors", "cannot export figure to %1: %2"),
    QT_TRANSLATE_NOOP("Errors", "cannot write to output folder %1: %2"),
    QT_TRANSLATE_NOOP("Errors", "unknown format %1; use %2"),
    QT_TRANSLATE_NOOP("Errors", "ffmpeg could not start (%1)"),
    QT_TRANSLATE_NOOP("Errors", "ffmpeg stopped (%1)"),
    QT_TRANSLATE_NOOP("Errors", "the encoder wrote an incomplete file"),
    # reasons: an OSError's strerror (Linux and macOS) and the core's own
    QT_TRANSLATE_NOOP("Errors", "Permission denied"),
    QT_TRANSLATE_NOOP("Errors", "No such file or directory"),
    QT_TRANSLATE_NOOP("Errors", "Is a directory"),
    QT_TRANSLATE_NOOP("Errors", "Not a directory"),
    QT_TRANSLATE_NOOP("Errors", "No space left on device"),
    QT_TRANSLATE_NOOP("Errors", "Read-only file system"),
    QT_TRANSLATE_NOOP("Errors", "File name too long"),
    QT_TRANSLATE_NOOP("Errors", "Disk quota exceeded"),
    QT_TRANSLATE_NOOP("Errors", "File exists"),
    QT_TRANSLATE_NOOP("Errors", "Operation not permitted"),
    QT_TRANSLATE_NOOP("Errors", "Input/output error"),
    QT_TRANSLATE_NOOP("Errors", "is a folder"),
    QT_TRANSLATE_NOOP("Errors", "no frames"),
    QT_TRANSLATE_NOOP("Errors", "Qt could not open the output for painting"),
    QT_TRANSLATE_NOOP("Errors", "Qt could not open the PDF for painting"),
    QT_TRANSLATE_NOOP("Errors", "Qt failed to write the PNG"),
    QT_TRANSLATE_NOOP("Errors", "Qt wrote an empty file"),
    QT_TRANSLATE_NOOP("Errors", "Qt wrote an empty PDF"),
    QT_TRANSLATE_NOOP("Errors", "the encoder wrote an empty file"),
    QT_TRANSLATE_NOOP("Errors", "no steps (add at least one [[step]] table)"),
    QT_TRANSLATE_NOOP("Errors", "must be a table ([[step]])"),
]


# ------------------------------------------------------------------ plot texts of the core
_BADGES = {
    "vanishing guaranteed: λ₁ < 1/γ": QT_TRANSLATE_NOOP("Theory", "vanishing guaranteed: λ₁ < 1/γ"),
    "explosion possible: λ₁ > 1/γ": QT_TRANSLATE_NOOP("Theory", "explosion possible: λ₁ > 1/γ"),
    "boundary: λ₁ = 1/γ (no explosion; vanishing not guaranteed)":
        QT_TRANSLATE_NOOP("Theory", "boundary: λ₁ = 1/γ (no explosion; vanishing not guaranteed)"),
    "bound does not apply with residual connections":
        QT_TRANSLATE_NOOP("Theory", "bound does not apply with residual connections"),
    "bound applies to the top layer only": QT_TRANSLATE_NOOP("Theory", "bound applies to the top layer only"),
    "bound unavailable: W_hh is not finite": QT_TRANSLATE_NOOP("Theory", "bound unavailable: W_hh is not finite"),
    "(curves on the 'last' view)": QT_TRANSLATE_NOOP("Theory", "(curves on the 'last' view)"),
}
_CELL_BADGE = re.compile(r"^bound does not apply to (\w+)$")
_NORM_BADGE = re.compile(r"^bound does not apply with (\w+) normalisation$")

#: gradsim.core.theory.BADGE_TEXTS, for lupdate (context "PlotsPanel": the live panel built
#: them itself before the core's theory_badge did; a test keeps the two lists equal).
BADGE_TEXTS = [
    QT_TRANSLATE_NOOP("PlotsPanel", "no gradient at the last step"),
    QT_TRANSLATE_NOOP("PlotsPanel", "vanishing: nothing reaches back past the last step"),
    QT_TRANSLATE_NOOP("PlotsPanel", "vanishing, measured %1/step"),
    QT_TRANSLATE_NOOP("PlotsPanel", "neither vanishing nor exploding, measured %1/step"),
    QT_TRANSLATE_NOOP("PlotsPanel", "exploding, measured %1/step"),
    QT_TRANSLATE_NOOP("PlotsPanel", "the bound guarantees vanishing: γσ_max = %1"),
    QT_TRANSLATE_NOOP("PlotsPanel", "the bound allows growth: γσ_max = %1"),
    QT_TRANSLATE_NOOP("PlotsPanel", "at the bound's boundary: γσ_max = %1"),
    QT_TRANSLATE_NOOP("PlotsPanel", "measured: the slope of log‖∂L_T/∂h_t‖ fitted over t = %1…%2 (%3 steps)"),
]


def translate_badge(template: str) -> str:
    """One of gradsim.core.theory.BADGE_TEXTS in the current language (``tr`` of theory_badge)."""
    return QCoreApplication.translate("PlotsPanel", template)

#: Legend entries of the live plots (English in gradsim.figures.plots / live_plots / core.theory).
LEGEND_TEXTS = [
    QT_TRANSLATE_NOOP("Legend", "loss"),
    QT_TRANSLATE_NOOP("Legend", "gradient clipped"),
    QT_TRANSLATE_NOOP("Legend", "this iteration"),
    QT_TRANSLATE_NOOP("Legend", "prediction"),
    QT_TRANSLATE_NOOP("Legend", "target"),
    QT_TRANSLATE_NOOP("Legend", "free-running roll-out"),
    QT_TRANSLATE_NOOP("Legend", "spectral radius ρ"),
    QT_TRANSLATE_NOOP("Legend", "(γλ₁)^(T−1−t) bound"),
    QT_TRANSLATE_NOOP("Legend", "ρ^(T−1−t) (eigenvalue rate)"),
    QT_TRANSLATE_NOOP("Legend", "measured rate"),
    QT_TRANSLATE_NOOP("Legend", "measured rate, %1/step"),
    QT_TRANSLATE_NOOP("Legend", "bound"),
    # parameter names of the gradient-norm plot (plots_panel.short_param_name)
    QT_TRANSLATE_NOOP("Legend", "norm γ"),
    QT_TRANSLATE_NOOP("Legend", "norm β"),
    # the cliff's paths (gradsim.figures.cliff)
    QT_TRANSLATE_NOOP("Legend", "no clipping"),
    QT_TRANSLATE_NOOP("Legend", "clip by norm"),
    QT_TRANSLATE_NOOP("Legend", "clip by value"),
    QT_TRANSLATE_NOOP("Legend", "start"),
]
_PARAM_LAYER = re.compile(r"^(?P<short>.+) \(layer (?P<n>\d+)\)$")
_READOUT = re.compile(r"^readout (?P<short>\w+)$")
_THROWN = re.compile(r"^(?P<name>.+): thrown to w = (?P<w>\S+), b = (?P<b>\S+)$")
_PER_STEP = re.compile(r"^measured rate, (?P<factor>\S+)/step$")  # core.theory.profile_curves

#: The hover text of a badge that says the bound does not apply (core.theory's ``detail``).
_DETAILS = [
    (re.compile(r"^The \(γλ₁\)\^\(T−1−t\) bound is for the plain rnn cell .*; (?P<a>\w+)'s gates make "),
     QT_TRANSLATE_NOOP("Theory", "The (γλ₁)^(T−1−t) bound is for the plain rnn cell h_t = f(W h_(t−1) + …); "
                       "%1's gates make the step Jacobian depend on the gate values, not on W_hh alone, "
                       "so no bound is drawn.")),
    (re.compile(r"^With h_t = h_\(t−1\) \+ f\(…\) the step Jacobian"),
     QT_TRANSLATE_NOOP("Theory", "With h_t = h_(t−1) + f(…) the step Jacobian is I + diag(f′)·W, not diag(f′)·W, "
                       "so the (γλ₁)^(T−1−t) bound does not hold.")),
    (re.compile(r"^(?P<a>\w+) normalisation puts its own Jacobian"),
     QT_TRANSLATE_NOOP("Theory", "%1 normalisation puts its own Jacobian into every step, "
                       "so the (γλ₁)^(T−1−t) bound does not hold.")),
    (re.compile(r"^Layer (?P<a>\d+) of (?P<b>\d+): the last step's loss"),
     QT_TRANSLATE_NOOP("Theory", "Layer %1 of %2: the last step's loss also reaches it through the layers "
                       "above, so ‖∂L_T/∂h_t‖ is not bounded by this layer's W_hh alone.")),
    (re.compile(r"^λ₁ = (?P<a>.*), ρ = (?P<b>.*): no bound can be computed\.$"),
     QT_TRANSLATE_NOOP("Theory", "λ₁ = %1, ρ = %2: no bound can be computed.")),
]


def translate_theory(text: str) -> str:
    """A badge of :mod:`gradsim.core.theory` (regime, "does not apply ...") in the current language."""
    if not text or _state["lang"] == "en":
        return text
    out = []
    for part in re.split(r"\s{2,}", text):
        if part in _BADGES:
            out.append(QCoreApplication.translate("Theory", _BADGES[part]))
        elif m := _CELL_BADGE.match(part):
            out.append(QCoreApplication.translate("Theory", "bound does not apply to %1").replace("%1", m.group(1)))
        elif m := _NORM_BADGE.match(part):
            out.append(QCoreApplication.translate("Theory", "bound does not apply with %1 normalisation")
                       .replace("%1", m.group(1)))
        else:
            out.append(_translate_detail(part))
    return "  ".join(out)


def _translate_detail(text: str) -> str:
    """A badge's hover text; the formula line of an applying bound (λ₁ = …: γλ₁ < 1) is
    the same in every language and comes back unchanged."""
    for pattern, source in _DETAILS:
        if m := pattern.match(text):
            out = QCoreApplication.translate("Theory", source)
            groups = m.groupdict()
            if "normalisation" in source:  # "Layer normalisation …": the choice's own name
                groups["a"] = choice_label(groups["a"].lower())
            for key, mark in (("b", "%2"), ("a", "%1")):
                if groups.get(key) is not None:
                    out = out.replace(mark, groups[key])
            return out
    return text


def translate_legend(name: str) -> str:
    """A legend entry in the current language; ``"<label>, <numbers>"`` keeps its numbers."""
    if not name:
        return name
    text = QCoreApplication.translate("Legend", name)
    if text != name:
        return text
    if m := _THROWN.match(name):
        return (QCoreApplication.translate("Legend", "%1: thrown to w = %2, b = %3")
                .replace("%3", m.group("b")).replace("%2", m.group("w")).replace("%1", translate_legend(m.group("name"))))
    if m := _PARAM_LAYER.match(name):
        return (QCoreApplication.translate("Legend", "%1 (layer %2)")
                .replace("%2", m.group("n")).replace("%1", translate_legend(m.group("short"))))
    if m := _READOUT.match(name):
        return QCoreApplication.translate("Legend", "readout %1").replace("%1", m.group("short"))
    if m := _PER_STEP.match(name):  # the unit is words too: "/step" must not stay English
        return QCoreApplication.translate("Legend", "measured rate, %1/step").replace("%1", m.group("factor"))
    if ", " in name:
        head, tail = name.split(", ", 1)
        return QCoreApplication.translate("Legend", head) + ", " + tail
    return text


def translate_legends(widget) -> None:
    """Make ``widget``'s pyqtgraph legend show its entries in the current language, now and for
    entries added later (bounds, roll-out, clipped steps appear while training)."""
    legend = getattr(widget, "legend", None)
    if legend is None and hasattr(widget, "plotItem"):
        legend = widget.plotItem.legend
    if legend is None:
        return
    if not getattr(legend, "_i18n_wrapped", False):
        add = legend.addItem

        def add_translated(item, name):
            item._i18n_name = name  # the English source, for later language changes
            add(item, translate_legend(name))

        legend.addItem = add_translated
        legend._i18n_wrapped = True
    for sample, label in legend.items:
        item = sample.item
        src = getattr(item, "_i18n_name", None)
        if src is None:
            src = item._i18n_name = label.text
        text = translate_legend(src)
        if text != label.text:
            label.setText(text)
    legend.updateSize()


_PLOT_TEXTS = {
    "trivial baseline": QT_TRANSLATE_NOOP("PlotText", "trivial baseline"),
    "predict 0": QT_TRANSLATE_NOOP("PlotText", "predict 0"),
    "predict the mean": QT_TRANSLATE_NOOP("PlotText", "predict the mean"),
    "predict the mean (MSE 1/6)": QT_TRANSLATE_NOOP("PlotText", "predict the mean (MSE 1/6)"),
    "no readout (loss = sum of h_T)": QT_TRANSLATE_NOOP("PlotText", "no readout (loss = sum of h_T)"),
    "sine: next-value prediction": QT_TRANSLATE_NOOP("PlotText", "sine: next-value prediction"),
    "adding: running output": QT_TRANSLATE_NOOP("PlotText", "adding: running output"),
    "prediction vs target": QT_TRANSLATE_NOOP("PlotText", "prediction vs target"),
}
_CHANCE = re.compile(r"^chance \(ln (\d+)\)$")
_TRUE_CLASS = re.compile(r"^p\(true class (\d+)\) over t$")
_CSV_TITLE = re.compile(r"^csv: (?P<name>.+), (?P<h>\d+) row\(s\) ahead$")  # figures.run.csv_title


def translate_plot_text(text: str) -> str:
    """A plot title or line label made by the core (task baselines, sample titles) in the current language."""
    if not text or _state["lang"] == "en":
        return text
    if text in _PLOT_TEXTS:
        return QCoreApplication.translate("PlotText", _PLOT_TEXTS[text])
    if m := _CHANCE.match(text):
        return QCoreApplication.translate("PlotText", "chance (ln %1)").replace("%1", m.group(1))
    if m := _TRUE_CLASS.match(text):
        return QCoreApplication.translate("PlotText", "p(true class %1) over t").replace("%1", m.group(1))
    if m := _CSV_TITLE.match(text):
        name = m.group("name")
        if name == "first column":
            name = QCoreApplication.translate("PlotText", "first column")
        elif name.startswith("column ") and name[7:].isdigit():
            name = QCoreApplication.translate("PlotText", "column %1").replace("%1", name[7:])
        return (QCoreApplication.translate("PlotText", "csv: %1, %2 row(s) ahead")
                .replace("%2", m.group("h")).replace("%1", name))
    return text
