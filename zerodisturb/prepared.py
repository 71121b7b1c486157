"""A values_list() query compiled once and run again with another value of its one parameter.

For the few reads on the gate's hot path: Django compiles a query's SQL on every run (joins,
columns, ordering), which costs far more CPU than running it. The ORM still writes the SQL and
converts the rows (dates and times on SQLite, say), so the query stays what the models say.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connections, router
from django.db.models import QuerySet

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
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters:
            return [tuple(row) for row in compiler.apply_converters(rows, converters)]
        return rows
