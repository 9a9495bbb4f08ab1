"""Printable PDFs rendered from ordinary Django templates with WeasyPrint.

Everything a PDF template refers to must already be on this machine: stylesheets and
pictures under ``STATIC_URL`` are read from disk (the static files finders, or the collected
files in production), and every other address is refused. Rendering therefore never waits on
the network, and a template (or text placed in one) cannot make the server fetch or read
anything else. Weekly stroke handouts use this; programme reports are meant to as well.
"""

from __future__ import annotations

import functools
import logging
import mimetypes
import posixpath
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeString, mark_safe

# WeasyPrint (and fontTools, which it may use to embed fonts) report each step of every
# render at INFO; only their warnings and errors (a picture it could not load, say) belong in
# our logs.
for _name in ("weasyprint.progress", "fontTools"):
    logging.getLogger(_name).setLevel(logging.WARNING)

QR_ERROR_LEVEL = "m"
"""Medium error correction: still reads when a printed page is creased or a little smudged."""


class RefusedURL(ValueError):
    """A PDF asked for something that is not one of our static files."""


class StaticFiles:
    """Our static files, as a PDF sees them: addresses under ``STATIC_URL`` joined to
    ``base_url`` (the same scheme, host and port) that name a file the static files
    machinery knows. Anything else is ``RefusedURL``."""

    def __init__(self, base_url: str) -> None:
        self.prefix = urljoin(base_url, settings.STATIC_URL)

    def name_of(self, url: str) -> str:
        parts = urlsplit(url)
        bare = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        if not bare.startswith(self.prefix):
            raise RefusedURL(f"Only static files may be used in a PDF, not {url!r}.")
        name = unquote(bare[len(self.prefix) :])
        if (
            not name
            or "\\" in name
            or "\x00" in name
            or name.startswith("/")
            or posixpath.normpath(name) != name
            or ".." in name.split("/")
        ):
            raise RefusedURL(f"Not a static file name: {url!r}.")
        return name

    def read(self, url: str) -> tuple[bytes, str]:
        """The file's bytes and content type."""
        name = self.name_of(url)
        found = finders.find(name)
        if isinstance(found, str):
            with open(found, "rb") as file:
                data = file.read()
        elif staticfiles_storage.exists(name):
            # Collected files, e.g. the hashed names a manifest storage hands out.
            with staticfiles_storage.open(name) as file:
                data = file.read()
        else:
            raise RefusedURL(f"No static file {name!r}.")
        return data, mimetypes.guess_type(name)[0] or "application/octet-stream"


@functools.cache
def _fetcher_class() -> type:
    # WeasyPrint is imported on first use: it takes a second to load, which every other
    # page, command and test would otherwise pay.
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]

    class StaticOnlyFetcher(URLFetcher):
        def __init__(self, files: StaticFiles) -> None:
            super().__init__()
            self.files = files

        def fetch(self, url: str, headers: Any = None) -> Any:
            data, content_type = self.files.read(url)
            return URLFetcherResponse(url, data, {"Content-Type": content_type})

    return StaticOnlyFetcher


def url_fetcher(base_url: str) -> Any:
    """A WeasyPrint URL fetcher that serves only ``StaticFiles(base_url)``."""
    return _fetcher_class()(StaticFiles(base_url))


def base_url_for(request: HttpRequest | None) -> str:
    """The site's root address: from the request when there is one, else the configured site
    address (for PDFs made by background work)."""
    if request is not None:
        return request.build_absolute_uri("/")
    return f"{settings.NURTURE_SITE_URL}/"


def render_pdf(
    template_name: str,
    context: dict[str, Any],
    *,
    request: HttpRequest | None = None,
    base_url: str | None = None,
) -> bytes:
    """Render ``template_name`` with ``context`` and return the PDF's bytes. Relative and
    ``{% static %}`` addresses resolve against ``base_url`` (default: ``base_url_for``)."""
    base = base_url or base_url_for(request)
    html = render_to_string(template_name, context, request=request)
    from weasyprint import HTML  # type: ignore[import-untyped]

    document = HTML(string=html, base_url=base, url_fetcher=url_fetcher(base))
    pdf: bytes = document.write_pdf()
    return pdf


def pdf_response(pdf: bytes, filename: str, *, download: bool = False) -> HttpResponse:
    """A PDF for the browser to show (or, with ``download``, to save) under ``filename``."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(download, filename) or "inline"
    return response


def qr_svg(data: str, *, title: str = "QR code") -> SafeString:
    """A QR code for ``data`` as inline SVG, one unit per module and a four-module quiet zone;
    size it with CSS (the ``qr`` class). Safe to place in a template: segno writes only the
    modules, and escapes the title."""
    code = segno.make_qr(data, error=QR_ERROR_LEVEL)
    svg = code.svg_inline(scale=1, border=4, omitsize=True, svgclass="qr", title=title)
    return mark_safe(svg)  # noqa: S308 - generated by segno, no user markup
