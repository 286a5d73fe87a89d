#!/usr/bin/env bash
# The project's test command (CI runs it through .ci/run). On a Debian machine with the .NET SDK, as root
# or with password-less sudo: installs and starts PostgreSQL and Chromium when missing, gives the run a
# throwaway database (ORLEANSJOBS_TEST_POSTGRES), builds the solution and runs every test project,
# writing TRX files to artifacts/test-results/. Exits non-zero when anything failed.
set -euo pipefail

cd "$(dirname "$0")/.."
# Release: the tests exercise the code we ship, timing-sensitive tests (crash recovery, reminders)
# see production speed, and the build does not fight an IDE's Debug build for bin/ folders.
configuration=${CONFIGURATION:-Release}
results=$PWD/artifacts/test-results
test_log=$PWD/artifacts/test-output.log # dotnet test's own output: .ci/run reads its summary beside the TRX files
rm -rf "$results" "$test_log" # before anything can fail, so no stale result outlives a broken run
mkdir -p "$(dirname "$test_log")"
export DEBIAN_FRONTEND=noninteractive DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

as_root() { if [[ $EUID -eq 0 ]]; then "$@"; else sudo -n "$@"; fi; }
# From / so psql does not complain that user postgres cannot enter the working directory.
as_postgres() { (cd / && if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else sudo -n -u postgres -- "$@"; fi); }

timings=()
phase_started=$SECONDS
end_phase() { timings+=("$1 $((SECONDS - phase_started))s"); phase_started=$SECONDS; }

echo "==> Machine prerequisites"
missing=()
if ! command -v pg_ctlcluster >/dev/null || ! compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; then
  missing+=(postgresql)
fi
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
command -v docker-compose >/dev/null || missing+=(docker-compose) # validates docker-compose.yml (no engine needed)
command -v npm >/dev/null || missing+=(nodejs npm) # JavaScriptClientTests runs @microsoft/signalr from tests/js
if ((${#missing[@]})); then
  echo "installing ${missing[*]}"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi
end_phase install

echo "==> PostgreSQL"
newest_cluster() { pg_lsclusters --no-header | sort -V | tail -n 1; }
if [[ -z $(newest_cluster) ]]; then
  as_root pg_createcluster "$(ls /usr/lib/postgresql | sort -V | tail -n 1)" main
fi
read -r pg_version pg_cluster pg_port pg_status _ <<<"$(newest_cluster)"
if [[ $pg_status != online* ]]; then
  as_root pg_ctlcluster "$pg_version" "$pg_cluster" start
fi
pg_isready -q -h 127.0.0.1 -p "$pg_port" -t 30 || { echo "PostgreSQL $pg_version/$pg_cluster does not answer on 127.0.0.1:$pg_port" >&2; exit 1; }

# Test classes run in parallel, several of them starting clusters of silo processes, each with its own connection
# pools: the default of 100 connections runs out. Raised once, with a restart.
if (( $(as_postgres psql -p "$pg_port" -d postgres -qAt -c "SHOW max_connections") < 400 )); then
  as_postgres psql -p "$pg_port" -d postgres -qAt -c "ALTER SYSTEM SET max_connections = 400"
  as_root pg_ctlcluster "$pg_version" "$pg_cluster" restart
  pg_isready -q -h 127.0.0.1 -p "$pg_port" -t 30 || { echo "PostgreSQL did not come back after raising max_connections" >&2; exit 1; }
fi

pg_user=orleansjobs_test
pg_password=orleansjobs_test # loopback-only test role
psql_admin() { as_postgres psql -p "$pg_port" -d postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
psql_admin <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$pg_user') THEN CREATE ROLE $pg_user; END IF;
END \$\$;
ALTER ROLE $pg_user WITH LOGIN CREATEDB PASSWORD '$pg_password';
SQL

# PostgresFixture names its per-class databases "<run database>_<suffix>", so this drops those too.
run_db="orleansjobs_test_$(date +%Y%m%d%H%M%S)_$$"
drop_run_databases() {
  local db
  for db in $(psql_admin -c "SELECT datname FROM pg_database WHERE datname = '$run_db' OR starts_with(datname, '${run_db}_')"); do
    psql_admin -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" || true
  done
}
trap drop_run_databases EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
psql_admin -c "CREATE DATABASE \"$run_db\" OWNER $pg_user"
export ORLEANSJOBS_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=$pg_user;Password=$pg_password;Database=$run_db"
echo "PostgreSQL $pg_version on port $pg_port, database $run_db"
end_phase postgres

echo "==> Build ($configuration)"
dotnet build OrleansJobs.sln -c "$configuration"
# The library packages an app references (OrleansJobs.Server, .Client, .Grains, .Grains.Abstractions).
dotnet pack OrleansJobs.sln -c "$configuration" --no-build -o artifacts/packages
end_phase build

echo "==> Test"
test_status=0
dotnet test --solution OrleansJobs.sln -c "$configuration" --no-build \
  --results-directory "$results" --report-xunit-trx \
  --timeout 30m --long-running 60 2>&1 | tee "$test_log" ||
  test_status=$?
end_phase test

echo "==> Summary"
echo "results: $(find "$results" -name '*.trx' 2>/dev/null | wc -l) TRX file(s) in ${results#"$PWD"/}"
echo "timings: ${timings[*]}"
if ((test_status == 0)); then echo "tests passed"; else echo "tests FAILED (dotnet test exit code $test_status)"; fi
exit "$test_status"
