/**
 * Secrets encrypted at rest, as kube-apiserver's `aesgcm` EncryptionConfiguration provider:
 * the registry's view of the Store seals every Secret it writes and opens every Secret it reads
 * (get, list, watch events, change feeds, the objects writes return), so each copy the store keeps
 * — the current row, older revisions, tombstones, what a watch replays — holds ciphertext only.
 *
 * What is sealed: `data` (keys and values), the `kubectl.kubernetes.io/last-applied-configuration`
 * annotation, which `kubectl apply` fills with the whole manifest, values included, and
 * `managedFields`, which name the keys. (`stringData`
 * never reaches the store: the kind's defaults fold it into `data`.) Name, namespace, labels,
 * `type` and the rest stay readable, so that selectors, field selectors and the garbage collector
 * work on the store's side. The sealed parts become one field of the stored object:
 *
 *   "skiff.io/sealed": "k8s:enc:aesgcm:v1:<key id>:<base64 of 12-byte IV ‖ ciphertext+tag>"
 *
 * encrypting the JSON `{"data":…, "annotations":…}` with AES-256-GCM (WebCrypto), the object's
 * uid as additional data (a sealed value copied onto another Secret does not open).
 *
 * Keys: the Worker secret `ENCRYPTION_KEY` holds one or more base64-encoded 32-byte keys,
 * comma-separated. The first encrypts; all decrypt. A key's id is the first 8 hex digits of the
 * SHA-256 of its bytes, so nothing else has to be named. To rotate: put the new key first
 * (`ENCRYPTION_KEY=new,old`), rewrite every Secret (`kubectl get secrets -A -o json | kubectl
 * replace -f -`), then drop the old key.
 *
 * Without a key, Secrets are refused (500 with the fix in the message) rather than stored in
 * plaintext: `npm run dev` writes a key into .dev.vars, and a deployment without one should fail
 * loudly on its first Secret, not leak it quietly. Secrets stored before encryption was set up
 * (no sealed field) are read as they are, as kube's `identity` fallback does.
 */
import { base64ToBytes, bytesToBase64 } from "../lib/base64.js";
import { ApiError, errors } from "../lib/errors.js";
import type { KubeObject, Stored } from "../lib/types.js";
import type {
  ChangesResult,
  Claim,
  CompactionResult,
  ListOptions,
  ListResult,
  Store,
  StoreResult,
  WatchOptions,
  WriteOp,
} from "../store/types.js";

export const SEALED_FIELD = "skiff.io/sealed";
const PREFIX = "k8s:enc:aesgcm:v1:";
const SECRETS = "secrets";
/** Annotations that may carry a Secret's values. */
const SENSITIVE_ANNOTATIONS = ["kubectl.kubernetes.io/last-applied-configuration"];
const IV_BYTES = 12;

interface Key {
  id: string;
  key: CryptoKey;
}

export interface Keyring {
  /** Encrypts; the first key of the configuration. */
  primary: Key;
  byId: Map<string, CryptoKey>;
}

interface SealedParts {
  data?: Record<string, string>;
  annotations?: Record<string, string>;
  managedFields?: KubeObject["metadata"]["managedFields"];
}


const keyringError = (message: string) => errors.internal(`ENCRYPTION_KEY: ${message}`);

/** Parses `ENCRYPTION_KEY` (comma-separated base64 32-byte keys). */
export async function parseKeyring(config: string): Promise<Keyring> {
  const keys: Key[] = [];
  for (const text of config.split(",").map((s) => s.trim()).filter(Boolean)) {
    let raw: Uint8Array;
    try {
      raw = base64ToBytes(text);
    } catch {
      throw keyringError("a key is not valid base64");
    }
    if (raw.length !== 32) throw keyringError(`a key is ${raw.length} bytes long; AES-256-GCM keys are 32 bytes`);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", raw));
    const id = [...digest.subarray(0, 4)].map((b) => b.toString(16).padStart(2, "0")).join("");
    keys.push({ id, key: await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]) });
  }
  if (keys.length === 0) throw keyringError("no key given");
  return { primary: keys[0], byId: new Map(keys.map((k) => [k.id, k.key])) };
}

const keyrings = new Map<string, Promise<Keyring>>();

/** The keyring of a configuration, parsed once per isolate. */
function keyringFor(config: string): Promise<Keyring> {
  let ring = keyrings.get(config);
  if (!ring) {
    ring = parseKeyring(config);
    keyrings.set(config, ring);
    ring.catch(() => keyrings.delete(config));
  }
  return ring;
}

const additionalData = (obj: KubeObject) => new TextEncoder().encode(`v1/secrets/${obj.metadata.uid ?? ""}`);

