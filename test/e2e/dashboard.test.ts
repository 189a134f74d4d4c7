// The dashboard in a real headless Chromium (Debian's `chromium`), driven through the DevTools
// protocol over a pipe (what playwright-core does, without it): sign in, see the node, apply a
// Deployment with kubectl and watch its pods appear without a reload, open a pod, see its Event.
// Screenshots of every view, desktop and phone, go to test/artifacts/ (not committed).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubeObject } from "../../src/lib/types.js";
import { REPO_ROOT } from "../../scripts/lib/control-plane.mjs";
import { create, kubectlOk, objects, useControlPlane } from "./harness.js";

const ARTIFACTS = join(REPO_ROOT, "test/artifacts");
const CHROMIUM = process.env.CHROMIUM ?? "chromium";
const haveChromium = spawnSync(CHROMIUM, ["--version"], { stdio: "ignore" }).status === 0;
// In CI a missing browser is a failure, not a skip.
const runs = haveChromium || process.env.CI === "true";

interface CdpMessage {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
  sessionId?: string;
}

/** Chromium over `--remote-debugging-pipe`: NUL-terminated JSON on fds 3 (in) and 4 (out). */
class Browser {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(r: Record<string, unknown>): void; reject(e: Error): void }>();
  private readonly listeners = new Set<(m: CdpMessage) => void>();

  private constructor(
    private readonly child: ChildProcess,
    private readonly input: Writable,
    output: Readable,
    private readonly profile: string,
  ) {
    let buffered = "";
    output.setEncoding("utf8").on("data", (chunk: string) => {
      buffered += chunk;
      let end: number;
      while ((end = buffered.indexOf("\0")) >= 0) {
        const message = JSON.parse(buffered.slice(0, end)) as CdpMessage;
        buffered = buffered.slice(end + 1);
        const waiting = message.id === undefined ? undefined : this.pending.get(message.id);
        if (waiting && message.id !== undefined) {
          this.pending.delete(message.id);
          if (message.error) waiting.reject(new Error(message.error.message));
          else waiting.resolve(message.result ?? {});
        }
        for (const l of this.listeners) l(message);
      }
    });
  }

  static launch(): Browser {
    const profile = mkdtempSync(join(tmpdir(), "skiff-chromium-"));
    const child = spawn(
      CHROMIUM,
      [
        "--headless",
        "--remote-debugging-pipe",
        `--user-data-dir=${profile}`,
        // The control plane's certificate is self-signed (scripts/lib/control-plane.mjs).
        "--ignore-certificate-errors",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--no-default-browser-check",
        "about:blank",
      ],
      { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"] },
    );
    child.stderr?.resume();
    return new Browser(child, child.stdio[3] as Writable, child.stdio[4] as Readable, profile);
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.input.write(JSON.stringify({ id, method, params, sessionId }) + "\0");
    });
  }

  on(listener: (m: CdpMessage) => void): void {
    this.listeners.add(listener);
  }

  async newPage(): Promise<Page> {
    const { targetId } = await this.send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await this.send("Target.attachToTarget", { targetId, flatten: true });
    const page = new Page(this, sessionId as string);
    await page.send("Page.enable");
    await page.send("Runtime.enable");
    await page.send("Log.enable");
    return page;
  }

  async close(): Promise<void> {
    const exited = new Promise((r) => this.child.once("exit", r));
    await this.send("Browser.close").catch(() => undefined);
    // Chromium writes its profile until it is gone; give it a moment, then insist.
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill("SIGKILL");
      await exited;
    }
    rmSync(this.profile, { recursive: true, force: true, maxRetries: 5 });
  }
}

class Page {
  /** Full-document navigations seen (a hash change is not one). */
  navigations = 0;
  readonly consoleErrors: string[] = [];

  constructor(
    private readonly browser: Browser,
    private readonly sessionId: string,
  ) {
    browser.on((m) => {
      if (m.sessionId !== sessionId) return;
      if (m.method === "Page.frameNavigated") this.navigations++;
      if (m.method === "Runtime.exceptionThrown") this.consoleErrors.push(JSON.stringify(m.params));
      // Content-Security-Policy violations and the like; failed requests (a refused token, logs
      // not served) are expected and come from the network source.
      const entry = m.params?.entry as { level?: string; source?: string; text?: string } | undefined;
      if (m.method === "Log.entryAdded" && entry?.level === "error" && entry.source !== "network") this.consoleErrors.push(entry.text ?? "");
    });
  }

  send(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    return this.browser.send(method, params, this.sessionId);
  }

  async viewport(width: number, height: number, mobile: boolean): Promise<void> {
    await this.send("Emulation.setDeviceMetricsOverride", { width, height, deviceScaleFactor: mobile ? 2 : 1, mobile });
  }

  async goto(url: string): Promise<void> {
    await this.send("Page.navigate", { url });
    await this.waitFor("document.readyState === 'complete'", "the page to load");
  }

  async reload(): Promise<void> {
    await this.send("Page.reload");
    await this.waitFor("document.readyState === 'complete' && !window.__sameDocument", "the page to reload");
  }

