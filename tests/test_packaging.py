"""`pip install .` (not only an editable install) must ship the resources."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    # setuptools builds in the source folder (build/, gradsim.egg-info/): build a copy, so the
    # test never writes into the checkout (two suites in one checkout raced on build/lib)
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    for name in ("gradsim", "resources"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    out = tmp_path_factory.mktemp("wheel")
    r = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(src)],
        capture_output=True, text=True, timeout=300,
    )
    assert r.returncode == 0, r.stderr
    (whl,) = out.glob("gradsim-*.whl")
    return whl


def test_wheel_contains_resources_and_entry_point(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {p.name for p in (ROOT / "resources" / "presets").glob("*.toml")}
    in_wheel = {Path(n).name for n in names if n.startswith("gradsim/resources/presets/") and n.endswith(".toml")}
    assert shipped and shipped == in_wheel
    for name in ("gradsim/resources/app/style.qss", "gradsim/resources/app/icon.svg"):
        assert name in names, name
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "gradsim = gradsim.launcher:main" in zipfile.ZipFile(wheel).read(entry).decode()


def test_installed_wheel_finds_presets_outside_the_checkout(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import gradsim, gradsim.content.presets as p;"
        "assert gradsim.__file__.startswith(sys.argv[1]), gradsim.__file__;"
        "print(len(p.list_presets()))"
    )
    r = subprocess.run([sys.executable, "-I", "-c", code, str(site)], capture_output=True, text=True, cwd=tmp_path,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert int(r.stdout) == len(list((ROOT / "resources" / "presets").glob("*.toml")))
