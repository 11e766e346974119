"""The outbox against a real Celery worker and a real Redis (CI runs these).

Each test starts its own redis-server on a free port (so stopping it disturbs
nobody else; without the binary they use REDIS_URL and the outage test skips) and `celery -A portal worker` processes that read the pytest
test database and write each e-mail as a file, so the test can count them.
The beat sweeper is run from the test itself, as beat would every minute.
"""

from __future__ import annotations

import shutil
import time
from email import message_from_bytes
from pathlib import Path

import pytest
from django.db import transaction

from notifications.models import Delivery, DeliveryStatus
from notifications.services import notify
from notifications.tasks import deliver
from portal.celery import app
from tests.factories import UserFactory

from .helpers import VERIFIED_CONTEXT, sweep
from .worker import ExternalRedis, RedisServer, Worker, reset_producer_pool, use_broker, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


@pytest.fixture
def redis_server(tmp_path, settings):
    if not shutil.which("redis-server"):
        # Without the binary, use the configured Redis; the outage test then skips.
        yield ExternalRedis(settings.REDIS_URL)
        return
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def broker(redis_server, settings):
    """This process publishes to the private Redis (no eager tasks); the sweeper has no grace."""
    saved = app.conf.task_always_eager, app.conf.broker_url
    use_broker(redis_server.url)
    settings.NOTIFICATIONS_STALE_AFTER = 0
    yield redis_server
    app.conf.task_always_eager, app.conf.broker_url = saved
    reset_producer_pool()


@pytest.fixture
def mail_dir(tmp_path) -> Path:
    path = tmp_path / "mail"
    path.mkdir()
    return path


@pytest.fixture
def start_worker(transactional_db, broker, mail_dir, tmp_path):
    """start_worker(**env) → a running worker; every worker is stopped after the test."""
    started: list[Worker] = []

    def start(**env: str) -> Worker:
        worker = Worker(broker_url=broker.url, mail_dir=mail_dir, log_dir=tmp_path, env=env)
        started.append(worker)
        worker.start()
        return worker

    yield start
    for worker in started:
        worker.stop()


def emails(mail_dir: Path) -> list:
    return [message_from_bytes(p.read_bytes()) for p in sorted(mail_dir.glob("*.eml"))]


def settle(mail_dir: Path, expected: int, *, timeout: float = 30) -> list:
    """Wait for `expected` e-mails, then a little longer to catch any duplicate."""
    wait_for(lambda: len(emails(mail_dir)) >= expected, timeout, f"{expected} e-mail(s)")
    time.sleep(1.5)
    return emails(mail_dir)


def status() -> str:
    return Delivery.objects.get().status


def test_worker_delivers_after_commit(start_worker, mail_dir):
    worker = start_worker()
    user = UserFactory()
    with transaction.atomic():
        notify([user], "organization.verified", None, VERIFIED_CONTEXT)
    (message,) = settle(mail_dir, 1)
    assert message["To"] == user.email
    assert "verified" in message["Subject"]
    wait_for(lambda: status() == DeliveryStatus.SENT, 10, "the row to be marked sent")
    assert "notifications.tasks.deliver" in worker.log()


def test_worker_sends_nothing_for_a_rolled_back_transaction(start_worker, mail_dir):
    start_worker()
    ghost, witness = UserFactory(), UserFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        notify([ghost], "organization.verified", None, VERIFIED_CONTEXT)
        raise RuntimeError("rolled back")
    # A committed notification afterwards proves the worker was listening all along.
    with transaction.atomic():
        notify([witness], "organization.verified", None, VERIFIED_CONTEXT)
    (message,) = settle(mail_dir, 1)
    assert message["To"] == witness.email
    assert not Delivery.objects.filter(address=ghost.email).exists()


def test_redis_down_at_commit_is_delivered_once_by_the_sweeper(start_worker, broker, mail_dir):
    start_worker()
    broker.stop()
    user = UserFactory()
    began = time.monotonic()
    with transaction.atomic():
        notify([user], "organization.verified", None, VERIFIED_CONTEXT)  # must not raise
    assert time.monotonic() - began < 10, "a broker outage must not hang the request"
    assert status() == DeliveryStatus.PENDING
    time.sleep(1)
    assert emails(mail_dir) == []

    broker.start()  # same port; the worker reconnects by itself

    def beat() -> bool:
        sweep()
        return status() == DeliveryStatus.SENT

    wait_for(beat, 60, "the sweeper to get the delivery sent", interval=1)
    sweep()  # one more beat: nothing is sent twice
    assert len(settle(mail_dir, 1)) == 1
    assert Delivery.objects.get().attempts == 1


def test_worker_killed_mid_delivery_is_delivered_once_by_the_next(start_worker, mail_dir, tmp_path):
    slow = tmp_path / "slow-smtp"
    slow.touch()
    first = start_worker(NOTIFICATIONS_TEST_SLOW_MARKER=str(slow))
    user = UserFactory()
    with transaction.atomic():
        notify([user], "organization.verified", None, VERIFIED_CONTEXT)
    wait_for(Path(f"{slow}.started").exists, 30, "the worker to start sending")
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENDING, 1)

    first.kill()
    slow.unlink()  # the SMTP server is fast again
    assert emails(mail_dir) == []

    second = start_worker(NOTIFICATIONS_TEST_SLOW_MARKER=str(slow))

    def beat() -> bool:
        sweep()  # queues it again once the dead worker's claim has expired
        return status() == DeliveryStatus.SENT

    wait_for(beat, 60, "the delivery to be sent by the new worker", interval=1)
    sweep()
    (message,) = settle(mail_dir, 1, timeout=10)
    assert message["To"] == user.email
    assert Delivery.objects.get().attempts == 2
    # Redis hands the dead worker's unacknowledged message out again after the
    # visibility timeout (acks_late); that late copy must find the row sent.
    deliver.apply_async(args=[delivery.pk])
    wait_for(lambda: "'not_claimed'" in second.log(), 20, "the late copy to be handled")
    assert len(settle(mail_dir, 1, timeout=5)) == 1


def test_worker_retries_smtp_failures_with_backoff_and_sends_once(start_worker, mail_dir, tmp_path):
    failures = tmp_path / "smtp-failures"
    failures.write_text("2")
    start_worker(NOTIFICATIONS_TEST_FAILURES_FILE=str(failures))
    user = UserFactory()
    with transaction.atomic():
        notify([user], "organization.verified", None, VERIFIED_CONTEXT)
    wait_for(lambda: status() == DeliveryStatus.SENT, 30, "the retries to succeed")
    assert len(settle(mail_dir, 1)) == 1
    delivery = Delivery.objects.get()
    assert delivery.attempts == 3
    assert delivery.last_error == ""
    assert failures.read_text() == "0"
