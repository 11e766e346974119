"""The bid's PDF documents: streamed from storage, in the reader's language."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation

from core.documents import DocumentError
from entities.files import serve_stored_file

from .. import documents, rules
from ..enums import DocumentKind
from ._common import bid_or_404


@login_required
def bid_document(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Download a document of the bid; rendered (and kept) on first request in a language."""
    if kind not in DocumentKind.values:
        raise Http404
    bid = bid_or_404(request, pk)
    if not rules.can_download_bid_documents(request.user, bid):
        raise Http404
    language = translation.get_language() or "en"
    try:
        document = documents.bid_document_get_or_render(bid=bid, kind=kind, language=language)
    except DocumentError:
        return HttpResponse(
            translation.gettext(
                "The document cannot be produced right now. Please try again later."
            ),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    if document is None:
        raise Http404
    response = serve_stored_file(document)
    response["Content-Language"] = language
    return response
