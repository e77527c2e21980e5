"""Jenkins REST endpoints as named templates, filled with explicit, quoted arguments.

Item paths are ``folder/sub/name``; :func:`item_url` turns one into ``job/folder/job/sub/job/name/``
with every segment quoted.
"""

from __future__ import annotations

from urllib.parse import quote

__all__ = [
    "CREATE_ITEM",
    "CREATE_VIEW",
    "CREDENTIALS_CREATE",
    "CREDENTIALS_DOMAINS",
    "CREDENTIALS_LIST",
    "CREDENTIAL_CONFIG",
    "CREDENTIAL_IN_DOMAIN",
    "CRUMB",
    "ITEM_CONFIG",
    "ITEM_DELETE",
    "ITEM_TREE",
    "PLUGINS",
    "ROOT_TREE",
    "USER_STORE",
    "VIEW_CONFIG",
    "VIEW_DELETE",
    "WHOAMI",
    "credentials_store",
    "folder_url",
    "item_url",
    "q",
    "split_path",
]

CRUMB = "crumbIssuer/api/json"
WHOAMI = "me/api/json?tree=name"
ROOT_TREE = "api/json?tree={tree}"
ITEM_TREE = "{item}api/json?tree={tree}"
PLUGINS = "pluginManager/api/json?tree=plugins[shortName,version,active,enabled]"
CREATE_ITEM = "{folder}createItem?name={name}"
ITEM_CONFIG = "{item}config.xml"
ITEM_DELETE = "{item}doDelete"
CREATE_VIEW = "{folder}createView?name={name}"
VIEW_CONFIG = "{folder}view/{name}/config.xml"
VIEW_DELETE = "{folder}view/{name}/doDelete"
CREDENTIALS_LIST = "{store}domain/_/api/json?tree=credentials[id]"
# every domain of a store: domains (a map by URL name) -> credentials -> id
CREDENTIALS_DOMAINS = "{store}api/json?depth=2"
CREDENTIAL_IN_DOMAIN = "{store}domain/{domain}/credential/{id}/config.xml"
USER_STORE = "user/{user}/credentials/store/user/"
CREDENTIALS_CREATE = "{store}domain/_/createCredentials"
CREDENTIAL_CONFIG = "{store}domain/_/credential/{id}/config.xml"


def q(segment: str) -> str:
    """Quote one path or query segment completely (``/`` included)."""
    return quote(segment, safe="")


def split_path(path: str) -> tuple[str, str]:
    """``a/b/c`` -> (``a/b``, ``c``)."""
    folder, _, name = path.strip("/").rpartition("/")
    return folder, name


def folder_url(folder: str) -> str:
    """The URL prefix of a folder path ('' is the root)."""
    return "".join(f"job/{q(p)}/" for p in folder.strip("/").split("/") if p)


def item_url(path: str) -> str:
    return folder_url(path)


def credentials_store(folder: str | None) -> str:
    """The system store for None, else the folder's own store."""
    if not folder:
        return "credentials/store/system/"
    return f"{folder_url(folder)}credentials/store/folder/"
