"""WeasyPrint: HTML to PDF bytes, with a URL fetcher that loads only the project's own files."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from .brand import Site
from .errors import RenderError
from .options import DEFAULT_SOURCE_DATE_EPOCH, PDF_OPTIONS

# Font subsets carry a "modified" time; fontTools takes it from here, so identical inputs give
# identical bytes.
os.environ.setdefault("SOURCE_DATE_EPOCH", DEFAULT_SOURCE_DATE_EPOCH)

__all__ = ["PDF_OPTIONS", "Fetcher", "Renderer"]


class Fetcher(URLFetcher):
    """Allows data: URIs and files inside the allowed folders (or exactly the allowed files); refuses the rest."""

    def __init__(self, folders: tuple[Path, ...], files: frozenset[Path]):
        super().__init__(allowed_protocols=("data", "file"))
        self.folders = folders
        self.files = files
        self.refused: list[str] = []

    def allows(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return None
        target = Path(unquote(parts.path)).resolve()
        if target in self.files or any(target.is_relative_to(f) for f in self.folders):
            return target if target.is_file() else None
        return None

    def fetch(self, url: str, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        target = self.allows(url)
        if target is None:
            self.refused.append(url)
            raise FatalURLFetchingError(url)
        return URLFetcherResponse(url, body=target.read_bytes())


class Renderer:
    """One WeasyPrint session: fonts, parsed stylesheets and images are reused across documents."""

    def __init__(self, site: Site):
        self.site = site
        self.font_config = FontConfiguration()
        self.fetcher = Fetcher(site.asset_dirs(), frozenset(f.path for f in site.fonts))
        self._css: dict[str, object] = {}
        self.image_cache: dict = {}

    def stylesheet(self, css: str):
        """Parse CSS once per distinct text."""
        key = hashlib.sha256(css.encode()).hexdigest()
        if key not in self._css:
            self._css[key] = weasyprint.CSS(
                string=css,
                font_config=self.font_config,
                url_fetcher=self.fetcher,
                base_url=(self.site.root / "styles").as_uri() + "/",
            )
        return self._css[key]

    def pdf(self, html: str, css: list[str], base: Path, source: Path, identifier: str,
            tagged: bool = True) -> tuple[bytes, int]:
        """Lay out and write html as PDF bytes and its page count.

        Refused resources and WeasyPrint failures become a RenderError naming source; identifier
        makes the PDF's file id stable from build to build. Pages that only serve as overlays for
        other PDFs need no tags (tagged=False), which saves time at the front desk.
        """
        options = PDF_OPTIONS if tagged else {}
        self.fetcher.refused.clear()
        try:
            stylesheets = [self.stylesheet(c) for c in css]
            document = weasyprint.HTML(
                string=html, base_url=base.as_uri() + "/", url_fetcher=self.fetcher
            ).render(
                stylesheets=stylesheets,
                font_config=self.font_config,
                cache=self.image_cache,
                **options,
            )
            # SVG images load what they reference while the PDF is drawn, so refusals are checked after.
            data = document.write_pdf(
                pdf_identifier=hashlib.md5(identifier.encode()).hexdigest().encode(), **options
            )
        except FatalURLFetchingError as exc:
            self.fetcher.refused.append(str(exc))
        except Exception as exc:  # WeasyPrint raises many kinds; each means this handout failed
            raise RenderError(f"could not lay out the PDF: {type(exc).__name__}: {exc}", source) from None
        if self.fetcher.refused:
            raise RenderError(
                f"refused to load '{self.fetcher.refused[0]}': only files inside the project may be used",
                source,
            )
        return data, len(document.pages)
