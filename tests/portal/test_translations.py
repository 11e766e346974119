"""Every catalogue (ten languages besides English): complete, placeholder-safe,
compiled, reviewed against a glossary, and used.

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

LOCALE = Path(settings.BASE_DIR) / "locale"
# locale folder -> the language code of LANGUAGES, and the number of plural forms.
CATALOGUES = {
    "zh_Hans": ("zh-hans", 1),
    "vi": ("vi", 1),
    "th": ("th", 1),
    "id": ("id", 1),
    "ms": ("ms", 1),
    "km": ("km", 1),
    "lo": ("lo", 1),
    "my": ("my", 1),
    "fil": ("fil", 2),
    "pt": ("pt", 2),
}

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


@pytest.fixture(scope="module", params=sorted(CATALOGUES))
def folder(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def entries(folder) -> list[Entry]:
    return read_po(LOCALE / folder / "LC_MESSAGES" / "django.po")


@pytest.fixture(scope="module")
def messages(entries) -> list[Entry]:
    return [e for e in entries if e.msgid]


def test_every_language_has_a_catalogue():
    codes = {code for code, _name in settings.LANGUAGES} - {"en"}
    assert codes == {code for code, _plurals in CATALOGUES.values()}


def test_po_header_names_its_language_and_plural_forms_and_is_not_fuzzy(folder, entries):
    header = next(e for e in entries if not e.msgid)
    assert "fuzzy" not in header.flags
    assert f"Language: {folder}\n" in header.msgstr[0]
    nplurals = CATALOGUES[folder][1]
    assert f"Plural-Forms: nplurals={nplurals};" in header.msgstr[0]
    assert "charset=UTF-8" in header.msgstr[0]


def test_each_new_language_has_a_terminology_glossary(folder):
    glossary = (LOCALE / folder / "glossary.md").read_text(encoding="utf-8")
    for term in ("challenge", "lead", "partner", "cooperation mode", "eligib", "validation"):
        assert term in glossary.lower(), term


def test_po_has_many_messages(messages):
    # Guards the reader itself: an empty parse would make every check below pass.
    assert len(messages) > 1000


def test_every_message_is_translated_and_none_is_fuzzy(messages):
    untranslated = [e.label for e in messages if not all(s.strip() for s in e.msgstr.values())]
    fuzzy = [e.label for e in messages if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []


def test_plural_messages_fill_every_plural_form(folder, messages):
    plurals = [e for e in messages if e.msgid_plural is not None]
    assert plurals, "expected some plural messages"
    forms = list(range(CATALOGUES[folder][1]))
    assert [e.label for e in plurals if sorted(e.msgstr) != forms] == []


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
            elif entry.msgid_plural is not None and not set(found) <= expected_names:
                mismatched.append((entry.label, sorted(expected_names), sorted(found)))
        if entry.msgid_plural is not None:
            # The last form serves the plural: it must carry the plural's placeholders
            # (a singular form may spell "one" out instead of %(counter)s).
            last = entry.msgstr[max(entry.msgstr)]
            if not set(PLACEHOLDER.findall(entry.msgid_plural)) <= set(PLACEHOLDER.findall(last)):
                mismatched.append((entry.label, entry.msgid_plural, last))
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


def test_compiled_catalogue_matches_the_po_file(folder, messages):
    with (LOCALE / folder / "LC_MESSAGES" / "django.mo").open("rb") as handle:
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


# The home page's lead sentence in every language: a page really renders in it.
HOME_LEAD = [code for code, _name in settings.LANGUAGES if code not in ("en", "zh-hans")]
LEAD = "ASEAN institutions set the questions. Guangxi teams lead the answers."


@pytest.mark.django_db
@pytest.mark.parametrize("code", HOME_LEAD)
def test_home_page_renders_in_each_language(client, code):
    client.post(reverse("set_language"), {"language": code, "next": "/"})
    content = client.get("/").content.decode()
    assert f'<html lang="{code}">' in content
    with translation.override(code):
        expected = translation.gettext(LEAD)
    assert expected != LEAD
    assert expected in content
    assert LEAD not in content


@pytest.mark.django_db
def test_language_switcher_names_each_language_in_itself_and_marks_unreviewed(client, settings):
    settings.LANGUAGES_AWAITING_REVIEW = ["th"]
    content = client.get("/").content.decode()
    for code, _name in settings.LANGUAGES:
        name = translation.get_language_info(code)["name_local"]
        assert f">{name}" in content, name
    assert 'lang="th" >ภาษาไทย · awaiting review</option>' in content
    assert "Tiếng Việt · awaiting review" not in content
