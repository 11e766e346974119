"""Uploaded files: type checked from the content, size limited, stored privately.

Every upload in the portal (capability evidence, challenge and bid
attachments, milestone evidence) goes through `inspect_upload` and is stored
in a model derived from `StoredFile`; it is only ever served by a view that
checks permission first (see `serve_stored_file`). The storage is Django's
default one: local files under MEDIA_ROOT, or a private S3-compatible bucket
when `S3_BUCKET` is set (`core.storage.PrivateS3Storage`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import uuid
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from core.audit import audit_record
from core.enums import AuditAction

# Detected type -> the extensions a file of that type may carry.
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    "application/pdf": ("pdf",),
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/gif": ("gif",),
    "image/webp": ("webp",),
    "application/msword": ("doc",),
    "application/vnd.ms-excel": ("xls",),
    "application/vnd.ms-powerpoint": ("ppt",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("xlsx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ("pptx",),
    "application/vnd.oasis.opendocument.text": ("odt",),
    "application/vnd.oasis.opendocument.spreadsheet": ("ods",),
    "application/vnd.oasis.opendocument.presentation": ("odp",),
}
# Old OLE office files share one signature; filetype reports them by the first match.
_OLE_TYPES = {"application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint"}

log = logging.getLogger(__name__)

ACCEPT_ATTRIBUTE = ",".join(f".{ext}" for exts in ALLOWED_TYPES.values() for ext in exts)


@dataclass(frozen=True)
class UploadInfo:
    content_type: str
    size: int
    sha256: str
    original_name: str


def inspect_upload(upload, *, max_bytes: int | None = None) -> UploadInfo:
    """Check an uploaded file's size and real type; raise ValidationError otherwise.

    The type is read from the file's first bytes, never from its name; the
    name's extension must agree with what the content is.
    """
    max_bytes = max_bytes or settings.ATTACHMENT_MAX_BYTES
    name = os.path.basename(getattr(upload, "name", "") or "file")
    size = upload.size or 0
    if size == 0:
        raise ValidationError(
            _("The file “%(name)s” is empty."), params={"name": name}, code="empty"
        )
    if size > max_bytes:
        raise ValidationError(
            _("The file “%(name)s” is %(size)s; the limit is %(limit)s."),
            params={"name": name, "size": filesizeformat(size), "limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed_exts = ", ".join(sorted({e for exts in ALLOWED_TYPES.values() for e in exts}))
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ValidationError(
            _(
                "The file “%(name)s” is not a PDF, image or office document "
                "(accepted: %(allowed)s)."
            ),
            params={"name": name, "allowed": allowed_exts},
            code="bad_type",
        )
    mime = kind.mime
    if mime in _OLE_TYPES:
        matching = [m for m in _OLE_TYPES if ext in ALLOWED_TYPES[m]]
        mime = matching[0] if matching else mime
    if ext not in ALLOWED_TYPES[mime]:
        raise ValidationError(
            _(
                "The file “%(name)s” is named .%(ext)s but its content is %(kind)s. "
                "Rename it or upload the right file."
            ),
            params={"name": name, "ext": ext or "?", "kind": kind.extension.upper()},
            code="disguised",
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return UploadInfo(content_type=mime, size=size, sha256=digest.hexdigest(), original_name=name)


def private_upload_path(instance: models.Model, filename: str) -> str:
    """Random name in the storage (MEDIA_ROOT or the bucket); the original stays in the row."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    label = instance._meta.label_lower.replace(".", "/")
    return f"private/{label}/{uuid.uuid4().hex}.{ext}"


class StoredFile(models.Model):
    """Abstract base for every uploaded file."""

    file = models.FileField(_("file"), upload_to=private_upload_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name

    def set_upload(self, upload, info: UploadInfo) -> None:
        self.file = upload
        self.original_name = info.original_name[:255]
        self.content_type = info.content_type
        self.size = info.size
        self.sha256 = info.sha256


def _open_for_download(stored: StoredFile):
    """A readable stream of the stored bytes, from whichever storage holds them."""
    open_stream = getattr(stored.file.storage, "open_stream", None)
    if open_stream is not None:  # object storage: stream the body, don't buffer it
        return open_stream(stored.file.name)
    return stored.file.open("rb")


def serve_stored_file(
    stored: StoredFile, *, organization: models.Model | None = None
) -> FileResponse:
    """Stream a stored file as a download; callers check permission first.

    Every download is written to the audit trail (who, which file, when, from
    where; `organization` is the one the file belongs to).

    Files are always streamed through the portal, from the local disk or from
    object storage, never handed out as a (signed) storage URL: the headers
    below cannot be set on a storage provider's response, a signed URL works
    for anyone it leaks to until it expires, and the bucket stays private on
    the internal network. Files are at most ATTACHMENT_MAX_BYTES, and the
    reverse proxy buffers the response, so a slow client does not hold a
    worker (README "Scaling out").
    """
    try:
        body = _open_for_download(stored)
    except FileNotFoundError:
        # The row outlived its file (lost volume, restore without media): say
        # "not found" rather than fail, and leave a trace for the operators.
        log.error(
            "stored file missing: %s #%s (%s)", stored._meta.label, stored.pk, stored.file.name
        )
        raise Http404 from None
    audit_record(
        AuditAction.FILE_DOWNLOADED,
        obj=stored,
        organization=organization,
        details={"name": stored.original_name, "sha256": stored.sha256, "size": stored.size},
    )
    response = FileResponse(
        body,
        as_attachment=not stored.content_type.startswith("image/")
        and stored.content_type != "application/pdf",
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    if not response.has_header("Content-Length"):
        response["Content-Length"] = str(stored.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
