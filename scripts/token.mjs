#!/usr/bin/env node
// `npm run token`: makes a join token for a new node, the way `kubeadm token create` does: a
// `bootstrap.kubernetes.io/token` Secret in kube-system, created through the API with the
// kubeconfig's admin credentials, and prints the command to paste on the new host. The server
// checks the token (src/auth/bootstrap-token.ts); the agent trades it once for a node credential.
import { randomInt } from "node:crypto";
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { parse as parseYaml } from "yaml";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const USAGE = `Usage: npm run token -- [--ttl 24h] [--description TEXT] [--kubeconfig FILE]

Creates a join token (a bootstrap.kubernetes.io/token Secret in kube-system) and prints the
command that joins a new host with it.

  --ttl D            how long the token is valid: 24h (default), 30m, 1h30m; 0 never expires
  --description T    shown in the Secret, for whoever reads it later
  --kubeconfig FILE  default: $KUBECONFIG, else .skiff/kubeconfig (written by npm run dev)`;

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
const UNITS = { h: 3600_000, m: 60_000, s: 1000 };

function fail(message) {
  console.error(`error: ${message}`);
  process.exit(1);
}

/** A Go duration of hours, minutes and seconds (`1h30m`, `45m`, `0`) in ms. */
function parseTtl(text) {
  if (text === "0") return 0;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)([hms])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text) fail(`--ttl: "${text}" is not a duration like 24h, 30m or 1h30m`);
  return parts.reduce((ms, [, n, unit]) => ms + Number(n) * UNITS[unit], 0);
}

function randomString(length) {
  return Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");
}

/** The current context's server, CA and bearer token. */
function readKubeconfig(path) {
  let config;
  try {
    config = parseYaml(readFileSync(path, "utf8"));
  } catch (err) {
    fail(`cannot read the kubeconfig ${path}: ${err.message}`);
  }
  const named = (list, name) => (list ?? []).find((item) => item.name === name);
  const context = named(config.contexts, config["current-context"])?.context;
  if (!context) fail(`${path} has no current context`);
  const cluster = named(config.clusters, context.cluster)?.cluster;
  const user = named(config.users, context.user)?.user ?? {};
  if (!cluster?.server) fail(`${path}: cluster "${context.cluster}" has no server`);
  const token = user.token ?? (user.tokenFile ? readFileSync(user.tokenFile, "utf8").trim() : undefined);
  if (!token) fail(`${path}: user "${context.user}" has no token; npm run token needs an admin token`);
  const ca = cluster["certificate-authority-data"]
    ? Buffer.from(cluster["certificate-authority-data"], "base64").toString("utf8")
    : cluster["certificate-authority"]
      ? readFileSync(resolve(dirname(path), cluster["certificate-authority"]), "utf8")
      : undefined;
  return { server: cluster.server.replace(/\/+$/, ""), ca, token, insecure: cluster["insecure-skip-tls-verify"] === true };
}

function post(target, path, body) {
  const url = new URL(path, target.server);
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  const payload = JSON.stringify(body);
  return new Promise((resolveReply, reject) => {
    const req = send(
      url,
      {
        method: "POST",
        ca: target.ca,
        rejectUnauthorized: !target.insecure,
        headers: {
          authorization: `Bearer ${target.token}`,
          "content-type": "application/json",
          accept: "application/json",
          "content-length": Buffer.byteLength(payload),
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (d) => (text += d));
        res.on("end", () => resolveReply({ status: res.statusCode ?? 0, text }));
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error(`no answer from ${target.server} within 30 s`)));
    req.once("error", reject);
    req.end(payload);
  });
}

function bootstrapTokenSecret(id, secret, expiration, description) {
  const data = {
    "token-id": id,
    "token-secret": secret,
    "usage-bootstrap-authentication": "true",
    "auth-extra-groups": "system:bootstrappers:skiff:nodes",
  };
  if (expiration) data.expiration = expiration;
  if (description) data.description = description;
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: `bootstrap-token-${id}`, namespace: "kube-system" },
    type: "bootstrap.kubernetes.io/token",
    stringData: data,
  };
}

const { values: flags } = parseArgs({
  options: {
    ttl: { type: "string", default: "24h" },
    description: { type: "string" },
    kubeconfig: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}

const ttlMs = parseTtl(flags.ttl);
const kubeconfigPath = flags.kubeconfig || process.env.KUBECONFIG?.split(":")[0] || join(REPO_ROOT, ".skiff/kubeconfig");
const target = readKubeconfig(kubeconfigPath);
const expiration = ttlMs > 0 ? new Date(Date.now() + ttlMs).toISOString().replace(/\.\d{3}Z$/, "Z") : undefined;

let token;
// A token id already taken (1 in 2 billion) is 409: draw another.
for (let attempt = 0; attempt < 3 && !token; attempt++) {
  const id = randomString(6);
  const secret = randomString(16);
  let reply;
  try {
    reply = await post(target, "/api/v1/namespaces/kube-system/secrets", bootstrapTokenSecret(id, secret, expiration, flags.description));
  } catch (err) {
    fail(`cannot reach ${target.server}: ${err.message}`);
  }
  if (reply.status === 201) token = `${id}.${secret}`;
  else if (reply.status !== 409) {
    let message = reply.text;
    try {
      message = JSON.parse(reply.text).message ?? message;
    } catch {
      // not a Status: show the body as it is
    }
    fail(`creating the token failed (HTTP ${reply.status}): ${message}`);
  }
}
if (!token) fail("could not find a free token id");

const caLines = target.ca
  ? [`cat > skiff-ca.crt <<'EOF'`, ...target.ca.trim().split("\n"), "EOF"]
  : [];
const command = `sudo npx skiff-agent --server ${target.server} --token ${token}${target.ca ? " --certificate-authority skiff-ca.crt" : ""}`;
console.log(`Join token (${expiration ? `expires ${expiration}` : "never expires"}):

${token}

On the new host, in a checkout of Skiff, run:

${[...caLines, command].join("\n")}

The agent trades the token for a credential of its own; the token is not needed after that.
Revoke the token early: kubectl -n kube-system delete secret bootstrap-token-${token.split(".")[0]}`);
