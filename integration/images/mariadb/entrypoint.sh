#!/bin/sh
# Initialises the data directory on first start the way the official
# mariadb and mysql images do (their environment variables), then runs
# the server.
set -eu
case "${1:-}" in -*) set -- mariadbd "$@" ;; esac
if [ "${1:-}" = mariadbd ] || [ "${1:-}" = mysqld ]; then
  shift
  env_of() { eval "printf '%s' \"\${MARIADB_$1:-\${MYSQL_$1:-}}\""; }
  root_pw="$(env_of ROOT_PASSWORD)"
  db="$(env_of DATABASE)"
  user="$(env_of USER)"
  pw="$(env_of PASSWORD)"
  init=""
  if [ ! -d /var/lib/mysql/mysql ]; then
    mariadb-install-db --user=mysql --datadir=/var/lib/mysql --skip-test-db \
      --auth-root-authentication-method=normal >/dev/null
    init=/run/mysqld/init.sql
    q() { printf '%s' "$1" | sed "s/'/''/g"; }
    {
      echo "SET @@SESSION.SQL_LOG_BIN=0;"
      echo "CREATE USER IF NOT EXISTS 'root'@'%';"
      echo "ALTER USER 'root'@'localhost' IDENTIFIED BY '$(q "$root_pw")';"
      echo "ALTER USER 'root'@'%' IDENTIFIED BY '$(q "$root_pw")';"
      echo "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
      if [ -n "$db" ]; then echo "CREATE DATABASE IF NOT EXISTS \`$db\`;"; fi
      if [ -n "$user" ] && [ "$user" != root ]; then
        echo "CREATE USER '$(q "$user")'@'%' IDENTIFIED BY '$(q "$pw")';"
        if [ -n "$db" ]; then echo "GRANT ALL ON \`$db\`.* TO '$(q "$user")'@'%';"; fi
      fi
      echo "FLUSH PRIVILEGES;"
    } > "$init"
    chown mysql:mysql "$init"
    echo "entrypoint: initialised /var/lib/mysql (database ${db:-none}, user ${user:-root})"
  fi
  set -- mariadbd --user=mysql --skip-name-resolve --bind-address=0.0.0.0 --port=3306 \
    ${init:+--init-file="$init"} "$@"
fi
exec "$@"
