"""The media half of a backup: archive with hashes, check, unpack safely, compare."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tarfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from portal.backups.common import CHUNK, MEDIA_NAME, BackupError, Report, sha256_file


class _HashingReader:
    """Wraps a file so the bytes tarfile copies are the bytes that get hashed."""

    def __init__(self, fh):
        self._fh = fh
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self._fh.read(size)
        self.digest.update(data)
        return data


def media_files(root: Path) -> Iterator[str]:
    """Relative POSIX paths of the regular files under root; symbolic links are skipped."""
    if not root.is_dir():
        return
    for directory, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(directory) / name
            if not path.is_symlink():
                yield path.relative_to(root).as_posix()


def archive_media(root: Path, path: Path) -> list[dict]:
    """Write media.tar.gz; each file's hash is taken from the bytes written to the archive."""
    files = []
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for rel in media_files(root):
            try:
                fh = open(root / rel, "rb")  # noqa: SIM115 - closed below, may vanish first
            except FileNotFoundError:
                continue  # deleted since the walk: its row is gone too
            with fh:
                info = os.fstat(fh.fileno())
                if not stat.S_ISREG(info.st_mode):
                    continue
                member = tarfile.TarInfo(rel)
                member.size, member.mtime, member.mode = info.st_size, info.st_mtime, 0o644
                reader = _HashingReader(fh)
                tar.addfile(member, reader)
            files.append({"path": rel, "size": info.st_size, "sha256": reader.digest.hexdigest()})
    return files


def _unsafe_member(member: tarfile.TarInfo) -> str | None:
    name = PurePosixPath(member.name)
    if not (member.isfile() or member.isdir()):
        return f"{member.name}: not a regular file or directory"
    if name.is_absolute() or ".." in name.parts or "\\" in member.name or "\0" in member.name:
        return f"{member.name}: path leaves the media folder"
    return None


def check_archive(path: Path, expected: list[dict], report: Report) -> None:
    """Every member safe, every file in the manifest present with its size and hash."""
    wanted = {entry["path"]: entry for entry in expected}
    seen: set[str] = set()
    try:
        with tarfile.open(path, "r:gz") as tar:
            for member in tar:
                if problem := _unsafe_member(member):
                    report.problems.append(f"{MEDIA_NAME}: refused, {problem}.")
                    continue
                if member.isdir():
                    continue
                name = PurePosixPath(member.name).as_posix()
                entry = wanted.get(name)
                if entry is None or name in seen:
                    report.problems.append(f"{MEDIA_NAME}: {name} is not in the manifest.")
                    continue
                seen.add(name)
                digest = hashlib.sha256()
                with tar.extractfile(member) as fh:
                    while chunk := fh.read(CHUNK):
                        digest.update(chunk)
                if member.size != entry["size"] or digest.hexdigest() != entry["sha256"]:
                    report.problems.append(f"{MEDIA_NAME}: {name} differs from the manifest.")
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        report.problems.append(f"{MEDIA_NAME}: unreadable archive ({exc}).")
        return
    for name in sorted(set(wanted) - seen):
        report.problems.append(f"{MEDIA_NAME}: {name} is missing from the archive.")
    report.lines.append(f"{MEDIA_NAME}: {len(seen)} of {len(wanted)} files match the manifest.")


def unpack_media(path: Path, root: Path) -> None:
    """Extract into root, refusing any member that would land outside it."""
    root.mkdir(parents=True, exist_ok=True)
    root = root.resolve()
    with tarfile.open(path, "r:gz") as tar:
        for member in tar:
            if problem := _unsafe_member(member):
                raise BackupError(f"{MEDIA_NAME}: refused, {problem}.")
            if member.isdir():
                continue
            target = (root / member.name).resolve()
            if not target.is_relative_to(root):
                raise BackupError(
                    f"{MEDIA_NAME}: refused, {member.name}: path leaves the media folder."
                )
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.restoring")
            with tar.extractfile(member) as src, open(partial, "wb") as dst:
                shutil.copyfileobj(src, dst, CHUNK)
            os.replace(partial, target)


def compare_media(root: Path, expected: list[dict], report: Report) -> None:
    wrong = 0
    for entry in expected:
        path = root / entry["path"]
        if not path.is_file():
            report.problems.append(f"media: {entry['path']} is missing after the restore.")
            wrong += 1
        elif sha256_file(path) != entry["sha256"]:
            report.problems.append(f"media: {entry['path']} differs from the manifest.")
            wrong += 1
    report.lines.append(
        f"media: {len(expected) - wrong} of {len(expected)} files have their SHA-256."
    )
    extra = set(media_files(root)) - {entry["path"] for entry in expected}
    if extra:
        report.lines.append(f"media: note, {len(extra)} files in the folder are not in the backup.")
