/**
 * API types for Skiff, taken from `@kubernetes/client-node` (type-only, so nothing of that
 * package is bundled) and mapped to their wire form: the client's classes model timestamps as
 * `Date`, but on the wire and in the store they are RFC 3339 strings.
 */
import type * as k8s from "@kubernetes/client-node";

/** A client-node model as it is on the wire: every `Date` becomes an RFC 3339 string. */
export type Wire<T> = T extends Date
  ? string
  : T extends Array<infer U>
    ? Array<Wire<U>>
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

export type ObjectMeta = Wire<k8s.V1ObjectMeta>;
export type OwnerReference = Wire<k8s.V1OwnerReference>;
export type LabelSelector = Wire<k8s.V1LabelSelector>;
export type Status = Wire<k8s.V1Status>;
export type StatusCause = Wire<k8s.V1StatusCause>;

/** Any object the API serves: the common envelope, the rest kind-specific. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** Objects whose metadata has the fields the store always sets. */
export type Stored<T extends KubeObject = KubeObject> = T & {
  metadata: ObjectMeta & { name: string; uid: string; resourceVersion: string; creationTimestamp: string };
};

export type Namespace = Wire<k8s.V1Namespace> & KubeObject;
export type Node = Wire<k8s.V1Node> & KubeObject;
export type Pod = Wire<k8s.V1Pod> & KubeObject;
export type PodSpec = Wire<k8s.V1PodSpec>;
export type PodTemplateSpec = Wire<k8s.V1PodTemplateSpec>;
export type Container = Wire<k8s.V1Container>;
export type Service = Wire<k8s.V1Service> & KubeObject;
export type Endpoints = Wire<k8s.V1Endpoints> & KubeObject;
export type ConfigMap = Wire<k8s.V1ConfigMap> & KubeObject;
export type Secret = Wire<k8s.V1Secret> & KubeObject;
export type Event = Wire<k8s.CoreV1Event> & KubeObject;
export type ServiceAccount = Wire<k8s.V1ServiceAccount> & KubeObject;
export type ReplicaSet = Wire<k8s.V1ReplicaSet> & KubeObject;
export type Deployment = Wire<k8s.V1Deployment> & KubeObject;
export type StatefulSet = Wire<k8s.V1StatefulSet> & KubeObject;
export type DaemonSet = Wire<k8s.V1DaemonSet> & KubeObject;
export type ControllerRevision = Wire<k8s.V1ControllerRevision> & KubeObject;
export type Job = Wire<k8s.V1Job> & KubeObject;
export type CronJob = Wire<k8s.V1CronJob> & KubeObject;
export type Lease = Wire<k8s.V1Lease> & KubeObject;
export type Binding = Wire<k8s.V1Binding> & KubeObject;
export type Scale = Wire<k8s.V1Scale> & KubeObject;
export type DeleteOptions = Wire<k8s.V1DeleteOptions>;
