# shellcheck shell=bash
# Start the machine's PostgreSQL cluster and export MEMBERDESK_TEST_PG for the HQ tests.
start_postgres() {
  local version cluster
  version=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)
  if [ -z "$version" ]; then
    echo "PostgreSQL is not installed" >&2
    return 1
  fi
  cluster=main
  if ! pg_lsclusters -h 2>/dev/null | awk '{print $1,$2}' | grep -q "^$version $cluster$"; then
    pg_createcluster "$version" "$cluster" >/dev/null
  fi
  pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start 2>/dev/null || true
  local port
  port=$(pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1==v && $2==c {print $3}')
  for _ in $(seq 1 30); do
    su postgres -c "psql -p $port -Atc 'select 1'" >/dev/null 2>&1 && break
    sleep 1
  done
  su postgres -c "psql -p $port -v ON_ERROR_STOP=1 -q" <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'memberdesk') THEN
    CREATE ROLE memberdesk LOGIN PASSWORD 'memberdesk' CREATEDB;
  END IF;
END \$\$;
SQL
  su postgres -c "psql -p $port -Atc \"select 1 from pg_database where datname='memberdesk_test'\"" | grep -q 1 \
    || su postgres -c "createdb -p $port -O memberdesk memberdesk_test"
  export MEMBERDESK_TEST_PG="postgresql+psycopg://memberdesk:memberdesk@127.0.0.1:$port/memberdesk_test"
  echo "PostgreSQL $version on port $port"
}
