"""Container images: reference parsing, the cluster-wide simulated registry, a node's image store."""

from labk8s.node.images.imageservice import (
    PULL_BANDWIDTH_BYTES_PER_S,
    PULL_RESOLVE_MS,
    SANDBOX_IMAGE,
    ImageInfo,
    ImageService,
    PullError,
    pull_duration_ms,
)
from labk8s.node.images.reference import (
    ImageReference,
    ReferenceFormatError,
    familiar_name,
    normalize,
    parse_image_name,
    parse_normalized_named,
)
from labk8s.node.images.registry import (
    DEFAULT_IMAGE_SIZE,
    KNOWN_IMAGE_SIZES,
    ImageNotFound,
    Registry,
    RegistryImage,
)

__all__ = [
    "DEFAULT_IMAGE_SIZE",
    "KNOWN_IMAGE_SIZES",
    "PULL_BANDWIDTH_BYTES_PER_S",
    "PULL_RESOLVE_MS",
    "SANDBOX_IMAGE",
    "ImageInfo",
    "ImageNotFound",
    "ImageReference",
    "ImageService",
    "PullError",
    "ReferenceFormatError",
    "Registry",
    "RegistryImage",
    "familiar_name",
    "normalize",
    "parse_image_name",
    "parse_normalized_named",
    "pull_duration_ms",
]
