"""Authentication, sessions, crumbs and permissions, as Jenkins's security realm does them.

- HTTP Basic with an API token: authenticated, and exempt from CSRF protection (2.96+).
- HTTP Basic with a password: authenticated; every POST needs a crumb, and the crumb is
  bound to the web session (the ``JSESSIONID.<id>`` cookie) it was issued in (2.176.2+).
- No credentials: ``anonymous`` (which lacks Overall/Read unless allowed).
- Wrong credentials: 401 ``Invalid password/token for user``.
Permissions are named like Jenkins names them (``Job/Create``) and a 403 carries the
``X-Required-Permission`` header and the "is missing the ... permission" message
(jenkinsci/jenkins core/src/main/java/jenkins/security/AccessDeniedException3.java,
``reportAsHeaders``; core/src/main/java/hudson/security/AccessDeniedHandlerImpl.java).

A user is either an administrator minus what a test denies (``deny``), or holds exactly
the permissions granted (``add_user(..., permissions=...)``), like matrix authorization:
``Overall/Administer`` implies every permission, ``Job/Configure`` implies
``Job/ExtendedRead`` (core hudson/model/Item.java, ``EXTENDED_READ`` impliedBy
``CONFIGURE``). ``Overall/SystemRead`` is disabled unless the controller enables it
(core jenkins/model/Jenkins.java, ``SYSTEM_READ`` with ``jenkins.security.SystemReadPermission``);
a check of a disabled permission is a check of the permission implying it, and the 403
names that one (core hudson/security/ACL.java, ``checkPermission``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass, field

__all__ = ["PERMISSIONS", "Caller", "Security"]

# Jenkins permission name -> Java id (X-Required-Permission)
PERMISSIONS: dict[str, str] = {
    "Overall/Read": "hudson.model.Hudson.Read",
    "Overall/Administer": "hudson.model.Hudson.Administer",
    "Job/Create": "hudson.model.Item.Create",
    "Job/Configure": "hudson.model.Item.Configure",
    "Job/Read": "hudson.model.Item.Read",
    "Job/ExtendedRead": "hudson.model.Item.ExtendedRead",
    "Job/Delete": "hudson.model.Item.Delete",
    "Job/Build": "hudson.model.Item.Build",
    "Job/Cancel": "hudson.model.Item.Cancel",
    "View/Create": "hudson.model.View.Create",
    "View/Configure": "hudson.model.View.Configure",
    "View/Delete": "hudson.model.View.Delete",
    "View/Read": "hudson.model.View.Read",
    "Agent/Create": "hudson.model.Computer.Create",
    "Agent/Configure": "hudson.model.Computer.Configure",
    "Agent/ExtendedRead": "hudson.model.Computer.ExtendedRead",
    "Agent/Delete": "hudson.model.Computer.Delete",
    "Agent/Connect": "hudson.model.Computer.Connect",
    "Agent/Disconnect": "hudson.model.Computer.Disconnect",
    "Overall/SystemRead": "jenkins.model.Jenkins.SystemRead",
    "Credentials/Create": "com.cloudbees.plugins.credentials.CredentialsProvider.Create",
    "Credentials/Update": "com.cloudbees.plugins.credentials.CredentialsProvider.Update",
    "Credentials/View": "com.cloudbees.plugins.credentials.CredentialsProvider.View",
    "Credentials/Delete": "com.cloudbees.plugins.credentials.CredentialsProvider.Delete",
}

# permission -> what it implies (besides Overall/Administer implying everything)
IMPLIED_BY: dict[str, tuple[str, ...]] = {
    "Job/Configure": ("Job/ExtendedRead",),
    "Agent/Configure": ("Agent/ExtendedRead",),
    "Overall/SystemRead": (),
}

COOKIE_PREFIX = "JSESSIONID."


@dataclass
class Caller:
    user: str
    via: str  # "token" | "password" | "anonymous"
    session: str | None = None
    new_cookie: str | None = None  # Set-Cookie value when a session was started


@dataclass
class Security:
    passwords: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    denied: dict[str, set[str]] = field(default_factory=dict)  # user -> permission names
    granted: dict[str, set[str]] = field(default_factory=dict)  # user -> exactly these (matrix)
    system_read: bool = False  # -Djenkins.security.SystemReadPermission=true
    anonymous_read: bool = False
    csrf: bool = True
    cookie_name: str = field(default_factory=lambda: COOKIE_PREFIX + secrets.token_hex(4))
    _salt: bytes = field(default_factory=lambda: secrets.token_bytes(16))
    _sessions: dict[str, str] = field(default_factory=dict)  # session id -> user
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- test-side API
    def add_user(self, user: str, password: str, permissions: set[str] | None = None) -> str:
        """Add a user (an administrator, or one holding exactly ``permissions``); return a
        new API token in Jenkins's format (``11`` + 32 hex)."""
        token = "11" + secrets.token_hex(16)
        self.passwords[user] = password
        self.tokens[user] = token
        if permissions is not None:
            unknown = set(permissions) - set(PERMISSIONS)
            if unknown:
                raise ValueError(f"unknown permissions {sorted(unknown)}; known: {sorted(PERMISSIONS)}")
            self.granted[user] = set(permissions)
        return token

    def deny(self, user: str, *permissions: str) -> None:
        for p in permissions:
            if p not in PERMISSIONS:
                raise ValueError(f"unknown permission {p!r}; known: {sorted(PERMISSIONS)}")
        self.denied.setdefault(user, set()).update(permissions)

    def allow_all(self, user: str) -> None:
        self.denied.pop(user, None)

    def expire_sessions(self) -> None:
        """Every web session ends (as on a session timeout or restart): crumbs issued in them fail."""
        with self._lock:
            self._sessions.clear()
            self._salt = secrets.token_bytes(16)

    # -- request side
    def authenticate(self, authorization: str | None, cookie: str | None) -> Caller | None:
        """The caller, or None when the credentials are wrong (401)."""
        if not authorization:
            return Caller(user="anonymous", via="anonymous", session=self._session_from(cookie))
        if not authorization.startswith("Basic "):
            return None
        try:
            user, _, secret = base64.b64decode(authorization[6:]).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return None
        if user in self.tokens and hmac.compare_digest(self.tokens[user], secret):
            return Caller(user=user, via="token", session=self._session_from(cookie, user))
        if user in self.passwords and hmac.compare_digest(self.passwords[user], secret):
            session = self._session_from(cookie, user)
            caller = Caller(user=user, via="password", session=session)
            if session is None:
                caller.session = self._new_session(user)
                caller.new_cookie = f"{self.cookie_name}={caller.session}; Path=/; HttpOnly"
            return caller
        return None

    def _session_from(self, cookie: str | None, user: str | None = None) -> str | None:
        if not cookie:
            return None
        for part in cookie.split(";"):
            name, _, value = part.strip().partition("=")
            if name == self.cookie_name:
                with self._lock:
                    owner = self._sessions.get(value)
                if owner is not None and (user is None or owner == user):
                    return value
        return None

    def _new_session(self, user: str) -> str:
        sid = secrets.token_hex(12)
        with self._lock:
            self._sessions[sid] = user
        return sid

    def crumb_for(self, caller: Caller) -> str:
        session = caller.session or ""
        msg = f"{caller.user};{session}".encode()
        return hmac.new(self._salt, msg, hashlib.sha256).hexdigest()

    def crumb_ok(self, caller: Caller, value: str | None) -> bool:
        if not self.csrf or caller.via == "token":
            return True
        return value is not None and hmac.compare_digest(self.crumb_for(caller), value)

    def effective(self, permission: str) -> str:
        """The permission actually checked: a disabled one is checked as what implies it."""
        if permission == "Overall/SystemRead" and not self.system_read:
            return "Overall/Administer"
        return permission

    def missing(self, caller: Caller, permission: str) -> bool:
        permission = self.effective(permission)
        if caller.via == "anonymous":
            return not (self.anonymous_read and permission in {"Overall/Read", "Job/Read", "View/Read"})
        held = self.granted.get(caller.user)
        if held is None:
            return permission in self.denied.get(caller.user, set())
        if "Overall/Administer" in held or permission in held:
            return False
        return not any(permission in IMPLIED_BY.get(p, ()) for p in held)
