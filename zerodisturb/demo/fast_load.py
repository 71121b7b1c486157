"""seed_scale --fast: load the big tables without their secondary indexes and foreign keys.

Maintaining fourteen btree indexes per visit row, twelve per audit event, and a foreign-key check
per reference is what limits a COPY on PostgreSQL. `drop` saves the definitions of the non-unique
indexes (of a partitioned table: the parent's and each partition's, so the names stay the same)
and of the foreign keys of the big tables and drops them; after the load `restore` re-creates them
exactly (seed_scale then ANALYZEs the database). The definitions are saved in a table (SAVED) in
the same transaction as the drop, so a load that dies half-way leaves a record: the next
seed_scale run restores them before anything else. Unique indexes and primary keys stay: they
keep the loaded rows correct while loading. The foreign keys are re-added with a full
validation, so a bad reference still fails (and the saved definition stays for the next run).

The `evaluation_once` key table is kept by a row trigger (see partitions.py). In fast mode, when
the loading role may set `session_replication_role` (superuser), the loader's COPY into the
evaluations skips row triggers and writes the keys itself (scale_bulk.Sink.write); every other
statement and session keeps the trigger. SQLite: all of this is a no-op.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from django.db import connection, transaction

SAVED = "demo_fast_load_saved"
# The tables a province-scale load fills; the others are small (the county backbone).
TABLES = [
    "visits_visit",
    "visits_visitparty",
    "visits_visitstaff",
    "visits_visitofficer",
    "evaluations_evaluation",
    "audit_auditevent",
    "registry_organisation",
    "accounts_user",
]
# Key tables kept by a row trigger: table -> (key table, key columns).
KEY_TABLES = {
    "evaluations_evaluation": (
        "evaluations_evaluation__evaluation_once",
        ["visit_id", "enterprise_id"],
    )
}


def _rows(cursor, sql: str, params=None) -> list[tuple]:
    cursor.execute(sql, params or [])
    return cursor.fetchall()


def _saved_exists(cursor) -> bool:
    return _rows(cursor, "SELECT to_regclass(%s) IS NOT NULL", [SAVED])[0][0]


def _droppable(cursor, tables: list[str]) -> tuple[list[tuple], list[tuple]]:
    """(indexes, foreign keys) to drop: rows of (kind, table, name, definition, parent)."""
    indexes = _rows(
        cursor,
        "SELECT 'index', c.relname, i.relname, pg_get_indexdef(x.indexrelid), '' "
        "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "JOIN pg_class c ON c.oid = x.indrelid "
        "WHERE c.relname = ANY(%s) AND pg_table_is_visible(c.oid) "
        "AND NOT x.indisunique AND NOT x.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid) "
        "ORDER BY c.relname, i.relname",
        [tables],
    )
    # A partitioned index's partitions, by their own names (re-created first, then attached).
    children = _rows(
        cursor,
        "SELECT 'child', pc.relname, ci.relname, pg_get_indexdef(ci.oid), pi.relname "
        "FROM pg_inherits h JOIN pg_class ci ON ci.oid = h.inhrelid "
        "JOIN pg_class pi ON pi.oid = h.inhparent "
        "JOIN pg_index x ON x.indexrelid = ci.oid JOIN pg_class pc ON pc.oid = x.indrelid "
        "WHERE pi.relname = ANY(%s) ORDER BY pi.relname, ci.relname",
        [[r[2] for r in indexes]],
    )
    fks = _rows(
        cursor,
        "SELECT 'fk', c.relname, k.conname, pg_get_constraintdef(k.oid), '' "
        "FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
        "WHERE k.contype = 'f' AND k.conparentid = 0 AND c.relname = ANY(%s) "
        "AND pg_table_is_visible(c.oid) ORDER BY c.relname, k.conname",
        [tables],
    )
    return indexes + children, fks


def drop(tables: list[str] = TABLES) -> int:
    """Save and drop the secondary indexes and foreign keys of `tables`; returns how many."""
    with transaction.atomic(), connection.cursor() as cursor:
        # ALTER TABLE refuses pending deferred checks (the backbone's, inside one transaction).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {SAVED} (id serial PRIMARY KEY, kind text NOT NULL, "
            "table_name text NOT NULL, name text NOT NULL, definition text NOT NULL, "
            "parent text NOT NULL)"
        )
        indexes, fks = _droppable(cursor, tables)
        cursor.executemany(
            f"INSERT INTO {SAVED} (kind, table_name, name, definition, parent) "
            "VALUES (%s, %s, %s, %s, %s)",
            indexes + fks,
        )
        for _kind, table, name, _definition, _parent in fks:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for kind, _table, name, _definition, _parent in indexes:
            if kind == "index":  # a partitioned index takes its partitions with it
                cursor.execute(f'DROP INDEX "{name}"')
    return len(indexes) + len(fks)


def _restore_one(row: tuple, children: list[tuple]) -> None:
    """One index (with its partitions' indexes) or key, in one transaction together with
    forgetting it: a rerun continues with the next."""
    pk, kind, table, name, definition, _parent = row
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # Index builds sort; the default 64MB spills a 10M-row sort to disk many times over.
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        ids = [pk]
        if kind == "index":
            for cpk, _k, ctable, _name, cdef, _p in children:
                if _rows(cursor, "SELECT to_regclass(%s) IS NOT NULL", [ctable])[0][0]:
                    cursor.execute(cdef)
                ids.append(cpk)
            # On the parent (without ONLY) the partitions' indexes above are attached, and a
            # partition created while loading gets a new one.
            cursor.execute(definition.replace(" ON ONLY ", " ON ", 1))
        else:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute(f"DELETE FROM {SAVED} WHERE id = ANY(%s)", [ids])


def _in_thread(row: tuple, children: list[tuple]) -> None:
    try:
        _restore_one(row, children)
    finally:
        connection.close()  # this thread's own connection


def restore(log: Callable[[str], None] = lambda _: None, workers: int = 1) -> int:
    """Re-create what `drop` saved (also after a load that died); returns how many were saved.
    Indexes are built by `workers` connections side by side (each builds whole indexes), the
    foreign keys after them one by one (validating one takes locks on two tables)."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        if not _saved_exists(cursor):
            return 0
        saved = _rows(
            cursor,
            f"SELECT id, kind, table_name, name, definition, parent FROM {SAVED} ORDER BY id",
        )
    children: dict[str, list[tuple]] = {}
    for row in saved:
        if row[1] == "child":
            children.setdefault(row[5], []).append(row)
    indexes = [r for r in saved if r[1] == "index"]
    fks = [r for r in saved if r[1] == "fk"]
    started = time.monotonic()
    if workers > 1:
        with ThreadPoolExecutor(workers) as pool:
            for future in [pool.submit(_in_thread, r, children.get(r[3], [])) for r in indexes]:
                future.result()
    else:
        for row in indexes:
            _restore_one(row, children.get(row[3], []))
    log(f"  已重建 {len(indexes)} 个索引（{time.monotonic() - started:.0f} 秒）")
    for row in fks:
        _restore_one(row, [])
    log(f"  已重建并校验 {len(fks)} 个外键（累计 {time.monotonic() - started:.0f} 秒）")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {SAVED}")
    return len(saved)


def may_skip_triggers() -> bool:
    """Whether the loader's transactions may skip row triggers (`SET LOCAL
    session_replication_role`, superuser only); if so it fills the key tables itself."""
    with connection.cursor() as cursor:
        return _rows(cursor, "SELECT current_setting('is_superuser')")[0][0] == "on"


@contextmanager
def fast_load(log: Callable[[str], None] = lambda _: None, workers: int = 1):
    """Drop for the load, re-create afterwards even if the load fails. Yields whether the
    loader fills the key tables itself (see `may_skip_triggers`)."""
    if connection.vendor != "postgresql":
        yield False
        return
    restore(log)
    log(f"已暂时删除 {drop()} 个二级索引和外键，导入后重建。")
    try:
        yield may_skip_triggers()
    finally:
        t = time.monotonic()
        restore(log, workers)
        log(f"索引和外键已重建，用时 {time.monotonic() - t:.1f} 秒。")
