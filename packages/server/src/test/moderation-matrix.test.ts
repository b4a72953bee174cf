/**
 * The permission matrix: every actor rank × every action × every target rank,
 * over real WebSockets against a real server, each case in a room of its own.
 * The expected outcome is written out here from the rules as documented
 * (docs/protocol.md §23), independently of the server's code:
 * - ranks: server admin 4, owner 3, admin 2, moderator 1, member 0;
 * - each action needs its default permission's rank; acting on someone needs a
 *   rank above theirs; granting a role needs a rank above that role;
 * - a refusal is `forbidden`, and changes nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AckFrame, ErrorFrame, Role } from '@parley/protocol';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { enterAsAccount } from '../testing/accounts.js';
import { enterAsGuest, type GuestSession, type RawClient } from '../testing/ws-client.js';

type Rank = 'server admin' | Role;
const RANKS: readonly Rank[] = ['server admin', 'owner', 'admin', 'moderator', 'member'];
const LEVEL: Record<Rank, number> = { 'server admin': 4, owner: 3, admin: 2, moderator: 1, member: 0 };

/** Actions on a person, and the least rank each needs (the default permissions). */
const ON_PEOPLE = {
  kick: 1,
  ban: 1,
  timeout: 1,
  'delete their message': 1,
  'role → member': 0,
  'role → moderator': 0,
  'role → admin': 0,
  'role → owner': 0,
} as const;
type PersonAction = keyof typeof ON_PEOPLE;

/** Actions in a room, and the least rank each needs. */
const IN_ROOM = {
  post: 0,
  react: 0,
  'mention everyone': 1,
  invite: 0,
  'make read-only': 2,
  'slow mode': 1,
  'change permissions': 3,
  unban: 1,
  'resolve a report': 1,
  'read the audit log': 1,
  'read reports': 1,
  'read bans': 1,
} as const;
type RoomAction = keyof typeof IN_ROOM;

function expectedOnPerson(actor: Rank, action: PersonAction, target: Rank): boolean {
  const a = LEVEL[actor];
  if (a < ON_PEOPLE[action] || a <= LEVEL[target]) return false;
  if (action.startsWith('role → ')) return a > LEVEL[action.slice('role → '.length) as Role];
  return true;
}

