"""A real S3-compatible server for the object-storage tests: moto in server mode.

The server runs in a thread of the test process on a free loopback port, for
the whole session; each test gets a bucket of its own and the portal's
default storage pointed at it, exactly as `S3_BUCKET` and friends configure it
in production (see portal/settings.py). Nothing is mocked inside the process:
django-storages and boto3 talk HTTP to the server.
"""

from __future__ import annotations

import itertools
import logging
import socket

import pytest

ACCESS_KEY = "portal-test-key"
SECRET_KEY = "portal-test-secret"
REGION = "ap-southeast-1"
_BUCKETS = itertools.count(1)


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
