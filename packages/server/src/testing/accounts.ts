/** Accounts for server tests: registered over REST (argon2id), connected with a real WebSocket. */
import { connectRaw, type GuestSession, type RawClient } from './ws-client.js';

export const TEST_PASSWORD = 'correct horse battery';

export async function registerAccount(url: string, username: string, name = username): Promise<{ token: string; user: GuestSession['user'] }> {
  const response = await fetch(`${url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: TEST_PASSWORD, name }),
  });
  if (!response.ok) throw new Error(`registering ${username} failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as { token: string; user: GuestSession['user'] };
}

/** Registers and connects; the client is pushed on `open` so the suite closes it. */
export async function enterAsAccount(server: { url: string; wsUrl: string }, username: string, open: RawClient[], name = username): Promise<GuestSession> {
  const { token, user } = await registerAccount(server.url, username, name);
  const client = await connectRaw(server.wsUrl, { token });
  open.push(client);
  return { client, user, token };
}

/** A REST call with a Bearer token; resolves with the status and the parsed body. */
export async function api<T = unknown>(
  url: string,
  token: string | null,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}
