"""Reading a register bundle from a URL or a file, bounded in size and time."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from hanoinet.core.register.errors import RegisterFormatError

MAX_BYTES = 8 * 1024 * 1024
TIMEOUT_SECONDS = 15
WELL_KNOWN_PATH = "/.well-known/hanoinet/register"


class SourceError(Exception):
    """The source could not be read at all (network, file system)."""


@dataclass(frozen=True, slots=True)
class Bundle:
    """What the secretariat serves: the signed register and the key rotations so far."""

    register: str
    key_rotations: tuple[str, ...] = ()


NODE_PATH = "/.well-known/hanoinet/node"


def read_source(source: str, *, well_known: str = WELL_KNOWN_PATH) -> bytes:
    if source.startswith(("http://", "https://")):
        url = source if "/.well-known/" in source else source.rstrip("/") + well_known
        request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                data: bytes = response.read(MAX_BYTES + 1)
        except urllib.error.HTTPError as exc:
            raise SourceError(f"{url} answered HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise SourceError(f"cannot reach {url}: {reason}") from None
    else:
        try:
            with Path(source).open("rb") as handle:
                data = handle.read(MAX_BYTES + 1)
        except OSError as exc:
            raise SourceError(f"cannot read {source}: {exc.strerror}") from None
    if len(data) > MAX_BYTES:
        raise SourceError(f"{source} is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    return data


def parse_bundle(data: bytes) -> Bundle:
    """A bundle is JSON ``{"register": JWS, "key_rotations": [JWS, …]}``; a bare JWS
    (a file holding just the token) is accepted too."""
    text = data.decode("utf-8", errors="replace").strip()
    if not text.startswith("{"):
        return Bundle(register=text)
    try:
        obj = json.loads(text)
    except ValueError as exc:
        raise RegisterFormatError(f"the bundle is not valid JSON ({exc})") from None
    if not isinstance(obj, dict) or not isinstance(obj.get("register"), str):
        raise RegisterFormatError("the bundle has no 'register' string")
    rotations = obj.get("key_rotations", [])
    if not isinstance(rotations, list) or not all(isinstance(t, str) for t in rotations):
        raise RegisterFormatError("'key_rotations' must be a list of strings")
    unknown = sorted(set(obj) - {"register", "key_rotations"})
    if unknown:
        raise RegisterFormatError(f"the bundle has unknown field(s) {', '.join(unknown)}")
    return Bundle(register=obj["register"], key_rotations=tuple(rotations))


@dataclass(frozen=True, slots=True)
class NodeDescription:
    state: str
    endpoint: str
    protocols: tuple[str, ...]
    keys: tuple[dict[str, str], ...]


def read_node_description(source: str) -> NodeDescription:
    """A node's ``/.well-known/hanoinet/node`` document, checked field by field."""
    from hanoinet.core.register import fields as f
    from hanoinet.core.register.model import STATE_CODE

    try:
        obj = json.loads(read_source(source, well_known=NODE_PATH))
    except ValueError as exc:
        raise RegisterFormatError(f"the node description is not JSON ({exc})") from None
    node = f.as_object(obj, "node", ("state", "mode", "endpoint", "protocols", "keys"))
    state = f.as_str(f.required(node, "state", "node"), "node.state", max_length=3)
    if not STATE_CODE.match(state):
        raise RegisterFormatError(f"node.state: {state!r} is not an ISO 3166-1 alpha-3 code")
    endpoint = f.as_str(f.required(node, "endpoint", "node"), "node.endpoint")
    if not endpoint.startswith(("https://", "http://")):
        raise RegisterFormatError("node.endpoint: must be an http(s) URL")
    protocols = tuple(
        f.as_str(p, f"node.protocols[{i}]", max_length=40)
        for i, p in enumerate(f.as_list(node.get("protocols", []), "node.protocols"))
    )
    keys = []
    for i, key in enumerate(f.as_list(f.required(node, "keys", "node"), "node.keys", max_items=10)):
        jwk = f.as_object(key, f"node.keys[{i}]", ("kty", "crv", "x", "kid", "use"))
        keys.append(
            {str(k): f.as_str(v, f"node.keys[{i}].{k}", max_length=64) for k, v in jwk.items()}
        )
    return NodeDescription(state=state, endpoint=endpoint, protocols=protocols, keys=tuple(keys))
