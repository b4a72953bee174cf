import { runBusContract, runBusInterruptionContract, type MakeBuses } from './bus.contract.js';
import { RedisBus } from './bus-redis.js';
import type { Bus } from './bus.js';
import { killClientsNamed, REDIS_URL, removePrefix, skipWithoutRedis, testPrefix } from '../testing/redis.js';

const skip = await skipWithoutRedis();

const makeBuses: MakeBuses = async () => {
  const prefix = testPrefix();
  let nodes = 0;
  const names = new Map<Bus, string>();
  return {
    node: () => {
      const clientName = `parley-bus-test-${process.pid}-${prefix.split(':')[2]}-${++nodes}`;
      const bus = new RedisBus({ url: REDIS_URL, prefix, clientName });
      names.set(bus, clientName);
      return bus;
    },
    interrupt: async (bus) => {
      await killClientsNamed(names.get(bus)!);
    },
    cleanup: () => removePrefix(prefix),
  };
};

runBusContract('Redis', makeBuses, skip);
runBusInterruptionContract('Redis', makeBuses, skip);
