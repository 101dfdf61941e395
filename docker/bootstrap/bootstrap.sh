#!/usr/bin/env bash
# One-shot bootstrap of the compose demo (service `bootstrap` in docker/compose.yaml), run in the
# central image after central-1 is ready:
#
#   bootstrap.sh SERVER ADMIN_TOKEN_FILE CONFIG_DIR JOIN_TOKEN_DIR CLUSTER...
#
# 1. waits (at most 120 s) for the initial admin token that central-1 writes on its first start;
# 2. applies CONFIG_DIR (an organization with its clusters, e.g. examples/acme) as that admin;
#    applying it again changes nothing, so re-running the bootstrap is safe;
# 3. mints a join token for each CLUSTER into JOIN_TOKEN_DIR/CLUSTER.token (mode 0600) unless
#    the file is already there: the edges read their token from that shared volume.
# Tokens are written to files only, never printed.
set -euo pipefail

[[ $# -ge 5 ]] || { echo "usage: bootstrap.sh SERVER ADMIN_TOKEN_FILE CONFIG_DIR JOIN_TOKEN_DIR CLUSTER..." >&2; exit 2; }
server="$1"
admin_token="$2"
config_dir="$3"
join_dir="$4"
shift 4

deadline=$((SECONDS + 120))
until [[ -s "$admin_token" ]]; do
  if ((SECONDS >= deadline)); then
    echo "bootstrap: no admin token at $admin_token after 120 s; is central-1 running in secure mode with TRESTLE_ADMIN_TOKEN_FILE=$admin_token?" >&2
    exit 1
  fi
  sleep 1
done

cli() {
  trestle --server "$server" --token-file "$admin_token" "$@"
}

echo "bootstrap: applying $config_dir"
cli apply -f "$config_dir"

for cluster in "$@"; do
  token_file="$join_dir/$cluster.token"
  if [[ -s "$token_file" ]]; then
    echo "bootstrap: $token_file exists, keeping it"
    continue
  fi
  rm -f "$token_file" # an empty leftover of an interrupted run
  cli cluster token "$cluster" --out-file "$token_file"
done
echo "bootstrap: done"
