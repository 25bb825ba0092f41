"""A real HTTP server on 127.0.0.1 for a folder of stored outlet sites: one free port per outlet.

Each outlet folder is served as a site root. ``__BASE__`` inside text files
becomes the outlet's own ``http://127.0.0.1:PORT`` and ``__BASE_<outlet>__``
any other outlet's. ``/x.xml.gz`` is served as the gzipped ``x.xml``,
``/dir/?page=N`` as ``dir/page-N.html``, a folder as its ``index.html`` or
``index.xml``, and a file without a suffix as HTML: the shapes real news CMSs use.
An outlet's ``redirects.txt`` holds ``FROM TO`` lines (path and query) answered with 301.
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

CONTENT_TYPES = {
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
    ".csv": "text/csv; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".gz": "application/x-gzip",
}


class SiteServer(ThreadingHTTPServer):
    daemon_threads = True
    root: Path
    bases: dict[str, str]
    own_base: str


class SiteHandler(BaseHTTPRequestHandler):
    server: SiteServer

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        return

    def do_GET(self) -> None:
        redirects = self.server.root / "redirects.txt"
        if redirects.is_file():
            for line in redirects.read_text().splitlines():
                source, _, target = line.partition(" ")
                if source == self.path:
                    self.send_response(301)
                    self.send_header("Location", target)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        gzipped = path.endswith(".gz")
        if gzipped:
            path = path[:-3]
        target = self.resolve(path, parse_qs(parts.query))
        if target is None:
            self.send_error(404)
            return
        data = target.read_bytes()
        if target.suffix in (".xml", ".html", ".txt", ".js", ".mjs", "") or target.suffix not in CONTENT_TYPES:
            text = data.decode("utf-8")
            for name, base in self.server.bases.items():
                text = text.replace(f"__BASE_{name}__", base)
            data = text.replace("__BASE__", self.server.own_base).encode("utf-8")
        content_type = CONTENT_TYPES.get(target.suffix, "text/html; charset=utf-8")
        if gzipped:
            data = gzip.compress(data)
            content_type = CONTENT_TYPES[".gz"]
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def resolve(self, path: str, query: dict[str, list[str]]) -> Path | None:
        root = self.server.root
        candidate = (root / path.lstrip("/")).resolve()
        if root.resolve() not in candidate.parents and candidate != root.resolve():
            return None
        if candidate.is_dir():
            page = query.get("page", ["1"])[0]
            names = ["index.html", "index.xml"] if page == "1" else [f"page-{page}.html"]
            for name in names:
                if (candidate / name).is_file():
                    return candidate / name
            return None
        return candidate if candidate.is_file() else None


@contextmanager
def serve_sites(root: Path, names: list[str] | None = None) -> Iterator[dict[str, str]]:
    """Serve every outlet folder under ``root``; yields {outlet: base URL}."""
    names = names or sorted(p.name for p in root.iterdir() if p.is_dir())
    servers: dict[str, SiteServer] = {}
    for name in names:
        server = SiteServer(("127.0.0.1", 0), SiteHandler)
        server.root = root / name
        servers[name] = server
    bases = {name: f"http://127.0.0.1:{server.server_address[1]}" for name, server in servers.items()}
    threads = []
    for name, server in servers.items():
        server.bases = bases
        server.own_base = bases[name]
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        threads.append(thread)
    try:
        yield bases
    finally:
        for server in servers.values():
            server.shutdown()
            server.server_close()


def fill_bases(template: str, bases: dict[str, str]) -> str:
    for name, base in bases.items():
        template = template.replace(f"__BASE_{name}__", base)
    return template
