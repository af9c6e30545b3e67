"""ConfigMaps and Secrets (ValidateConfigMap(Update), ValidateSecret(Update), SetDefaults_Secret, and the
v1 conversion that folds ``stringData`` into ``data``). Neither kind has a generation or a status.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from labk8s.apiserver.strategies._errors import Errs
from labk8s.apiserver.strategies.container_validation import config_map_key_errors
from labk8s.apiserver.strategy import Strategy
from labk8s.errors import FieldError

Obj = dict[str, Any]

MAX_SIZE = 1 * 1024 * 1024  # core.MaxSecretSize, also the ConfigMap limit
IMMUTABLE_MSG = "field is immutable when `immutable` is set"
SA_NAME_ANNOTATION = "kubernetes.io/service-account.name"


def _immutable_semantics(new: Obj, old: Obj, fields: tuple[str, ...], errs: Errs) -> None:
    if old.get("immutable") is True:
        if new.get("immutable") is not True:
            errs.append(FieldError.forbidden("immutable", IMMUTABLE_MSG))
        for f in fields:
            if (new.get(f) or {}) != (old.get(f) or {}):
                errs.append(FieldError.forbidden(f, IMMUTABLE_MSG))


def _decoded_len(value: Any) -> int:
    if not isinstance(value, str):
        return 0
    try:
        return len(base64.b64decode(value, validate=True))
    except (binascii.Error, ValueError):
        return len(value)


class ConfigMapStrategy(Strategy):
    tracks_generation = False

    # SetDefaults_ConfigMap makes data an empty map; with omitempty that is invisible, so nothing to store.

    def validate(self, obj: Obj) -> list[FieldError]:
        errs: Errs = []
        data = obj.get("data") or {}
        binary = obj.get("binaryData") or {}
        total = 0
        for key in sorted(data):
            errs.extend(FieldError.invalid(f"data[{key}]", key, m) for m in config_map_key_errors(key))
            if key in binary:
                errs.append(FieldError.invalid(f"data[{key}]", key, "duplicate of key present in binaryData"))
            total += len(str(data[key]).encode())
        for key in sorted(binary):
            errs.extend(FieldError.invalid(f"binaryData[{key}]", key, m) for m in config_map_key_errors(key))
            total += _decoded_len(binary[key])
        if total > MAX_SIZE:
            errs.append(FieldError.too_long("", "", MAX_SIZE))
        return errs

    def validate_update(self, new: Obj, old: Obj) -> list[FieldError]:
        errs: Errs = []
        _immutable_semantics(new, old, ("data", "binaryData"), errs)
        errs.extend(self.validate(new))
        return errs


class SecretStrategy(Strategy):
    tracks_generation = False

    def default(self, obj: Obj) -> None:
        string_data = obj.pop("stringData", None)
        if isinstance(string_data, dict) and string_data:
            data = obj.get("data")
            if not isinstance(data, dict):
                data = obj["data"] = {}
            for k, v in string_data.items():
                data[k] = base64.b64encode(str(v).encode()).decode()
        if not obj.get("type"):
            obj["type"] = "Opaque"

    def validate(self, obj: Obj) -> list[FieldError]:
        errs: Errs = []
        data = obj.get("data") or {}
        total = 0
        for key in sorted(data):
            errs.extend(FieldError.invalid(f"data[{key}]", key, m) for m in config_map_key_errors(key))
            total += _decoded_len(data[key])
        if total > MAX_SIZE:
            errs.append(FieldError.too_long("data", "", MAX_SIZE))
        stype = obj.get("type") or ""
        ann = (obj.get("metadata") or {}).get("annotations") or {}
        if stype == "kubernetes.io/service-account-token":
            if not ann.get(SA_NAME_ANNOTATION):
                errs.append(FieldError.required(f"metadata.annotations[{SA_NAME_ANNOTATION}]"))
        elif stype in ("kubernetes.io/dockercfg", "kubernetes.io/dockerconfigjson"):
            key = ".dockercfg" if stype == "kubernetes.io/dockercfg" else ".dockerconfigjson"
            if key not in data:
                errs.append(FieldError.required(f"data[{key}]"))
            else:
                try:
                    json.loads(base64.b64decode(data[key]))
                except (ValueError, binascii.Error) as exc:
                    errs.append(FieldError.invalid(f"data[{key}]", "<secret contents redacted>", str(exc)))
        elif stype == "kubernetes.io/basic-auth":
            if "username" not in data and "password" not in data:
                errs.append(FieldError.required("data[username]"))
                errs.append(FieldError.required("data[password]"))
        elif stype == "kubernetes.io/ssh-auth":
            if not data.get("ssh-privatekey"):
                errs.append(FieldError.required("data[ssh-privatekey]"))
        elif stype == "kubernetes.io/tls":
            for key in ("tls.crt", "tls.key"):
                if key not in data:
                    errs.append(FieldError.required(f"data[{key}]"))
        return errs

    def validate_update(self, new: Obj, old: Obj) -> list[FieldError]:
        errs: Errs = []
        if (new.get("type") or "") != (old.get("type") or ""):
            errs.append(FieldError.invalid("type", new.get("type") or "", "field is immutable"))
        _immutable_semantics(new, old, ("data",), errs)
        errs.extend(self.validate(new))
        return errs
