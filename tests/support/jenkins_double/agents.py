"""The agent side of the double: `jnlpJars/agent.jar` and the `/wsagents/` WebSocket
endpoint, which Jenkins serves without authentication (UnprotectedRootAction).

Sources: jenkinsci/jenkins core/src/main/java/jenkins/agents/WebSocketAgents.java (the
handshake, an UnprotectedRootAction) and core/src/main/java/hudson/model/Slave.java
(``JnlpJar``, jnlpJars/agent.jar). The handshake checks what WebSocketAgents checks: the `Node-Name`,
`Secret-Key` and `X-Remoting-Capability` headers (400 when incomplete or the node is
unknown, 403 on a wrong secret), then answers 101 and brings the node online. The
connection stays open until the node is deleted (Jenkins then closes the channel) or
the agent goes away.
"""

from __future__ import annotations

import base64
import hashlib
import select
import time
from typing import Any

__all__ = ["AGENT_JAR", "handle_agent_paths"]

AGENT_JAR = b"PK\x03\x04 jenkinsbridge test double agent.jar"
_WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC11B85"


def handle_agent_paths(handler: Any, method: str, path: str) -> bool:
    """Serve the path when it is one of ours; True when handled."""
    if path in ("/jnlpJars/agent.jar", "/jnlpJars/slave.jar") and method in ("GET", "HEAD"):
        _reply(handler, 200, AGENT_JAR, "application/java-archive", body=method == "GET")
        return True
    if path.rstrip("/") == "/wsagents" and method == "GET":
        _websocket(handler)
        return True
    return False


def _reply(handler: Any, status: int, data: bytes, ctype: str = "text/plain", *, body: bool = True) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", ctype)
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    if body:
        handler.wfile.write(data)


def _websocket(handler: Any) -> None:
    h = handler.headers
    name, secret, cap = h.get("Node-Name"), h.get("Secret-Key"), h.get("X-Remoting-Capability")
    scheduler = handler.state.scheduler
    record = handler.state.record_agent_event if hasattr(handler.state, "record_agent_event") else None
    if not name or not secret or not cap or h.get("Upgrade", "").lower() != "websocket":
        _reply(handler, 400, b"This endpoint is only for use from agent.jar in WebSocket mode")
        return
    with scheduler.lock:
        known = name in scheduler.nodes
    if not known:
        _reply(handler, 400, b"no such agent")
        return
    if not scheduler.connect(name, secret):
        _reply(handler, 403, b"Forbidden")
        return
    if record:
        record("connect", name)
    accept = base64.b64encode(hashlib.sha1((h["Sec-WebSocket-Key"] + _WS_GUID).encode()).digest())
    handler.send_response(101, "Switching Protocols")
    handler.send_header("Upgrade", "websocket")
    handler.send_header("Connection", "Upgrade")
    handler.send_header("Sec-WebSocket-Accept", accept.decode())
    handler.send_header("X-Remoting-Capability", "double")
    handler.end_headers()
    handler.wfile.flush()
    handler.close_connection = True
    sock = handler.connection
    try:
        while True:
            with scheduler.lock:
                if name not in scheduler.nodes:
                    break  # node deleted: Jenkins closes the channel
            readable, _, _ = select.select([sock], [], [], 0.1)
            if readable and not sock.recv(4096):
                scheduler.disconnect(name)  # the agent went away
                return
            time.sleep(0)
        sock.sendall(b"\x88\x02\x03\xe8")  # close frame, 1000 normal closure
    except OSError:
        scheduler.disconnect(name)
