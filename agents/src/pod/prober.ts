/**
 * Runs a pod's probes: one `ProbeState` per probe of each running container (a new container id
 * starts afresh), a timer set to the earliest due probe, and a callback when a result the pod
 * sees changes. Liveness and readiness wait until a startup probe has succeeded.
 */
import type { Pod } from "../../../src/lib/types.js";
import type { Clock } from "../clock.js";
import type { Logger } from "../log.js";
import type { Runtime } from "../runtime/types.js";
import { runHandler } from "./handlers.js";
import { ProbeState, type ProbeKind, type ProbeResult } from "./probe-state.js";
import type { PodView } from "./view.js";

interface ContainerProbes {
  name: string;
  startup?: ProbeState;
  liveness?: ProbeState;
  readiness?: ProbeState;
}

export interface ProberDeps {
  runtime: Runtime;
  clock: Clock;
  log: Logger;
  /** A result the pod sees changed: sync the pod. */
  onChange(): void;
  /** Counts each probe run (for /metrics). */
  onProbe?(kind: ProbeKind, result: ProbeResult): void;
}


export class PodProber {
  private readonly byContainer = new Map<string, ContainerProbes>();
  private readonly inFlight = new Set<ProbeState>();
  private timer: NodeJS.Timeout | undefined;
  private pod: Pod | undefined;
  private host = "";
  private stopped = false;

  constructor(private readonly deps: ProberDeps) {}

  /** Align with the running containers of `view`. */
  update(pod: Pod, view: PodView, host: string): void {
    this.pod = pod;
    this.host = host;
    const running = new Map<string, string>();
    for (const c of pod.spec?.containers ?? []) {
      const rec = view.containers.get(c.name)?.[0];
      if (rec?.state === "running") running.set(rec.id, c.name);
    }
    for (const id of [...this.byContainer.keys()]) if (!running.has(id)) this.byContainer.delete(id);
    for (const [id, name] of running) {
      if (this.byContainer.has(id)) continue;
      const c = pod.spec?.containers.find((x) => x.name === name);
      const rec = view.containers.get(name)?.[0];
      const startedAt = rec?.startedAt ?? this.deps.clock.now();
      const probes: ContainerProbes = { name };
      if (c?.startupProbe) probes.startup = new ProbeState("startup", c.startupProbe, id, startedAt);
      if (c?.livenessProbe) probes.liveness = new ProbeState("liveness", c.livenessProbe, id, startedAt);
      if (c?.readinessProbe) probes.readiness = new ProbeState("readiness", c.readinessProbe, id, startedAt);
      this.byContainer.set(id, probes);
    }
    this.schedule();
  }

  readiness(containerId: string): ProbeResult | undefined {
    return this.byContainer.get(containerId)?.readiness?.result;
  }

  startup(containerId: string): ProbeResult | undefined {
    return this.byContainer.get(containerId)?.startup?.result;
  }

  /** Containers whose liveness or startup probe failed. */
  failed(): Map<string, "liveness" | "startup"> {
    const out = new Map<string, "liveness" | "startup">();
    for (const [id, p] of this.byContainer) {
      if (p.startup?.result === "failure") out.set(id, "startup");
      else if (p.liveness?.result === "failure") out.set(id, "liveness");
    }
    return out;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Probes that may run now: startup until it succeeds, then liveness and readiness. */
  private active(p: ContainerProbes): ProbeState[] {
    if (p.startup && p.startup.result !== "success") return [p.startup];
    return [p.liveness, p.readiness].filter((s): s is ProbeState => !!s);
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    let next: number | undefined;
    for (const p of this.byContainer.values()) {
      for (const s of this.active(p)) {
        const due = s.nextDueAt();
        if (due !== undefined && !this.inFlight.has(s)) next = next === undefined ? due : Math.min(next, due);
      }
    }
    if (next === undefined) return;
    this.timer = setTimeout(() => this.runDue(), Math.max(0, next - this.deps.clock.now()));
  }

  private runDue(): void {
    const now = this.deps.clock.now();
    for (const [id, p] of this.byContainer) {
      for (const s of this.active(p)) {
        const due = s.nextDueAt();
        if (due === undefined || due > now || this.inFlight.has(s)) continue;
        void this.runOne(id, p.name, s);
      }
    }
    this.schedule();
  }

  private async runOne(containerId: string, name: string, state: ProbeState): Promise<void> {
    const container = this.pod?.spec?.containers.find((c) => c.name === name);
    const spec = container?.[`${state.kind}Probe` as "livenessProbe"];
    if (!container || !spec) return;
    this.inFlight.add(state);
    const r = await runHandler(spec, { runtime: this.deps.runtime, containerId, container, host: this.host }, state.timing.timeoutMs);
    this.inFlight.delete(state);
    if (this.stopped || this.byContainer.get(containerId)?.[state.kind] !== state) return;
    const result: ProbeResult = r.ok ? "success" : "failure";
    this.deps.onProbe?.(state.kind, result);
    if (!r.ok) this.deps.log.debug(`${state.kind} probe failed`, { container: name, containerId, message: r.message });
    if (state.record(result, this.deps.clock.now())) {
      this.deps.log.info(`${state.kind} probe: ${state.result}`, { container: name, containerId, message: r.ok ? undefined : r.message });
      this.deps.onChange();
    }
    this.schedule();
  }
}

