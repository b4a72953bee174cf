/**
 * The usual setup of a server test suite: one server process for the suite,
 * guests entering it, and every client they opened closed with the server.
 */
import { after, before } from 'node:test';
import { startServerProcess, type ServerProcess } from './server-process.js';
import { connectRaw, enterAsGuest, type GuestSession, type RawClient } from './ws-client.js';

export interface GuestServer {
  /** A new guest, connected and welcomed. */
  enter(name: string): Promise<GuestSession>;
  /** Another connection with an existing session's token (a client coming back). */
  connect(token: string): Promise<RawClient>;
  /** The server's http://127.0.0.1:PORT (once the suite's `before` has run). */
  url(): string;
}

/** Registers the hooks in the calling scope (a file or a `describe`); later `before` hooks find the server running. */
export function useGuestServer(env: Record<string, string> = {}): GuestServer {
  const open: RawClient[] = [];
  let server: ServerProcess | undefined;
  before(async () => {
    server = await startServerProcess({ env });
  });
  after(async () => {
    for (const client of open) client.close();
    await server?.stop();
  });
  return {
    enter: (name) => enterAsGuest(server!, name, open),
    url: () => server!.url,
    async connect(token) {
      const client = await connectRaw(server!.wsUrl, { token });
      open.push(client);
      return client;
    },
  };
}
