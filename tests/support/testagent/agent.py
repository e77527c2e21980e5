"""Test agent: the inbound agent's WebSocket handshake, then wait to be released."""

import base64
import os
import socket
import sys
import time
import urllib.parse
import urllib.request


def main() -> int:
    url = os.environ["JENKINS_URL"]
    name = os.environ["JENKINS_AGENT_NAME"]
    secret = os.environ["JENKINS_SECRET"]
    with urllib.request.urlopen(url + "jnlpJars/agent.jar", timeout=30) as r:
        jar = r.read()
    print(f"fetched agent.jar ({len(jar)} bytes)", flush=True)
    u = urllib.parse.urlparse(url)
    sock = socket.create_connection((u.hostname, u.port or 80), timeout=30)
    key = base64.b64encode(os.urandom(16)).decode()
    path = (u.path or "/") + "wsagents/"
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        f"Node-Name: {name}\r\nSecret-Key: {secret}\r\nX-Remoting-Capability: test\r\n\r\n"
    )
    sock.sendall(request.encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(4096)
        if not chunk:
            print("controller closed during handshake", flush=True)
            return 1
        head += chunk
    status = head.split(b"\r\n", 1)[0].decode()
    if " 101 " not in status + " ":
        print(f"handshake refused: {status}", flush=True)
        return 1
    print(f"connected as {name}", flush=True)
    sock.settimeout(None)
    while True:  # until the controller closes the channel (node deleted)
        data = sock.recv(4096)
        if not data or data[:1] == b"\x88":  # EOF or a close frame
            print("released by the controller", flush=True)
            return 0
        time.sleep(0)


if __name__ == "__main__":
    sys.exit(main())
