#!/usr/bin/env bash
# Starts a JupyterLab for the Galata tests on a fresh store of its own.
#   start-server.sh          the demo store (`smx-lab demo`), plus one component whose display name,
#                            status message and parameter value are HTML, to check they show as text
#   start-server.sh scale    10,000 experiments and 100,000 trial components, for the scale tests
#   start-server.sh sagemaker   the SageMaker store on a moto server seeded with training, processing
#                            and transform jobs (seed_sagemaker.py), for the job journeys
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
  sagemaker)
    # moto's server with the SageMaker jobs, in a process of its own; stopped with JupyterLab.
    # Port 0: any free port; the script writes its endpoint once the account is seeded.
    python seed_sagemaker.py 0 "$work_dir/moto-endpoint" &
    moto=$!
    for _ in $(seq 240); do
      [ -s "$work_dir/moto-endpoint" ] && break
      kill -0 "$moto" 2>/dev/null || { echo "start-server.sh: the moto server exited" >&2; exit 1; }
      sleep 0.5
    done
    if [ ! -s "$work_dir/moto-endpoint" ]; then
      echo "start-server.sh: the moto server did not start in 2 minutes" >&2
      kill -TERM "$moto"
      exit 1
    fi
    export SMX_LAB_STORE=sagemaker
    AWS_ENDPOINT_URL="$(cat "$work_dir/moto-endpoint")"
    export AWS_ENDPOINT_URL
    # Test credentials only: nothing of the machine's own AWS configuration is read.
    export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1
    export AWS_SHARED_CREDENTIALS_FILE="$work_dir/no-credentials" AWS_CONFIG_FILE="$work_dir/no-config"
    unset AWS_PROFILE AWS_SESSION_TOKEN
    ;;
  *)
    echo "start-server.sh: unknown store '$store' (demo, scale or sagemaker)" >&2
    exit 2
    ;;
esac

# Not exec: the store and the server's files are removed when Playwright stops the server.
jupyter lab --config jupyter_server_test_config.py &
server=$!
trap 'kill -TERM "$server" ${moto:+"$moto"} 2>/dev/null; wait "$server" ${moto:+"$moto"}; rm -rf "$work_dir"' EXIT INT TERM
wait "$server"
