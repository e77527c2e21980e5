"""The registry API client against small local HTTP servers: the scheme policy, token
auth, status mapping, retries. (The real registry is in tests/integration/images.)"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from jenkinsbridge.errors import RegistryAuthError, RegistryError, RegistryUnreachableError
from jenkinsbridge.images.credentials import Credentials
from jenkinsbridge.images.registry import RegistryAPI, is_loopback, split_host
from jenkinsbridge.images.retry import Retry

Handler = Callable[[BaseHTTPRequestHandler], tuple[int, dict[str, str], bytes]]


@pytest.fixture
def server() -> Iterator[Callable[[Handler], str]]:
    started: list[ThreadingHTTPServer] = []

    def start(handle: Handler) -> str:
        class H(BaseHTTPRequestHandler):
            def _any(self) -> None:
                status, headers, body = handle(self)
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_HEAD = do_POST = _any

            def log_message(self, *args: object) -> None:
                pass

        srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
        threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        started.append(srv)
        return f"127.0.0.1:{srv.server_address[1]}"

    yield start
    for srv in started:
        srv.shutdown()
        srv.server_close()


API = {"Docker-Distribution-Api-Version": "registry/2.0"}
FAST = Retry(attempts=3, delay=0.01)


def test_plain_http_is_refused_with_the_reason(server: Callable[[Handler], str]) -> None:
    host = server(lambda h: (200, API, b"{}"))
    api = RegistryAPI(host, retry=FAST)
    with pytest.raises(RegistryError) as e:
        api.connect(plain_http_allowed=lambda: "refusing it: not on loopback")
    assert str(e.value) == f"registry {host} speaks plain HTTP only; refusing it: not on loopback"
    api.connect(plain_http_allowed=lambda: None)
    assert api.scheme == "http"


def test_token_auth(server: Callable[[Handler], str]) -> None:
    seen: list[str] = []
    token_host = ""

    def handle(h: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        seen.append(h.path)
        if h.path.startswith("/token"):
            good = "Basic " + base64.b64encode(b"u:p").decode()
            if h.headers.get("Authorization") != good:
                return 401, {}, b""
            return 200, {}, json.dumps({"token": "T1"}).encode()
        if h.headers.get("Authorization") == "Bearer T1":
            return 200, {**API, "Docker-Content-Digest": "sha256:" + "d" * 64}, b"{}"
        realm = f'Bearer realm="http://{token_host}/token",service="reg"'
        return 401, {**API, "WWW-Authenticate": realm}, b""

    host = server(handle)
    token_host = host
    api = RegistryAPI(host, credentials=Credentials("u", "p"), retry=FAST)
    api.connect(plain_http_allowed=lambda: None)
    assert api.manifest_digest("acme/app", "1.0") == "sha256:" + "d" * 64
    assert "/token?service=reg&scope=repository%3Aacme/app%3Apull" in seen
    bad = RegistryAPI(host, credentials=Credentials("u", "wrong", source="JB_REGISTRY_USERNAME"), retry=FAST)
    with pytest.raises(RegistryAuthError, match=r"refused the login of user 'u'.*wrong username or password"):
        bad.connect(plain_http_allowed=lambda: None)


def test_a_login_is_asked_for_and_none_is_given(server: Callable[[Handler], str]) -> None:
    host = server(lambda h: (401, {**API, "WWW-Authenticate": 'Basic realm="r"'}, b""))
    api = RegistryAPI(host, retry=FAST, credentials_hint="bind 'registry-creds'")
    with pytest.raises(RegistryAuthError, match="requires a login; bind 'registry-creds'"):
        api.connect(plain_http_allowed=lambda: None)


def test_server_errors_are_retried_then_reported(server: Callable[[Handler], str]) -> None:
    calls = 0

    def handle(h: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        nonlocal calls
        calls += 1
        return (503, API, b"") if calls <= 3 else (200, API, b"{}")  # 1st: the scheme probe

    host = server(handle)
    notes: list[str] = []
    api = RegistryAPI(host, retry=Retry(attempts=4, delay=0.01), on_retry=notes.append)
    api.connect(plain_http_allowed=lambda: None)
    assert len(notes) == 2 and "HTTP 503" in notes[-1]
    always = server(lambda h: (503, API, b""))
    with pytest.raises(RegistryUnreachableError, match=r"answered HTTP 503 \(gave up after 3 attempt"):
        RegistryAPI(always, retry=FAST).connect(plain_http_allowed=lambda: None)


def test_not_a_registry(server: Callable[[Handler], str]) -> None:
    host = server(lambda h: (404, API, b""))
    with pytest.raises(RegistryError, match="not a registry"):
        RegistryAPI(host, retry=FAST).connect(plain_http_allowed=lambda: None)


@pytest.mark.parametrize(("registry", "addresses", "expected"), [
    ("127.0.0.1:5000", [], True),
    ("localhost:5000", [], True),
    ("[::1]:5000", [], True),
    ("10.0.0.5:5000", [], False),
    ("reg.internal:5000", ["127.0.0.1"], True),
    ("reg.internal:5000", ["127.0.0.1", "10.1.1.1"], False),
    ("reg.example.com", [], False),
])
def test_is_loopback(registry: str, addresses: list[str], expected: bool) -> None:
    assert is_loopback(registry, resolve=lambda _h: addresses) is expected


def test_split_host() -> None:
    assert [split_host(r) for r in ("a:1", "a", "[::1]:5000")] == ["a", "a", "::1"]


def test_nothing_listening_is_retried_then_one_clean_line() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        host = f"127.0.0.1:{s.getsockname()[1]}"  # bound, not listening: refused
        with pytest.raises(RegistryUnreachableError) as e:
            RegistryAPI(host, retry=FAST).connect(plain_http_allowed=lambda: None)
    assert str(e.value) == (f"registry {host} is not reachable: [Errno 111] Connection refused "
                            "(gave up after 3 attempt(s) in 0s)")


def test_identity_token_is_exchanged_for_an_access_token(server: Callable[[Handler], str]) -> None:
    forms: list[str] = []
    token_host = ""

    def handle(h: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        if h.command == "POST":
            forms.append(h.rfile.read(int(h.headers["Content-Length"])).decode())
            return 200, {}, json.dumps({"access_token": "A1"}).encode()
        if h.headers.get("Authorization") == "Bearer A1":
            return 200, API, b"{}"
        return 401, {**API, "WWW-Authenticate": f'Bearer realm="http://{token_host}/token",service="reg"'}, b""

    host = token_host = server(handle)
    api = RegistryAPI(host, credentials=Credentials("", "", identity_token="refresh-me"), retry=FAST)
    api.connect(plain_http_allowed=lambda: None)
    assert forms and "grant_type=refresh_token" in forms[0] and "refresh_token=refresh-me" in forms[0]
