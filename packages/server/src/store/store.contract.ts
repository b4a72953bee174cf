/**
 * The contract every Store implementation passes: one node:test suite per
 * guarantee in store.ts's comment and per method. An implementation's test
 * file calls `runStoreContract` with a factory for fresh, empty stores.
 */
import { describe } from 'node:test';
import { accountTests } from './contract/accounts.js';
import { botTests } from './contract/bots.js';
import { concurrencyTests } from './contract/concurrency.js';
import { fileTests } from './contract/files.js';
import { guaranteeTests } from './contract/guarantees.js';
import type { MakeStore } from './contract/harness.js';
import { logTests } from './contract/log.js';
import { moderationTests } from './contract/moderation.js';
import { administrationTests } from './contract/administration.js';
import { peopleTests } from './contract/people.js';
import { roomTests } from './contract/rooms.js';
import { threadTests } from './contract/threads.js';
import { searchTests } from './contract/search.js';
import { webhookTests } from './contract/webhooks.js';

export type { MakeStore } from './contract/harness.js';

/** `skip`: false, or why this store cannot be tested here (its database is not running). */
export function runStoreContract(name: string, makeStore: MakeStore, skip: string | false = false): void {
  describe(`Store contract: ${name}`, { skip }, () => {
    guaranteeTests(makeStore);
    concurrencyTests(makeStore);
    accountTests(makeStore);
    botTests(makeStore);
    roomTests(makeStore);
    logTests(makeStore);
    fileTests(makeStore);
    moderationTests(makeStore);
    administrationTests(makeStore);
    threadTests(makeStore);
    searchTests(makeStore);
    peopleTests(makeStore);
    webhookTests(makeStore);
  });
}
