"""Image references as the container runtime parses them: a port of ``github.com/distribution/reference``.

``parse_normalized_named("nginx")`` gives ``docker.io/library/nginx`` (``ParseNormalizedNamed``), and
:func:`normalize` adds the default tag as containerd does before a pull:
``nginx`` -> ``docker.io/library/nginx:latest``. Errors carry the library's messages (``invalid reference
format``, ``invalid reference format: repository name (library/Nginx) must be lowercase``, ...).

:func:`parse_image_name` is ``pkg/util/parsers.ParseImageName`` of the kubelet (repository, tag, digest,
with ``latest`` when neither tag nor digest is given), whose errors read ``couldn't parse image name
"Nginx": ...``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "DEFAULT_DOMAIN",
    "ImageReference",
    "ReferenceFormatError",
    "familiar_name",
    "normalize",
    "parse_image_name",
    "parse_normalized_named",
]

DEFAULT_DOMAIN = "docker.io"
LEGACY_DEFAULT_DOMAIN = "index.docker.io"
OFFICIAL_REPO_PREFIX = "library/"
NAME_TOTAL_LENGTH_MAX = 255
DEFAULT_TAG = "latest"

# -- the grammar (reference/regexp.go) -----------------------------------------------------------
_ALNUM = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|[-]+)"
_PATH_COMPONENT = _ALNUM + r"(?:" + _SEPARATOR + _ALNUM + r")*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN_NAME = _DOMAIN_COMPONENT + r"(?:\." + _DOMAIN_COMPONENT + r")*"
_IPV6 = r"\[(?:[a-fA-F0-9:]+)\]"
_HOST = r"(?:" + _DOMAIN_NAME + r"|" + _IPV6 + r")"
_DOMAIN_AND_PORT = _HOST + r"(?::[0-9]+)?"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}"
_REMOTE_NAME = _PATH_COMPONENT + r"(?:/" + _PATH_COMPONENT + r")*"
_NAME = r"(?:" + _DOMAIN_AND_PORT + r"/)?" + _REMOTE_NAME

_REFERENCE_RE = re.compile(r"^(" + _NAME + r")(?::(" + _TAG + r"))?(?:@(" + _DIGEST + r"))?$")
_ANCHORED_NAME_RE = re.compile(r"^(?:(" + _DOMAIN_AND_PORT + r")/)?(" + _REMOTE_NAME + r")$")
_ANCHORED_IDENTIFIER_RE = re.compile(r"^[a-f0-9]{64}$")
#: go-digest: algorithms it knows and the hex length each requires.
_DIGEST_LENGTHS = {"sha256": 64, "sha384": 96, "sha512": 128}


class ReferenceFormatError(ValueError):
    """A malformed image reference; ``str()`` is the distribution library's message."""


@dataclass(frozen=True)
class ImageReference:
    """A parsed, normalised reference: ``docker.io`` / ``library/nginx`` / ``latest`` / ``sha256:...``."""

    domain: str
    path: str
    tag: str = ""
    digest: str = ""

    @property
    def name(self) -> str:
        """The repository, ``docker.io/library/nginx`` (``Named.Name()``)."""
        return f"{self.domain}/{self.path}" if self.domain else self.path

    def string(self) -> str:
        """``Reference.String()``: name, then ``:tag`` and ``@digest`` when present."""
        out = self.name
        if self.tag:
            out += ":" + self.tag
        if self.digest:
            out += "@" + self.digest
        return out

    def with_default_tag(self) -> ImageReference:
        """``TagNameOnly``: add ``latest`` when there is neither tag nor digest."""
        if self.tag or self.digest:
            return self
        return ImageReference(self.domain, self.path, DEFAULT_TAG, "")

    def __str__(self) -> str:
        return self.string()


def _parse_digest(text: str) -> str:
    algorithm, _, hexpart = text.partition(":")
    want = _DIGEST_LENGTHS.get(algorithm)
    if want is None:
        raise ReferenceFormatError("unsupported digest algorithm")
    if len(hexpart) != want:
        raise ReferenceFormatError("invalid checksum digest length")
    if hexpart != hexpart.lower():
        raise ReferenceFormatError("invalid checksum digest format")
    return text


