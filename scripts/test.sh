#!/usr/bin/env bash
# Set up a virtualenv with every extra and run the whole test suite:
# ruff, mypy --strict, the documentation build (strict) and pytest.
# Extra arguments are passed to pytest.
set -euo pipefail
export NO_MKDOCS_2_WARNING=1  # keep the docs build quiet: only its warnings matter
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]'

echo "== ruff"
.venv/bin/ruff check src tests bench
.venv/bin/ruff format --check src tests bench
echo "== mypy --strict"
.venv/bin/mypy
if [ -f mkdocs.yml ]; then
  echo "== mkdocs build --strict"
  .venv/bin/mkdocs build --strict --quiet --site-dir "$(mktemp -d)"
fi
echo "== pytest"
.venv/bin/python -m pytest "$@"
