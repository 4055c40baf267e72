#!/usr/bin/env bash
# Starts the JupyterLab that the Galata tests drive: a fresh demo store, plus one component whose
# display name and parameter value are HTML, so the tests can check they are shown as text.
set -euo pipefail
cd "$(dirname "$0")"

work_dir="$(mktemp -d "${TMPDIR:-/tmp}/smx-lab-ui-tests.XXXXXX")"
# Always a fresh file of its own: --reset must never touch a store the user points SMX_LAB_DB at.
export SMX_LAB_DB="$work_dir/demo.db"
export JUPYTERLAB_GALATA_ROOT_DIR="$work_dir"

smx-lab demo --reset --db "$SMX_LAB_DB"
python seed_untrusted.py "$SMX_LAB_DB"

exec jupyter lab --config jupyter_server_test_config.py
