"""Run by test_replica.py in a child process whose DATABASE_URL is a throwaway primary and whose
DATABASE_REPLICA_URL is its streaming replica: migrates, writes, then shows where reads go.

Prints one JSON line: the server port each kind of query reached and the replica's refusal.
"""

import json

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connections, router, transaction  # noqa: E402
from django.db.utils import DatabaseError  # noqa: E402

from zerodisturb.dbrouter import replica_reads  # noqa: E402
from zerodisturb.registry.models import Organisation  # noqa: E402


def port_of(alias: str) -> int:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT inet_server_port()")
        return cursor.fetchone()[0]


call_command("migrate", verbosity=0)
# From now on (synchronous_commit = remote_apply is in the primary's config) a commit returns only
# once the replica has applied it, so the replica's read below cannot be stale and nothing has to
# wait or poll. Switched on after the migrations, which need not wait for the replica each time.
with connections["default"].cursor() as cursor:
    cursor.execute("ALTER SYSTEM SET synchronous_standby_names = '*'")
    cursor.execute("SELECT pg_reload_conf()")
connections["default"].close()  # a new session starts with the reloaded settings
Organisation.objects.create(county_code="330282", kind="government", name="复制测试局")

result = {"primary_port": port_of("default"), "replica_port": port_of("replica")}
result["plain_read_alias"] = router.db_for_read(Organisation)
with replica_reads():
    alias = router.db_for_read(Organisation)
    result["replica_read_alias"] = alias
    result["replica_read_port"] = port_of(alias)
    result["replica_sees_row"] = Organisation.objects.filter(name="复制测试局").exists()
    with transaction.atomic():
        result["in_transaction_alias"] = router.db_for_read(Organisation)
result["write_alias"] = router.db_for_write(Organisation)
try:
    with connections["replica"].cursor() as cursor:
        cursor.execute("UPDATE registry_organisation SET name = 'x'")
    result["replica_write_error"] = ""
except DatabaseError as exc:
    result["replica_write_error"] = str(exc).splitlines()[0]
print(json.dumps(result, ensure_ascii=False))