/** `secret` as the store keeps it: `data` and sensitive annotations replaced by the sealed field. */
export async function sealSecret(secret: KubeObject, ring: Keyring): Promise<KubeObject> {
  const { data, stringData: _neverStored, [SEALED_FIELD]: _stale, ...rest } = secret;
  const parts: SealedParts = {};
  if (data !== undefined) parts.data = data as Record<string, string>;
  const { managedFields, ...metadata } = secret.metadata;
  if (managedFields !== undefined) parts.managedFields = managedFields;
  for (const name of SENSITIVE_ANNOTATIONS) {
    const value = metadata.annotations?.[name];
    if (value === undefined) continue;
    (parts.annotations ??= {})[name] = value;
    const { [name]: _removed, ...others } = metadata.annotations!;
    if (Object.keys(others).length > 0) metadata.annotations = others;
    else delete metadata.annotations;
  }
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const plaintext = new TextEncoder().encode(JSON.stringify(parts));
  const ciphertext = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: additionalData(secret) }, ring.primary.key, plaintext),
  );
  const sealed = new Uint8Array(IV_BYTES + ciphertext.length);
  sealed.set(iv);
  sealed.set(ciphertext, IV_BYTES);
  return { ...rest, metadata, [SEALED_FIELD]: `${PREFIX}${ring.primary.id}:${bytesToBase64(sealed)}` };
}

export function isSealed(obj: KubeObject): boolean {
  return typeof obj[SEALED_FIELD] === "string";
}

/** The Secret a sealed one stands for; objects without the sealed field come back as they are. */
export async function openSecret<T extends KubeObject>(obj: T, ring: Keyring | undefined): Promise<T> {
  const envelope = obj[SEALED_FIELD];
  if (typeof envelope !== "string") return obj;
  if (!envelope.startsWith(PREFIX)) throw errors.internal(`Secret ${obj.metadata.name}: unknown encryption envelope`);
  const [id, payload = ""] = envelope.slice(PREFIX.length).split(":");
  if (!ring) throw missingKey();
  const key = ring.byId.get(id);
  if (!key) throw keyringError(`Secret ${obj.metadata.namespace}/${obj.metadata.name} is encrypted with key ${id}, which is not configured`);
  const sealed = base64ToBytes(payload);
  let parts: SealedParts;
  try {
    const plaintext = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: sealed.subarray(0, IV_BYTES), additionalData: additionalData(obj) },
      key,
      sealed.subarray(IV_BYTES),
    );
    parts = JSON.parse(new TextDecoder().decode(plaintext)) as SealedParts;
  } catch {
    throw errors.internal(`Secret ${obj.metadata.namespace}/${obj.metadata.name} could not be decrypted`);
  }
  const { [SEALED_FIELD]: _envelope, ...rest } = obj as KubeObject;
  const opened = { ...rest, metadata: { ...obj.metadata } } as KubeObject;
  if (parts.annotations) opened.metadata.annotations = { ...opened.metadata.annotations, ...parts.annotations };
  if (parts.managedFields !== undefined) opened.metadata.managedFields = parts.managedFields;
  if (parts.data !== undefined) opened.data = parts.data;
  return opened as T;
}

function missingKey(): ApiError {
  return errors.internal(
    "Secrets are stored encrypted and no ENCRYPTION_KEY is configured: set the Worker secret " +
      "(`openssl rand -base64 32 | npx wrangler secret put ENCRYPTION_KEY`; `npm run dev` writes one into .dev.vars)",
  );
}

/** The `ENCRYPTION_KEY` of a Worker environment, if set. */
export function encryptionKeyOf(env: object | undefined): string | undefined {
  const value = (env as { ENCRYPTION_KEY?: unknown } | undefined)?.ENCRYPTION_KEY;
  return typeof value === "string" && value.trim() ? value : undefined;
}

/**
 * `store` as the registry should see it: Secrets sealed on every write and opened on every read.
 * `keyConfig` is `ENCRYPTION_KEY`; without it, writing a Secret is refused.
 */
export function sealingStore(store: Store, keyConfig: string | undefined): Store {
  return new SealingStore(store, keyConfig);
}

class SealingStore implements Store {
  constructor(
    private readonly store: Store,
    private readonly keyConfig: string | undefined,
  ) {}

  private ring(): Promise<Keyring | undefined> {
    return this.keyConfig ? keyringFor(this.keyConfig) : Promise.resolve(undefined);
  }

  private async seal(resource: string, obj: KubeObject): Promise<KubeObject> {
    if (resource !== SECRETS) return obj;
    const ring = await this.ring();
    if (!ring) throw missingKey();
    return sealSecret(obj, ring);
  }

