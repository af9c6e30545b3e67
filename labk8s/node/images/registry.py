"""The cluster-wide simulated image registry (``c.registry``).

Every well-formed reference resolves (the simulated internet has every image) unless it was deleted with
:meth:`Registry.delete`; :meth:`Registry.push` adds or replaces an image with a given size. Sizes of
common images are realistic: the compressed linux/amd64 size that containerd reports (``crictl images``,
the kubelet's ``Image size: N bytes``), rounded, from the registries' tag pages. Unknown images weigh
:data:`DEFAULT_IMAGE_SIZE`.

Digests are derived deterministically from the normalised reference: the manifest (repo) digest is
``sha256(reference)`` and the image ID (config digest) is ``sha256("config:" + reference)``; a re-push
changes both, as new content would. A reference by digest (``repo@sha256:...``) keeps the digest it names.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from labk8s.api.quantity import Quantity
from labk8s.node.images.reference import ReferenceFormatError, normalize, parse_normalized_named

__all__ = [
    "DEFAULT_IMAGE_SIZE",
    "KNOWN_IMAGE_SIZES",
    "ImageNotFound",
    "Registry",
    "RegistryImage",
]

#: Size of an image labk8s knows nothing about (and the default of ``push``): 50Mi.
DEFAULT_IMAGE_SIZE = 50 * 1024 * 1024

#: Compressed linux/amd64 sizes in bytes, by repository, for the default tag (rounded).
KNOWN_IMAGE_SIZES: dict[str, int] = {
    "docker.io/library/nginx": 72_195_292,
    "docker.io/library/busybox": 2_155_324,
    "docker.io/library/alpine": 3_653_068,
    "docker.io/library/redis": 52_349_881,
    "docker.io/library/mysql": 172_874_329,
    "docker.io/library/postgres": 158_292_514,
    "docker.io/library/httpd": 58_210_716,
    "docker.io/library/ubuntu": 29_723_147,
    "docker.io/library/debian": 48_495_813,
    "docker.io/library/fedora": 62_183_449,
    "docker.io/library/bash": 6_101_840,
    "docker.io/library/perl": 333_527_052,
    "docker.io/library/python": 412_388_761,
    "docker.io/library/node": 397_146_380,
    "docker.io/library/php": 180_932_504,
    "docker.io/library/wordpress": 253_617_098,
    "docker.io/library/memcached": 32_467_205,
    "docker.io/library/mongo": 272_481_317,
    "docker.io/library/rabbitmq": 99_611_262,
    "docker.io/library/traefik": 54_871_930,
    "docker.io/library/registry": 9_831_450,
    "docker.io/library/hello-world": 3_208,
    "docker.io/polinux/stress": 4_041_995,
    "docker.io/vish/stress": 2_883_120,
    "registry.k8s.io/pause": 320_368,
    "registry.k8s.io/busybox": 675_442,
    "registry.k8s.io/hpa-example": 129_212_436,
    "registry.k8s.io/etcd": 23_649_371,
    "registry.k8s.io/kube-apiserver": 27_106_539,
    "registry.k8s.io/kube-controller-manager": 26_114_020,
    "registry.k8s.io/kube-scheduler": 20_398_613,
    "registry.k8s.io/kube-proxy": 30_821_387,
    "registry.k8s.io/coredns/coredns": 22_384_805,
    "registry.k8s.io/metrics-server/metrics-server": 19_494_617,
    "registry.k8s.io/nginx-slim": 5_337_108,
    "registry.k8s.io/goproxy": 2_989_912,
    "registry.k8s.io/liveness": 2_612_404,
    "registry.k8s.io/e2e-test-images/agnhost": 51_155_161,
    "registry.k8s.io/kubernetes-zookeeper": 120_831_024,
    "registry.k8s.io/fluentd-elasticsearch": 140_127_730,
    "registry.k8s.io/redis": 36_987_402,
    "quay.io/fluentd_elasticsearch/fluentd": 140_127_730,
    "gcr.io/google-samples/xtrabackup": 103_270_164,
    "gcr.io/google-samples/cassandra": 153_012_835,
    "gcr.io/google-samples/hello-app": 11_463_826,
}

#: Tags whose size differs from the repository default (older releases, alpine variants).
KNOWN_TAG_SIZES: dict[str, int] = {
    "docker.io/library/nginx:1.14.2": 44_710_204,
    "docker.io/library/nginx:1.16.1": 51_030_575,
    "docker.io/library/nginx:alpine": 20_487_323,
    "docker.io/library/busybox:1.28": 727_869,
    "docker.io/library/redis:5": 35_241_914,
    "docker.io/library/mysql:5.6": 102_843_925,
    "docker.io/library/mysql:5.7": 137_909_886,
    "docker.io/library/mysql:8.0": 165_470_019,
    "registry.k8s.io/pause:2.0": 350_215,
    "registry.k8s.io/pause:3.1": 317_164,
    "registry.k8s.io/pause:3.6": 301_773,
    "registry.k8s.io/pause:3.9": 321_520,
    "registry.k8s.io/pause:3.10": 320_368,
    "registry.k8s.io/busybox:1.27.2": 675_442,
    "registry.k8s.io/nginx-slim:0.24": 16_322_719,
    "registry.k8s.io/etcd:3.5.1-0": 98_888_614,
}

#: Old registry names that now redirect to registry.k8s.io (the images pull under their own name).
_REDIRECTS = {"k8s.gcr.io": "registry.k8s.io"}


class ImageNotFound(LookupError):
    """The registry has no such image (``<ref>: not found`` when resolving)."""


@dataclass(frozen=True)
class RegistryImage:
    """What resolving a reference returns: the content a pull downloads."""

    #: The normalised reference that was resolved (``docker.io/library/nginx:latest``).
    reference: str
    #: The repository (``docker.io/library/nginx``).
    repository: str
    #: Tag, "" for a pull by digest.
    tag: str
    #: Manifest digest (``sha256:...``): the repo digest the node records.
    digest: str
    #: Config digest (``sha256:...``): the image ID.
    image_id: str
    #: Compressed size in bytes.
    size: int

    @property
    def repo_digest(self) -> str:
        """``docker.io/library/nginx@sha256:...`` (what a pod's ``imageID`` shows)."""
        return f"{self.repository}@{self.digest}"

    @property
    def repo_tag(self) -> str:
        """``docker.io/library/nginx:latest``; "" for a pull by digest."""
        return f"{self.repository}:{self.tag}" if self.tag else ""


def _sha256(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def _parse_size(size: str | int) -> int:
    if isinstance(size, int):
        if size < 0:
            raise ValueError(f"image size must not be negative: {size}")
        return size
    q = Quantity(size)
    value = q.value()
    if value < 0:
        raise ValueError(f"image size must not be negative: {size}")
    return value


def _known_size(repository: str, tag: str) -> int:
    for repo in (repository, _redirected(repository)):
        hit = KNOWN_TAG_SIZES.get(f"{repo}:{tag}")
        if hit is not None:
            return hit
    for repo in (repository, _redirected(repository)):
        if tag.endswith("-alpine") or tag == "alpine":
            hit = KNOWN_TAG_SIZES.get(f"{repo}:alpine")
            if hit is not None:
                return hit
        hit = KNOWN_IMAGE_SIZES.get(repo)
        if hit is not None:
            return hit
    return DEFAULT_IMAGE_SIZE


def _redirected(repository: str) -> str:
    domain, _, rest = repository.partition("/")
    return f"{_REDIRECTS[domain]}/{rest}" if domain in _REDIRECTS else repository


class Registry:
    """The simulated registry shared by every node of a cluster."""

    def __init__(self) -> None:
        #: Pushed images: normalised reference -> (size, generation).
        self._pushed: dict[str, tuple[int, int]] = {}
        self._deleted: set[str] = set()
        self._generation = 0

    # -- the public face (c.registry) ---------------------------------------------------------------
    def push(self, image: str, size: str | int = "50Mi") -> RegistryImage:
        """Add (or replace) ``image`` with ``size`` (a quantity such as ``"50Mi"`` or bytes); a pushed
        image gets new digests, so ``imagePullPolicy: Always`` pulls the new content."""
        ref = normalize(image)
        self._generation += 1
        self._pushed[ref] = (_parse_size(size), self._generation)
        self._deleted.discard(ref)
        return self.resolve(ref)

    def delete(self, image: str) -> None:
        """Remove ``image`` (tag or digest reference): pulls of it fail with ``not found``."""
        ref = normalize(image)
        self._pushed.pop(ref, None)
        self._deleted.add(ref)

    def exists(self, image: str) -> bool:
        try:
            self.resolve(image)
        except (ImageNotFound, ReferenceFormatError):
            return False
        return True

    def size_of(self, image: str) -> int:
        return self.resolve(image).size

    # -- what a pull does ----------------------------------------------------------------------------
    def resolve(self, image: str) -> RegistryImage:
        """Resolve a reference to content; raises :class:`ImageNotFound` for deleted images and
        :class:`ReferenceFormatError` for malformed references."""
        parsed = parse_normalized_named(image).with_default_tag()
        ref = parsed.string()
        if ref in self._deleted:
            raise ImageNotFound(f"{ref}: not found")
        pushed = self._pushed.get(ref)
        if pushed is not None:
            size, generation = pushed
            seed = f"{ref}#{generation}"
        else:
            size, seed = _known_size(parsed.name, parsed.tag), ref
        digest = parsed.digest or _sha256(seed)
        return RegistryImage(reference=ref, repository=parsed.name, tag=parsed.tag, digest=digest,
                             image_id=_sha256("config:" + seed), size=size)

    def pushed(self) -> list[str]:
        """References pushed with :meth:`push`, sorted."""
        return sorted(self._pushed)

    def deleted(self) -> list[str]:
        """References deleted with :meth:`delete`, sorted."""
        return sorted(self._deleted)
