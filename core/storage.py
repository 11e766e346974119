"""Object storage for uploaded files: a private S3-compatible bucket (django-storages).

Selected by `STORAGES["default"]` when `S3_BUCKET` is set (portal/settings.py);
the embedded default keeps files on the local disk. Objects are private: no
ACL grant, so only signed requests reach them. The portal never hands a URL
to a browser; views check permission and then stream the object through
`open_stream` (see `entities.files.serve_stored_file` for why).
"""

from __future__ import annotations

from botocore.exceptions import ClientError
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

_MISSING = {"404", "NoSuchKey", "NotFound"}


class PrivateS3Storage(S3Storage):
    """S3Storage that can hand out an object's body as a stream.

    `open()` (django-storages' S3File) downloads the whole object into memory
    before the first byte can be sent; `open_stream()` returns botocore's
    streaming body, read chunk by chunk as the response goes out.
    """

    def open_stream(self, name: str):
        """The object's body as a readable, closable stream; FileNotFoundError if absent."""
        key = self._normalize_name(clean_name(name))
        try:
            response = self.connection.meta.client.get_object(Bucket=self.bucket_name, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING:
                raise FileNotFoundError(
                    f"No object {key!r} in bucket {self.bucket_name!r}"
                ) from exc
            raise
        return response["Body"]
