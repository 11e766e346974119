"""Without REDIS_URL (the embedded default) the same code delivers in-process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import transaction

from notifications.models import Delivery, DeliveryStatus
from notifications.services import notify
from portal.celery import app
from tests.factories import UserFactory

from .helpers import VERIFIED_CONTEXT

ROOT = Path(__file__).resolve().parents[2]


def test_embedded_settings_run_tasks_eagerly_without_a_broker(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"REDIS_URL", "CELERY_TASK_ALWAYS_EAGER", "PYTEST_CURRENT_TEST"}
    }
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "DEBUG": "true"})
    code = (
        "import django, json; django.setup();"
        "from portal.celery import app;"
        "print(json.dumps([app.conf.task_always_eager, app.conf.broker_url]))"
    )
    out = (
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": "portal.settings"},
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    assert json.loads(out) == [True, "memory://"]


@pytest.mark.django_db(transaction=True)
def test_embedded_notify_delivers_in_process_after_commit(mailoutbox):
    assert app.conf.task_always_eager
    user = UserFactory()
    with transaction.atomic():
        notify([user], "organization.verified", None, VERIFIED_CONTEXT)
    assert len(mailoutbox) == 1
    assert Delivery.objects.get().status == DeliveryStatus.SENT
