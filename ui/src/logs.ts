/**
 * A pod's logs: `pods/log` followed as a stream into a <pre>, one container at a time. Kept
 * across renders (its element is re-attached), stopped when the pod is no longer on screen.
 * Until the control plane serves `pods/log`, it says so plainly.
 */
import { Api, ApiError } from "./api.js";
import { h } from "./dom.js";

const TAIL_LINES = 500;
/** Past this many characters the oldest output is dropped, so a chatty pod can't eat the tab. */
const MAX_CHARS = 400_000;

export class LogView {
  readonly element: HTMLElement;
  private readonly select = h("select", { "aria-label": "Container", onchange: () => this.open() });
  private readonly output = h("pre", { class: "logs", "aria-live": "polite" });
  private readonly note = h("p", { class: "muted log-note" });
  private abort: AbortController | undefined;
  private containers: string[] = [];

  constructor(
    private readonly api: Api,
    private readonly namespace: string,
    private readonly pod: string,
  ) {
    this.element = h(
      "div",
      { class: "log-view" },
      h("div", { class: "log-bar" }, h("label", null, "Container ", this.select), h("button", { class: "quiet", onclick: () => this.open() }, "Reload")),
      this.note,
      this.output,
    );
  }

  /** The pod's containers as of this render; opens the first one the first time. */
  update(containers: string[]): HTMLElement {
    if (containers.join() !== this.containers.join()) {
      const current = this.select.value;
      this.containers = containers;
      this.select.replaceChildren(...containers.map((c) => h("option", { value: c }, c)));
      if (containers.includes(current)) this.select.value = current;
      if (!this.abort) this.open();
    }
    return this.element;
  }

  stop(): void {
    this.abort?.abort();
  }

  private async open(): Promise<void> {
    this.abort?.abort();
    const abort = (this.abort = new AbortController());
    const container = this.select.value;
    if (!container) return;
    this.output.textContent = "";
    this.note.textContent = "Connecting…";
    this.note.className = "muted log-note";
    const path = `/api/v1/namespaces/${encodeURIComponent(this.namespace)}/pods/${encodeURIComponent(this.pod)}/log?container=${encodeURIComponent(container)}&follow=true&tailLines=${TAIL_LINES}&timestamps=false`;
    try {
      const body = await this.api.stream(path, abort.signal, "text/plain, */*");
      this.note.textContent = "Following…";
      const reader = body.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        this.append(decoder.decode(value, { stream: true }));
      }
      if (!abort.signal.aborted) this.note.textContent = "The log stream ended (the container stopped, or the connection closed). Reload to follow again.";
    } catch (e) {
      if (abort.signal.aborted) return;
      this.note.className = "log-note unavailable";
      this.note.textContent = unavailable(e);
    }
  }

  private append(text: string): void {
    const atBottom = this.output.scrollTop + this.output.clientHeight >= this.output.scrollHeight - 8;
    const all = (this.output.textContent ?? "") + text;
    this.output.textContent = all.length > MAX_CHARS ? all.slice(all.length - MAX_CHARS) : all;
    if (atBottom) this.output.scrollTop = this.output.scrollHeight;
  }
}

/** What to say when there are no logs to show. */
function unavailable(e: unknown): string {
  if (e instanceof ApiError && (e.code === 404 || e.code === 405 || e.code === 501)) {
    return `Logs not available: this control plane does not serve pods/log yet (${e.code} ${e.message}).`;
  }
  return `Logs not available: ${e instanceof Error ? e.message : String(e)}`;
}
