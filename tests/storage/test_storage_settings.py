"""STORAGES["default"] comes from the environment: a private bucket when one is named."""

from __future__ import annotations

from .conftest import probe

_PRINT = (
    "from django.core.files.storage import default_storage as d; d._setup();"
    "result = {'storage': settings.STORAGES['default'], 'class': type(d._wrapped).__name__}"
)


def storage_settings(**env: str) -> dict:
    """The default storage as a fresh process configures it from these variables alone."""
    return probe(_PRINT, **env)


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


def test_storage_accepts_django_storages_names_and_the_boto3_credential_chain():
    options = storage_settings(AWS_STORAGE_BUCKET_NAME="portal-files", S3_URL_EXPIRE="30")[
        "storage"
    ]["OPTIONS"]
    assert options["bucket_name"] == "portal-files"
    assert options["endpoint_url"] is None  # AWS itself
    # No key in settings: boto3 finds an instance role, AWS_* variables or a profile.
    assert options["access_key"] is None and options["secret_key"] is None
    assert options["querystring_expire"] == 30
