#!/usr/bin/env bash
# Seeds a large synthetic regional government (50,000 ASN, 200 courses, about a million
# lesson progress rows) into a fresh database and prints how long each manager's report
# takes. SQLite by default; pass a PostgreSQL URL (a server this may create a database in)
# to measure PostgreSQL: bash bench/reports.sh postgres://postgres@127.0.0.1:55432/postgres
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p lentera-api
work=$(mktemp -d /tmp/lentera-reports.XXXXXX)
trap 'rm -rf "$work"' EXIT
if [ $# -gt 0 ]; then
  name="lentera_bench_$(date +%s)"
  psql "$1" -qc "CREATE DATABASE $name" >/dev/null
  url="${1%/*}/$name"
else
  url="sqlite://$work/lentera.db"
fi
export DATABASE_URL="$url" LENTERA_DATA_DIR="$work"
echo "== seeding $url"
./target/release/lentera seed --people "${PEOPLE:-50000}" --courses "${COURSES:-200}" --progress "${PROGRESS:-1000000}"
echo "== reports"
./target/release/lentera bench-reports
