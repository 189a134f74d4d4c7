/** Workloads: Deployments, StatefulSets, DaemonSets, Jobs and CronJobs with their rollout state. */
import type { CronJob, DaemonSet, Deployment, Job, KubeObject, PodTemplateSpec, StatefulSet } from "../../../src/lib/types.js";
import { byName, pending, type View, type ViewContext } from "../context.js";
import { badge, h, section, table } from "../dom.js";
import { kinds, type ResourceType } from "../kinds.js";
import { ago, cronJobRollout, daemonSetRollout, deploymentRollout, jobRollout, statefulSetRollout, type Rollout } from "../model.js";

type Workload = KubeObject & { spec?: { template?: PodTemplateSpec; jobTemplate?: { spec?: { template?: PodTemplateSpec } } } };

function images(w: Workload): string {
  const template = w.spec?.template ?? w.spec?.jobTemplate?.spec?.template;
  return (template?.spec?.containers ?? []).map((c) => c.image ?? "").join(", ");
}

function kindSection<T extends Workload>(ctx: ViewContext, title: string, type: ResourceType, rollout: (o: T) => Rollout, readyHeader = "Ready") {
  const informer = ctx.watch<T>(type);
  return {
    informer,
    title,
    render: () =>
      section(
        title,
        table(
          ["Name", readyHeader, "State", "Progress", "Images", "Age"],
          byName(informer.list()).map((o) => {
            const r = rollout(o);
            return {
              key: o.metadata.name,
              cells: [
                h("span", null, ctx.namespace ? null : h("span", { class: "muted" }, `${o.metadata.namespace}/`), h("b", null, o.metadata.name)),
                r.ready,
                badge(r.state, r.tone),
                r.detail,
                h("code", null, images(o)),
                ago(o.metadata.creationTimestamp, ctx.now),
              ],
            };
          }),
        ),
      ),
  };
}

/** "A, B or C". */
function listOf(words: string[]): string {
  return words.length < 2 ? words.join("") : `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`;
}

export const workloadsView: View = {
  title: "Workloads",
  render(ctx) {
    const sections = [
      kindSection<Deployment>(ctx, "Deployments", kinds.deployments, deploymentRollout),
      kindSection<StatefulSet>(ctx, "StatefulSets", kinds.statefulsets, statefulSetRollout),
      kindSection<DaemonSet>(ctx, "DaemonSets", kinds.daemonsets, daemonSetRollout),
      kindSection<Job>(ctx, "Jobs", kinds.jobs, jobRollout, "Completions"),
      kindSection<CronJob>(ctx, "CronJobs", kinds.cronjobs, (cj) => cronJobRollout(cj, ctx.now), "Active"),
    ];
    const wait = pending(...sections.map((s) => s.informer));
    if (wait) return wait;
    // Kinds with nothing in them get one line between them rather than a panel each.
    const shown = sections.filter((s) => s.informer.items.size > 0);
    const missing = sections.filter((s) => s.informer.items.size === 0).map((s) => s.title);
    const where = ctx.namespace ? ` in ${ctx.namespace}` : "";
    return h(
      "div",
      null,
      shown.map((s) => s.render()),
      missing.length === sections.length
        ? h("p", { class: "empty" }, `No workloads${where} yet: kubectl apply -f a Deployment.`)
        : missing.length
          ? h("p", { class: "muted note" }, `No ${listOf(missing)}${where}.`)
          : null,
    );
  },
};