def parse(text: str) -> ImageReference:
    """``reference.Parse``: the grammar only, no normalisation (``nginx`` stays ``nginx``)."""
    m = _REFERENCE_RE.match(text)
    if m is None:
        if text == "":
            raise ReferenceFormatError("repository name must have at least one component")
        if _REFERENCE_RE.match(text.lower()) is not None:
            raise ReferenceFormatError("repository name must be lowercase")
        raise ReferenceFormatError("invalid reference format")
    name, tag, digest = m.group(1), m.group(2) or "", m.group(3) or ""
    if len(name) > NAME_TOTAL_LENGTH_MAX:
        raise ReferenceFormatError(f"repository name must not be more than {NAME_TOTAL_LENGTH_MAX} characters")
    nm = _ANCHORED_NAME_RE.match(name)
    domain, path = (nm.group(1) or "", nm.group(2)) if nm is not None else ("", name)
    if digest:
        digest = _parse_digest(digest)
    return ImageReference(domain, path, tag, digest)


def _split_docker_domain(name: str) -> tuple[str, str]:
    maybe_domain, sep, maybe_rest = name.partition("/")
    if not sep:
        # Familiar single-element names ("ubuntu", "ubuntu:latest") are Docker Hub official images.
        return DEFAULT_DOMAIN, OFFICIAL_REPO_PREFIX + name
    if maybe_domain == "localhost":
        domain, rest = maybe_domain, maybe_rest
    elif maybe_domain == LEGACY_DEFAULT_DOMAIN:
        domain, rest = DEFAULT_DOMAIN, maybe_rest
    elif "." in maybe_domain or ":" in maybe_domain:
        domain, rest = maybe_domain, maybe_rest
    elif maybe_domain.lower() != maybe_domain:
        # Docker Hub namespaces are lowercase, so this must be a host name.
        domain, rest = maybe_domain, maybe_rest
    else:
        domain, rest = DEFAULT_DOMAIN, name
    if domain == DEFAULT_DOMAIN and "/" not in rest:
        rest = OFFICIAL_REPO_PREFIX + rest
    return domain, rest


def parse_normalized_named(text: str) -> ImageReference:
    """``reference.ParseNormalizedNamed``: Docker Hub defaults applied, tag kept as given."""
    if _ANCHORED_IDENTIFIER_RE.match(text):
        raise ReferenceFormatError(
            f"invalid repository name ({text}), cannot specify 64-byte hexadecimal strings")
    domain, rest = _split_docker_domain(text)
    remote = rest.split(":", 1)[0]
    if remote.lower() != remote:
        raise ReferenceFormatError(f"invalid reference format: repository name ({remote}) must be lowercase")
    return parse(domain + "/" + rest)


_NORMALIZE_CACHE: dict[str, str] = {}


def normalize(image: str) -> str:
    """The full reference containerd pulls: ``nginx`` -> ``docker.io/library/nginx:latest``;
    raises :class:`ReferenceFormatError`."""
    hit = _NORMALIZE_CACHE.get(image)
    if hit is None:
        hit = parse_normalized_named(image).with_default_tag().string()
        if len(_NORMALIZE_CACHE) > 50_000:
            _NORMALIZE_CACHE.clear()
        _NORMALIZE_CACHE[image] = hit
    return hit


def familiar_name(ref: ImageReference) -> str:
    """``FamiliarName``: ``docker.io/library/nginx`` -> ``nginx``, ``docker.io/a/b`` -> ``a/b``."""
    if ref.domain != DEFAULT_DOMAIN:
        return ref.name
    path = ref.path
    if path.startswith(OFFICIAL_REPO_PREFIX) and path.count("/") == 1:
        return path[len(OFFICIAL_REPO_PREFIX):]
    return path


def parse_image_name(image: str) -> tuple[str, str, str]:
    """The kubelet's ``parsers.ParseImageName``: (repository, tag, digest); tag ``latest`` when neither a
    tag nor a digest is given. Raises :class:`ReferenceFormatError` with the kubelet's wrapping."""
    try:
        ref = parse_normalized_named(image)
    except ReferenceFormatError as err:
        raise ReferenceFormatError(f"couldn't parse image name {_go_quote(image)}: {err}") from None
    tag = ref.tag
    if not tag and not ref.digest:
        tag = DEFAULT_TAG
    return ref.name, tag, ref.digest


def _go_quote(text: str) -> str:
    """Go's ``%q`` for the printable ASCII text image names consist of."""
    out = ['"']
    for ch in text:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)
