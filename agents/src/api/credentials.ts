/**
 * The agent's credential for the control plane, in one place. Today `--token` is a bearer token
 * the API server accepts as it is. When the server learns the bootstrap flow, a join token
 * (`<token-id>.<token-secret>`) is traded here, once, for a node credential kept in the state
 * dir (`credential.json`, mode 0600), and the join token is not used again.
 */
export interface Credentials {
  /** The value of the `Authorization` header. */
  authorization(): string;
}

export function bearerCredentials(token: string): Credentials {
  return { authorization: () => `Bearer ${token}` };
}
