/** Signing in and out through the SDK; the page holds at most one live client. */
import { ParleyClient, rest, type Credentials } from '@parley/client';

/** Who the page's session cookie belongs to; null when there is none or it expired. Throws when the server cannot be reached. */
export function currentUser() {
  return rest.me({ baseUrl: '' });
}

/**
 * Signs in (REST for guest, password and register, which also sets the session
 * cookie) and connects. Resolves once welcomed; rejects with the ParleyError
 * that refused the credentials.
 */
export async function startClient(credentials: Credentials): Promise<ParleyClient> {
  const client = new ParleyClient({ credentials });
  try {
    await client.connect();
  } catch (error) {
    client.close();
    throw error;
  }
  return client;
}
