"""Time partitioning of the tables that grow without bound, on PostgreSQL only (SQLite is untouched).

A partitioned table's primary key and unique indexes must contain the partition column, and a
foreign key can only point at a unique key of it. So `partition_by_year` turns a Django table into
a range-partitioned one whose primary key is (id, <time column>) while Django keeps `id` as the
pk (one sequence makes it unique); foreign keys that pointed at the table are dropped (Django's
on_delete emulation and the services keep them right); each unique index gets the time column,
except the ones named in `global_unique`, which stay global through a narrow key table kept by a
trigger (the unique violation is raised on INSERT, so the services' IntegrityError handling is
unchanged). See docs/performance.md, "Province-scale data".
"""

from __future__ import annotations

import re
from datetime import date

from django.db import transaction

# table -> partition column; `ensure_partitions` keeps a partition per year ahead of time.
PARTITIONED = {
    "audit_auditevent": "occurred_at",
    "notifications_notification": "created_at",
    "visits_visit": "window_start",
    "evaluations_evaluation": "submitted_at",
}
FIRST_YEAR = 2020
# Years are cut at local (China Standard Time) midnight, the same calendar year users mean.
TZ_OFFSET = "+08:00"


def _rows(cursor, sql: str, params=None) -> list[tuple]:
    cursor.execute(sql, params or [])
    return cursor.fetchall()


def is_partitioned(cursor, table: str) -> bool:
    return bool(
        _rows(
            cursor,
            "SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
            "WHERE c.relname = %s AND pg_table_is_visible(c.oid)",
            [table],
        )
    )


def _with_column(indexdef: str, column: str) -> str:
    """A unique index definition with the partition column appended to its key columns."""
    match = re.search(r"USING \w+ \((.*?)\)(?=( INCLUDE| WHERE|$))", indexdef)
    if not match or re.search(rf"\b{column}\b", match.group(1)):
        return indexdef
    start, end = match.span(1)
    return f"{indexdef[:end]}, {column}{indexdef[end:]}"


def partition_by_year(
    schema_editor,
    table: str,
    column: str,
    *,
    global_unique: dict[str, list[str]] | None = None,
    through_year: int | None = None,
) -> None:
    """Rebuild `table` as a table range-partitioned by `column`, keeping its rows and indexes."""
    if schema_editor.connection.vendor != "postgresql":
        return
    global_unique = global_unique or {}
    with schema_editor.connection.cursor() as cursor:
        if is_partitioned(cursor, table):
            return
        old = f"{table}__unpartitioned"
        for name, referencing in _rows(
            cursor,
            "SELECT conname, conrelid::regclass::text FROM pg_constraint "
            "WHERE contype = 'f' AND confrelid = %s::regclass AND conrelid <> confrelid",
            [table],
        ):
            cursor.execute(f'ALTER TABLE {referencing} DROP CONSTRAINT "{name}"')
        own_fks = _rows(
            cursor,
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid = %s::regclass",
            [table],
        )
        indexes = _rows(
            cursor,
            "SELECT i.relname, pg_get_indexdef(x.indexrelid), x.indisunique FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = %s::regclass "
            "AND NOT x.indisprimary",
            [table],
        )
        columns_of = {
            name: _rows(
                cursor,
                "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
                "WHERE a.attrelid = %s::regclass AND a.attname = ANY(%s)",
                [table, cols],
            )
            for name, cols in global_unique.items()
        }
        cursor.execute(f"ALTER TABLE {table} RENAME TO {old}")
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {old}")
        last_id = cursor.fetchone()[0]
        cursor.execute(f"ALTER TABLE {old} ALTER COLUMN id DROP IDENTITY IF EXISTS")
        cursor.execute(
            f"CREATE TABLE {table} (LIKE {old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
            f"INCLUDING STORAGE INCLUDING COMMENTS) PARTITION BY RANGE ({column})"
        )
        # Identity columns are not allowed on partitioned tables before PostgreSQL 17; a sequence
        # owned by the column behaves the same for Django (pg_get_serial_sequence finds it).
        cursor.execute(f"CREATE SEQUENCE {table}_id_seq OWNED BY {table}.id")
        cursor.execute(
            f"ALTER TABLE {table} ALTER COLUMN id SET DEFAULT nextval('{table}_id_seq'::regclass)"
        )
        if last_id:
            cursor.execute(f"SELECT setval('{table}_id_seq', %s)", [last_id])
        cursor.execute(f"CREATE TABLE {table}_default PARTITION OF {table} DEFAULT")
        _add_years(cursor, table, column, FIRST_YEAR, through_year or date.today().year + 2)
        cursor.execute(f"INSERT INTO {table} SELECT * FROM {old}")
        cursor.execute(f"DROP TABLE {old}")
        cursor.execute(
            f'ALTER TABLE {table} ADD CONSTRAINT "{table}_pkey" PRIMARY KEY (id, {column})'
        )
        for name, indexdef, unique in indexes:
            if name in global_unique:
                continue
            indexdef = indexdef.replace(f" ON public.{old} ", f" ON public.{table} ")
            indexdef = indexdef.replace(f" ON {old} ", f" ON {table} ")
            cursor.execute(_with_column(indexdef, column) if unique else indexdef)
        for name, definition in own_fks:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for name, cols in global_unique.items():
            _global_unique(cursor, table, name, cols, dict(columns_of[name]))


