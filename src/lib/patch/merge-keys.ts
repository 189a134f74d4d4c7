/**
 * Patch metadata of the built-in kinds Skiff serves, as data in one place: for each schema type
 * (named as in Kubernetes' OpenAPI, e.g. `io.k8s.api.core.v1.PodSpec`) the fields that carry
 * `x-kubernetes-patch-strategy` / `x-kubernetes-patch-merge-key` (strategic merge patch) or
 * `x-kubernetes-list-type` / `x-kubernetes-list-map-keys` / `x-kubernetes-map-type` (server-side
 * apply), and the fields that lead to such types. Read from the Go struct tags and `+listType`
 * markers of k8s.io/api and k8s.io/apimachinery v0.32.9 (the release kubectl 1.32 is built with).
 *
 * The SMP and SSA code walk objects with `fieldPatchMeta`; the OpenAPI generator reads the same
 * table. Fields not listed have no strategy: maps merge key by key, lists are replaced whole
 * (SMP) or atomic (SSA).
 */

export type PatchStrategy = "merge" | "retainKeys" | "merge,retainKeys" | "replace";
export type ListType = "atomic" | "set" | "map";
export type MapType = "atomic" | "granular";

export interface FieldPatchMeta {
  /** Schema type of the value, or of each element of a list (or value of a map). */
  type?: string;
  patchStrategy?: PatchStrategy;
  patchMergeKey?: string;
  listType?: ListType;
  listMapKeys?: string[];
  /** OpenAPI defaults of list-map key fields, so an applied item that omits one still matches. */
  keyDefaults?: Record<string, string>;
  mapType?: MapType;
}

export interface TypePatchMeta {
  /** `atomic`: the struct is owned and replaced as a whole by server-side apply. */
  mapType?: "atomic";
  fields?: Record<string, FieldPatchMeta>;
}

const CORE = "io.k8s.api.core.v1.";
const APPS = "io.k8s.api.apps.v1.";
const BATCH = "io.k8s.api.batch.v1.";
const COORD = "io.k8s.api.coordination.v1.";
const META = "io.k8s.apimachinery.pkg.apis.meta.v1.";
const TCP = { protocol: "TCP" };

