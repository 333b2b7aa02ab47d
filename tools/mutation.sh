#!/usr/bin/env bash
# Mutation score of the test suite on gradsim/core and the run-folder writer (issue 10), with mutmut 3.
#
#   tools/mutation.sh [MUTANT_GLOB ...]      e.g. tools/mutation.sh 'gradsim.core.remedies*'
#
# Runs in a scratch copy ($MUTATION_DIR, default /tmp/gradsim-mutation) so that neither the
# working tree nor its pyproject.toml gets mutmut's config or its mutants/ folder: a normal
# `pytest` is untouched. Needs `.venv/bin/pip install mutmut` (3.x). Mutated: the files in
# FILES; tests run: those in TESTS (the ones that exercise them; the CLI tests start
# subprocesses, which a mutant's trampoline does not reach). Results: `mutmut results` in
# the scratch copy, a score line at the end.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIR="${MUTATION_DIR:-/tmp/gradsim-mutation}"
FILES=(gradsim/core/trainer.py gradsim/core/remedies.py gradsim/core/tasks.py gradsim/core/history.py
       gradsim/core/theory.py gradsim/runs/folder.py)
TESTS=(tests/core/test_trainer.py tests/core/test_history.py tests/core/test_theory.py tests/core/test_seeds.py
       tests/core/test_csv_task.py tests/core/test_mutation_edges.py tests/runs/test_live_folder.py
       tests/runs/test_folder_outputs.py)
python3 - "$ROOT" "$DIR" <<'PY'
import shutil, sys
from pathlib import Path
root, dest = Path(sys.argv[1]), Path(sys.argv[2])
dest.mkdir(parents=True, exist_ok=True)
for name in ("gradsim", "tests", "resources"):
    shutil.rmtree(dest / name, ignore_errors=True)
    shutil.copytree(root / name, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
shutil.copy2(root / "pyproject.toml", dest / "pyproject.toml")
PY
cd "$DIR"
existing=()
for t in "${TESTS[@]}"; do [[ -e "$t" ]] && existing+=("\"$t\""); done
only=()
for f in "${FILES[@]}"; do only+=("\"$f\""); done
python3 - "$(IFS=,; echo "${only[*]}")" "$(IFS=,; echo "${existing[*]}")" <<'PY'
import sys
only, tests = sys.argv[1], sys.argv[2]
text = open("pyproject.toml", encoding="utf-8").read()
text += f"""

[tool.mutmut]
source_paths = ["gradsim"]
only_mutate = [{only}]
also_copy = ["resources"]
pytest_add_cli_args_test_selection = [{tests}]
pytest_add_cli_args = ["-p", "no:cacheprovider", "-o", "timeout=600"]
"""
open("pyproject.toml", "w", encoding="utf-8").write(text)
PY
MUTMUT="$ROOT/.venv/bin/mutmut"
export PYTHONDONTWRITEBYTECODE=1 QT_QPA_PLATFORM=offscreen
"$MUTMUT" run --max-children "${MUTATION_JOBS:-2}" "$@" || true
"$MUTMUT" results --all true > results.txt 2>&1 || "$MUTMUT" results > results.txt 2>&1 || true
python3 - <<'PY'
import collections, re
counts = collections.Counter()
for line in open("results.txt", encoding="utf-8"):
    m = re.match(r"\s*(\S+): (\w[\w ]*)$", line.rstrip())
    if m:
        counts[m.group(2)] += 1
killed = counts["killed"] + counts["timeout"]
tested = killed + counts["survived"]
print(dict(counts))
if tested:
    print(f"mutation score: {killed}/{tested} = {100 * killed / tested:.1f} % killed")
PY