def _global_unique(cursor, table: str, name: str, cols: list[str], types: dict[str, str]) -> None:
    """A key table `<table>__<name>` whose primary key (named `name`) keeps `cols` unique."""
    keys = f"{table}__{name}"
    col_list = ", ".join(cols)
    cursor.execute(
        f"CREATE TABLE {keys} ({', '.join(f'{c} {types[c]} NOT NULL' for c in cols)}, "
        f'CONSTRAINT "{name}" PRIMARY KEY ({col_list}))'
    )
    new_values = ", ".join(f"NEW.{c}" for c in cols)
    old_match = " AND ".join(f"{c} = OLD.{c}" for c in cols)
    changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in cols)
    cursor.execute(
        f"""
        CREATE OR REPLACE FUNCTION {keys}_keep() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                INSERT INTO {keys} ({col_list}) VALUES ({new_values});
                RETURN NEW;
            ELSIF TG_OP = 'UPDATE' THEN
                IF {changed} THEN
                    DELETE FROM {keys} WHERE {old_match};
                    INSERT INTO {keys} ({col_list}) VALUES ({new_values});
                END IF;
                RETURN NEW;
            END IF;
            DELETE FROM {keys} WHERE {old_match};
            RETURN OLD;
        END;
        $$ LANGUAGE plpgsql;
        CREATE OR REPLACE FUNCTION {keys}_clear() RETURNS trigger AS $$
        BEGIN
            TRUNCATE {keys};
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql;
        """
    )
    cursor.execute(
        f"CREATE TRIGGER {name}_keep BEFORE INSERT OR UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {keys}_keep()"
    )
    # Django's test flush truncates the model tables only; the keys must go with them.
    cursor.execute(
        f"CREATE TRIGGER {name}_clear AFTER TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {keys}_clear()"
    )
    cursor.execute(f"INSERT INTO {keys} ({col_list}) SELECT {col_list} FROM {table}")


def _stored_columns(cursor, table: str) -> list[str]:
    """The table's columns a row is written with: not dropped, not generated."""
    rows = _rows(
        cursor,
        "SELECT quote_ident(attname) FROM pg_attribute WHERE attrelid = %s::regclass "
        "AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum",
        [table],
    )
    return [r[0] for r in rows]


def _bounds(year: int) -> tuple[str, str]:
    return f"{year}-01-01 00:00:00{TZ_OFFSET}", f"{year + 1}-01-01 00:00:00{TZ_OFFSET}"


def _add_years(cursor, table: str, column: str, first: int, last: int) -> list[str]:
    created = []
    existing = {
        r[0]
        for r in _rows(
            cursor,
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass",
            [table],
        )
    }
    for year in range(first, last + 1):
        name = f"{table}_y{year}"
        if name in existing:
            continue
        low, high = _bounds(year)
        default = f"{table}_default"
        cursor.execute(
            f"SELECT count(*) FROM {default} WHERE {column} >= %s AND {column} < %s", [low, high]
        )
        strays = cursor.fetchone()[0]
        if strays:
            # Rows of this year already sit in the default partition: move them into the new one
            # (the new partition cannot be created while the default holds rows of its range).
            # Its triggers are off for the move: the rows and their keys stay, they only change
            # partition. Deferred checks run first, as ALTER TABLE refuses pending trigger events.
            # One transaction: a failure leaves the default attached and no half-made partition.
            # Generated columns (the audit table's row_hash) are computed again, not copied.
            with transaction.atomic(using=cursor.db.alias):
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"ALTER TABLE {table} DETACH PARTITION {default}")
                cursor.execute(f"CREATE TABLE {name} (LIKE {table} INCLUDING ALL)")
                columns = ", ".join(_stored_columns(cursor, table))
                cursor.execute(
                    f"INSERT INTO {name} ({columns}) SELECT {columns} FROM {default} "
                    f"WHERE {column} >= %s AND {column} < %s",
                    [low, high],
                )
                cursor.execute(f"ALTER TABLE {default} DISABLE TRIGGER USER")
                cursor.execute(
                    f"DELETE FROM {default} WHERE {column} >= %s AND {column} < %s", [low, high]
                )
                cursor.execute(f"ALTER TABLE {default} ENABLE TRIGGER USER")
                cursor.execute(
                    f"ALTER TABLE {table} ATTACH PARTITION {name} FOR VALUES FROM (%s) TO (%s)",
                    [low, high],
                )
                cursor.execute(f"ALTER TABLE {table} ATTACH PARTITION {default} DEFAULT")
        else:
            cursor.execute(
                f"CREATE TABLE {name} PARTITION OF {table} FOR VALUES FROM (%s) TO (%s)",
                [low, high],
            )
        created.append(name)
    return created


def ensure_partitions(connection, years_ahead: int = 2, today: date | None = None) -> list[str]:
    """Create the yearly partitions up to `years_ahead` years from now; returns what it made."""
    if connection.vendor != "postgresql":
        return []
    last = (today or date.today()).year + years_ahead
    created = []
    with connection.cursor() as cursor:
        for table, column in PARTITIONED.items():
            if is_partitioned(cursor, table):
                created += _add_years(cursor, table, column, FIRST_YEAR, last)
    return created
