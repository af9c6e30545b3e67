"""A node's image store: what containerd's CRI image service keeps, and pulls on virtual time.

Pulls take :data:`PULL_RESOLVE_MS` (registry round trips: token, manifest, config) plus the image's
compressed size over :data:`PULL_BANDWIDTH_BYTES_PER_S`; an image whose content is already on the node
(same digest) only pays the resolve. Pulls requested through :meth:`ImageService.pull` run one at a time
in request order, as the kubelet's default ``serializeImagePulls: true`` makes them (pass
``serialize_pulls=False`` for the parallel puller); :meth:`ImageService.pull_now` is containerd pulling on
its own (the sandbox image) and bypasses that queue.

A failed pull reports containerd's message, e.g. ``failed to pull and unpack image
"docker.io/library/nosuch:1": failed to resolve reference "docker.io/library/nosuch:1":
docker.io/library/nosuch:1: not found`` with gRPC code ``NotFound``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from labk8s._sim.loop import Event, EventLoop
from labk8s.node.images.reference import ReferenceFormatError, normalize
from labk8s.node.images.registry import ImageNotFound, Registry, RegistryImage

__all__ = [
    "PULL_BANDWIDTH_BYTES_PER_S",
    "PULL_RESOLVE_MS",
    "SANDBOX_IMAGE",
    "ImageInfo",
    "ImageService",
    "PullError",
    "pull_duration_ms",
]

#: Effective download + unpack throughput of a node (25 MB/s: a typical cloud VM pulling from Docker
#: Hub; nginx's ~72 MB then takes about 3 s, as kubelet "Successfully pulled image" events show).
PULL_BANDWIDTH_BYTES_PER_S = 25_000_000
#: Resolving a reference before any layer moves: auth token, manifest HEAD/GET, config blob.
PULL_RESOLVE_MS = 300
#: containerd's default sandbox (pause) image for Kubernetes v1.37 (``sandbox_image``); pinned.
SANDBOX_IMAGE = "registry.k8s.io/pause:3.10"

PullCallback = Callable[[str | None, "PullError | None"], None]


def pull_duration_ms(size: int, cached: bool = False) -> int:
    """Virtual duration of a pull of ``size`` bytes (only the resolve when the content is cached)."""
    if cached:
        return PULL_RESOLVE_MS
    return PULL_RESOLVE_MS + (size * 1000 + PULL_BANDWIDTH_BYTES_PER_S - 1) // PULL_BANDWIDTH_BYTES_PER_S


class PullError(Exception):
    """A failed pull: gRPC ``code`` and containerd's ``message``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ImageInfo:
    """A CRI ``Image``: ID (config digest), references, size."""

    id: str
    repo_tags: tuple[str, ...]
    repo_digests: tuple[str, ...]
    size: int
    pinned: bool = False


@dataclass
class _Stored:
    id: str
    size: int
    tags: set[str] = field(default_factory=set)
    digests: set[str] = field(default_factory=set)
    pinned: bool = False

    def info(self) -> ImageInfo:
        return ImageInfo(self.id, tuple(sorted(self.tags)), tuple(sorted(self.digests)), self.size, self.pinned)


@dataclass
class _Pull:
    image: str
    callback: PullCallback
    queued: bool