describe('the permission matrix', { timeout: 600_000 }, () => {
  let server: ServerProcess;
  const open: RawClient[] = [];
  /** Two people of each rank (an actor and a target of the same rank must differ), and root, who sets rooms up. */
  const people = new Map<Rank, [GuestSession, GuestSession]>();
  let root: GuestSession;
  let outsider: GuestSession;
  let rooms = 0;
  const tally = { cases: 0, passed: 0 };

  before(async () => {
    server = await startServerProcess({ env: { RATE_LIMITS: 'off', ADMIN_USERS: 'root,admin-one,admin-two', PRESENCE_INTERVAL_MS: '0' } });
    root = await enterAsAccount(server, 'root', open);
    outsider = await enterAsGuest(server, 'Outsider', open);
    people.set('server admin', [await enterAsAccount(server, 'admin-one', open), await enterAsAccount(server, 'admin-two', open)]);
    for (const rank of RANKS.slice(1)) {
      people.set(rank, [await enterAsGuest(server, `${rank} one`, open), await enterAsGuest(server, `${rank} two`, open)]);
    }
  });

  after(async () => {
    for (const client of open) client.close();
    await server?.stop();
    console.log(`permission matrix: ${tally.cases} cases, ${tally.passed} as expected`);
  });

  /** A new public room made by root, with `actor` and `target` in it at their ranks (server admins as members). */
  async function roomWith(actor: [Rank, GuestSession], target?: [Rank, GuestSession]): Promise<string> {
    const { room } = await root.client.request<AckFrame<'create'>>({ type: 'create', name: `matrix-${++rooms}`, kind: 'public' });
    for (const [rank, person] of target ? [actor, target] : [actor]) {
      await person.client.request({ type: 'join', room: room.id });
      if (rank !== 'server admin' && rank !== 'member') await root.client.request({ type: 'role', room: room.id, user: person.user.id, role: rank });
    }
    return room.id;
  }

  /** Runs a request; 'ok' for an ack, else the error's code. */
  async function outcome(client: RawClient, frame: Record<string, unknown>): Promise<string> {
    try {
      await client.request(frame);
      return 'ok';
    } catch (error) {
      return (error as ErrorFrame).code ?? String(error);
    }
  }

  function check(label: string, expected: boolean, got: string, mismatches: string[]): void {
    tally.cases++;
    const as = expected ? got === 'ok' : got === 'forbidden';
    if (as) tally.passed++;
    else mismatches.push(`${label}: expected ${expected ? 'ok' : 'forbidden'}, got ${got}`);
  }

  for (const action of Object.keys(ON_PEOPLE) as PersonAction[]) {
    test(`${action}: every actor rank on every target rank`, async () => {
      const mismatches: string[] = [];
      for (const actorRank of RANKS) {
        for (const targetRank of RANKS) {
          const actor = people.get(actorRank)![0];
          const target = people.get(targetRank)![1];
          const room = await roomWith([actorRank, actor], [targetRank, target]);
          let frame: Record<string, unknown>;
          if (action === 'delete their message') {
            const id = `matrix-${rooms}-${Date.now()}`;
            const { seq } = await target.client.request<AckFrame<'send'>>({ type: 'send', id, room, body: 'delete me?' });
            frame = { type: 'delete', room, target: seq };
          } else if (action.startsWith('role → ')) {
            frame = { type: 'role', room, user: target.user.id, role: action.slice('role → '.length) };
          } else if (action === 'timeout') {
            frame = { type: 'timeout', room, user: target.user.id, durationMs: 60_000 };
          } else {
            frame = { type: action, room, user: target.user.id };
          }
          const expected = expectedOnPerson(actorRank, action, targetRank);
          const got = await outcome(actor.client, frame);
          check(`${actorRank} ${action} ${targetRank}`, expected, got, mismatches);
          // A refusal changed nothing: the target is still a member with their rank.
          if (!expected && action !== 'delete their message') {
            const { members } = await root.client.request<AckFrame<'members'>>({ type: 'members', room });
            const still = members.find((m) => m.user.id === target.user.id);
            if (!still || still.role !== (targetRank === 'server admin' ? 'member' : targetRank) || still.timedOutUntil !== undefined) {
              mismatches.push(`${actorRank} ${action} ${targetRank}: refused, yet the target changed (${JSON.stringify(still)})`);
            }
          }
        }
      }
      assert.deepEqual(mismatches, []);
    });
  }

  for (const action of Object.keys(IN_ROOM) as RoomAction[]) {
    test(`${action}: every actor rank`, async () => {
      const mismatches: string[] = [];
      for (const actorRank of RANKS) {
        const actor = people.get(actorRank)![0];
        const room = await roomWith([actorRank, actor]);
        const { seq: message } = await root.client.request<AckFrame<'send'>>({ type: 'send', id: `matrix-root-${rooms}`, room, body: 'hello' });
        let frame: Record<string, unknown>;
        switch (action) {
          case 'post':
            frame = { type: 'send', id: `matrix-post-${rooms}`, room, body: 'hi' };
            break;
          case 'react':
            frame = { type: 'react', room, target: message, emoji: '👍', on: true };
            break;
          case 'mention everyone':
            frame = { type: 'send', id: `matrix-all-${rooms}`, room, body: 'hey @room' };
            break;
          case 'invite':
            frame = { type: 'invite', room, username: outsider.user.username };
            break;
          case 'make read-only':
            frame = { type: 'room_settings', room, readOnly: true };
            break;
          case 'slow mode':
            frame = { type: 'room_settings', room, slowModeSeconds: 10 };
            break;
          case 'change permissions':
            frame = { type: 'room_settings', room, permissions: { react: 'moderator' } };
            break;
          case 'unban':
            await root.client.request({ type: 'ban', room, user: outsider.user.id });
            frame = { type: 'unban', room, user: outsider.user.id };
            break;
          case 'resolve a report': {
            const { report } = await root.client.request<AckFrame<'report'>>({ type: 'report', room, target: message });
            frame = { type: 'resolve_report', room, report: report.id };
            break;
          }
          case 'read the audit log':
            frame = { type: 'audit', room };
            break;
          case 'read reports':
            frame = { type: 'reports', room };
            break;
          case 'read bans':
            frame = { type: 'bans', room };
            break;
        }
        check(`${actorRank} ${action}`, LEVEL[actorRank] >= IN_ROOM[action], await outcome(actor.client, frame), mismatches);
      }
      assert.deepEqual(mismatches, []);
    });
  }

  test('the whole matrix was run, and every case came out as expected', () => {
    const expected = Object.keys(ON_PEOPLE).length * RANKS.length * RANKS.length + Object.keys(IN_ROOM).length * RANKS.length;
    assert.equal(tally.cases, expected);
    assert.equal(tally.passed, tally.cases);
  });
});