export const PATCH_META: Readonly<Record<string, TypePatchMeta>> = {
  [`${CORE}Namespace`]: {
    fields: {
      metadata: { type: `${META}ObjectMeta` },
      spec: { type: `${CORE}NamespaceSpec` },
      status: { type: `${CORE}NamespaceStatus` },
    },
  },
  [`${META}ObjectMeta`]: {
    fields: {
      ownerReferences: { type: `${META}OwnerReference`, patchStrategy: "merge", patchMergeKey: "uid", listType: "map", listMapKeys: ["uid"] },
      finalizers: { patchStrategy: "merge", listType: "set" },
      managedFields: { listType: "atomic" },
    },
  },
  [`${META}OwnerReference`]: { mapType: "atomic" },
  [`${CORE}NamespaceSpec`]: { fields: { finalizers: { listType: "atomic" } } },
  [`${CORE}NamespaceStatus`]: {
    fields: {
      conditions: { patchStrategy: "merge", patchMergeKey: "type", listType: "map", listMapKeys: ["type"] },
    },
  },
  [`${CORE}Node`]: {
    fields: {
      metadata: { type: `${META}ObjectMeta` },
      spec: { type: `${CORE}NodeSpec` },
      status: { type: `${CORE}NodeStatus` },
    },
  },
  [`${CORE}NodeSpec`]: { fields: { podCIDRs: { patchStrategy: "merge", listType: "set" }, taints: { listType: "atomic" } } },
  [`${CORE}NodeStatus`]: {
    fields: {
      conditions: { patchStrategy: "merge", patchMergeKey: "type", listType: "map", listMapKeys: ["type"] },
      addresses: { patchStrategy: "merge", patchMergeKey: "type", listType: "map", listMapKeys: ["type"] },
      images: { type: `${CORE}ContainerImage`, listType: "atomic" },
      volumesInUse: { listType: "atomic" },
      volumesAttached: { listType: "atomic" },
      runtimeHandlers: { listType: "atomic" },
    },
  },
  [`${CORE}ContainerImage`]: { fields: { names: { listType: "atomic" } } },
  [`${CORE}Pod`]: {
    fields: {
      metadata: { type: `${META}ObjectMeta` },
      spec: { type: `${CORE}PodSpec` },
      status: { type: `${CORE}PodStatus` },
    },
  },
  [`${CORE}PodSpec`]: {
    fields: {
      volumes: { type: `${CORE}Volume`, patchStrategy: "merge,retainKeys", patchMergeKey: "name", listType: "map", listMapKeys: ["name"] },
      initContainers: { type: `${CORE}Container`, patchStrategy: "merge", patchMergeKey: "name", listType: "map", listMapKeys: ["name"] },
      containers: { type: `${CORE}Container`, patchStrategy: "merge", patchMergeKey: "name", listType: "map", listMapKeys: ["name"] },
      ephemeralContainers: { type: `${CORE}EphemeralContainer`, patchStrategy: "merge", patchMergeKey: "name", listType: "map", listMapKeys: ["name"] },
      nodeSelector: { mapType: "atomic" },
      securityContext: { type: `${CORE}PodSecurityContext` },
      imagePullSecrets: { type: `${CORE}LocalObjectReference`, patchStrategy: "merge", patchMergeKey: "name", listType: "map", listMapKeys: ["name"] },
      affinity: { type: `${CORE}Affinity` },
      tolerations: { listType: "atomic" },
      hostAliases: { type: `${CORE}HostAlias`, patchStrategy: "merge", patchMergeKey: "ip", listType: "map", listMapKeys: ["ip"] },
      dnsConfig: { type: `${CORE}PodDNSConfig` },
      readinessGates: { listType: "atomic" },
      topologySpreadConstraints: { type: `${CORE}TopologySpreadConstraint`, patchStrategy: "merge", patchMergeKey: "topologyKey", listType: "map", listMapKeys: ["topologyKey", "whenUnsatisfiable"] },
      schedulingGates: { patchStrategy: "merge", patchMergeKey: "name", listType: "map", listMapKeys: ["name"] },
      resourceClaims: { patchStrategy: "merge,retainKeys", patchMergeKey: "name", listType: "map", listMapKeys: ["name"] },
      resources: { type: `${CORE}ResourceRequirements` },
    },
  },
  [`${CORE}Volume`]: {
    fields: {
      secret: { type: `${CORE}SecretVolumeSource` },
      iscsi: { type: `${CORE}ISCSIVolumeSource` },
      rbd: { type: `${CORE}RBDVolumeSource` },
      flexVolume: { type: `${CORE}FlexVolumeSource` },
      cinder: { type: `${CORE}CinderVolumeSource` },
      cephfs: { type: `${CORE}CephFSVolumeSource` },
      downwardAPI: { type: `${CORE}DownwardAPIVolumeSource` },
      fc: { type: `${CORE}FCVolumeSource` },
      configMap: { type: `${CORE}ConfigMapVolumeSource` },
      projected: { type: `${CORE}ProjectedVolumeSource` },
      scaleIO: { type: `${CORE}ScaleIOVolumeSource` },
      storageos: { type: `${CORE}StorageOSVolumeSource` },
      csi: { type: `${CORE}CSIVolumeSource` },
      ephemeral: { type: `${CORE}EphemeralVolumeSource` },
    },
  },
  [`${CORE}SecretVolumeSource`]: { fields: { items: { listType: "atomic" } } },
  [`${CORE}ISCSIVolumeSource`]: {
    fields: {
      portals: { listType: "atomic" },
      secretRef: { type: `${CORE}LocalObjectReference` },
    },
  },
  [`${CORE}LocalObjectReference`]: { mapType: "atomic" },
  [`${CORE}RBDVolumeSource`]: {
    fields: {
      monitors: { listType: "atomic" },
      secretRef: { type: `${CORE}LocalObjectReference` },
    },
  },
  [`${CORE}FlexVolumeSource`]: { fields: { secretRef: { type: `${CORE}LocalObjectReference` } } },
  [`${CORE}CinderVolumeSource`]: { fields: { secretRef: { type: `${CORE}LocalObjectReference` } } },
  [`${CORE}CephFSVolumeSource`]: {
    fields: {
      monitors: { listType: "atomic" },
      secretRef: { type: `${CORE}LocalObjectReference` },
    },
  },
  [`${CORE}DownwardAPIVolumeSource`]: { fields: { items: { type: `${CORE}DownwardAPIVolumeFile`, listType: "atomic" } } },
  [`${CORE}DownwardAPIVolumeFile`]: {
    fields: {
      fieldRef: { type: `${CORE}ObjectFieldSelector` },
      resourceFieldRef: { type: `${CORE}ResourceFieldSelector` },
    },
  },
  [`${CORE}ObjectFieldSelector`]: { mapType: "atomic" },
  [`${CORE}ResourceFieldSelector`]: { mapType: "atomic" },
  [`${CORE}FCVolumeSource`]: { fields: { targetWWNs: { listType: "atomic" }, wwids: { listType: "atomic" } } },
  [`${CORE}ConfigMapVolumeSource`]: { fields: { items: { listType: "atomic" } } },
  [`${CORE}ProjectedVolumeSource`]: { fields: { sources: { type: `${CORE}VolumeProjection`, listType: "atomic" } } },
  [`${CORE}VolumeProjection`]: {
    fields: {
      secret: { type: `${CORE}SecretProjection` },
      downwardAPI: { type: `${CORE}DownwardAPIProjection` },
      configMap: { type: `${CORE}ConfigMapProjection` },
      clusterTrustBundle: { type: `${CORE}ClusterTrustBundleProjection` },
    },
  },
  [`${CORE}SecretProjection`]: { fields: { items: { listType: "atomic" } } },
  [`${CORE}DownwardAPIProjection`]: { fields: { items: { type: `${CORE}DownwardAPIVolumeFile`, listType: "atomic" } } },
  [`${CORE}ConfigMapProjection`]: { fields: { items: { listType: "atomic" } } },
  [`${CORE}ClusterTrustBundleProjection`]: { fields: { labelSelector: { type: `${META}LabelSelector` } } },
  [`${META}LabelSelector`]: {
    mapType: "atomic",
    fields: {
      matchExpressions: { type: `${META}LabelSelectorRequirement`, listType: "atomic" },
    },
  },
  [`${META}LabelSelectorRequirement`]: { fields: { values: { listType: "atomic" } } },
  [`${CORE}ScaleIOVolumeSource`]: { fields: { secretRef: { type: `${CORE}LocalObjectReference` } } },
  [`${CORE}StorageOSVolumeSource`]: { fields: { secretRef: { type: `${CORE}LocalObjectReference` } } },
  [`${CORE}CSIVolumeSource`]: { fields: { nodePublishSecretRef: { type: `${CORE}LocalObjectReference` } } },
  [`${CORE}EphemeralVolumeSource`]: { fields: { volumeClaimTemplate: { type: `${CORE}PersistentVolumeClaimTemplate` } } },
  [`${CORE}PersistentVolumeClaimTemplate`]: {
    fields: {
      metadata: { type: `${META}ObjectMeta` },
      spec: { type: `${CORE}PersistentVolumeClaimSpec` },
    },
  },
  [`${CORE}PersistentVolumeClaimSpec`]: {
    fields: {
      accessModes: { listType: "atomic" },
      selector: { type: `${META}LabelSelector` },
      dataSource: { type: `${CORE}TypedLocalObjectReference` },
    },
  },
  [`${CORE}TypedLocalObjectReference`]: { mapType: "atomic" },
  [`${CORE}Container`]: {
    fields: {
      command: { listType: "atomic" },
      args: { listType: "atomic" },
      ports: { patchStrategy: "merge", patchMergeKey: "containerPort", listType: "map", listMapKeys: ["containerPort", "protocol"], keyDefaults: TCP },
      envFrom: { listType: "atomic" },
      env: { type: `${CORE}EnvVar`, patchStrategy: "merge", patchMergeKey: "name", listType: "map", listMapKeys: ["name"] },
      resources: { type: `${CORE}ResourceRequirements` },
      resizePolicy: { listType: "atomic" },
      volumeMounts: { patchStrategy: "merge", patchMergeKey: "mountPath", listType: "map", listMapKeys: ["mountPath"] },
      volumeDevices: { patchStrategy: "merge", patchMergeKey: "devicePath", listType: "map", listMapKeys: ["devicePath"] },
      livenessProbe: { type: `${CORE}Probe` },
      readinessProbe: { type: `${CORE}Probe` },
      startupProbe: { type: `${CORE}Probe` },
      lifecycle: { type: `${CORE}Lifecycle` },
      securityContext: { type: `${CORE}SecurityContext` },
    },
  },
  [`${CORE}EnvVar`]: { fields: { valueFrom: { type: `${CORE}EnvVarSource` } } },
  [`${CORE}EnvVarSource`]: {
    fields: {
      fieldRef: { type: `${CORE}ObjectFieldSelector` },
      resourceFieldRef: { type: `${CORE}ResourceFieldSelector` },
      configMapKeyRef: { type: `${CORE}ConfigMapKeySelector` },
      secretKeyRef: { type: `${CORE}SecretKeySelector` },
    },
  },
  [`${CORE}ConfigMapKeySelector`]: { mapType: "atomic" },
  [`${CORE}SecretKeySelector`]: { mapType: "atomic" },
  [`${CORE}ResourceRequirements`]: { fields: { claims: { listType: "map", listMapKeys: ["name"] } } },
  [`${CORE}Probe`]: { fields: { exec: { type: `${CORE}ExecAction` }, httpGet: { type: `${CORE}HTTPGetAction` } } },
  [`${CORE}ExecAction`]: { fields: { command: { listType: "atomic" } } },
  [`${CORE}HTTPGetAction`]: { fields: { httpHeaders: { listType: "atomic" } } },
  [`${CORE}Lifecycle`]: {
    fields: {
      postStart: { type: `${CORE}LifecycleHandler` },
      preStop: { type: `${CORE}LifecycleHandler` },
    },
  },
  [`${CORE}LifecycleHandler`]: { fields: { exec: { type: `${CORE}ExecAction` }, httpGet: { type: `${CORE}HTTPGetAction` } } },
  [`${CORE}SecurityContext`]: { fields: { capabilities: { type: `${CORE}Capabilities` } } },
  [`${CORE}Capabilities`]: { fields: { add: { listType: "atomic" }, drop: { listType: "atomic" } } },
  [`${CORE}EphemeralContainer`]: {
    fields: {
      command: { listType: "atomic" },
      args: { listType: "atomic" },
      ports: { patchStrategy: "merge", patchMergeKey: "containerPort", listType: "map", listMapKeys: ["containerPort", "protocol"], keyDefaults: TCP },
      envFrom: { listType: "atomic" },
      env: { type: `${CORE}EnvVar`, patchStrategy: "merge", patchMergeKey: "name", listType: "map", listMapKeys: ["name"] },
      resources: { type: `${CORE}ResourceRequirements` },
      resizePolicy: { listType: "atomic" },
      volumeMounts: { patchStrategy: "merge", patchMergeKey: "mountPath", listType: "map", listMapKeys: ["mountPath"] },
      volumeDevices: { patchStrategy: "merge", patchMergeKey: "devicePath", listType: "map", listMapKeys: ["devicePath"] },
      livenessProbe: { type: `${CORE}Probe` },
      readinessProbe: { type: `${CORE}Probe` },
      startupProbe: { type: `${CORE}Probe` },
      lifecycle: { type: `${CORE}Lifecycle` },
      securityContext: { type: `${CORE}SecurityContext` },
    },
  },
  [`${CORE}PodSecurityContext`]: { fields: { supplementalGroups: { listType: "atomic" }, sysctls: { listType: "atomic" } } },
  [`${CORE}Affinity`]: {
    fields: {
      nodeAffinity: { type: `${CORE}NodeAffinity` },
      podAffinity: { type: `${CORE}PodAffinity` },
      podAntiAffinity: { type: `${CORE}PodAntiAffinity` },
    },
  },
  [`${CORE}NodeAffinity`]: {
    fields: {
      requiredDuringSchedulingIgnoredDuringExecution: { type: `${CORE}NodeSelector` },
      preferredDuringSchedulingIgnoredDuringExecution: { type: `${CORE}PreferredSchedulingTerm`, listType: "atomic" },
    },
  },
  [`${CORE}NodeSelector`]: {
    mapType: "atomic",
    fields: {
      nodeSelectorTerms: { type: `${CORE}NodeSelectorTerm`, listType: "atomic" },
    },
  },
  [`${CORE}NodeSelectorTerm`]: {
    mapType: "atomic",
    fields: {
      matchExpressions: { type: `${CORE}NodeSelectorRequirement`, listType: "atomic" },
      matchFields: { type: `${CORE}NodeSelectorRequirement`, listType: "atomic" },
    },
  },
  [`${CORE}NodeSelectorRequirement`]: { fields: { values: { listType: "atomic" } } },
  [`${CORE}PreferredSchedulingTerm`]: { fields: { preference: { type: `${CORE}NodeSelectorTerm` } } },
  [`${CORE}PodAffinity`]: {
    fields: {
      requiredDuringSchedulingIgnoredDuringExecution: { type: `${CORE}PodAffinityTerm`, listType: "atomic" },
      preferredDuringSchedulingIgnoredDuringExecution: { type: `${CORE}WeightedPodAffinityTerm`, listType: "atomic" },
    },
  },
  [`${CORE}PodAffinityTerm`]: {
    fields: {
      labelSelector: { type: `${META}LabelSelector` },
      namespaces: { listType: "atomic" },
      namespaceSelector: { type: `${META}LabelSelector` },
      matchLabelKeys: { listType: "atomic" },
      mismatchLabelKeys: { listType: "atomic" },
    },
  },
  [`${CORE}WeightedPodAffinityTerm`]: { fields: { podAffinityTerm: { type: `${CORE}PodAffinityTerm` } } },
  [`${CORE}PodAntiAffinity`]: {
    fields: {
      requiredDuringSchedulingIgnoredDuringExecution: { type: `${CORE}PodAffinityTerm`, listType: "atomic" },
      preferredDuringSchedulingIgnoredDuringExecution: { type: `${CORE}WeightedPodAffinityTerm`, listType: "atomic" },
    },
  },
  [`${CORE}HostAlias`]: { fields: { hostnames: { listType: "atomic" } } },
  [`${CORE}PodDNSConfig`]: {
    fields: {
      nameservers: { listType: "atomic" },
      searches: { listType: "atomic" },
      options: { listType: "atomic" },
    },
  },
  [`${CORE}TopologySpreadConstraint`]: {
    fields: {
      labelSelector: { type: `${META}LabelSelector` },
      matchLabelKeys: { listType: "atomic" },
    },
  },
  [`${CORE}PodStatus`]: {
    fields: {
      conditions: { patchStrategy: "merge", patchMergeKey: "type", listType: "map", listMapKeys: ["type"] },
      hostIPs: { patchStrategy: "merge", patchMergeKey: "ip", listType: "atomic" },
      podIPs: { patchStrategy: "merge", patchMergeKey: "ip", listType: "map", listMapKeys: ["ip"] },
      initContainerStatuses: { type: `${CORE}ContainerStatus`, listType: "atomic" },
      containerStatuses: { type: `${CORE}ContainerStatus`, listType: "atomic" },
      ephemeralContainerStatuses: { type: `${CORE}ContainerStatus`, listType: "atomic" },
      resourceClaimStatuses: { patchStrategy: "merge,retainKeys", patchMergeKey: "name", listType: "map", listMapKeys: ["name"] },
    },
  },
  [`${CORE}ContainerStatus`]: {
    fields: {
      resources: { type: `${CORE}ResourceRequirements` },
      volumeMounts: { patchStrategy: "merge", patchMergeKey: "mountPath", listType: "map", listMapKeys: ["mountPath"] },
      user: { type: `${CORE}ContainerUser` },
      allocatedResourcesStatus: { type: `${CORE}ResourceStatus`, patchStrategy: "merge", patchMergeKey: "name", listType: "map", listMapKeys: ["name"] },
    },
  },
  [`${CORE}ContainerUser`]: { fields: { linux: { type: `${CORE}LinuxContainerUser` } } },
  [`${CORE}LinuxContainerUser`]: { fields: { supplementalGroups: { listType: "atomic" } } },
  [`${CORE}ResourceStatus`]: { fields: { resources: { listType: "map", listMapKeys: ["resourceID"] } } },
  [`${CORE}Service`]: {
    fields: {
      metadata: { type: `${META}ObjectMeta` },
      spec: { type: `${CORE}ServiceSpec` },
      status: { type: `${CORE}ServiceStatus` },
    },
  },
  [`${CORE}ServiceSpec`]: {
    fields: {
      ports: { patchStrategy: "merge", patchMergeKey: "port", listType: "map", listMapKeys: ["port", "protocol"], keyDefaults: TCP },
      selector: { mapType: "atomic" },
      clusterIPs: { listType: "atomic" },
      externalIPs: { listType: "atomic" },
      loadBalancerSourceRanges: { listType: "atomic" },
      ipFamilies: { listType: "atomic" },
    },
  },
  [`${CORE}ServiceStatus`]: {
    fields: {
      loadBalancer: { type: `${CORE}LoadBalancerStatus` },
      conditions: { patchStrategy: "merge", patchMergeKey: "type", listType: "map", listMapKeys: ["type"] },
    },
  },
  [`${CORE}LoadBalancerStatus`]: { fields: { ingress: { type: `${CORE}LoadBalancerIngress`, listType: "atomic" } } },
  [`${CORE}LoadBalancerIngress`]: { fields: { ports: { listType: "atomic" } } },
  [`${CORE}Endpoints`]: {
    fields: {
      metadata: { type: `${META}ObjectMeta` },
      subsets: { type: `${CORE}EndpointSubset`, listType: "atomic" },
    },
  },
  [`${CORE}EndpointSubset`]: {
    fields: {
      addresses: { type: `${CORE}EndpointAddress`, listType: "atomic" },
      notReadyAddresses: { type: `${CORE}EndpointAddress`, listType: "atomic" },
      ports: { type: `${CORE}EndpointPort`, listType: "atomic" },
    },
  },
  [`${CORE}EndpointAddress`]: { mapType: "atomic", fields: { targetRef: { type: `${CORE}ObjectReference` } } },
  [`${CORE}ObjectReference`]: { mapType: "atomic" },
  [`${CORE}EndpointPort`]: { mapType: "atomic" },
  [`${CORE}ConfigMap`]: { fields: { metadata: { type: `${META}ObjectMeta` } } },
  [`${CORE}Secret`]: { fields: { metadata: { type: `${META}ObjectMeta` } } },
  [`${CORE}Event`]: {
    fields: {
      metadata: { type: `${META}ObjectMeta` },
      involvedObject: { type: `${CORE}ObjectReference` },
      related: { type: `${CORE}ObjectReference` },
    },
  },
  [`${CORE}ServiceAccount`]: {
    fields: {
      metadata: { type: `${META}ObjectMeta` },
      secrets: { type: `${CORE}ObjectReference`, patchStrategy: "merge", patchMergeKey: "name", listType: "map", listMapKeys: ["name"] },
      imagePullSecrets: { type: `${CORE}LocalObjectReference`, listType: "atomic" },
    },
  },
  [`${CORE}Binding`]: { fields: { metadata: { type: `${META}ObjectMeta` }, target: { type: `${CORE}ObjectReference` } } },
  [`${APPS}ReplicaSet`]: {
    fields: {
      metadata: { type: `${META}ObjectMeta` },
      spec: { type: `${APPS}ReplicaSetSpec` },
      status: { type: `${APPS}ReplicaSetStatus` },
    },
  },
  [`${APPS}ReplicaSetSpec`]: {
    fields: {
      selector: { type: `${META}LabelSelector` },
      template: { type: `${CORE}PodTemplateSpec` },
    },
  },
  [`${CORE}PodTemplateSpec`]: { fields: { metadata: { type: `${META}ObjectMeta` }, spec: { type: `${CORE}PodSpec` } } },
  [`${APPS}ReplicaSetStatus`]: {
    fields: {
      conditions: { patchStrategy: "merge", patchMergeKey: "type", listType: "map", listMapKeys: ["type"] },
    },
  },
  [`${APPS}Deployment`]: {
    fields: {
      metadata: { type: `${META}ObjectMeta` },
      spec: { type: `${APPS}DeploymentSpec` },
      status: { type: `${APPS}DeploymentStatus` },
    },
  },
  [`${APPS}DeploymentSpec`]: {
    fields: {
      selector: { type: `${META}LabelSelector` },
      template: { type: `${CORE}PodTemplateSpec` },
      strategy: { patchStrategy: "retainKeys" },
    },
  },
  [`${APPS}DeploymentStatus`]: {
    fields: {
      conditions: { patchStrategy: "merge", patchMergeKey: "type", listType: "map", listMapKeys: ["type"] },
    },
  },
  [`${APPS}StatefulSet`]: {
    fields: {
      metadata: { type: `${META}ObjectMeta` },
      spec: { type: `${APPS}StatefulSetSpec` },
      status: { type: `${APPS}StatefulSetStatus` },
    },
  },
  [`${APPS}StatefulSetSpec`]: {
    fields: {
      selector: { type: `${META}LabelSelector` },
      template: { type: `${CORE}PodTemplateSpec` },
      volumeClaimTemplates: { type: `${CORE}PersistentVolumeClaim`, listType: "atomic" },
    },
  },
  [`${CORE}PersistentVolumeClaim`]: {
    fields: {
      metadata: { type: `${META}ObjectMeta` },
      spec: { type: `${CORE}PersistentVolumeClaimSpec` },
      status: { type: `${CORE}PersistentVolumeClaimStatus` },
    },
  },
  [`${CORE}PersistentVolumeClaimStatus`]: {
    fields: {
      accessModes: { listType: "atomic" },
      conditions: { patchStrategy: "merge", patchMergeKey: "type", listType: "map", listMapKeys: ["type"] },
      allocatedResourceStatuses: { mapType: "granular" },
    },
  },
  [`${APPS}StatefulSetStatus`]: {
    fields: {
      conditions: { patchStrategy: "merge", patchMergeKey: "type", listType: "map", listMapKeys: ["type"] },
    },
  },
  [`${APPS}DaemonSet`]: {
    fields: {
      metadata: { type: `${META}ObjectMeta` },
      spec: { type: `${APPS}DaemonSetSpec` },
      status: { type: `${APPS}DaemonSetStatus` },
    },
  },
  [`${APPS}DaemonSetSpec`]: {
    fields: {
      selector: { type: `${META}LabelSelector` },
      template: { type: `${CORE}PodTemplateSpec` },
    },
  },
  [`${APPS}DaemonSetStatus`]: {
    fields: {
      conditions: { patchStrategy: "merge", patchMergeKey: "type", listType: "map", listMapKeys: ["type"] },
    },
  },
  [`${APPS}ControllerRevision`]: { fields: { metadata: { type: `${META}ObjectMeta` } } },
  [`${BATCH}Job`]: {
    fields: {
      metadata: { type: `${META}ObjectMeta` },
      spec: { type: `${BATCH}JobSpec` },
      status: { type: `${BATCH}JobStatus` },
    },
  },
  [`${BATCH}JobSpec`]: {
    fields: {
      podFailurePolicy: { type: `${BATCH}PodFailurePolicy` },
      successPolicy: { type: `${BATCH}SuccessPolicy` },
      selector: { type: `${META}LabelSelector` },
      template: { type: `${CORE}PodTemplateSpec` },
    },
  },
  [`${BATCH}PodFailurePolicy`]: { fields: { rules: { type: `${BATCH}PodFailurePolicyRule`, listType: "atomic" } } },
  [`${BATCH}PodFailurePolicyRule`]: {
    fields: {
      onExitCodes: { type: `${BATCH}PodFailurePolicyOnExitCodesRequirement` },
      onPodConditions: { listType: "atomic" },
    },
  },
  [`${BATCH}PodFailurePolicyOnExitCodesRequirement`]: { fields: { values: { listType: "set" } } },
  [`${BATCH}SuccessPolicy`]: { fields: { rules: { listType: "atomic" } } },
  [`${BATCH}JobStatus`]: {
    fields: {
      conditions: { patchStrategy: "merge", patchMergeKey: "type", listType: "atomic" },
      uncountedTerminatedPods: { type: `${BATCH}UncountedTerminatedPods` },
    },
  },
  [`${BATCH}UncountedTerminatedPods`]: { fields: { succeeded: { listType: "set" }, failed: { listType: "set" } } },
  [`${BATCH}CronJob`]: {
    fields: {
      metadata: { type: `${META}ObjectMeta` },
      spec: { type: `${BATCH}CronJobSpec` },
      status: { type: `${BATCH}CronJobStatus` },
    },
  },
  [`${BATCH}CronJobSpec`]: { fields: { jobTemplate: { type: `${BATCH}JobTemplateSpec` } } },
  [`${BATCH}JobTemplateSpec`]: { fields: { metadata: { type: `${META}ObjectMeta` }, spec: { type: `${BATCH}JobSpec` } } },
  [`${BATCH}CronJobStatus`]: { fields: { active: { type: `${CORE}ObjectReference`, listType: "atomic" } } },
  [`${COORD}Lease`]: { fields: { metadata: { type: `${META}ObjectMeta` } } },
};

