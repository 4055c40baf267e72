#!/usr/bin/env bash
# Starts a JupyterLab for the Galata `mlflow` project: the MLflow store (SMX_LAB_STORE=mlflow) on a
# real `mlflow server` filled with tests/mlflow_world.py's world (seed_mlflow.py). Everything lives
# in a fresh temporary folder, Jupyter's root, so the runs' artifacts are local files JupyterLab can
# open; the folder is removed when Playwright stops the server.
set -euo pipefail
cd "$(dirname "$0")"

work_dir="$(mktemp -d "${TMPDIR:-/tmp}/smx-lab-ui-mlflow.XXXXXX")"
# The test server's config asks for an embedded store's file: one of its own, never the user's.
export SMX_LAB_DB="$work_dir/unused.sqlite"
export MLFLOW_DISABLE_TELEMETRY=true DO_NOT_TRACK=true

# Not exec: the folder is removed once seed_mlflow.py has stopped JupyterLab and the mlflow server.
python seed_mlflow.py "$work_dir" &
server=$!
trap 'kill -TERM "$server" 2>/dev/null; wait "$server"; rm -rf "$work_dir"' EXIT INT TERM
wait "$server"
