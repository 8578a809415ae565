"""Files handed to the browser: one way to name them (in Chinese, as the user will find them in
the downloads folder) and to type them."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"
ZIP_TYPE = "application/zip"
_TYPES = {".xlsx": XLSX_TYPE, ".docx": DOCX_TYPE, ".pdf": PDF_TYPE, ".zip": ZIP_TYPE}


def download(content: bytes, file_name: str, *, content_type: str | None = None) -> HttpResponse:
    """A response that saves `content` under `file_name` (Chinese names kept: RFC 6266
    filename* with an ASCII fallback), typed by the name's suffix unless `content_type`."""
    suffix = file_name[file_name.rfind("."):].lower() if "." in file_name else ""
    response = HttpResponse(content, content_type=content_type or _TYPES.get(suffix, "application/octet-stream"))
    response["Content-Disposition"] = content_disposition_header(True, file_name) or "attachment"
    return response