/** The schema type of each kind served, keyed `<apiVersion>/<kind>`. */
export const KIND_SCHEMA_TYPES: Readonly<Record<string, string>> = {
  "v1/Namespace": `${CORE}Namespace`,
  "v1/Node": `${CORE}Node`,
  "v1/Pod": `${CORE}Pod`,
  "v1/Service": `${CORE}Service`,
  "v1/Endpoints": `${CORE}Endpoints`,
  "v1/ConfigMap": `${CORE}ConfigMap`,
  "v1/Secret": `${CORE}Secret`,
  "v1/Event": `${CORE}Event`,
  "v1/ServiceAccount": `${CORE}ServiceAccount`,
  "v1/Binding": `${CORE}Binding`,
  "apps/v1/ReplicaSet": `${APPS}ReplicaSet`,
  "apps/v1/Deployment": `${APPS}Deployment`,
  "apps/v1/StatefulSet": `${APPS}StatefulSet`,
  "apps/v1/DaemonSet": `${APPS}DaemonSet`,
  "apps/v1/ControllerRevision": `${APPS}ControllerRevision`,
  "batch/v1/Job": `${BATCH}Job`,
  "batch/v1/CronJob": `${BATCH}CronJob`,
  "coordination.k8s.io/v1/Lease": `${COORD}Lease`,
};

