"""The core is Qt-free: importing it loads no Qt binding, and import-linter's contract
(pyproject.toml) holds."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = ("PySide6", "pyqtgraph", "superqt", "PyQt5", "PyQt6", "shiboken6")

CORE_MODULES = [
    "gradsim",
    "gradsim.errors",
    "gradsim.fileio",
    "gradsim.versions",
    "gradsim.config",
    "gradsim.content.lecture",
    "gradsim.core.watch",
    "gradsim.core.truncation",
    "gradsim.runs.procedure",
    "gradsim.runs.folder",
    "gradsim.runs.compare",
    "gradsim.runs.live_folder",
    "gradsim.runs.live.protocol",
    "gradsim.runs.live.transport",
    "gradsim.cli",
    "gradsim.content.presets",
    "gradsim.core",
    "gradsim.core.tasks",
    "gradsim.core.cells",
    "gradsim.core.bptt",
    "gradsim.core.remedies",
    "gradsim.core.trainer",
    "gradsim.core.snapshot",
    "gradsim.core.history",
    "gradsim.runs.live.loop",
    "gradsim.core.theory",
    "gradsim.runs.lockstep",
    "gradsim.core.cliff",
]


def _loaded_after(modules: list[str]) -> list[str]:
    code = (
        "import importlib, json, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("QT_")}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_core_imports_load_no_qt():
    loaded = _loaded_after(CORE_MODULES)
    assert "gradsim.core.bptt" in loaded  # the probe really imported the core
    bad = [m for m in loaded if m.split(".")[0] in FORBIDDEN or m.startswith(("gradsim.app", "gradsim.figures.plots"))]
    assert bad == []


def test_import_gradsim_loads_no_torch_until_a_name_needs_it():
    """The public API is light: the GUI process imports the package and must not pay for torch."""
    code = (
        "import json, sys\n"
        "import gradsim\n"
        "before = 'torch' in sys.modules\n"
        "gradsim.RunConfig(); gradsim.load_preset('vanishing'); gradsim.History; gradsim.Snapshot\n"
        "light = 'torch' in sys.modules\n"
        "gradsim.Trainer\n"
        "print(json.dumps([before, light, 'torch' in sys.modules]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [False, False, True]


def test_a_full_training_step_loads_no_qt():
    code = (
        "import json, sys\n"
        "from gradsim.config import RunConfig\n"
        "from gradsim.core.trainer import Trainer\n"
        "from gradsim.core.history import History\n"
        "tr = Trainer(RunConfig(seq_len=5, batch_size=2, hidden_size=3))\n"
        "h = History(5, rows=4, scalar_rows=4)\n"
        "h.append(tr.step())\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in %r)))\n" % (FORBIDDEN,)
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_the_app_window_loads_no_torch():
    """The GUI process only receives snapshots: torch (about 1.3 s and 300 MB) stays in the
    training process. gradsim.core.snapshot and theory.GAMMA exist for this."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    code = (
        "import json, sys\n"
        "import gradsim.app.launch, gradsim.app.window, gradsim.app.session, gradsim.runs.live.loop\n"
        "from gradsim.runs.live.transport import decode\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'torch')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def _lint_imports() -> str:
    exe = Path(sys.executable).with_name("lint-imports")
    if exe.exists():
        return str(exe)
    found = shutil.which("lint-imports")
    if found is None:
        pytest.fail("lint-imports (import-linter) is not installed; it is a test dependency")
    return found


def test_import_linter_contract_holds():
    # no cache: a stale .import_linter_cache must not hide a new import
    res = subprocess.run(
        [_lint_imports(), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert res.returncode == 0, res.stdout + res.stderr
    for contract in ("Layers: front ends > procedures", "never reach Qt", "Qt code lives under figures",
                     "parses command lines", "No import circle"):
        assert contract in res.stdout, contract  # each contract is there and was checked
    assert res.stdout.count("KEPT") == 5 and "BROKEN" not in res.stdout
