import { runPresenceContract } from './presence.contract.js';
import { MemoryPresence, MemoryPresenceState } from './presence-memory.js';

runPresenceContract('memory', async () => {
  const state = new MemoryPresenceState();
  return { node: () => new MemoryPresence(state), cleanup: async () => undefined };
});
