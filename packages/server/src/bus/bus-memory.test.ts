import { runBusContract } from './bus.contract.js';
import { MemoryBroker, MemoryBus } from './bus-memory.js';

runBusContract('memory', async () => {
  const broker = new MemoryBroker();
  return { node: () => new MemoryBus(broker), cleanup: async () => undefined };
});
