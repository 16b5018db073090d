/**
 * kwok's stages for the engine's control plane, as data: how a fake Node becomes Ready with the
 * address the plan gives it and renews its lease, how a Pod becomes Ready with an address from its
 * node's podCIDR, how a Job's pods complete and deleted pods go. kwok reads them from its --config
 * file (engine/controlPlane.ts's kwokArgs); Nodes carry the annotations below (aksNodeManifests).
 */
import { stringify } from "yaml";
/** The annotation that marks a Node as kwok's (kwok manages no other node). */
export const KWOK_NODE_ANNOTATION = "kwok.x-k8s.io/node";
/** Where a Node keeps the VNet address the plan gives it, for the node-initialize stage. */
export const NODE_IP_ANNOTATION = "aks-kubenet.local/internal-ip";

/** The conditions a Ready node reports (kwok's NodeConditions function supplies the same set). */
const NODE_CONDITIONS_TEMPLATE = `{{ $now := Now }}
{{ $lastTransitionTime := or .metadata.creationTimestamp $now }}
conditions:
{{ range NodeConditions }}
- lastHeartbeatTime: {{ $now | Quote }}
  lastTransitionTime: {{ $lastTransitionTime | Quote }}
  message: {{ .message | Quote }}
  reason: {{ .reason | Quote }}
  status: {{ .status | Quote }}
  type: {{ .type | Quote }}
{{ end }}`;

/** A container state that ended well just now (init containers when Ready, a Job's when complete). */
const TERMINATED_NOW = `  state:
    terminated:
      exitCode: 0
      finishedAt: {{ $now | Quote }}
      reason: Completed
      startedAt: {{ $now | Quote }}
{{ end }}`;

const readyCondition = `.status.conditions.[] | select( .type == "Ready" ) | .status`;

/**
 * kwok's stages, written for this control plane: a node becomes Ready with the address the plan
 * gives it (an annotation, since kwok knows one --node-ip only) and renews its lease; a pod is
 * Ready as soon as it is scheduled, with an address from its node's podCIDR (kubenet's /24);
 * Job pods complete; deleted pods go. Semantics follow kwok's own fast stages.
 */
export function kwokStages(): object[] {
    const stage = (name: string, kind: string, spec: object) => ({
        apiVersion: "kwok.x-k8s.io/v1alpha1",
        kind: "Stage",
        metadata: { name },
        spec: { resourceRef: { apiGroup: "v1", kind }, ...spec },
    });
    const nodeStatus = `${NODE_CONDITIONS_TEMPLATE}
addresses:
- address: {{ or (index .metadata.annotations "${NODE_IP_ANNOTATION}") NodeIP | Quote }}
  type: InternalIP
- address: {{ .metadata.name | Quote }}
  type: Hostname
{{ with NodePort }}
daemonEndpoints:
  kubeletEndpoint:
    Port: {{ . }}
{{ end }}
allocatable:
{{ with .status.allocatable }}{{ YAML . 1 }}{{ else }}
  cpu: "2"
  memory: 7Gi
  pods: "110"
{{ end }}
capacity:
{{ with .status.capacity }}{{ YAML . 1 }}{{ else }}
  cpu: "2"
  memory: 7Gi
  pods: "110"
{{ end }}
nodeInfo:
  architecture: amd64
  containerRuntimeVersion: {{ printf "kwok-%s" Version | Quote }}
  kernelVersion: {{ printf "kwok-%s" Version | Quote }}
  kubeProxyVersion: {{ printf "kwok-%s" Version | Quote }}
  kubeletVersion: {{ printf "kwok-%s" Version | Quote }}
  operatingSystem: linux
  osImage: "kwok stand-in for an AKS node"
phase: Running`;
    return [
        stage("node-initialize", "Node", {
            selector: { matchExpressions: [{ key: readyCondition, operator: "NotIn", values: ["True"] }] },
            next: { statusTemplate: nodeStatus },
        }),
        stage("node-heartbeat-with-lease", "Node", {
            selector: {
                matchExpressions: [
                    { key: ".status.phase", operator: "In", values: ["Running"] },
                    { key: readyCondition, operator: "In", values: ["True"] },
                ],
            },
            delay: { durationMilliseconds: 600000, jitterDurationMilliseconds: 610000 },
            next: { statusTemplate: nodeStatus },
        }),
        stage("pod-ready", "Pod", {
            selector: {
                matchExpressions: [
                    { key: ".metadata.deletionTimestamp", operator: "DoesNotExist" },
                    { key: ".status.phase", operator: "In", values: ["Pending"] },
                    { key: readyCondition, operator: "NotIn", values: ["True"] },
                ],
            },
            next: {
                statusTemplate: `{{ $now := Now }}
conditions:
- lastTransitionTime: {{ $now | Quote }}
  status: "True"
  type: Initialized
- lastTransitionTime: {{ $now | Quote }}
  status: "True"
  type: Ready
- lastTransitionTime: {{ $now | Quote }}
  status: "True"
  type: ContainersReady
- lastTransitionTime: {{ $now | Quote }}
  status: "True"
  type: PodScheduled
{{ range .spec.readinessGates }}
- lastTransitionTime: {{ $now | Quote }}
  status: "True"
  type: {{ .conditionType | Quote }}
{{ end }}
containerStatuses:
{{ range .spec.containers }}
- image: {{ .image | Quote }}
  name: {{ .name | Quote }}
  ready: true
  started: true
  restartCount: 0
  state:
    running:
      startedAt: {{ $now | Quote }}
{{ end }}
initContainerStatuses:
{{ range .spec.initContainers }}
- image: {{ .image | Quote }}
  name: {{ .name | Quote }}
  ready: true
  restartCount: 0
${TERMINATED_NOW}
{{ with NodeIPWith .spec.nodeName }}
hostIP: {{ . | Quote }}
hostIPs:
- ip: {{ . | Quote }}
{{ end }}
{{ with PodIPWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) }}
podIP: {{ . | Quote }}
podIPs:
- ip: {{ . | Quote }}
{{ end }}
phase: Running
startTime: {{ $now | Quote }}`,
            },
        }),
        stage("pod-complete", "Pod", {
            selector: {
                matchExpressions: [
                    { key: ".metadata.deletionTimestamp", operator: "DoesNotExist" },
                    { key: ".status.phase", operator: "In", values: ["Running"] },
                    { key: ".metadata.ownerReferences.[].kind", operator: "In", values: ["Job"] },
                ],
            },
            next: {
                statusTemplate: `{{ $now := Now }}
containerStatuses:
{{ range .spec.containers }}
- image: {{ .image | Quote }}
  name: {{ .name | Quote }}
  ready: false
  restartCount: 0
  started: false
${TERMINATED_NOW}
phase: Succeeded`,
            },
        }),
        stage("pod-delete", "Pod", {
            selector: { matchExpressions: [{ key: ".metadata.deletionTimestamp", operator: "Exists" }] },
            next: { delete: true },
        }),
    ];
}

/** kwok's --config file: its stages, one YAML document each. */
export const kwokConfigText = () =>
    kwokStages()
        .map((stage) => stringify(stage))
        .join("---\n");
