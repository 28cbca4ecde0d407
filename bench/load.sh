#!/bin/sh
# The load benchmark in one command: builds the release server and the benchmark, then
# runs it. Arguments go to the benchmark, e.g.
#   bench/load.sh --duration 10 --learners 10000
#   bench/load.sh --database-url postgres://postgres@127.0.0.1:55433/postgres
#   bench/load.sh --replicas 3 --database-url postgres://...   (1 vs 3 replicas behind HAProxy)
# Needs wrk (apt-get install wrk), and haproxy for --replicas. CARGO_TARGET_DIR is honoured.
set -eu
cd "$(dirname "$0")/.."
cargo build --release -p lentera-api -p lentera-loadbench
target="${CARGO_TARGET_DIR:-target}"
exec "$target/release/loadbench" "$@"
