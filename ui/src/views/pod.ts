/** One pod: its status, containers, conditions, events and logs, all live. */
import type { Event, Pod } from "../../../src/lib/types.js";
import { pending, type View } from "../context.js";
import { badge, chips, h, section, table, type Tone } from "../dom.js";
import { kinds } from "../kinds.js";
import { LogView } from "../logs.js";
import { ago, eventTime, podSummary, podTone } from "../model.js";

type ContainerStatus = NonNullable<NonNullable<Pod["status"]>["containerStatuses"]>[number];

function containerState(s: ContainerStatus | undefined): { text: string; tone: Tone; detail?: string } {
  const st = s?.state;
  if (st?.running) return { text: s?.ready ? "Running" : "Running, not ready", tone: s?.ready ? "ok" : "warn", detail: `since ${st.running.startedAt ?? "?"}` };
  if (st?.waiting) return { text: st.waiting.reason ?? "Waiting", tone: st.waiting.reason === "ContainerCreating" ? "warn" : "bad", detail: st.waiting.message };
  if (st?.terminated) {
    const t = st.terminated;
    return { text: t.reason ?? `Exited ${t.exitCode}`, tone: t.exitCode === 0 ? "idle" : "bad", detail: `exit code ${t.exitCode}${t.message ? `: ${t.message}` : ""}` };
  }
  return { text: "Not started", tone: "warn" };
}

export const podView: View = {
  title: "Pod",
  render(ctx) {
    const [namespace = "", name = ""] = ctx.params;
    const pods = ctx.watch<Pod>(kinds.pods, namespace);
    const events = ctx.watch<Event>(kinds.events, namespace);
    const wait = pending(pods);
    if (wait) return wait;
    const pod = pods.items.get(`${namespace}/${name}`);
    const back = h("a", { class: "back", href: "#/pods" }, "← Pods");
    if (!pod) return h("div", null, back, h("p", { class: "empty" }, `Pod ${namespace}/${name} does not exist (any more).`));

    const summary = podSummary(pod, ctx.now);
    const statuses = new Map([...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].map((s) => [s.name, s]));
    const containers = [...(pod.spec?.initContainers ?? []).map((c) => ({ c, init: true })), ...(pod.spec?.containers ?? []).map((c) => ({ c, init: false }))];
    const owner = pod.metadata.ownerReferences?.find((o) => o.controller);
    const podEvents = events
      .list()
      .filter((e) => e.involvedObject?.kind === "Pod" && e.involvedObject.name === name && (!e.involvedObject.uid || e.involvedObject.uid === pod.metadata.uid))
      .sort((a, b) => Date.parse(eventTime(b) ?? "") - Date.parse(eventTime(a) ?? ""));
    const logs = ctx.keep(`logs:${namespace}/${name}`, () => new LogView(ctx.api, namespace, name));

    return h(
      "div",
      { class: "pod" },
      back,
      h("div", { class: "title" }, h("h1", null, name), badge(summary.status, podTone(summary.status))),
      h(
        "dl",
        { class: "facts" },
        h("dt", null, "Namespace"),
        h("dd", null, namespace),
        h("dt", null, "Node"),
        h("dd", null, pod.spec?.nodeName ?? "not scheduled"),
        h("dt", null, "IP"),
        h("dd", null, pod.status?.podIP ?? "none"),
        h("dt", null, "Ready"),
        h("dd", null, summary.ready),
        h("dt", null, "Restarts"),
        h("dd", null, summary.restarts),
        h("dt", null, "Age"),
        h("dd", null, ago(pod.metadata.creationTimestamp, ctx.now)),
        h("dt", null, "Controlled by"),
        h("dd", null, owner ? `${owner.kind}/${owner.name}` : "nothing"),
        h("dt", null, "QoS class"),
        h("dd", null, pod.status?.qosClass ?? "—"),
        h("dt", null, "Labels"),
        h("dd", null, chips(pod.metadata.labels)),
      ),
      section(
        "Containers",
        h(
          "div",
          { class: "cards" },
          containers.map(({ c, init }) => {
            const s = statuses.get(c.name);
            const state = containerState(s);
            const req = c.resources?.requests ?? {};
            const lim = c.resources?.limits ?? {};
            return h(
              "article",
              { class: "card container" },
              h("div", { class: "card-head" }, h("h3", null, c.name), init ? badge("init", "info") : null, badge(state.text, state.tone)),
              h("code", { class: "image" }, c.image ?? ""),
              state.detail ? h("p", { class: "muted" }, state.detail) : null,
              h(
                "dl",
                null,
                h("dt", null, "Restarts"),
                h("dd", null, s?.restartCount ?? 0),
                h("dt", null, "Ports"),
                h("dd", null, (c.ports ?? []).map((p) => `${p.containerPort}/${p.protocol ?? "TCP"}${p.name ? ` (${p.name})` : ""}`).join(", ") || "none"),
                h("dt", null, "Requests"),
                h("dd", null, Object.entries(req).map(([k, v]) => `${k} ${v}`).join(", ") || "none"),
                h("dt", null, "Limits"),
                h("dd", null, Object.entries(lim).map(([k, v]) => `${k} ${v}`).join(", ") || "none"),
              ),
            );
          }),
        ),
      ),
      section(
        "Conditions",
        table(
          ["Type", "Status", "Reason", "Since"],
          (pod.status?.conditions ?? []).map((c) => ({ cells: [c.type, badge(c.status, c.status === "True" ? "ok" : "warn"), c.message ? `${c.reason ?? ""} ${c.message}` : c.reason ?? "", ago(c.lastTransitionTime, ctx.now)] })),
          "No conditions reported yet.",
        ),
      ),
      section(
        "Events",
        events.synced
          ? table(
              ["Type", "Reason", "Message", "From", "Last seen"],
              podEvents.map((e) => ({
                cells: [badge(e.type ?? "Normal", e.type === "Warning" ? "bad" : "info"), e.reason ?? "", e.message ?? "", e.source?.component ?? e.reportingComponent ?? "", `${ago(eventTime(e), ctx.now)}${(e.count ?? 1) > 1 ? ` (×${e.count})` : ""}`],
              })),
              "No events for this pod.",
            )
          : h("p", { class: "empty" }, "Loading…"),
      ),
      section("Logs", logs.update(containers.map(({ c }) => c.name))),
    );
  },
};
