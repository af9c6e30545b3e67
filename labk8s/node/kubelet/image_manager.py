"""EnsureImageExists (pkg/kubelet/images/image_manager.go) as a kubelet task.

Pull policy: ``Always`` pulls every time; ``IfNotPresent`` pulls when the node lacks the image;
``Never`` fails with ErrImageNeverPull when it lacks it. A failed pull starts a per (pod UID, image)
back-off of 10s doubling to 300s; while it runs, the container waits with ImagePullBackOff and the
message ``Back-off pulling image "x": ErrImagePull: <last error>``. Pulls are serialized per node
(serializeImagePulls) by the runtime's image service; the Pulled event reports the pull's own duration
and the duration including the wait in that queue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from labk8s.node.images.imageservice import pull_duration_ms
from labk8s.node.kubelet import events as ev
from labk8s.node.kubelet.backoff import Backoff
from labk8s.node.kubelet.tasks import Op, Resume, TaskGen
from labk8s.node.runtime.containers import grpc_message

Obj = dict[str, Any]

ERR_IMAGE_PULL = "ErrImagePull"
ERR_IMAGE_PULL_BACKOFF = "ImagePullBackOff"
ERR_IMAGE_NEVER_PULL = "ErrImageNeverPull"
ERR_INVALID_IMAGE_NAME = "InvalidImageName"


@dataclass
class PullOutcome:
    """(imageRef, error message, error reason) of EnsureImageExists; reason "" on success."""

    image_ref: str = ""
    message: str = ""
    reason: str = ""


class ImageManager:
    def __init__(self, runtime: Any, recorder: ev.KubeletRecorder, backoff: Backoff,
                 now: Callable[[], int]) -> None:
        self.runtime = runtime
        self.recorder = recorder
        self.backoff = backoff
        self._now = now
        self._prev_err: dict[str, str] = {}

    def present(self, image: str) -> Any:
        return self.runtime.image_status(image)

    def ensure(self, pod: Obj, container: Obj) -> TaskGen:
        """Generator: returns a :class:`PullOutcome`."""
        image = container.get("image", "")
        name = container["name"]
        policy = container.get("imagePullPolicy") or "IfNotPresent"
        if not image.strip():
            msg = f"Failed to apply default image tag {ev.go_quote(image)}: couldn't parse image name {ev.go_quote(image)}: invalid reference format"
            self.recorder.container(pod, name, ev.WARNING, ev.FAILED_TO_INSPECT_IMAGE, msg)
            return PullOutcome("", msg, ERR_INVALID_IMAGE_NAME)
        found = None if policy == "Always" else self.present(image)
        if found is not None:
            self.recorder.container(pod, name, ev.NORMAL, ev.PULLED_IMAGE, ev.already_present_message(image))
            return PullOutcome(str(found.id))
        if policy == "Never":
            msg = ev.never_pull_message(image)
            self.recorder.container(pod, name, ev.WARNING, ev.ERR_IMAGE_NEVER_PULL_POLICY, msg)
            return PullOutcome("", msg, ERR_IMAGE_NEVER_PULL)
        key = f"{pod['metadata'].get('uid', '')}_{image}"
        now = self._now()
        if self.backoff.is_in_backoff_since_update(key, now):
            msg = ev.backoff_pull_message(image)
            self.recorder.container(pod, name, ev.NORMAL, ev.BACKOFF_PULL_IMAGE, msg)
            prev = self._prev_err.get(key)
            if prev is not None:
                msg = f"{msg}: {prev}"
            return PullOutcome("", msg, ERR_IMAGE_PULL_BACKOFF)
        self._prev_err.pop(key, None)
        self.recorder.container(pod, name, ev.NORMAL, ev.PULLING_IMAGE, ev.pulling_message(image))
        started = self._now()
        before = self.runtime.image_status(image)
        image_ref, err = yield _pull(self.runtime, image)
        if err is not None:
            text = grpc_message(str(err))
            self.recorder.container(pod, name, ev.WARNING, ev.FAILED_TO_PULL_IMAGE, ev.failed_pull_message(image, text))
            self.backoff.next(key, self._now())
            self._prev_err[key] = f"{ERR_IMAGE_PULL}: {text}"
            return PullOutcome("", text, ERR_IMAGE_PULL)
        total = self._now() - started
        info = self.runtime.image_status(image_ref) or self.runtime.image_status(image)
        size = int(info.size) if info is not None else 0
        # The pull's own duration (the rest of ``total`` was waiting for earlier pulls of the node).
        pulled = min(total, pull_duration_ms(size, cached=before is not None and before.id == image_ref))
        self.recorder.container(pod, name, ev.NORMAL, ev.PULLED_IMAGE, ev.pulled_message(image, pulled, total, size))
        self.backoff.gc()
        return PullOutcome(str(image_ref))

    def backoff_expiry(self, pod: Obj, image: str) -> int | None:
        return self.backoff.expiry_since_update(f"{pod['metadata'].get('uid', '')}_{image}")


def _pull(runtime: Any, image: str) -> Op:
    def start(resume: Resume) -> None:
        runtime.pull_image(image, lambda ref, err: resume((ref, err)))
    start.cancelable = True  # type: ignore[attr-defined]  # a pod deleted meanwhile stops waiting
    return start
