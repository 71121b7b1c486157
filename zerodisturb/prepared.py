"""The gate's hot path statements: compiled once in Python, and prepared once on PostgreSQL.

`PreparedValues`: a values_list() query compiled once and run again with another value of its one
parameter. Django compiles a query's SQL on every run (joins, columns, ordering), which costs far
more CPU than running it. The ORM still writes the SQL and converts the rows (dates and times on
SQLite, say), so the query stays what the models say.

`cursor()`: on PostgreSQL, a cursor whose statements are prepared statements of the connection.
Django sends every statement with its parameters written in (client-side binding), so the server
plans it anew each time. For the scan facts' eight-table join over the visit's ten yearly
partitions that planning is most of its cost: 1.8 ms a run against 0.45 ms prepared, measured on
this machine (docs/performance.md). Prepared statements need the connection's
`prepare_threshold` (settings: DB_PREPARED_STATEMENTS, on by default; Django's own cursors bind on
the client and are never prepared, so only these statements are). Off, for a pooler in transaction
mode that does not keep prepared statements (PgBouncer before 1.21, or without
max_prepared_statements), this is Django's ordinary cursor. SQLite: always the ordinary cursor.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager

from django.db import connections, router
from django.db.backends.postgresql import base as pg  # psycopg is installed everywhere
from django.db.models import QuerySet


def cursor(alias: str = "default"):
    """A Django cursor (wrapped as usual: errors, the query log) for statements worth preparing."""
    conn = connections[alias]
    if conn.vendor != "postgresql":
        return conn.cursor()
    # As Django's own DatabaseWrapper._cursor() and create_cursor(), with the cursor class that
    # Django itself uses when OPTIONS server_side_binding is on.
    conn.close_if_health_check_failed()
    conn.ensure_connection()
    if conn.connection.prepare_threshold is None:
        return conn.cursor()
    with conn.wrap_database_errors:
        # It binds on the server: each statement it runs is prepared on the connection
        # (threshold 0) the first time, and later runs only bind and execute.
        raw = pg.ServerBindingCursor(conn.connection)
        loader = conn.connection.adapters.get_loader(pg.TIMESTAMPTZ_OID, pg.Format.TEXT)
        if conn.timezone != loader.timezone:
            pg.register_tzloader(conn.timezone, raw)
        conn.validate_thread_sharing()
        if conn.queries_logged:
            return _LoggedStatement(raw, conn)
        return conn.make_cursor(raw)


class _LoggedStatement(pg.CursorDebugWrapper):
    """Django's query log (DEBUG, tests) for a cursor that binds on the server: psycopg keeps no
    text of a prepared run, so the statement is written out with its values as Django's own
    cursor would have sent it."""

    @contextmanager
    def debug_sql(self, sql=None, params=None, use_last_executed_query=False, many=False):
        if use_last_executed_query and not many and params is not None:
            sql, use_last_executed_query = self.db.ops.compose_sql(sql, params), False
        with super().debug_sql(sql, params, use_last_executed_query, many):
            yield


# Stands for the parameter while the query is compiled; found again among the compiled params.
_PLACEHOLDER = -918_273_645


class PreparedValues:
    def __init__(self, model, build: Callable[[object], QuerySet]):
        """`build(value)` returns the values_list() queryset for `value` (used once per database)."""
        self._model = model
        self._build = build
        self._compiled: dict[str, tuple] = {}

    def _compile(self, alias: str) -> tuple:
        compiled = self._compiled.get(alias)
        if compiled is None:
            compiler = self._build(_PLACEHOLDER).query.get_compiler(using=alias)
            sql, params = compiler.as_sql()
            if list(params).count(_PLACEHOLDER) != 1:
                raise ValueError("the prepared query must take its value exactly once")
            fields = [s[0] for s in compiler.select[: compiler.col_count]]
            converters = compiler.get_converters(fields)
            compiled = (sql, list(params), params.index(_PLACEHOLDER), compiler, converters)
            self._compiled[alias] = compiled
        return compiled

    def rows(self, value) -> list[tuple]:
        alias = router.db_for_read(self._model)
        sql, params, index, compiler, converters = self._compile(alias)
        params = params.copy()
        params[index] = value
        with cursor(alias) as c:
            c.execute(sql, params)
            rows = c.fetchall()
        if converters:
            return [tuple(row) for row in compiler.apply_converters(rows, converters)]
        return rows
