// The dashboard in a real headless Chromium (Debian's `chromium`, driven by playwright-core; no
// browser download): sign in, see the node, apply a Deployment with kubectl and watch its pods
// appear without a reload, open a pod, see its Event. Screenshots of every view, desktop and
// phone, go to test/artifacts/ (not committed).
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubeObject } from "../../src/lib/types.js";
import { REPO_ROOT } from "../../scripts/lib/control-plane.mjs";
import { create, kubectlOk, objects, useControlPlane } from "./harness.js";

const ARTIFACTS = join(REPO_ROOT, "test/artifacts");
// Debian's launcher script; it execs /usr/lib/chromium/chromium, which works as well.
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const haveChromium = spawnSync(CHROMIUM, ["--version"], { stdio: "ignore" }).status === 0;
// In CI a missing browser is a failure, not a skip.
const runs = haveChromium || process.env.CI === "true";
const PHONE = { width: 390, height: 844 };

/** Waits for `locator` to be visible; on timeout the error also carries what the page says. */
async function shows(locator: Locator): Promise<Locator> {
  try {
    await locator.waitFor();
  } catch (err) {
    const text = await locator.page().locator("body").innerText({ timeout: 1_000 }).catch(() => "?");
    throw new Error(`${err instanceof Error ? err.message : String(err)}\nthe page says:\n${text}`);
  }
  return locator;
}

