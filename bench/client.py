"""A small browser for scenario setup: cookies, forms with their CSRF tokens, redirects."""

from __future__ import annotations

import http.client
import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser

# wrk sends the same User-Agent, so Flask-Login's session protection sees the same browser.
USER_AGENT = "binhdan-bench/1 (+bench/run.py)"


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class Page:
    url: str
    status: int
    body: bytes
    headers: http.client.HTTPMessage

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def forms(self) -> list[Form]:
        parser = _FormParser(self.url)
        parser.feed(self.text)
        return parser.forms

    def form(self, *, action_endswith: str | None = None, has_field: str | None = None) -> Form:
        """Return the first form whose action ends so and/or which has the named field."""
        for form in self.forms():
            if action_endswith and not urllib.parse.urlsplit(form.action).path.endswith(
                action_endswith
            ):
                continue
            if has_field and has_field not in form.fields:
                continue
            return form
        raise LookupError(f"no form (action …{action_endswith}, field {has_field}) on {self.url}")

    def links(self) -> list[str]:
        parser = _LinkParser()
        parser.feed(self.text)
        return parser.hrefs

    def assets(self) -> list[str]:
        """The stylesheets and scripts the page loads (not its media)."""
        parser = _LinkParser()
        parser.feed(self.text)
        return parser.assets


class Browser:
    """Keep cookies across requests and follow redirects, like a learner's browser."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, path: str) -> Page:
        return self._open(urllib.request.Request(urllib.parse.urljoin(self.base_url, path)))

    def submit(self, form: Form, **values: str) -> Page:
        """Send a form as a browser would: its hidden fields (CSRF token) plus `values`."""
        data = urllib.parse.urlencode({**form.fields, **values}).encode()
        return self._open(urllib.request.Request(form.action, data=data, method=form.method))

    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.cookies)

    def _open(self, request: urllib.request.Request) -> Page:
        request.add_header("User-Agent", USER_AGENT)
        try:
            with self._opener.open(request, timeout=30) as response:
                return Page(response.geturl(), response.status, response.read(), response.headers)
        except urllib.error.HTTPError as error:
            return Page(error.geturl(), error.code, error.read(), error.headers)


def fetch(base_url: str, path: str, headers: dict[str, str], method: str = "GET",
          body: bytes | None = None) -> Page:
    """Send one request exactly as wrk will (no redirects followed, no cookies added)."""
    parts = urllib.parse.urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers={"User-Agent": USER_AGENT, **headers})
        response = connection.getresponse()
        return Page(base_url + path, response.status, response.read(), response.headers)
    finally:
        connection.close()


class _FormParser(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self._current: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            action = urllib.parse.urljoin(self.page_url, attributes.get("action") or self.page_url)
            self._current = Form(action, (attributes.get("method") or "get").upper())
            self.forms.append(self._current)
        elif tag in ("input", "textarea", "select") and self._current is not None:
            name = attributes.get("name")
            kind = attributes.get("type", "text").lower()
            if name and kind not in ("submit", "button", "checkbox", "radio"):
                self._current.fields.setdefault(name, attributes.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.assets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.hrefs.append(attributes["href"] or "")
        elif tag == "link" and "stylesheet" in (attributes.get("rel") or "").split():
            self.assets.append(attributes.get("href") or "")
        elif tag == "script" and attributes.get("src"):
            self.assets.append(attributes["src"] or "")
