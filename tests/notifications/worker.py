"""A real Redis and a real `celery -A portal worker`, started and stopped by the tests."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection
from kombu import pools as kombu_pools

from portal.celery import app

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check: Callable[[], object], timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def _stop(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 10) -> None:
    """Signal the process group we started (and only it) and reap it."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)


class RedisServer:
    """A private redis-server on its own port, so stopping it disturbs nobody."""

    def __init__(self, workdir: Path) -> None:
        self.binary = shutil.which("redis-server")
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def ping(self) -> bool:
        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(self.ping, 10, f"redis-server on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)
            self.process = None


class ExternalRedis:
    """The Redis at REDIS_URL, when no redis-server binary is around to start a private one."""

    def __init__(self, url: str) -> None:
        self.url = url

    def start(self) -> None:
        pass

    def stop(self) -> None:
        import pytest

        pytest.skip("stopping Redis needs a private redis-server (apt-get install redis-server)")


class Worker:
    """`celery -A portal worker` against the test database, e-mailing into `mail_dir`."""

    def __init__(self, *, broker_url: str, mail_dir: Path, log_dir: Path, env: dict) -> None:
        self.broker_url = broker_url
        self.mail_dir = mail_dir
        self.log_dir = log_dir
        self.extra_env = env
        self.process: subprocess.Popen | None = None
        self.log_path: Path | None = None

    def environment(self) -> dict[str, str]:
        db = connection.settings_dict
        database_url = (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}"
            f":{db['PORT'] or 5432}/{db['NAME']}"
        )
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PYTEST_", "CELERY_", "NOTIFICATIONS_"))
        }
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "portal.settings",
                "PYTHONPATH": str(ROOT),
                "DATABASE_URL": database_url,
                "REDIS_URL": self.broker_url,
                "DEBUG": "false",
                "SECRET_KEY": settings.SECRET_KEY,
                "SITE_URL": settings.SITE_URL,
                "EMAIL_BACKEND": "tests.notifications.mail_backends.FileBackend",
                "EMAIL_FILE_PATH": str(self.mail_dir),
                "NOTIFICATIONS_CLAIM_LEASE": "3",
                "NOTIFICATIONS_RETRY_BACKOFF": "1",
                "LOG_LEVEL": "INFO",
            }
        )
        env.update(self.extra_env)
        return env

    def start(self) -> None:
        name = f"notif-test-{uuid.uuid4().hex[:8]}"
        self.log_path = self.log_dir / f"{name}.log"
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"{name}@%h",
            ],
            cwd=ROOT,
            env=self.environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        wait_for(self._ready, 60, "the Celery worker to be ready")

    def _ready(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise AssertionError(f"the Celery worker exited:\n{self.log()}")
        return " ready." in self.log()

    def log(self) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)
            self.process = None

    def kill(self) -> None:
        """SIGKILL, as when the machine or the OOM killer takes the worker down."""
        if self.process is not None:
            _stop(self.process, signal.SIGKILL)
            self.process = None


def use_broker(url: str) -> None:
    """Make this (test) process publish to `url` for real instead of running tasks eagerly."""
    app.conf.task_always_eager = False
    app.conf.broker_url = url
    reset_producer_pool()


def reset_producer_pool() -> None:
    """Forget pooled broker connections (e.g. after the broker restarted)."""
    kombu_pools.reset()  # closes them and empties the registry, so new ones are made
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None
