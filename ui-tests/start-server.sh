#!/usr/bin/env bash
# Starts the JupyterLab that the Galata tests drive: a fresh demo store, plus one component whose
# display name and parameter value are HTML, so the tests can check they are shown as text.
set -euo pipefail
cd "$(dirname "$0")"

work_dir="$(mktemp -d "${TMPDIR:-/tmp}/smx-lab-ui-tests.XXXXXX")"
export SMX_LAB_DB="${SMX_LAB_DB:-$work_dir/demo.db}"
export JUPYTERLAB_GALATA_ROOT_DIR="$work_dir"

if python -c "import smx_lab.cli" 2>/dev/null; then
  smx-lab demo --reset --db "$SMX_LAB_DB"
  python seed_untrusted.py "$SMX_LAB_DB"
else
  echo "start-server.sh: smx-lab demo is not available yet; starting with an empty store" >&2
fi

exec jupyter lab --config jupyter_server_test_config.py
