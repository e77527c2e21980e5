"""What the double's route modules share: the reply exception, error pages, plain JSON objects."""

from __future__ import annotations

import json
from typing import Any

from tests.support.jenkins_double.items import Folder

__all__ = ["Plain", "Reply", "error_page", "json_reply", "walk"]


class Reply(Exception):
    """Raised by a route to answer; carries status, body, content type and headers."""

    def __init__(self, status: int, body: str | bytes = b"", ctype: str = "text/html;charset=utf-8",
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.body = body.encode("utf-8") if isinstance(body, str) else body
        self.ctype = ctype
        self.headers = headers or {}


def error_page(status: int, message: str) -> str:
    # The shape of Jenkins's (Jetty's) error page for an HTTP error (Jetty ErrorHandler, the
    # one Winstone uses: eclipse/jetty.project jetty-server/src/main/java/org/eclipse/jetty/
    # server/handler/ErrorHandler.java, writeErrorPage): title, "HTTP ERROR", a table.
    return (f"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html;charset=utf-8\"/>"
            f"<title>Error {status} {message}</title></head><body><h2>HTTP ERROR {status} {message}</h2>"
            f"<table><tr><th>STATUS:</th><td>{status}</td></tr><tr><th>MESSAGE:</th><td>{message}</td></tr>"
            f"</table></body></html>")


def json_reply(value: Any) -> Reply:
    return Reply(200, json.dumps(value), "application/json;charset=utf-8")


def walk(folder: Folder) -> Any:
    for child in folder.children.values():
        yield child
        if isinstance(child, Folder):
            yield from walk(child)


class Plain:
    """A JSON dict as an exported object (summary = itself)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def exported(self) -> dict[str, Any]:
        return self.data

    def summary(self) -> dict[str, Any]:
        return self.data
