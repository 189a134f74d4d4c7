/**
 * The agent's credential for the control plane, in one place. `--token` is either a join token
 * (`<token-id>.<token-secret>`, from `npm run token`), which is traded once for a node credential
 * of this node's own, kept in the state dir (`credential.json`, mode 0600) and used from then on,
 * or any other bearer token the API accepts (an existing node credential, or the admin token on
 * a one-machine cluster), used as it is.
 *
 * The trade (server side: src/auth/node-credential-endpoint.ts):
 *   POST /apis/skiff.io/v1/nodecredentials  {"kind":"NodeCredential","metadata":{"name":<node>}}
 *   → 201 {"status":{"token":"skiff-node.<node>.<secret>"}}
 */
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { writeFileAtomic, readJsonFile } from "../state/atomic-file.js";

export interface Credentials {
  /** The value of the `Authorization` header. */
  authorization(): string;
}

/** Kubernetes' bootstrap token format. */
export const JOIN_TOKEN = /^[a-z0-9]{6}\.[a-z0-9]{16}$/;

export const NODE_CREDENTIALS_PATH = "/apis/skiff.io/v1/nodecredentials";

export class NodeCredentials implements Credentials {
  private token: string;

  constructor(
    given: string,
    private readonly file: string,
  ) {
    this.token = given;
  }

  authorization(): string {
    return `Bearer ${this.token}`;
  }

  /** Whether the current token is a join token still to be traded. */
  needsTrade(): boolean {
    return JOIN_TOKEN.test(this.token);
  }

  /**
   * Use the stored node credential if there is one; otherwise, for a join token, trade it (with
   * the join token as this client's credential) and store the result before using it.
   */
  async ensure(nodeName: string, trade: (body: unknown) => Promise<{ status?: { token?: string } }>): Promise<void> {
    const stored = await readStored(this.file);
    if (stored) {
      this.token = stored;
      return;
    }
    if (!this.needsTrade()) return;
    const answer = await trade({ apiVersion: "skiff.io/v1", kind: "NodeCredential", metadata: { name: nodeName } });
    const token = answer.status?.token;
    if (!token) throw new Error("the control plane answered the join without a node credential");
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.file, JSON.stringify({ token }), 0o600);
    this.token = token;
  }
}

async function readStored(file: string): Promise<string | undefined> {
  return (await readJsonFile<{ token?: string }>(file))?.token;
}
