// Join tokens, the way `kubeadm token create` makes them: a `bootstrap.kubernetes.io/token`
// Secret in kube-system, created through the API with a kubeconfig's admin credentials. Shared
// by `npm run token` (for another host) and `npm run dev` (for its first node). The server checks
// the token (src/auth/bootstrap-token.ts); the agent trades it once for a node credential.
import { randomInt } from "node:crypto";
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { dirname, resolve } from "node:path";
import { parse as parseYaml } from "yaml";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
const UNITS = { h: 3600_000, m: 60_000, s: 1000 };

/** A Go duration of hours, minutes and seconds (`1h30m`, `45m`, `0`) in ms; throws on anything else. */
export function parseTtl(text) {
  if (text === "0") return 0;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)([hms])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text) throw new Error(`"${text}" is not a duration like 24h, 30m or 1h30m`);
  return parts.reduce((ms, [, n, unit]) => ms + Number(n) * UNITS[unit], 0);
}

function randomString(length) {
  return Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");
}

/** The kubeconfig's current context as `{ server, ca, token, insecure }`; throws a readable error. */
export function readKubeconfig(path) {
  let config;
  try {
    config = parseYaml(readFileSync(path, "utf8"));
  } catch (err) {
    throw new Error(`cannot read the kubeconfig ${path}: ${err.message}`);
  }
  const named = (list, name) => (list ?? []).find((item) => item.name === name);
  const context = named(config?.contexts, config?.["current-context"])?.context;
  if (!context) throw new Error(`${path} has no current context`);
  const cluster = named(config.clusters, context.cluster)?.cluster;
  const user = named(config.users, context.user)?.user ?? {};
  if (!cluster?.server) throw new Error(`${path}: cluster "${context.cluster}" has no server`);
  const token = user.token ?? (user.tokenFile ? readFileSync(user.tokenFile, "utf8").trim() : undefined);
  if (!token) throw new Error(`${path}: user "${context.user}" has no token; a join token needs an admin token`);
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

/**
 * Creates a join token on the control plane `target` (from `readKubeconfig`). Resolves with the
 * token `<id>.<secret>` and its expiration (RFC 3339, absent for `ttlMs` 0); throws a readable
 * error when the API refuses or cannot be reached.
 */
export async function createJoinToken(target, { ttlMs = 24 * 3600_000, description } = {}) {
  const expiration = ttlMs > 0 ? new Date(Date.now() + ttlMs).toISOString().replace(/\.\d{3}Z$/, "Z") : undefined;
  // A token id already taken (1 in 2 billion) is 409: draw another.
  for (let attempt = 0; attempt < 3; attempt++) {
    const id = randomString(6);
    const secret = randomString(16);
    let reply;
    try {
      reply = await post(target, "/api/v1/namespaces/kube-system/secrets", bootstrapTokenSecret(id, secret, expiration, description));
    } catch (err) {
      throw new Error(`cannot reach ${target.server}: ${err.message}`);
    }
    if (reply.status === 201) return { token: `${id}.${secret}`, expiration };
    if (reply.status !== 409) {
      let message = reply.text;
      try {
        message = JSON.parse(reply.text).message ?? message;
      } catch {
        // not a Status: show the body as it is
      }
      throw new Error(`creating the token failed (HTTP ${reply.status}): ${message}`);
    }
  }
  throw new Error("could not find a free token id");
}