  private async open<T extends KubeObject>(obj: T): Promise<T> {
    return isSealed(obj) ? openSecret(obj, await this.ring()) : obj;
  }

  private async openResult<T extends KubeObject>(result: StoreResult<T>): Promise<StoreResult<T>> {
    return result.ok ? { ok: true, value: await this.open(result.value) } : result;
  }

  async get(resource: string, namespace: string, name: string): Promise<Stored | null> {
    const obj = await this.store.get(resource, namespace, name);
    return obj && this.open(obj);
  }

  async getMany(resource: string, keys: { namespace: string; name: string }[]): Promise<(Stored | null)[]> {
    const objects = await this.store.getMany(resource, keys);
    return resource === SECRETS ? Promise.all(objects.map((o) => o && this.open(o))) : objects;
  }

  async list(resource: string, options: ListOptions): Promise<StoreResult<ListResult>> {
    const result = await this.store.list(resource, options);
    if (!result.ok || resource !== SECRETS) return result;
    return { ok: true, value: { ...result.value, items: await Promise.all(result.value.items.map((i) => this.open(i))) } };
  }

  async create(resource: string, object: KubeObject, claims?: Claim[]): Promise<StoreResult<Stored>> {
    return this.openResult(await this.store.create(resource, await this.seal(resource, object), claims));
  }

  async update(resource: string, object: KubeObject, options?: { claims?: Claim[]; releases?: Claim[] }): Promise<StoreResult<Stored>> {
    return this.openResult(await this.store.update(resource, await this.seal(resource, object), options));
  }

  async delete(
    resource: string,
    namespace: string,
    name: string,
    options?: { preconditions?: { uid?: string; resourceVersion?: string }; releases?: Claim[] },
  ): Promise<StoreResult<Stored>> {
    return this.openResult(await this.store.delete(resource, namespace, name, options));
  }

  async transaction(ops: WriteOp[]): Promise<StoreResult<Stored[]>> {
    const sealed = await Promise.all(ops.map(async (op) => (op.op === "delete" ? op : { ...op, object: await this.seal(op.resource, op.object) })));
    const result = await this.store.transaction(sealed);
    if (!result.ok) return result;
    return { ok: true, value: await Promise.all(result.value.map((o) => this.open(o))) };
  }

  async watch(resource: string, options: WatchOptions): Promise<ReadableStream<Uint8Array>> {
    const stream = await this.store.watch(resource, options);
    return resource === SECRETS ? stream.pipeThrough(openingEvents((obj) => this.open(obj))) : stream;
  }

  async changes(after: number, options?: { resources?: string[]; limit?: number }): Promise<StoreResult<ChangesResult>> {
    const result = await this.store.changes(after, options);
    if (!result.ok) return result;
    const events = await Promise.all(result.value.events.map(async (e) => ({ ...e, object: await this.open(e.object) })));
    return { ok: true, value: { ...result.value, events } };
  }

  claimed(pool: string): Promise<string[]> {
    return this.store.claimed(pool);
  }

  currentRevision(): Promise<number> {
    return this.store.currentRevision();
  }

  compact(options?: { keepRevisions?: number; keepSeconds?: number }): Promise<CompactionResult> {
    return this.store.compact(options);
  }
}

/**
 * A transform of a newline-delimited JSON watch stream that opens each event's object. Lines
 * may arrive split across chunks; each is passed on whole, in order.
 */
export function openingEvents(open: (obj: KubeObject) => Promise<KubeObject>): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending = "";
  // A Secret that cannot be opened (its key is gone) becomes an ERROR event carrying the 500,
  // rather than a broken stream.
  const openLine = async (line: string): Promise<string> => {
    if (!line.includes(SEALED_FIELD)) return line;
    const event = JSON.parse(line) as { type: string; object: KubeObject };
    try {
      return JSON.stringify({ ...event, object: await open(event.object) });
    } catch (e) {
      const error = e instanceof ApiError ? e : errors.internal(String(e));
      return JSON.stringify({ type: "ERROR", object: error.toStatus() });
    }
  };
  return new TransformStream({
    async transform(chunk, controller) {
      pending += decoder.decode(chunk, { stream: true });
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      if (lines.length === 0) return;
      const opened = await Promise.all(lines.map(openLine));
      controller.enqueue(encoder.encode(opened.map((l) => `${l}\n`).join("")));
    },
    async flush(controller) {
      pending += decoder.decode();
      if (pending) controller.enqueue(encoder.encode(await openLine(pending)));
    },
  });
}
