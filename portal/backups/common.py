"""What every part of a backup shares: file names, the error, the report, hashing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

FORMAT = 1
DUMP_NAME = "database.dump"
MEDIA_NAME = "media.tar.gz"
MANIFEST_NAME = "manifest.json"
PREFIX = "portal-"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup could not be made, is not sound, or may not be restored here."""


@dataclass
class Report:
    """What a verification or a restore found: lines to show and problems that fail it."""

    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
