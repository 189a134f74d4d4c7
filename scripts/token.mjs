#!/usr/bin/env node
// `npm run token`: makes a join token for a new node, the way `kubeadm token create` does
// (scripts/lib/join-token.mjs), and prints the command to paste on the new host.
import { join } from "node:path";
import { parseArgs } from "node:util";
import { REPO_ROOT } from "./lib/control-plane.mjs";
import { createJoinToken, parseTtl, readKubeconfig } from "./lib/join-token.mjs";

const USAGE = `Usage: npm run token -- [--ttl 24h] [--description TEXT] [--kubeconfig FILE]

Creates a join token (a bootstrap.kubernetes.io/token Secret in kube-system) and prints the
command that joins a new host with it.

  --ttl D            how long the token is valid: 24h (default), 30m, 1h30m; 0 never expires
  --description T    shown in the Secret, for whoever reads it later
  --kubeconfig FILE  default: $KUBECONFIG, else .skiff/kubeconfig (written by npm run dev)`;

function fail(message) {
  console.error(`error: ${message}`);
  process.exit(1);
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

let target;
let token;
let expiration;
try {
  const ttlMs = parseTtl(flags.ttl);
  const kubeconfigPath = flags.kubeconfig || process.env.KUBECONFIG?.split(":")[0] || join(REPO_ROOT, ".skiff/kubeconfig");
  target = readKubeconfig(kubeconfigPath);
  ({ token, expiration } = await createJoinToken(target, { ttlMs, description: flags.description }));
} catch (err) {
  fail(err.message);
}

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