  async evaluate<T>(expression: string): Promise<T> {
    const r = (await this.send("Runtime.evaluate", { expression, awaitPromise: true, returnByValue: true })) as {
      result: { value?: T };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    };
    if (r.exceptionDetails) throw new Error(`${expression}: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value as T;
  }

  /** Polls `expression` in the page until it is truthy; fails with the page's text. */
  async waitFor<T>(expression: string, what: string, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await this.evaluate<T>(expression).catch(() => undefined);
      if (value) return value;
      if (Date.now() > deadline) {
        const text = await this.evaluate<string>("document.body.innerText").catch(() => "?");
        throw new Error(`timed out waiting for ${what}; the page says:\n${text}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async click(selector: string): Promise<void> {
    await this.evaluate(`document.querySelector(${JSON.stringify(selector)}).click()`);
  }

  /** The whole page as a PNG under test/artifacts/. */
  async screenshot(name: string): Promise<void> {
    await new Promise((r) => setTimeout(r, 150)); // let the last render land
    const { cssContentSize } = (await this.send("Page.getLayoutMetrics")) as { cssContentSize: { width: number; height: number } };
    const { data } = await this.send("Page.captureScreenshot", {
      format: "png",
      captureBeyondViewport: true,
      clip: { x: 0, y: 0, width: cssContentSize.width, height: Math.min(cssContentSize.height, 4000), scale: 1 },
    });
    writeFileSync(join(ARTIFACTS, `${name}.png`), Buffer.from(data as string, "base64"));
  }
}

const cp = useControlPlane();
const NODE = "node-dash";

function node(name: string): KubeObject {
  const now = new Date().toISOString();
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "node-role.kubernetes.io/edge": "" } },
    spec: { taints: [{ key: "example.com/dedicated", value: "lab", effect: "PreferNoSchedule" }] },
    status: {
      capacity: { cpu: "4", memory: "8Gi", pods: "110" },
      allocatable: { cpu: "4", memory: "8Gi", pods: "110" },
      conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status", lastHeartbeatTime: now, lastTransitionTime: now }],
      addresses: [{ type: "InternalIP", address: "192.168.1.20" }],
      nodeInfo: {
        architecture: "amd64", operatingSystem: "linux", osImage: "Debian GNU/Linux 12 (bookworm)", kubeletVersion: "v1.32.0-skiff",
        kernelVersion: "6.1.0", containerRuntimeVersion: "docker://27.0.0", kubeProxyVersion: "", machineID: "m", systemUUID: "u", bootID: "b",
      },
    },
  };
}

function lease(name: string): KubeObject {
  return {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: { name, namespace: "kube-node-lease" },
    spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: new Date().toISOString().replace(/Z$/, "000Z") }, // a MicroTime
  };
}

const deploymentYaml = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: { app: web }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports: [{ containerPort: 80 }]
        resources: { requests: { cpu: 250m, memory: 128Mi } }
