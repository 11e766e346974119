"""The database half of a backup: dump with row counts, check, restore (PostgreSQL, SQLite)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import environ
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.postgresql.client import DatabaseClient as PostgresClient
from django.db.utils import load_backend

from portal.backups.common import DUMP_NAME, BackupError, Report


def _run(args: list[str], env: dict[str, str]) -> str:
    """Run a PostgreSQL client program; its error output becomes a BackupError."""
    if shutil.which(args[0]) is None:
        raise BackupError(
            f"{args[0]} is not installed (Debian/Ubuntu: apt-get install postgresql-client)."
        )
    result = subprocess.run(args, env={**os.environ, **env}, capture_output=True, text=True)  # nosec B603  # a fixed argument list of PostgreSQL's own programs, no shell
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed (exit {result.returncode}): {result.stderr.strip()}")
    return result.stdout


def _pg_env(settings_dict: dict) -> dict[str, str]:
    """libpq environment for a Django PostgreSQL configuration (the password never in argv)."""
    _args, env = PostgresClient.settings_to_cmd_args_env(settings_dict, [])
    env = dict(env or {})
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    return env


@contextmanager
def _private_connection(settings_dict: dict, alias: str) -> Iterator[BaseDatabaseWrapper]:
    """A connection of its own for one configuration, closed afterwards.

    It is registered under `alias` in this thread only while in use, because
    connection_created receivers (django.contrib.postgres) look connections up by alias.
    """
    config = connections.configure_settings({DEFAULT_DB_ALIAS: dict(settings_dict)})
    config = config[DEFAULT_DB_ALIAS]
    wrapper = load_backend(config["ENGINE"]).DatabaseWrapper(config, alias)
    connections[alias] = wrapper
    try:
        yield wrapper
    finally:
        wrapper.close()
        del connections[alias]


@contextmanager
def target_connection(database_url: str | None) -> Iterator[BaseDatabaseWrapper]:
    """The portal's own database, or a private connection to database_url."""
    if not database_url:
        yield connections[DEFAULT_DB_ALIAS]
        return
    with _private_connection(environ.Env.db_url_config(database_url), "portal_restore_target") as c:
        yield c


def table_names(wrapper: BaseDatabaseWrapper, cursor=None) -> list[str]:
    return [t for t in wrapper.introspection.table_names(cursor) if not t.startswith("sqlite_")]


def row_counts(wrapper: BaseDatabaseWrapper, cursor, tables) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {wrapper.ops.quote_name(table)}")  # nosec B608  # table names come from introspection and are quoted
        counts[table] = cursor.fetchone()[0]
    return counts


def _pg_dump(source: BaseDatabaseWrapper, path: Path) -> dict[str, int]:
    """pg_dump the database from an exported snapshot; count the rows in that snapshot."""
    with _private_connection(source.settings_dict, "portal_backup_snapshot") as reader:
        reader.set_autocommit(False)
        with reader.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = row_counts(reader, cursor, table_names(reader, cursor))
            # The snapshot lives as long as this transaction: pg_dump runs inside it.
            _run(
                ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={path}"]
                + ["--dbname", source.settings_dict["NAME"]],
                _pg_env(source.settings_dict),
            )
        reader.rollback()
    return counts


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_counts(path: Path) -> dict[str, int]:
    copy = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        names = [
            row[0]
            for row in copy.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
            )
        ]
        return {
            name: copy.execute(f"SELECT COUNT(*) FROM {_sqlite_quote(name)}").fetchone()[0]  # nosec B608  # table names come from sqlite_master and are quoted
            for name in names
        }
    finally:
        copy.close()


def _sqlite_dump(source: BaseDatabaseWrapper, path: Path) -> dict[str, int]:
    """Copy the live database with SQLite's backup API (consistent under writes)."""
    if source.in_atomic_block:
        # The backup would wait forever for the write lock this very connection holds.
        raise BackupError("Back up an SQLite database outside a transaction.")
    source.ensure_connection()
    target = sqlite3.connect(path)
    try:
        source.connection.backup(target)
    finally:
        target.close()
    return _sqlite_counts(path)


def dump_database(path: Path) -> tuple[BaseDatabaseWrapper, dict[str, int]]:
    """Dump the portal's database to path; return it and the row count of every table."""
    source = connections[DEFAULT_DB_ALIAS]
    dump = _pg_dump if source.vendor == "postgresql" else _sqlite_dump
    return source, dump(source, path)


def check_dump(path: Path, database: dict, report: Report) -> None:
    """Prove the dump readable: SQLite's integrity check and row counts; pg_restore's list."""
    expected = database.get("tables", {})
    if database.get("vendor") == "sqlite":
        try:
            copy = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            try:
                integrity = copy.execute("PRAGMA integrity_check").fetchone()[0]
            finally:
                copy.close()
            counts = _sqlite_counts(path)
        except sqlite3.DatabaseError as exc:
            report.problems.append(f"{DUMP_NAME}: not a readable SQLite database ({exc}).")
            return
        if integrity != "ok":
            report.problems.append(f"{DUMP_NAME}: SQLite integrity check failed: {integrity}")
        compare_counts(counts, expected, report, where=DUMP_NAME)
        return
    try:
        listing = _run(["pg_restore", "--list", str(path)], {})
    except BackupError as exc:
        report.problems.append(f"{DUMP_NAME}: {exc}")
        return
    dumped = {line.split()[-2] for line in listing.splitlines() if " TABLE DATA " in line}
    missing = sorted(set(expected) - dumped)
    if missing:
        report.problems.append(f"{DUMP_NAME}: no data for tables {', '.join(missing)}.")
    report.lines.append(f"{DUMP_NAME}: pg_restore reads its table of contents.")


def compare_counts(actual: dict, expected: dict, report: Report, *, where: str) -> None:
    wrong = []
    for table, rows in sorted(expected.items()):
        if table not in actual:
            wrong.append(f"{table}: missing (expected {rows} rows)")
        elif actual[table] != rows:
            wrong.append(f"{table}: {actual[table]} rows, expected {rows}")
    report.problems.extend(f"{where}: {line}" for line in wrong)
    if not wrong:
        total = sum(expected.values())
        report.lines.append(f"{where}: {len(expected)} tables, {total} rows as in the manifest.")
    extra = sorted(set(actual) - set(expected))
    if extra:
        report.lines.append(f"{where}: note, tables not in the backup: {', '.join(extra)}.")


def restore_database(target: BaseDatabaseWrapper, dump: Path) -> None:
    if target.vendor == "postgresql":
        target.close()  # hold no lock that pg_restore's DROP TABLE would wait for
        # --no-owner/--no-privileges: the target's role owns everything, whoever made the dump.
        _run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges"]
            + ["--single-transaction", "--exit-on-error"]
            + ["--dbname", target.settings_dict["NAME"], str(dump)],
            _pg_env(target.settings_dict),
        )
        return
    target.ensure_connection()
    source = sqlite3.connect(f"{dump.resolve().as_uri()}?mode=ro", uri=True)
    try:
        source.backup(target.connection)
    finally:
        source.close()
