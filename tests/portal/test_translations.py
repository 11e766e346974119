"""The Simplified Chinese catalogue: complete, placeholder-safe, compiled and used.

The .po file is parsed here with a small reader (no third-party dependency), so
the checks run on a fresh machine without gettext installed.
"""

from __future__ import annotations

import ast
import gettext
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from challenges.enums import ChallengeState

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"

# %(name)s, %s, %d, %5.2f … and the escaped percent sign %%.
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc%]")


@dataclass
class Entry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def label(self) -> str:
        return (f"[{self.msgctxt}] " if self.msgctxt else "") + self.msgid[:70]


def read_po(path: Path) -> list[Entry]:
    """Entries of a .po file, header included (its msgid is empty)."""
    entries: list[Entry] = []
    current = Entry()
    target: tuple[str, int] | None = None
    started = False

    def finish() -> None:
        nonlocal current, started, target
        if started:
            entries.append(current)
        current, started, target = Entry(), False, None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            current.obsolete = True
            continue
        if line.startswith("#,"):
            current.flags.update(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if keyword.startswith('"'):
            value, (name, index) = ast.literal_eval(line), target
        else:
            value = ast.literal_eval(rest)
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            name, index = ("msgstr", int(match.group(1))) if match else (keyword, 0)
            target = (name, index)
            started = True
            if name == "msgstr":
                current.msgstr.setdefault(index, "")
            elif name in ("msgid", "msgctxt", "msgid_plural"):
                setattr(current, name, getattr(current, name) or "")
        if name == "msgstr":
            current.msgstr[index] += value
        else:
            setattr(current, name, getattr(current, name) + value)
    finish()
    return [e for e in entries if not e.obsolete]


@pytest.fixture(autouse=True)
def _default_language_afterwards():
    # A request through LocaleMiddleware leaves its language active in the
    # thread; with a real catalogue that would turn later tests Chinese.
    yield
    translation.deactivate()


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return read_po(PO_FILE)


@pytest.fixture(scope="module")
def messages(entries) -> list[Entry]:
    return [e for e in entries if e.msgid]


def test_po_header_declares_one_plural_form_and_is_not_fuzzy(entries):
    header = next(e for e in entries if not e.msgid)
    assert "fuzzy" not in header.flags
    assert "Plural-Forms: nplurals=1; plural=0;" in header.msgstr[0]
    assert "charset=UTF-8" in header.msgstr[0]


def test_po_has_many_messages(messages):
    # Guards the reader itself: an empty parse would make every check below pass.
    assert len(messages) > 1000


def test_every_message_is_translated_and_none_is_fuzzy(messages):
    untranslated = [e.label for e in messages if not all(s.strip() for s in e.msgstr.values())]
    fuzzy = [e.label for e in messages if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []


def test_plural_messages_fill_the_single_chinese_form(messages):
    plurals = [e for e in messages if e.msgid_plural is not None]
    assert plurals, "expected some plural messages"
    assert all(sorted(e.msgstr) == [0] for e in plurals)


def test_placeholders_match_between_msgid_and_msgstr(messages):
    mismatched = []
    for entry in messages:
        if "python-format" not in entry.flags and "%(" not in entry.msgid:
            continue
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        expected = Counter(PLACEHOLDER.findall(entry.msgid))
        expected_names = set().union(*(set(PLACEHOLDER.findall(s)) for s in sources))
        for translated in entry.msgstr.values():
            found = Counter(PLACEHOLDER.findall(translated))
            if entry.msgid_plural is None and found != expected:
                mismatched.append((entry.label, dict(expected), dict(found)))
            elif entry.msgid_plural is not None and set(found) != expected_names:
                mismatched.append((entry.label, sorted(expected_names), sorted(found)))
    assert mismatched == []


def test_leading_and_trailing_newlines_are_kept(messages):
    broken = [
        e.label
        for e in messages
        for s in e.msgstr.values()
        if e.msgid.startswith("\n") != s.startswith("\n")
        or e.msgid.endswith("\n") != s.endswith("\n")
    ]
    assert broken == []


def test_compiled_catalogue_matches_the_po_file(messages):
    with MO_FILE.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog
    stale = []
    for entry in messages:
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural is None:
            if catalogue.get(key) != entry.msgstr[0]:
                stale.append(entry.label)
        elif catalogue.get((key, 0)) != entry.msgstr[0]:
            stale.append(entry.label)
    assert stale == [], "run `manage.py compilemessages` and commit the .mo file"


def test_python_strings_are_translated_under_zh_hans():
    with translation.override("zh-hans"):
        assert str(ChallengeState.LISTED.label) == "揭榜中"
    with translation.override("en"):
        assert str(ChallengeState.LISTED.label) == "Open for bids"


@pytest.mark.django_db
def test_home_page_in_simplified_chinese(client):
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302
    page = client.get("/")
    content = page.content.decode()
    assert '<html lang="zh-hans">' in content
    assert "东盟出题，广西揭榜。" in content
    assert "广西—东盟人工智能揭榜挂帅" in content
    assert "ASEAN institutions set the questions." not in content


@pytest.mark.django_db
def test_challenge_list_in_simplified_chinese(client):
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    content = client.get(reverse("challenges:list")).content.decode()
    assert "来自东盟机构的人工智能榜单" in content
    assert "搜索榜单" in content