`;

describe.runIf(runs)("the dashboard in headless Chromium", () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`CI=true and no Chromium (${CHROMIUM}): apt-get install -y chromium`);
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = Browser.launch();
    page = await browser.newPage();
    await page.viewport(1280, 900, false);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("signs in with the token and shows the node", async () => {
    await create(cp, undefined, node(NODE));
    await create(cp, undefined, lease(NODE));
    await page.goto(`${cp.url}/ui`); // redirected to /ui/
    await page.waitFor("document.querySelector('form.signin')", "the sign-in form");
    await page.screenshot("dashboard-signin");
    const served = await cp.request("GET", "/ui/");
    expect(served.headers["content-security-policy"]).toContain("script-src 'self'");

    await page.evaluate(`document.querySelector('input[name=token]').value = "wrong"`);
    await page.click("form.signin button");
    await page.waitFor("document.querySelector('.error').textContent.includes('not accepted')", "the wrong token to be refused");

    await page.evaluate(`document.querySelector('input[name=token]').value = ${JSON.stringify(cp.token)}`);
    await page.click("form.signin button");
    await page.waitFor("document.querySelector('.tiles')", "the overview");
    await page.waitFor("document.querySelector('.tiles').innerText.includes('1 / 1')", "1 / 1 nodes ready");
    expect(await page.evaluate<string>("localStorage.getItem('skiff.token')")).toBe(cp.token);
    // Marks this document: a reload would lose it.
    await page.evaluate("window.__sameDocument = true");
    await page.screenshot("dashboard-overview-empty");

    await page.evaluate("location.hash = '#/nodes'");
    await page.waitFor(`document.querySelector('[data-node="${NODE}"]')`, "the node's card");
    const card = await page.evaluate<string>(`document.querySelector('[data-node="${NODE}"]').innerText`);
    expect(card).toContain("Ready");
    expect(card).toContain("192.168.1.20");
    expect(card).toContain("example.com/dedicated=lab:PreferNoSchedule");
    expect(card).toMatch(/Last heartbeat\s+\d+s ago/);
    await page.screenshot("dashboard-nodes");
  });

  it("shows a Deployment's pods as they appear, without a reload", async () => {
    await page.evaluate("location.hash = '#/pods'");
    await page.waitFor("document.querySelector('main .empty, main table')", "the pods list");
    await kubectlOk(cp, ["apply", "-f", "-"], { input: deploymentYaml });
    await page.waitFor("document.querySelectorAll('tr[data-key^=\"web-\"]').length === 2", "two web pods in the list");
    const rows = await page.evaluate<string>("document.querySelector('table.list tbody').innerText");
    expect(rows).toContain(NODE); // the scheduler bound them to our node
    expect(await page.evaluate("window.__sameDocument")).toBe(true);
    await page.screenshot("dashboard-pods");

    await page.evaluate("location.hash = '#/workloads'");
    await page.waitFor("document.querySelector('tr[data-key=web]')", "the Deployment row");
    // No agent runs the pods, so the rollout stays under way.
    expect(await page.evaluate<string>("document.querySelector('tr[data-key=web]').innerText")).toMatch(/Rolling/);
    await page.screenshot("dashboard-workloads");

    await page.evaluate("location.hash = '#/overview'");
    await page.waitFor("document.querySelector('.tiles') && document.querySelector('.tiles').innerText.includes('2')", "the pods on the overview");
    await page.screenshot("dashboard-overview");
  });

  it("opens a pod and shows its Event, containers and the state of its logs", async () => {
    await page.evaluate("location.hash = '#/pods'");
    await page.waitFor("document.querySelector('tr[data-key^=\"web-\"]')", "a web pod row");
    const name = await page.evaluate<string>("document.querySelector('tr[data-key^=\"web-\"]').dataset.key");
    await page.click(`tr[data-key="${name}"]`);
    await page.waitFor(`document.querySelector('.pod h1') && document.querySelector('.pod h1').textContent === ${JSON.stringify(name)}`, "the pod page");
    await page.waitFor("document.querySelector('.pod').innerText.includes('Successfully assigned')", "the pod's Scheduled event");
    const text = await page.evaluate<string>("document.querySelector('.pod').innerText");
    expect(text).toContain("Scheduled");
    expect(text).toContain("nginx:1.27");
    expect(text).toContain("cpu 250m");
    // No agent serves this pod's logs: the page says so rather than showing nothing.
    await page.waitFor("document.querySelector('.log-note.unavailable')", "the logs-not-available note");
    expect(await page.evaluate("window.__sameDocument")).toBe(true);
    await page.screenshot("dashboard-pod");
  });

  it("shows Services with their endpoints, and Events", async () => {
    await create(cp, "default", objects.service("web", "ClusterIP", 80, 80));
    await page.evaluate("location.hash = '#/services'");
    await page.waitFor("document.querySelector('tr[data-key=web]')", "the Service row");
    expect(await page.evaluate<string>("document.querySelector('tr[data-key=web]').innerText")).toMatch(/10\.\d+\.\d+\.\d+/);
    await page.screenshot("dashboard-services");

    await page.evaluate("location.hash = '#/events'");
    await page.waitFor("document.querySelector('main table') && document.querySelector('main').innerText.includes('ScalingReplicaSet')", "the Deployment's event");
    await page.screenshot("dashboard-events");
    expect(await page.evaluate("window.__sameDocument")).toBe(true);
    expect(page.consoleErrors).toEqual([]);
  });

  it("switches namespace, and keeps the token across a reload", async () => {
    await page.evaluate("location.hash = '#/pods'");
    await page.evaluate(`(() => { const s = document.querySelector('header select'); s.value = 'kube-system'; s.dispatchEvent(new Event('change')); })()`);
    await page.waitFor("document.querySelector('main').innerText.includes('No pods in kube-system')", "the empty kube-system namespace");
    await page.evaluate(`(() => { const s = document.querySelector('header select'); s.value = 'default'; s.dispatchEvent(new Event('change')); })()`);
    await page.waitFor("document.querySelector('tr[data-key^=\"web-\"]')", "the default namespace's pods");
    await page.reload();
    await page.waitFor("document.querySelector('tr[data-key^=\"web-\"]')", "the pods list again, without signing in");
    expect(await page.evaluate("document.querySelector('header select').value")).toBe("default");
  });

  it("looks right on a phone", async () => {
    await page.viewport(390, 844, true);
    for (const view of ["overview", "nodes", "pods", "workloads"]) {
      await page.evaluate(`location.hash = '#/${view}'`);
      await page.waitFor("!document.querySelector('main').innerText.includes('Loading')", `the ${view} view`);
      // Nothing may be wider than the screen.
      expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
      await page.screenshot(`dashboard-phone-${view}`);
    }
    await page.evaluate("location.hash = '#/pods'");
    await page.waitFor("document.querySelector('tr[data-key^=\"web-\"]')", "a web pod row");
    await page.click("tr[data-key^=\"web-\"]");
    await page.waitFor("document.querySelector('.pod h1')", "the pod page");
    expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
    await page.screenshot("dashboard-phone-pod");
  });
});