/** The schema type of a kind, or undefined for kinds without patch metadata (e.g. CRDs). */
export function schemaTypeOf(apiVersion: string | undefined, kind: string | undefined): string | undefined {
  return apiVersion && kind ? KIND_SCHEMA_TYPES[`${apiVersion}/${kind}`] : undefined;
}

/** Patch metadata of one field of a schema type; undefined when the field has none. */
export function fieldPatchMeta(type: string | undefined, field: string): FieldPatchMeta | undefined {
  if (!type) return undefined;
  const fields = PATCH_META[type]?.fields;
  return fields && Object.hasOwn(fields, field) ? fields[field] : undefined;
}

export function isAtomicType(type: string | undefined): boolean {
  return type !== undefined && PATCH_META[type]?.mapType === "atomic";
}

/**
 * Patch metadata at a field path of a kind, list elements skipped:
 * `patchMetaAt("apps/v1", "Deployment", ["spec", "template", "spec", "containers", "env"])`.
 */
export function patchMetaAt(apiVersion: string, kind: string, path: readonly string[]): FieldPatchMeta | undefined {
  let type = schemaTypeOf(apiVersion, kind);
  let meta: FieldPatchMeta | undefined;
  for (const field of path) {
    meta = fieldPatchMeta(type, field);
    type = meta?.type;
  }
  return meta;
}
