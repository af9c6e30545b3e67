"""ConfigMap, Secret and ServiceAccount describers."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from labk8s.kubectl.describe.common import Lookup, g, print_annotations_multiline, print_labels_multiline
from labk8s.kubectl.describe.events import describe_events, search_events_for
from labk8s.kubectl.describe.writer import LEVEL_0, PrefixWriter, tabbed_string

SERVICE_ACCOUNT_TOKEN_TYPE = "kubernetes.io/service-account-token"


def _decoded(value: Any) -> bytes:
    """Secret ``data`` and ConfigMap ``binaryData`` values are base64 in JSON."""
    if isinstance(value, bytes):
        return value
    try:
        return base64.b64decode(str(value or ""), validate=True)
    except (binascii.Error, ValueError):
        return str(value or "").encode()


def _header(w: PrefixWriter, obj: Mapping[str, Any]) -> None:
    w.write(LEVEL_0, f"Name:\t{g(obj, 'metadata', 'name', default='')}\n")
    w.write(LEVEL_0, f"Namespace:\t{g(obj, 'metadata', 'namespace', default='')}\n")
    print_labels_multiline(w, "Labels", g(obj, "metadata", "labels"))
    print_annotations_multiline(w, "Annotations", g(obj, "metadata", "annotations"))


def describe_config_map(cm: Mapping[str, Any], lookup: Lookup, now_ms: int) -> str:
    events = search_events_for(lookup, cm)
    data: Mapping[str, Any] = cm.get("data") or {}
    binary: Mapping[str, Any] = cm.get("binaryData") or {}

    def body(w: PrefixWriter) -> None:
        _header(w, cm)
        w.write(LEVEL_0, "\nData\n====\n")
        for key in sorted(data):
            w.write(LEVEL_0, f"{key}:\n----\n")
            w.write(LEVEL_0, f"{data[key]}\n")
            w.write(LEVEL_0, "\n")
        w.write(LEVEL_0, "\nBinaryData\n====\n")
        for key in sorted(binary):
            w.write(LEVEL_0, f"{key}: {len(_decoded(binary[key]))} bytes\n")
        w.write(LEVEL_0, "\n")
        describe_events(events, w, now_ms)

    return tabbed_string(body)


def describe_secret(secret: Mapping[str, Any], lookup: Lookup, now_ms: int) -> str:
    data: Mapping[str, Any] = secret.get("data") or {}
    secret_type = str(secret.get("type") or "")

    def body(w: PrefixWriter) -> None:
        _header(w, secret)
        w.write(LEVEL_0, f"\nType:\t{secret_type}\n")
        w.write(LEVEL_0, "\nData\n====\n")
        for key in sorted(data):
            raw = _decoded(data[key])
            if key == "token" and secret_type == SERVICE_ACCOUNT_TOKEN_TYPE:
                w.write(LEVEL_0, f"{key}:\t{raw.decode(errors='replace')}\n")
            else:
                w.write(LEVEL_0, f"{key}:\t{len(raw)} bytes\n")

    return tabbed_string(body)


def describe_service_account(sa: Mapping[str, Any], lookup: Lookup, now_ms: int) -> str:
    events = search_events_for(lookup, sa)
    names = [str(ref.get("name", "")) for ref in sa.get("imagePullSecrets") or []]

    def body(w: PrefixWriter) -> None:
        _header(w, sa)
        header = "Image pull secrets:"
        if not names:
            w.write(LEVEL_0, f"{header}\t<none>\n")
        else:
            prefix = header
            for name in names:
                w.write(LEVEL_0, f"{prefix}\t{name}\n")
                prefix = " " * len(header)
        describe_events(events, w, now_ms)

    return tabbed_string(body)
