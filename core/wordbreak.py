"""Word segmentation for every script, with ICU (PyICU).

Thai, Lao, Khmer and Burmese are written without spaces between words, and
Chinese without any separator at all; ICU's dictionary-based word break
iterator finds the words. Search segments both the indexed text and the query
the same way, so a word from the middle of a sentence is a token of its own.
"""

from __future__ import annotations

import icu

#: How the portal's language codes map to ICU locales (ICU picks the break
#: dictionary from the script, so the locale only matters for tailorings).
_ICU_LOCALES = {"zh-hans": "zh_Hans", "fil": "fil", "tet": "pt"}


def words(text: str, language: str = "") -> list[str]:
    """The words of `text` in reading order, lower-cased, punctuation and spaces dropped."""
    if not text:
        return []
    locale = icu.Locale(_ICU_LOCALES.get(language, language.replace("-", "_")) or "root")
    # A fresh iterator per call: ICU break iterators are not thread-safe.
    breaker = icu.BreakIterator.createWordInstance(locale)
    breaker.setText(text)
    found: list[str] = []
    start = breaker.first()
    for end in breaker:
        # Rule status 0 ("none") marks spaces and punctuation between words.
        if breaker.getRuleStatus() != icu.UWordBreak.NONE:
            found.append(text[start:end].lower())
        start = end
    return found


def segmented(text: str, language: str = "") -> str:
    """`text` with its words separated by single spaces (for a 'simple' tsvector)."""
    return " ".join(words(text, language))
