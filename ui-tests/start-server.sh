#!/usr/bin/env bash
# Starts a JupyterLab for the Galata tests on a fresh store of its own.
#   start-server.sh          the demo store (`smx-lab demo`), plus one component whose display name,
#                            status message and parameter value are HTML, to check they show as text
#   start-server.sh scale    10,000 experiments, for the scale test
set -euo pipefail
cd "$(dirname "$0")"

store="${1:-demo}"
work_dir="$(mktemp -d "${TMPDIR:-/tmp}/smx-lab-ui-tests.XXXXXX")"
# Always a fresh file of its own: --reset must never touch a store the user points SMX_LAB_DB at.
export SMX_LAB_DB="$work_dir/$store.db"
export JUPYTERLAB_GALATA_ROOT_DIR="$work_dir"

case "$store" in
  demo)
    smx-lab demo --reset --db "$SMX_LAB_DB"
    python seed_untrusted.py "$SMX_LAB_DB"
    ;;
  scale)
    python seed_scale.py "$SMX_LAB_DB" 10000
    ;;
  *)
    echo "start-server.sh: unknown store '$store' (demo or scale)" >&2
    exit 2
    ;;
esac

# Not exec: the store and the server's files are removed when Playwright stops the server.
jupyter lab --config jupyter_server_test_config.py &
server=$!
trap 'kill -TERM "$server" 2>/dev/null; wait "$server"; rm -rf "$work_dir"' EXIT INT TERM
wait "$server"
