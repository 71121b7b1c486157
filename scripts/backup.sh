#!/usr/bin/env bash
# 零扰企 backups: dump the database, restore a dump into a NEW database, check the restored copy.
#
#   scripts/backup.sh dump    FILE         dump $DATABASE_URL (default: the SQLite file in var/)
#   scripts/backup.sh restore FILE TARGET  restore FILE into TARGET (a database URL that must not
#                                          exist yet: PostgreSQL creates it, SQLite a new file)
#   scripts/backup.sh check   TARGET       verify_audit on TARGET, and its row counts equal to
#                                          those of $DATABASE_URL (run right after dump + restore)
#
# PostgreSQL: pg_dump -Fc / pg_restore (client tools of the server's major version). SQLite: the
# online backup API, consistent while the app keeps running. Keep PII_KEY with the dumps: without
# it the encrypted ID and phone numbers in a restored copy cannot be read.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
SOURCE=${DATABASE_URL:-sqlite:///${ZD_VAR_DIR:-var}/db.sqlite3}

# sqlite:////abs/path -> /abs/path, sqlite:///rel/path -> rel/path (as dj-database-url reads them)
sqlite_path() { echo "${1#sqlite:///}"; }

die() { echo "backup.sh: $*" >&2; exit 2; }

cmd=${1:-}
case "$cmd" in
  dump)
    out=${2:?usage: backup.sh dump FILE}
    if [[ $SOURCE == postgres* ]]; then
      pg_dump --format=custom --no-owner --file="$out" "$SOURCE"
    else
      src=$(sqlite_path "$SOURCE")
      "$PY" - "$src" "$out" <<'PYEOF'
import sqlite3, sys
src, out = sys.argv[1], sys.argv[2]
with sqlite3.connect(src) as a, sqlite3.connect(out) as b:
    a.backup(b)
PYEOF
    fi
    echo "已备份到 $out"
    ;;
  restore)
    file=${2:?usage: backup.sh restore FILE TARGET}
    target=${3:?usage: backup.sh restore FILE TARGET}
    if [[ $target == postgres* ]]; then
      name=${target##*/}
      admin=${target%/*}/postgres
      exists=$(psql "$admin" -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'")
      [[ -z $exists ]] || die "目标数据库 $name 已存在：请恢复到一个新的数据库"
      psql "$admin" -qc "CREATE DATABASE \"$name\""
      pg_restore --no-owner --exit-on-error --dbname="$target" "$file"
    else
      path=$(sqlite_path "$target")
      [[ ! -e $path ]] || die "目标文件 $path 已存在：请恢复到一个新的文件"
      cp "$file" "$path"
    fi
    echo "已恢复到 $target"
    ;;
  check)
    target=${2:?usage: backup.sh check TARGET}
    DATABASE_URL=$target "$PY" manage.py verify_audit
    DATABASE_URL=$SOURCE "$PY" manage.py row_counts >"${TMPDIR:-/tmp}/zd-rows-source.$$"
    DATABASE_URL=$target "$PY" manage.py row_counts >"${TMPDIR:-/tmp}/zd-rows-target.$$"
    if cmp -s "${TMPDIR:-/tmp}/zd-rows-source.$$" "${TMPDIR:-/tmp}/zd-rows-target.$$"; then
      echo "行数一致：$(tr ',' '\n' <"${TMPDIR:-/tmp}/zd-rows-target.$$" | wc -l) 张表"
      rm -f "${TMPDIR:-/tmp}"/zd-rows-*.$$
    else
      echo "行数不一致：" >&2
      diff <(tr ',' '\n' <"${TMPDIR:-/tmp}/zd-rows-source.$$") \
           <(tr ',' '\n' <"${TMPDIR:-/tmp}/zd-rows-target.$$") >&2 || true
      rm -f "${TMPDIR:-/tmp}"/zd-rows-*.$$
      exit 1
    fi
    ;;
  *)
    sed -n '2,13p' "$0"; exit 2 ;;
esac