class ImageService:
    """The image store of one node (containerd's content store as the CRI sees it)."""

    def __init__(self, loop: EventLoop, registry: Registry, serialize_pulls: bool = True,
                 preloaded: Iterable[str] = (), pinned: Iterable[str] = (SANDBOX_IMAGE,)) -> None:
        self.loop = loop
        self.registry = registry
        self.serialize_pulls = serialize_pulls
        self._pinned = {normalize(p) for p in pinned}
        self._images: dict[str, _Stored] = {}  # image ID -> record
        self._refs: dict[str, str] = {}  # tag or digest reference -> image ID
        self._queue: deque[_Pull] = deque()
        self._busy = False
        self._events: list[Event] = []
        self._down = False
        self.preload(preloaded)

    # -- queries ---------------------------------------------------------------------------------------
    def status(self, image: str) -> ImageInfo | None:
        """The image a reference, repo digest or image ID names, or None (``ImageStatus``)."""
        found = self._lookup(image)
        return found.info() if found is not None else None

    def list(self) -> list[ImageInfo]:
        """Every image, ordered by ID (``ListImages``)."""
        return [self._images[i].info() for i in sorted(self._images)]

    def _lookup(self, image: str) -> _Stored | None:
        hit = self._images.get(image)
        if hit is not None:
            return hit
        if image.startswith("sha256:"):
            return None
        try:
            ref = normalize(image)
        except ReferenceFormatError:
            return None
        image_id = self._refs.get(ref)
        return self._images.get(image_id) if image_id is not None else None

    # -- changes -------------------------------------------------------------------------------------
    def preload(self, images: Iterable[str]) -> None:
        """Put images on the node at once (kind's node image, ``kubeadm config images pull``)."""
        for image in images:
            self._store(self.registry.resolve(image))

    def remove(self, image: str) -> None:
        """``RemoveImage``: drop the image and every reference to it; unknown images are ignored."""
        found = self._lookup(image)
        if found is None:
            return
        for ref in found.tags | found.digests:
            self._refs.pop(ref, None)
        del self._images[found.id]

    def _store(self, content: RegistryImage) -> str:
        stored = self._images.get(content.image_id)
        if stored is None:
            stored = _Stored(content.image_id, content.size)
            self._images[content.image_id] = stored
        for ref, refs in ((content.repo_tag, stored.tags), (content.repo_digest, stored.digests)):
            if not ref:
                continue
            old_id = self._refs.get(ref)
            if old_id is not None and old_id != content.image_id:
                self._untag(old_id, ref)
            self._refs[ref] = content.image_id
            refs.add(ref)
        if content.repo_tag in self._pinned or content.reference in self._pinned:
            stored.pinned = True
        return content.image_id

    def _untag(self, image_id: str, ref: str) -> None:
        """A tag moved to new content: the old image keeps its other references or goes away."""
        old = self._images.get(image_id)
        if old is None:
            return
        old.tags.discard(ref)
        old.digests.discard(ref)
        if not old.tags and not old.digests:
            del self._images[image_id]

    # -- pulling ---------------------------------------------------------------------------------------
    def pull(self, image: str, callback: PullCallback) -> None:
        """``PullImage`` through the kubelet's puller: ``callback(image_id, None)`` on success or
        ``callback(None, PullError)`` once the virtual pull time has passed."""
        if self._down:
            return
        self._queue.append(_Pull(image, callback, queued=True))
        if not self.serialize_pulls or not self._busy:
            self._start_next()

    def pull_now(self, image: str, callback: PullCallback) -> None:
        """A pull containerd makes itself (the sandbox image): not in the kubelet's queue."""
        if not self._down:
            self._begin(_Pull(image, callback, queued=False))

    def _start_next(self) -> None:
        if not self._queue:
            return
        job = self._queue.popleft()
        if self.serialize_pulls:
            self._busy = True
        self._begin(job)

    def _begin(self, job: _Pull) -> None:
        try:
            ref = normalize(job.image)
        except ReferenceFormatError as err:
            failure = PullError("Unknown", f'failed to parse image reference "{job.image}": {err}')
            self._after(0, job, None, failure)
            return
        try:
            content = self.registry.resolve(ref)
        except ImageNotFound:
            failure = PullError("NotFound", f'failed to pull and unpack image "{ref}": failed to resolve '
                                f'reference "{ref}": {ref}: not found')
            self._after(PULL_RESOLVE_MS, job, None, failure)
            return
        cached = content.image_id in self._images
        self._after(pull_duration_ms(content.size, cached), job, content, None)

    def _after(self, delay_ms: int, job: _Pull, content: RegistryImage | None, failure: PullError | None) -> None:
        def done() -> None:
            self._events = [e for e in self._events if e is not ev]
            if self._down:
                return
            image_id = None
            if content is not None:
                # The registry may have changed while the layers were downloading; what was resolved
                # is what lands on the node.
                image_id = self._store(content)
            if job.queued and self.serialize_pulls:
                self._busy = False
                self._start_next()
            elif job.queued:
                self._start_next()
            job.callback(image_id, failure)

        ev = self.loop.call_later(delay_ms, done, label=f"image pull {job.image}")
        self._events.append(ev)

    # -- power ---------------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Node power-off: pulls in flight are lost (their callbacks never run)."""
        self._down = True
        for ev in self._events:
            ev.cancel()
        self._events.clear()
        self._queue.clear()
        self._busy = False

    def power_on(self) -> None:
        """The node is back: the store (on disk) is intact, nothing is being pulled."""
        self._down = False

    @property
    def pulling(self) -> int:
        """Pulls requested and not finished (queued or in flight)."""
        return len(self._queue) + len(self._events)
