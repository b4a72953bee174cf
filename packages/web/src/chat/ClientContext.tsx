/** The signed-in ParleyClient and its snapshot, for every component below the chat shell. */
import { createContext, useCallback, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { ClientSnapshot, ParleyClient } from '@parley/client';

const ClientContext = createContext<ParleyClient | null>(null);

export function ClientProvider({ client, children }: { client: ParleyClient; children: ReactNode }) {
  return <ClientContext.Provider value={client}>{children}</ClientContext.Provider>;
}

export function useClient(): ParleyClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient outside ClientProvider');
  return client;
}

export function useSnapshot(): ClientSnapshot {
  const client = useClient();
  const subscribe = useCallback((listener: () => void) => client.subscribe(listener), [client]);
  const getSnapshot = useCallback(() => client.getSnapshot(), [client]);
  return useSyncExternalStore(subscribe, getSnapshot);
}
