"""kubectl's printers: server-side Tables (`kubectl get`), the human-readable table text, -o name/yaml/json.

In real Kubernetes the API server builds a meta.k8s.io/v1 Table (pkg/printers/internalversion) and
kubectl formats it (cli-runtime/pkg/printers). `build_table` is the server half, `format_table` the
client half.
"""

from .age import human_duration, short_human_duration
from .columns import build_table, custom_resource_table, handler_for, has_handler
from .encoding import to_json, to_yaml
from .output import format_name, format_table, kind_prefix_of, no_resources_message
from .table import Column, Table
from .tabwriter import TabWriter

__all__ = [
    "Column",
    "Table",
    "TabWriter",
    "build_table",
    "custom_resource_table",
    "format_name",
    "format_table",
    "handler_for",
    "has_handler",
    "human_duration",
    "kind_prefix_of",
    "no_resources_message",
    "short_human_duration",
    "to_json",
    "to_yaml",
]