/** The whole page as a PNG under test/artifacts/. */
async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
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
  let context: BrowserContext;
  let page: Page;
  /** Full-document loads seen (following a link within the app is not one). */
  let loads = 0;
  let loadsWhenSignedIn = 0;
  const consoleErrors: string[] = [];

  const go = (view: string) => page.locator(`nav a[data-view="${view}"]`).click();
  const webPods = () => page.locator('tr[data-key^="web-"]');

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`CI=true and no Chromium (${CHROMIUM}): apt-get install -y chromium`);
    mkdirSync(ARTIFACTS, { recursive: true });
    // Playwright adds --headless and --no-sandbox. Debian's launcher means to add
    // --disable-dev-shm-usage when /dev/shm is small, but its test breaks when /dev/shm is mounted
    // twice (as in containers); --disable-gpu overrides its --enable-gpu-rasterization.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--disable-gpu", "--disable-dev-shm-usage"] });
    // The control plane's certificate is self-signed (scripts/lib/control-plane.mjs).
    context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on("load", () => loads++);
    page.on("pageerror", (err) => consoleErrors.push(err.message));
    // Content-Security-Policy violations and the like; failed requests (a refused token, logs
    // not served) are expected.
    page.on("console", (m) => {
      if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) consoleErrors.push(m.text());
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("signs in with the token and shows the node", async () => {
    await create(cp, undefined, node(NODE));
    await create(cp, undefined, lease(NODE));
    await page.goto(`${cp.url}/ui`); // redirected to /ui/
    await shows(page.locator("form.signin"));
    await screenshot(page, "dashboard-signin");
    const served = await cp.request("GET", "/ui/");
    expect(served.headers["content-security-policy"]).toContain("script-src 'self'");

    const token = page.locator("input[name=token]");
    await token.fill("wrong");
    await page.locator("form.signin button").click();
    await shows(page.locator(".error", { hasText: "not accepted" }));

    await token.fill(cp.token);
    await page.locator("form.signin button").click();
    await shows(page.locator(".tiles", { hasText: "1 / 1" }));
    expect(await page.evaluate(() => localStorage.getItem("skiff.token"))).toBe(cp.token);
    loadsWhenSignedIn = loads;
    await screenshot(page, "dashboard-overview-empty");

    await go("nodes");
    const card = await (await shows(page.locator(`[data-node="${NODE}"]`))).innerText();
    expect(card).toContain("Ready");
    expect(card).toContain("192.168.1.20");
    expect(card).toContain("example.com/dedicated=lab:PreferNoSchedule");
    expect(card).toMatch(/Last heartbeat\s+\d+s ago/);
    await screenshot(page, "dashboard-nodes");
  });

  it("shows a Deployment's pods as they appear, without a reload", async () => {
    await go("pods");
    await shows(page.locator("main").locator(".empty, table").first());
    await kubectlOk(cp, ["apply", "-f", "-"], { input: deploymentYaml });
    await expect.poll(() => webPods().count(), { timeout: 30_000 }).toBe(2);
    // The scheduler bound them to our node.
    await shows(page.locator("table.list tbody", { hasText: NODE }));
    expect(loads).toBe(loadsWhenSignedIn);
    await screenshot(page, "dashboard-pods");

    await go("workloads");
    // No agent runs the pods, so the rollout stays under way.
    expect(await (await shows(page.locator("tr[data-key=web]"))).innerText()).toMatch(/Rolling/);
    await screenshot(page, "dashboard-workloads");

    await go("overview");
    await shows(page.locator(".tiles", { hasText: "0 running · 2 pending" }));
    await screenshot(page, "dashboard-overview");
  });

  it("opens a pod and shows its Event, containers and the state of its logs", async () => {
    await go("pods");
    const row = await shows(webPods().first());
    const name = await row.getAttribute("data-key");
    await row.click();
    const pod = page.locator(".pod");
    expect(await (await shows(pod.locator("h1"))).textContent()).toBe(name);
    await shows(pod.filter({ hasText: "Successfully assigned" }));
    const text = await pod.innerText();
    expect(text).toContain("Scheduled");
    expect(text).toContain("nginx:1.27");
    expect(text).toContain("cpu 250m");
    // No agent serves this pod's logs: the page says so rather than showing nothing.
    await shows(page.locator(".log-note.unavailable"));
    expect(loads).toBe(loadsWhenSignedIn);
    await screenshot(page, "dashboard-pod");
  });

  it("shows Services with their endpoints, and Events", async () => {
    await create(cp, "default", objects.service("web", "ClusterIP", 80, 80));
    await go("services");
    expect(await (await shows(page.locator("tr[data-key=web]"))).innerText()).toMatch(/10\.\d+\.\d+\.\d+/);
    await screenshot(page, "dashboard-services");

    await go("events");
    await shows(page.locator("main table", { hasText: "ScalingReplicaSet" }));
    await screenshot(page, "dashboard-events");
    expect(loads).toBe(loadsWhenSignedIn);
    expect(consoleErrors).toEqual([]);
  });

  it("switches namespace, and keeps the token across a reload", async () => {
    await go("pods");
    const namespaces = page.locator("header select");
    await namespaces.selectOption("kube-system");
    await shows(page.locator("main", { hasText: "No pods in kube-system" }));
    await namespaces.selectOption("default");
    await shows(webPods().first());
    await page.reload();
    expect(loads).toBe(loadsWhenSignedIn + 1); // the counter behind "without a reload" sees one
    await shows(webPods().first()); // without signing in again
    expect(await namespaces.inputValue()).toBe("default");
  });

  it("looks right on a phone", async () => {
    // A phone is its own browser context; it takes the desktop's signed-in storage along.
    const phone = await browser.newContext({
      ignoreHTTPSErrors: true,
      viewport: PHONE,
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      storageState: await context.storageState(),
    });
    const small = await phone.newPage();
    const scrollWidth = () => small.evaluate(() => document.documentElement.scrollWidth);
    await small.goto(`${cp.url}/ui/#/overview`);
    // This page watches afresh: each view is shot once what it shows has arrived.
    const views: [string, Locator][] = [
      ["overview", small.locator(".tiles", { hasText: "0 running · 2 pending" })],
      ["nodes", small.locator(`[data-node="${NODE}"]`)],
      ["pods", small.locator('tr[data-key^="web-"]').nth(1)],
      ["workloads", small.locator("tr[data-key=web]", { hasText: "Rolling" })],
    ];
    for (const [view, arrived] of views) {
      await small.locator(`nav a[data-view="${view}"]`).tap();
      await shows(arrived);
      await shows(small.locator("main", { hasNotText: "Loading" }));
      // Nothing may be wider than the screen.
      expect(await scrollWidth()).toBeLessThanOrEqual(PHONE.width);
      await screenshot(small, `dashboard-phone-${view}`);
    }
    await small.locator('nav a[data-view="pods"]').tap();
    await small.locator('tr[data-key^="web-"]').first().tap();
    await shows(small.locator(".pod", { hasText: "Successfully assigned" }));
    await shows(small.locator(".log-note.unavailable"));
    expect(await scrollWidth()).toBeLessThanOrEqual(PHONE.width);
    await screenshot(small, "dashboard-phone-pod");
    await phone.close();
  });
});
