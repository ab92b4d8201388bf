#!/bin/sh
# What `npm test` needs beyond npm, checked before every run (npm test calls this first):
#   - a MariaDB/MySQL server binary (mariadbd or mysqld, with mariadb-install-db): the tests start
#     private servers from it (always for the database-restart cases, and for everything when
#     BXSUP_TEST_DB_URL is not set);
#   - Chromium: the HTML report is checked in real headless Chromium;
#   - php-cli: the PHP files the installer places are run by real PHP, and PHP's own unserialize()
#     reads the b_event rows of the bitrix mail transport (cp1251 included).
# Missing ones are installed with apt when this runs as root on Debian/Ubuntu; otherwise the one apt
# line to run is printed and the test run stops (exit 2). Nothing is installed when all are present.
set -eu

missing=""
have() { command -v "$1" >/dev/null 2>&1; }
server_binary() {
  for p in /usr/sbin/mariadbd /usr/sbin/mysqld /usr/bin/mariadbd /usr/bin/mysqld; do
    [ -x "$p" ] && return 0
  done
  return 1
}

server_binary && (have mariadb-install-db || have mysql_install_db) || missing="$missing mariadb-server"
[ -n "${BXSUP_CHROMIUM:-}" ] || have chromium || have chromium-browser || missing="$missing chromium"
have php || missing="$missing php-cli"

[ -z "$missing" ] && exit 0

if [ "$(id -u)" = "0" ] && have apt-get; then
  echo "bxsup tests: installing$missing (apt-get)" >&2
  # Installing mariadb-server must not start a second server on port 3306 (a container, a CI machine
  # that already runs one): a policy-rc.d that refuses service starts, for the install only.
  policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    policy=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
  fi
  status=0
  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing; } >&2 || status=$?
  [ -n "$policy" ] && rm -f "$policy"
  [ "$status" -eq 0 ] && exit 0
  echo "bxsup tests: apt-get failed ($status); install by hand: apt-get install -y$missing" >&2
  exit 2
fi

echo "bxsup tests need$missing: run  sudo apt-get install -y$missing  (then npm test again)" >&2
exit 2
