"""A small dataset to back up, and tools to inspect and damage backups."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import tarfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from challenges import services
from challenges.models import Attachment, Bid, Challenge
from entities.enums import MembershipRole
from entities.files import inspect_upload
from entities.models import CapabilityEvidence, Organization, User
from tests.challenges.factories import draft_bid, listed_challenge
from tests.factories import PDF_BYTES, PNG_BYTES, OrganizationFactory, UserFactory, add_member

# The models the drill checks independently of the manifest.
CHECKED_MODELS = (Organization, User, Challenge, Bid, Attachment, CapabilityEvidence)


def build_dataset() -> Bid:
    """Three organizations, a published challenge and a draft bid with two attachments."""
    asean = OrganizationFactory(asean=True, capabilities=True)
    guangxi = OrganizationFactory(capabilities=True)
    OrganizationFactory(asean=True, unverified=True)
    challenge = listed_challenge(organization=asean)
    editor = UserFactory()
    add_member(guangxi, editor, MembershipRole.EDITOR)
    bid = draft_bid(challenge, guangxi, by=editor)
    for name, content in (("work plan.pdf", PDF_BYTES), ("site photo.png", PNG_BYTES)):
        upload = SimpleUploadedFile(name, content)
        services.attachment_add(upload=upload, info=inspect_upload(upload), by=editor, bid=bid)
    return bid


def model_counts() -> dict[str, int]:
    return {model._meta.db_table: model.objects.count() for model in CHECKED_MODELS}


def sqlite_counts(path: Path, tables) -> dict[str, int]:
    db = sqlite3.connect(path)
    try:
        return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        db.close()


def file_hashes(root: Path) -> dict[str, str]:
    """Relative path → SHA-256 of every file under root."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def read_manifest(backup: Path) -> dict:
    return json.loads((backup / "manifest.json").read_text())


def write_manifest(backup: Path, manifest: dict) -> None:
    (backup / "manifest.json").write_text(json.dumps(manifest))


def flip_byte(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def replace_archive(backup: Path, members: list[tuple[tarfile.TarInfo, bytes | None]]) -> None:
    """Put a hand-made media.tar.gz in the backup, with a manifest that agrees with it.

    This is what an attacker who can also rewrite the manifest would produce: the
    hashes all match, so only the checks of the members themselves can refuse it.
    """
    buffer = io.BytesIO()
    files = []
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for info, content in members:
            if content is None:
                tar.addfile(info)
                continue
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
            sha = hashlib.sha256(content).hexdigest()
            files.append({"path": info.name, "size": len(content), "sha256": sha})
    archive = buffer.getvalue()
    (backup / "media.tar.gz").write_bytes(archive)
    manifest = read_manifest(backup)
    manifest["media"].update(
        size=len(archive), sha256=hashlib.sha256(archive).hexdigest(), files=files
    )
    write_manifest(backup, manifest)
