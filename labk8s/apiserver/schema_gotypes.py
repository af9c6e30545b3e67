"""Go type names of schema fields whose type is a named Go type.

``json: cannot unmarshal number into Go struct field PodSpec.spec.restartPolicy of type v1.RestartPolicy``
names the Go type (``reflect.Type.String()``). The JSON schema keeps only the JSON type, so a field of a
named string, slice or map type would otherwise print as ``string``. This table restores the names for
the built-in groups a learner meets (core, apps, batch, autoscaling, networking, policy, storage,
discovery, meta), from k8s.io/api and k8s.io/apimachinery ``types.go``. Keys are
``<group>.<version>.<Struct>.<jsonField>`` (meta types use group ``meta``); values are the Go type of
the field after pointer indirection. A field missing here prints its plain JSON-derived type.
"""

from __future__ import annotations

__all__ = ["GO_FIELD_TYPES", "RESOURCE_LIST"]

#: Maps of Quantity in core/v1 are ``ResourceList``; the compiler uses this for every such map.
RESOURCE_LIST = "v1.ResourceList"

_COND = "v1.ConditionStatus"

_TABLE: dict[str, dict[str, str]] = {
    # -- core/v1 -----------------------------------------------------------------------------------
    "core.v1.AzureDiskVolumeSource": {"cachingMode": "v1.AzureDataDiskCachingMode",
                                      "kind": "v1.AzureDataDiskKind"},
    "core.v1.Capabilities": {"add": "[]v1.Capability", "drop": "[]v1.Capability"},
    "core.v1.ComponentCondition": {"type": "v1.ComponentConditionType", "status": _COND},
    "core.v1.ConfigMapNodeConfigSource": {"uid": "types.UID"},
    "core.v1.Container": {"imagePullPolicy": "v1.PullPolicy", "restartPolicy": "v1.ContainerRestartPolicy",
                          "terminationMessagePolicy": "v1.TerminationMessagePolicy"},
    "core.v1.EphemeralContainer": {"imagePullPolicy": "v1.PullPolicy",
                                   "restartPolicy": "v1.ContainerRestartPolicy",
                                   "terminationMessagePolicy": "v1.TerminationMessagePolicy"},
    "core.v1.ContainerPort": {"protocol": "v1.Protocol"},
    "core.v1.ContainerResizePolicy": {"resourceName": "v1.ResourceName",
                                      "restartPolicy": "v1.ResourceResizeRestartPolicy"},
    "core.v1.ContainerRestartRule": {"action": "v1.ContainerRestartRuleAction"},
    "core.v1.ContainerRestartRuleOnExitCodes": {"operator": "v1.ContainerRestartRuleOnExitCodesOperator"},
    "core.v1.ContainerStatus": {"stopSignal": "v1.Signal"},
    "core.v1.EmptyDirVolumeSource": {"medium": "v1.StorageMedium"},
    "core.v1.EndpointPort": {"protocol": "v1.Protocol"},
    "core.v1.HTTPGetAction": {"scheme": "v1.URIScheme"},
    "core.v1.HostPathVolumeSource": {"type": "v1.HostPathType"},
    "core.v1.ImageVolumeSource": {"pullPolicy": "v1.PullPolicy"},
    "core.v1.Lifecycle": {"stopSignal": "v1.Signal"},
    "core.v1.LimitRangeItem": {"type": "v1.LimitType"},
    "core.v1.LoadBalancerIngress": {"ipMode": "v1.LoadBalancerIPMode"},
    "core.v1.ModifyVolumeStatus": {"status": "v1.PersistentVolumeClaimModifyVolumeStatus"},
    "core.v1.NamespaceCondition": {"type": "v1.NamespaceConditionType", "status": _COND},
    "core.v1.NamespaceSpec": {"finalizers": "[]v1.FinalizerName"},
    "core.v1.NamespaceStatus": {"phase": "v1.NamespacePhase"},
    "core.v1.NodeAddress": {"type": "v1.NodeAddressType"},
    "core.v1.NodeCondition": {"type": "v1.NodeConditionType", "status": _COND},
    "core.v1.NodeSelectorRequirement": {"operator": "v1.NodeSelectorOperator"},
    "core.v1.NodeStatus": {"phase": "v1.NodePhase", "volumesInUse": "[]v1.UniqueVolumeName"},
    "core.v1.ObjectReference": {"uid": "types.UID"},
    "core.v1.PersistentVolumeClaimCondition": {"type": "v1.PersistentVolumeClaimConditionType",
                                               "status": _COND},
    "core.v1.PersistentVolumeClaimSpec": {"accessModes": "[]v1.PersistentVolumeAccessMode",
                                          "volumeMode": "v1.PersistentVolumeMode"},
    "core.v1.PersistentVolumeClaimStatus": {
        "accessModes": "[]v1.PersistentVolumeAccessMode", "phase": "v1.PersistentVolumeClaimPhase",
        "allocatedResourceStatuses": "map[v1.ResourceName]v1.ClaimResourceStatus"},
    "core.v1.PersistentVolumeSpec": {"accessModes": "[]v1.PersistentVolumeAccessMode",
                                     "persistentVolumeReclaimPolicy": "v1.PersistentVolumeReclaimPolicy",
                                     "volumeMode": "v1.PersistentVolumeMode"},
    "core.v1.PersistentVolumeStatus": {"phase": "v1.PersistentVolumePhase"},
    "core.v1.PodCondition": {"type": "v1.PodConditionType", "status": _COND},
    "core.v1.PodOS": {"name": "v1.OSName"},
    "core.v1.PodReadinessGate": {"conditionType": "v1.PodConditionType"},
    "core.v1.PodSecurityContext": {"fsGroupChangePolicy": "v1.PodFSGroupChangePolicy",
                                   "seLinuxChangePolicy": "v1.PodSELinuxChangePolicy",
                                   "supplementalGroupsPolicy": "v1.SupplementalGroupsPolicy"},
    "core.v1.PodSpec": {"dnsPolicy": "v1.DNSPolicy", "preemptionPolicy": "v1.PreemptionPolicy",
                        "restartPolicy": "v1.RestartPolicy"},
    "core.v1.PodStatus": {"phase": "v1.PodPhase", "qosClass": "v1.PodQOSClass",
                          "resize": "v1.PodResizeStatus"},
    "core.v1.PortStatus": {"protocol": "v1.Protocol"},
    "core.v1.ResourceHealth": {"health": "v1.ResourceHealthStatus", "resourceID": "v1.ResourceID"},
    "core.v1.ResourceQuotaSpec": {"scopes": "[]v1.ResourceQuotaScope"},
    "core.v1.ResourceStatus": {"name": "v1.ResourceName"},
    "core.v1.ScopedResourceSelectorRequirement": {"operator": "v1.ScopeSelectorOperator",
                                                  "scopeName": "v1.ResourceQuotaScope"},
    "core.v1.SeccompProfile": {"type": "v1.SeccompProfileType"},
    "core.v1.AppArmorProfile": {"type": "v1.AppArmorProfileType"},
    "core.v1.Secret": {"type": "v1.SecretType"},
    "core.v1.SecurityContext": {"procMount": "v1.ProcMountType"},
    "core.v1.ServicePort": {"protocol": "v1.Protocol"},
    "core.v1.ServiceSpec": {"externalTrafficPolicy": "v1.ServiceExternalTrafficPolicy",
                            "internalTrafficPolicy": "v1.ServiceInternalTrafficPolicy",
                            "ipFamilies": "[]v1.IPFamily", "ipFamilyPolicy": "v1.IPFamilyPolicy",
                            "sessionAffinity": "v1.ServiceAffinity", "type": "v1.ServiceType"},
    "core.v1.Taint": {"effect": "v1.TaintEffect"},
    "core.v1.Toleration": {"effect": "v1.TaintEffect", "operator": "v1.TolerationOperator"},
    "core.v1.TopologySpreadConstraint": {"nodeAffinityPolicy": "v1.NodeInclusionPolicy",
                                         "nodeTaintsPolicy": "v1.NodeInclusionPolicy",
                                         "whenUnsatisfiable": "v1.UnsatisfiableConstraintAction"},
    "core.v1.VolumeMount": {"mountPropagation": "v1.MountPropagationMode",
                            "recursiveReadOnly": "v1.RecursiveReadOnlyMode"},
    "core.v1.VolumeMountStatus": {"recursiveReadOnly": "v1.RecursiveReadOnlyMode"},
    # -- apps/v1 -----------------------------------------------------------------------------------
    "apps.v1.DaemonSetCondition": {"type": "v1.DaemonSetConditionType", "status": _COND},
    "apps.v1.DaemonSetUpdateStrategy": {"type": "v1.DaemonSetUpdateStrategyType"},
    "apps.v1.DeploymentCondition": {"type": "v1.DeploymentConditionType", "status": _COND},
    "apps.v1.DeploymentStrategy": {"type": "v1.DeploymentStrategyType"},
    "apps.v1.ReplicaSetCondition": {"type": "v1.ReplicaSetConditionType", "status": _COND},
    "apps.v1.StatefulSetCondition": {"type": "v1.StatefulSetConditionType", "status": _COND},
    "apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy": {
        "whenDeleted": "v1.PersistentVolumeClaimRetentionPolicyType",
        "whenScaled": "v1.PersistentVolumeClaimRetentionPolicyType"},
    "apps.v1.StatefulSetSpec": {"podManagementPolicy": "v1.PodManagementPolicyType"},
    "apps.v1.StatefulSetUpdateStrategy": {"type": "v1.StatefulSetUpdateStrategyType"},
    # -- batch/v1 ----------------------------------------------------------------------------------
    "batch.v1.CronJobSpec": {"concurrencyPolicy": "v1.ConcurrencyPolicy"},
    "batch.v1.JobCondition": {"type": "v1.JobConditionType", "status": _COND},
    "batch.v1.JobSpec": {"completionMode": "v1.CompletionMode",
                         "podReplacementPolicy": "v1.PodReplacementPolicy"},
    "batch.v1.PodFailurePolicyOnExitCodesRequirement": {
        "operator": "v1.PodFailurePolicyOnExitCodesOperator"},
    "batch.v1.PodFailurePolicyOnPodConditionsPattern": {"type": "v1.PodConditionType", "status": _COND},
    "batch.v1.PodFailurePolicyRule": {"action": "v1.PodFailurePolicyAction"},
    "batch.v1.UncountedTerminatedPods": {"failed": "[]types.UID", "succeeded": "[]types.UID"},
    # -- autoscaling/v2 ----------------------------------------------------------------------------
    "autoscaling.v2.HPAScalingPolicy": {"type": "v2.HPAScalingPolicyType"},
    "autoscaling.v2.HPAScalingRules": {"selectPolicy": "v2.ScalingPolicySelect"},
    "autoscaling.v2.HorizontalPodAutoscalerCondition": {
        "type": "v2.HorizontalPodAutoscalerConditionType", "status": _COND},
    "autoscaling.v2.MetricSpec": {"type": "v2.MetricSourceType"},
    "autoscaling.v2.MetricStatus": {"type": "v2.MetricSourceType"},
    "autoscaling.v2.MetricTarget": {"type": "v2.MetricTargetType"},
    "autoscaling.v2.ResourceMetricSource": {"name": "v1.ResourceName"},
    "autoscaling.v2.ResourceMetricStatus": {"name": "v1.ResourceName"},
    "autoscaling.v2.ContainerResourceMetricSource": {"name": "v1.ResourceName"},
    "autoscaling.v2.ContainerResourceMetricStatus": {"name": "v1.ResourceName"},
    # -- networking, policy, discovery, storage ----------------------------------------------------
    "networking.v1.HTTPIngressPath": {"pathType": "v1.PathType"},
    "networking.v1.NetworkPolicyPort": {"protocol": "v1.Protocol"},
    "networking.v1.NetworkPolicySpec": {"policyTypes": "[]v1.PolicyType"},
    "policy.v1.PodDisruptionBudgetSpec": {"unhealthyPodEvictionPolicy": "v1.UnhealthyPodEvictionPolicyType"},
    "discovery.v1.EndpointSlice": {"addressType": "v1.AddressType"},
    "discovery.v1.EndpointPort": {"protocol": "v1.Protocol"},
    "storage.v1.CSIDriverSpec": {"fsGroupPolicy": "v1.FSGroupPolicy",
                                 "volumeLifecycleModes": "[]v1.VolumeLifecycleMode"},
    "storage.v1.StorageClass": {"reclaimPolicy": "v1.PersistentVolumeReclaimPolicy",
                                "volumeBindingMode": "v1.VolumeBindingMode"},
    # -- meta/v1 -----------------------------------------------------------------------------------
    "meta.v1.Condition": {"status": _COND},
    "meta.v1.DeleteOptions": {"propagationPolicy": "v1.DeletionPropagation"},
    "meta.v1.FieldSelectorRequirement": {"operator": "selection.Operator"},
    "meta.v1.LabelSelectorRequirement": {"operator": "v1.LabelSelectorOperator"},
    "meta.v1.ManagedFieldsEntry": {"operation": "v1.ManagedFieldsOperationType"},
    "meta.v1.ObjectMeta": {"uid": "types.UID"},
    "meta.v1.OwnerReference": {"uid": "types.UID"},
    "meta.v1.Preconditions": {"uid": "types.UID"},
    "meta.v1.Status": {"reason": "v1.StatusReason"},
    "meta.v1.StatusCause": {"reason": "v1.CauseType"},
    "meta.v1.StatusDetails": {"uid": "types.UID"},
}

#: ``"<group>.<version>.<Struct>.<field>"`` -> Go type string.
GO_FIELD_TYPES: dict[str, str] = {f"{struct}.{field}": go for struct, fields in _TABLE.items()
                                  for field, go in fields.items()}
