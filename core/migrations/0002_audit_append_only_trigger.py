"""PostgreSQL refuses UPDATE and DELETE on the audit trail (a row trigger).

Only on PostgreSQL; on SQLite (the embedded default) the application's
refusals are the guard. TRUNCATE (test database flushes) is not a row
operation and stays possible for the database owner.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION core_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'the audit trail is append-only: ' || TG_OP || ' refused',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
CREATE TRIGGER core_auditentry_append_only
    BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION core_auditentry_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
DROP FUNCTION IF EXISTS core_auditentry_append_only();
"""


def _run(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0001_audit_trail")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
