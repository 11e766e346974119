import pytest
from pypdf import PdfReader


def pdf_text(data: bytes) -> str:
    """All the text of a PDF, read back with pypdf."""
    import io

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


@pytest.fixture
def read_pdf():
    return pdf_text
