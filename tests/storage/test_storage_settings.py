"""STORAGES["default"] comes from the environment: a private bucket when one is named."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_PRINT = (
    "import json, django; from django.conf import settings; django.setup();"
    "from django.core.files.storage import default_storage as d;"
    "print(json.dumps({'storage': settings.STORAGES['default'], 'class': type(d._setup() or d._wrapped).__name__}, default=str))"
)


def storage_settings(**env: str) -> dict:
    """The default storage as a fresh process configures it from these variables alone."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("S3_", "AWS_"))}
    clean.update(env, DJANGO_SETTINGS_MODULE="portal.settings")
    out = subprocess.run(
        [sys.executable, "-c", _PRINT], cwd=ROOT, env=clean, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_storage_without_a_bucket_is_the_local_disk():
    result = storage_settings()
    assert result["storage"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert result["class"] == "FileSystemStorage"


def test_storage_with_a_bucket_is_private_s3_with_short_signed_urls():
    result = storage_settings(
        S3_BUCKET="portal-files",
        S3_ENDPOINT_URL="http://minio:9000",
        S3_REGION="ap-southeast-1",
        S3_ACCESS_KEY_ID="portal",
        S3_SECRET_ACCESS_KEY="a-long-secret",
        S3_ADDRESSING_STYLE="path",
    )
    assert result["class"] == "PrivateS3Storage"
    options = result["storage"]["OPTIONS"]
    assert result["storage"]["BACKEND"] == "core.storage.PrivateS3Storage"
    assert options["bucket_name"] == "portal-files"
    assert options["endpoint_url"] == "http://minio:9000"
    assert options["region_name"] == "ap-southeast-1"
    assert (options["access_key"], options["secret_key"]) == ("portal", "a-long-secret")
    assert options["addressing_style"] == "path"
    assert options["default_acl"] is None  # no public-read, no grant at all
    assert options["querystring_auth"] is True
    assert options["querystring_expire"] == 60
    assert options["file_overwrite"] is False


@pytest.mark.parametrize(
    "env",
    [
        {"AWS_STORAGE_BUCKET_NAME": "portal-files", "AWS_ACCESS_KEY_ID": "k"},
        {"S3_BUCKET": "portal-files", "S3_URL_EXPIRE": "30"},
    ],
    ids=["django-storages-names", "no-keys-uses-boto3-chain"],
)
def test_storage_accepts_the_usual_aws_names_and_the_boto3_credential_chain(env):
    options = storage_settings(**env)["storage"]["OPTIONS"]
    assert options["bucket_name"] == "portal-files"
    assert options["endpoint_url"] is None  # AWS itself
    if "AWS_ACCESS_KEY_ID" in env:
        assert options["access_key"] == "k"
    else:
        # No key in settings: boto3 finds an instance role, AWS_* variables or a profile.
        assert options["access_key"] is None and options["querystring_expire"] == 30
