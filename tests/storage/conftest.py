"""A real S3-compatible server for the object-storage tests: moto in server mode.

The server runs in a thread of the test process on a free loopback port, for
the whole session; each test gets a bucket of its own and the portal's
default storage pointed at it, exactly as `S3_BUCKET` and friends configure it
in production (see portal/settings.py). Nothing is mocked inside the process:
django-storages and boto3 talk HTTP to the server.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ACCESS_KEY = "portal-test-key"
SECRET_KEY = "portal-test-secret"
REGION = "ap-southeast-1"
_BUCKETS = itertools.count(1)
ROOT = Path(__file__).resolve().parents[2]


def probe(code: str, **env: str) -> dict:
    """Run `code` in a fresh Django process configured by `env` alone; return its `result`.

    A separate process reads the settings as production does (no pytest loaded,
    so not in test mode), from these variables and nothing inherited that
    concerns storage, Redis, the database or debugging.
    """
    prefixes = ("S3_", "AWS_", "REDIS_URL", "DATABASE_URL", "DEBUG", "CELERY_")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    clean.update(env, DJANGO_SETTINGS_MODULE="portal.settings")
    script = (
        "import json, django; django.setup(); from django.conf import settings\n"
        f"{code}\n"
        "print(json.dumps(result, default=str))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=clean, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint():
    """The URL of a moto S3 server started for this test session."""
    from moto.server import ThreadedMotoServer

    # The server's access log would drown the test output.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def s3_client(endpoint: str):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name=REGION,
    )


def storage_options(endpoint: str, bucket: str) -> dict:
    """The storage options settings.py builds from the S3_* variables, for this server."""
    return {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "region_name": REGION,
        "access_key": ACCESS_KEY,
        "secret_key": SECRET_KEY,
        "location": "",
        "addressing_style": "path",
        "signature_version": "s3v4",
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 60,
        "file_overwrite": False,
        "object_parameters": {"CacheControl": "private, no-store"},
    }


class Bucket:
    """The test's bucket, read directly (not through the portal)."""

    def __init__(self, endpoint: str, name: str):
        self.endpoint, self.name = endpoint, name
        self.client = s3_client(endpoint)

    def object_keys(self, prefix: str = "") -> list[str]:
        listing = self.client.list_objects_v2(Bucket=self.name, Prefix=prefix)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


@pytest.fixture
def bucket(s3_endpoint, settings) -> Bucket:
    """A fresh private bucket, and the portal's default storage pointed at it."""
    name = f"portal-files-{next(_BUCKETS)}"
    s3 = Bucket(s3_endpoint, name)
    s3.client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "core.storage.PrivateS3Storage",
            "OPTIONS": storage_options(s3_endpoint, name),
        },
    }
    yield s3
    for key in s3.object_keys():
        s3.client.delete_object(Bucket=name, Key=key)
    s3.client.delete_bucket(Bucket=name)
