/** The dashboard's HTTP client: every call carries the bearer token; errors are Kubernetes Statuses. */

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

interface StatusBody {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
}

async function errorOf(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => "");
  try {
    const s = JSON.parse(text) as StatusBody;
    if (s.kind === "Status") return new ApiError(res.status, s.reason ?? "", s.message ?? res.statusText);
  } catch {
    // not JSON: fall through
  }
  return new ApiError(res.status, res.statusText, text.slice(0, 200) || `HTTP ${res.status}`);
}

export class Api {
  constructor(readonly token: string) {}

  private fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("Authorization", `Bearer ${this.token}`);
    if (!headers.has("Accept")) headers.set("Accept", "application/json");
    return fetch(path, { ...init, headers, cache: "no-store" });
  }

  async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    const res = await this.fetch(path, { signal });
    if (!res.ok) throw await errorOf(res);
    return (await res.json()) as T;
  }

  /** A streaming response body (watches, followed logs). */
  async stream(path: string, signal: AbortSignal, accept = "application/json"): Promise<ReadableStream<Uint8Array>> {
    const res = await this.fetch(path, { signal, headers: { Accept: accept } });
    if (!res.ok) throw await errorOf(res);
    if (!res.body) throw new ApiError(0, "NoBody", "the response has no body");
    return res.body;
  }
}
