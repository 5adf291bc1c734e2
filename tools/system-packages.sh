#!/usr/bin/env bash
# Install the system packages the project uses, when missing (as root on Debian only).
# PostgreSQL: the tests and benchmarks start throwaway servers. Node.js/npm: the dashboard
# extension. Redis: the production broker, used by the ingest benchmark. Chromium: the browser
# tests (dashboard_extension/e2e/) drive Debian's headless Chromium.
set -euo pipefail

# Another apt or dpkg (unattended-upgrades, a second `make install`) may hold apt's locks: wait
# for them, at most APT_LOCK_TIMEOUT seconds, instead of failing at once.
APT_LOCK_TIMEOUT=${APT_LOCK_TIMEOUT:-600}
APT_LOCKS=(/var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock /var/cache/apt/archives/lock)

apt_locks_free() {
  # apt takes fcntl write locks; python's lockf is the same kind, tried without waiting.
  # Without python3 there is nothing to ask: apt's own DPkg::Lock::Timeout still waits.
  command -v python3 >/dev/null 2>&1 || return 0
  python3 - "${APT_LOCKS[@]}" <<'PY'
import fcntl, os, sys
for path in sys.argv[1:]:
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        continue
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        sys.exit(1)
    finally:
        os.close(fd)
PY
}

wait_for_apt() {
  local waited=0
  until apt_locks_free; do
    if [ "$waited" -ge "$APT_LOCK_TIMEOUT" ]; then
      echo "apt is still locked by another process after ${APT_LOCK_TIMEOUT} s" >&2
      return 1
    fi
    [ "$waited" -eq 0 ] && echo "Waiting for another apt/dpkg process to finish..."
    sleep 5
    waited=$((waited + 5))
  done
}

# apt itself waits for the dpkg lock (DPkg::Lock::Timeout); the lists' lock it does not, so a run
# that lost the race to another apt is retried after waiting again.
apt_get() {
  local attempt
  for attempt in 1 2 3; do
    wait_for_apt
    if apt-get -o DPkg::Lock::Timeout="$APT_LOCK_TIMEOUT" "$@"; then
      return 0
    fi
    [ "$attempt" -lt 3 ] && echo "apt-get $* failed; retrying" >&2
  done
  return 1
}

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
python3 -c "import venv, ensurepip" >/dev/null 2>&1 || missing+=(python3-venv)
[ -x /usr/bin/chromium ] || missing+=(chromium)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Please install: ${missing[*]} (not root on Debian: not installing them myself)" >&2
  exit 1
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt_get update -qq
apt_get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts a cluster on install; the project runs its own throwaway servers instead.
if command -v pg_lsclusters >/dev/null 2>&1; then
  pg_lsclusters -h 2>/dev/null | while read -r version name _; do
    pg_ctlcluster "$version" "$name" stop 2>/dev/null || true
  done
fi
