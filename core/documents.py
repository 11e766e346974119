"""The one PDF renderer: a Django template (HTML) → a PDF, with fonts for every UI language.

App-agnostic (README "Documents"): each app owns its document templates in
`templates/<app>/documents/` and the selector that fills them; this module
only turns HTML into PDF bytes in a given language. WeasyPrint lays the text
out with Pango, which picks glyphs from the system's fontconfig: Debian's
`fonts-noto-core` (Latin, Vietnamese, Thai, Lao, Khmer, Myanmar) and
`fonts-noto-cjk` (Chinese). The stack in `templates/documents/base.html`
names those families, so a receipt in Thai or Burmese never shows boxes.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

log = logging.getLogger(__name__)
# WeasyPrint reports every layout step at INFO: keep the workers' logs readable.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

PDF_CONTENT_TYPE = "application/pdf"


class DocumentError(RuntimeError):
    """The PDF engine is missing or failed (e.g. Pango not installed)."""


def render_html(template_name: str, context: dict[str, Any], *, language: str) -> str:
    """The document's HTML in `language` (also used by tests and previews)."""
    with translation.override(language):
        return render_to_string(
            template_name,
            {**context, "LANGUAGE_CODE": language, "document_language": language},
        )


def render_pdf(template_name: str, context: dict[str, Any], *, language: str) -> bytes:
    """Render `template_name` with `context` in `language` and return the PDF's bytes."""
    html = render_html(template_name, context, language=language)
    try:
        from weasyprint import HTML  # imported late: it loads Pango (a system library)
    except OSError as exc:  # pragma: no cover - depends on the host's packages
        raise DocumentError(
            "WeasyPrint cannot load Pango: install libpango-1.0-0 and libpangoft2-1.0-0"
        ) from exc
    try:
        return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    except Exception as exc:  # noqa: BLE001 - any engine failure is one kind of error here
        log.exception("PDF rendering of %s failed", template_name)
        raise DocumentError(f"PDF rendering of {template_name} failed") from exc
