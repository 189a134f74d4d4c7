/**
 * Standard base64 (with padding) of bytes and of UTF-8 text, as Kubernetes writes `[]byte`
 * fields and Secret data. `atob` throws on malformed input; callers decide what that means.
 */

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  // In slices: spreading a large array into one call would overflow the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export const utf8ToBase64 = (text: string): string => bytesToBase64(new TextEncoder().encode(text));

export const base64ToUtf8 = (text: string): string => new TextDecoder().decode(base64ToBytes(text));
