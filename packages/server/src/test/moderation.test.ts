/**
 * Moderation end to end, over real WebSockets: each action reaches every
 * connection at once and is in the log for those who resume; a ban holds by
 * every route back in; a time-out ends on time; slow mode holds across
 * connections (and, on PostgreSQL, across two server processes on one database).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AckFrame, ErrorFrame, EventFrame, ReportFrame, BlocksFrame, RoomEvent, ServerFrame, WelcomeFrame } from '@parley/protocol';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { connectRaw, enterAsGuest, type GuestSession, type RawClient } from '../testing/ws-client.js';

async function refused(promise: Promise<unknown>): Promise<ErrorFrame> {
  try {
    await promise;
  } catch (error) {
    return error as ErrorFrame;
  }
  assert.fail('expected an error');
}

const eventOf = (room: string, kind: RoomEvent['kind']) => (f: ServerFrame) => f.type === 'event' && f.event.room === room && f.event.kind === kind;

describe('moderation, end to end', { timeout: 120_000 }, () => {
  let server: ServerProcess;
  /** A second server on the same PostgreSQL database (another node); null on SQLite. */
  let second: ServerProcess | null = null;
  const open: RawClient[] = [];
  let n = 0;
  const enter = (name: string, on: ServerProcess = server) => enterAsGuest(on, `${name} ${++n}`, open);
  const connect = async (token: string, on: ServerProcess = server) => {
    const client = await connectRaw(on.wsUrl, { token });
    open.push(client);
    return client;
  };

  before(async () => {
    server = await startServerProcess({ env: { RATE_LIMITS: 'off', PRESENCE_INTERVAL_MS: '0' } });
    if (server.database.kind === 'postgres') {
      second = await startServerProcess({ env: { RATE_LIMITS: 'off', PRESENCE_INTERVAL_MS: '0', DATABASE_URL: server.database.url } });
    }
  });
  after(async () => {
    for (const client of open) client.close();
    await second?.stop();
    await server?.stop();
  });

  /** A public room owned by `owner`, with `members` in it. */
  async function room(owner: GuestSession, ...members: GuestSession[]): Promise<string> {
    const { room } = await owner.client.request<AckFrame<'create'>>({ type: 'create', name: `room ${++n}`, kind: 'public' });
    for (const member of members) await member.client.request({ type: 'join', room: room.id });
    return room.id;
  }

  test('a banned user cannot rejoin by any route, until the ban ends or is lifted', async () => {
    const owner = await enter('Owner');
    const friend = await enter('Friend');
    const banned = await enter('Banned');
    const elsewhere = await connect(banned.token);
    const id = await room(owner, friend, banned);
    const { seq: spam } = await banned.client.request<AckFrame<'send'>>({ type: 'send', id: 'spam-00000001', room: id, body: 'buy now' });

    const ack = await owner.client.request<AckFrame<'ban'>>({ type: 'ban', room: id, user: banned.user.id, deleteMessagesMs: 60_000, reason: 'spam' });
    assert.equal(ack.deleted, 1);
    // At once, on every connection: the others see the ban (naming the deleted message), the banned user's connections leave.
    const seen = await friend.client.waitFor<EventFrame>(eventOf(id, 'ban'));
    assert.deepEqual(seen.event.kind === 'ban' && [seen.event.target.id, seen.event.deleted], [banned.user.id, [spam]]);
    for (const client of [banned.client, elsewhere]) await client.waitFor((f) => f.type === 'room_left' && f.room === id);

    // By the join frame, from either connection and from a new one.
    assert.equal((await refused(banned.client.request({ type: 'join', room: id }))).code, 'banned');
    const fresh = await connect(banned.token);
    const listed = (fresh.frames[0] as WelcomeFrame).rooms.find((r) => r.id === id);
    assert.equal(listed?.joined, false);
    assert.equal((await refused(fresh.request({ type: 'join', room: id }))).code, 'banned');
    // By an invitation.
    assert.equal((await refused(friend.client.request({ type: 'invite', room: id, username: banned.user.username }))).code, 'banned');
    // By resuming as if still a member, or writing as one.
    const resume = await fresh.request<AckFrame<'resume'>>({ type: 'resume', rooms: [{ room: id, after: 0 }] });
    assert.equal(resume.rooms[0]!.status, 'not_found');
    assert.equal((await refused(fresh.request({ type: 'send', id: 'spam-00000002', room: id, body: 'still here?' }))).code, 'not_member');
    // Through another node sharing the database.
    if (second) {
      const there = await connect(banned.token, second);
      assert.equal((await refused(there.request({ type: 'join', room: id }))).code, 'banned');
    }
    // Lifted, the way back is open.
    await owner.client.request({ type: 'unban', room: id, user: banned.user.id });
    await fresh.request({ type: 'join', room: id });

    // A ban with an end: refused before it, with the time left; let in after it.
    await owner.client.request({ type: 'ban', room: id, user: banned.user.id, durationMs: 1500 });
    const early = await refused(fresh.request({ type: 'join', room: id }));
    assert.equal(early.code, 'banned');
    assert.ok(early.retryAfterMs! > 0 && early.retryAfterMs! <= 1500, String(early.retryAfterMs));
    await new Promise((resolve) => setTimeout(resolve, early.retryAfterMs! + 50));
    await fresh.request({ type: 'join', room: id });
  });

  test('a timed-out user is refused until the deadline and let in within a second after it', async () => {
    const owner = await enter('Owner');
    const muted = await enter('Muted');
    const other = await connect(muted.token);
    const id = await room(owner, muted);
    const { seq: mine } = await muted.client.request<AckFrame<'send'>>({ type: 'send', id: 'mute-00000001', room: id, body: 'before' });
    const { until } = await owner.client.request<AckFrame<'timeout'>>({ type: 'timeout', room: id, user: muted.user.id, durationMs: 1500 });
    // Every connection of theirs learns of it at once.
    for (const client of [muted.client, other]) {
      const event = await client.waitFor<EventFrame>(eventOf(id, 'timeout'));
      assert.equal(event.event.kind === 'timeout' && event.event.until, until);
    }
    const first = await refused(muted.client.request({ type: 'send', id: 'mute-00000002', room: id, body: 'now?' }));
    assert.equal(first.code, 'timed_out');
    assert.equal(first.retryable, false);
    assert.ok(first.retryAfterMs! > 0 && first.retryAfterMs! <= 1500);
    assert.equal((await refused(other.request({ type: 'react', room: id, target: mine, emoji: '👍', on: true }))).code, 'timed_out');
    assert.equal((await refused(other.request({ type: 'edit', room: id, target: mine, body: 'edited' }))).code, 'timed_out');

    // Try every 50 ms: refused while the deadline has not come, stored within a second after it.
    let attempt = 0;
    for (;;) {
      const sentAt = Date.now();
      try {
        await muted.client.request({ type: 'send', id: `mute-try-${++attempt}`, room: id, body: `try ${attempt}` });
        assert.ok(sentAt >= until - 50, `stored ${until - sentAt} ms before the deadline`);
        assert.ok(Date.now() - until < 1000, `stored ${Date.now() - until} ms after the deadline`);
        break;
      } catch (error) {
        assert.equal((error as ErrorFrame).code, 'timed_out');
        assert.ok(Date.now() < until + 1000, 'still refused a second after the deadline');
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  test('slow mode cannot be bypassed by opening several connections (or using several servers)', async () => {
    const owner = await enter('Owner');
    const eager = await enter('Eager');
    const id = await room(owner, eager);
    const clients = [eager.client];
    for (let i = 0; i < 4; i++) clients.push(await connect(eager.token, second && i % 2 === 0 ? second : server));
    await owner.client.request({ type: 'room_settings', room: id, slowModeSeconds: 2 });
    await eager.client.waitFor(eventOf(id, 'settings'));
    for (let round = 0; round < 2; round++) {
      const sends = clients.map((client, i) => client.request({ type: 'send', id: `slow-${round}-${i}-000`, room: id, body: `round ${round} from ${i}` }));
      const outcomes = await Promise.allSettled(sends);
      const stored = outcomes.filter((o) => o.status === 'fulfilled').length;
      assert.equal(stored, 1, `round ${round}: one of ${clients.length} stored`);
      let wait = 0;
      for (const o of outcomes) {
        if (o.status === 'fulfilled') continue;
        const error = o.reason as ErrorFrame;
        assert.equal(error.code, 'slow_mode');
        assert.equal(error.retryable, true);
        wait = Math.max(wait, error.retryAfterMs!);
      }
      assert.ok(wait > 0 && wait <= 2000, String(wait));
      await new Promise((resolve) => setTimeout(resolve, wait + 20));
    }
    // The owner is exempt.
    for (let i = 0; i < 3; i++) await owner.client.request({ type: 'send', id: `slow-owner-${i}00`, room: id, body: `owner ${i}` });
  });

  test('kicks, roles and settings reach every connection at once, and a resuming client replays them', async () => {
    const owner = await enter('Owner');
    const watcher = await enter('Watcher');
    const kicked = await enter('Kicked');
    const kickedElsewhere = await connect(kicked.token);
    const id = await room(owner, watcher, kicked);
    // Watcher drops off; meanwhile things happen.
    const { seq: lastSeen } = await owner.client.request<AckFrame<'send'>>({ type: 'send', id: 'resume-0000001', room: id, body: 'hi' });
    await watcher.client.waitFor((f) => f.type === 'event' && f.event.seq === lastSeen && f.event.room === id);
    watcher.client.close();

    await owner.client.request({ type: 'role', room: id, user: kicked.user.id, role: 'moderator' });
    await owner.client.request({ type: 'role', room: id, user: kicked.user.id, role: 'member' });
    await owner.client.request({ type: 'room_settings', room: id, readOnly: true, slowModeSeconds: 5 });
    await owner.client.request({ type: 'kick', room: id, user: kicked.user.id });
    for (const client of [kicked.client, kickedElsewhere]) await client.waitFor((f) => f.type === 'room_left' && f.room === id);
    // They may come back: a kick is not a ban.
    await kicked.client.request({ type: 'join', room: id });

    const back = await connect(watcher.token);
    const welcome = back.frames[0] as WelcomeFrame;
    assert.deepEqual(welcome.rooms.find((r) => r.id === id)?.settings, { readOnly: true, slowModeSeconds: 5 });
    const since = back.frames.length;
    await back.request({ type: 'resume', rooms: [{ room: id, after: lastSeen }] });
    const replayed = back.frames.slice(since).filter((f): f is EventFrame => f.type === 'event').map((f) => f.event.kind);
    assert.deepEqual(replayed, ['role', 'role', 'settings', 'kick', 'join']);
    assert.equal((await refused(back.request({ type: 'send', id: 'read-only-001', room: id, body: 'may I?' }))).code, 'forbidden');
  });

  test('a moderator deletes a message: everyone sees a moderated tombstone; the author above them cannot be touched', async () => {
    const owner = await enter('Owner');
    const moderator = await enter('Moderator');
    const author = await enter('Author');
    const id = await room(owner, moderator, author);
    await owner.client.request({ type: 'role', room: id, user: moderator.user.id, role: 'moderator' });
    const { seq } = await author.client.request<AckFrame<'send'>>({ type: 'send', id: 'moddel-000001', room: id, body: 'rude words' });
    await moderator.client.request({ type: 'delete', room: id, target: seq, reason: 'rude' });
    for (const client of [owner.client, author.client]) {
      const event = await client.waitFor<EventFrame>(eventOf(id, 'delete'));
      assert.deepEqual(event.event.kind === 'delete' && [event.event.target, event.event.moderated, event.event.user.id], [seq, true, moderator.user.id]);
    }
    const page = await owner.client.request<AckFrame<'history'>>({ type: 'history', room: id, after: seq - 1, limit: 1 });
    assert.deepEqual(page.events[0], { ...page.events[0], body: '', deleted: true, moderated: true });
    const { seq: owners } = await owner.client.request<AckFrame<'send'>>({ type: 'send', id: 'moddel-000002', room: id, body: 'mine' });
    assert.equal((await refused(moderator.client.request({ type: 'delete', room: id, target: owners }))).code, 'forbidden');
  });

  test('a report reaches the room’s moderators on every connection, and only them', async () => {
    const owner = await enter('Owner');
    const ownerElsewhere = await connect(owner.token);
    const reporter = await enter('Reporter');
    const bystander = await enter('Bystander');
    const id = await room(owner, reporter, bystander);
    const { seq } = await bystander.client.request<AckFrame<'send'>>({ type: 'send', id: 'report-000001', room: id, body: 'questionable' });
    const { report } = await reporter.client.request<AckFrame<'report'>>({ type: 'report', room: id, target: seq, reason: 'off topic' });
    for (const client of [owner.client, ownerElsewhere]) {
      const frame = await client.waitFor<ReportFrame>((f) => f.type === 'report' && f.report.id === report.id);
      assert.deepEqual([frame.report.target, frame.report.reason, frame.report.author.id], [seq, 'off topic', bystander.user.id]);
    }
    const open = await owner.client.request<AckFrame<'reports'>>({ type: 'reports', room: id });
    assert.deepEqual(open.reports.map((r) => r.id), [report.id]);
    assert.equal((await refused(bystander.client.request({ type: 'reports', room: id }))).code, 'forbidden');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(bystander.client.frames.some((f) => f.type === 'report') || reporter.client.frames.some((f) => f.type === 'report'), false);
    await owner.client.request({ type: 'resolve_report', room: id, report: report.id });
    assert.deepEqual((await owner.client.request<AckFrame<'reports'>>({ type: 'reports', room: id })).reports, []);
  });

  test('blocking: every connection of the blocker learns the list; the blocked person cannot write in their DM', async () => {
    const blocker = await enter('Blocker');
    const elsewhere = await connect(blocker.token);
    const pest = await enter('Pest');
    const { room } = await pest.client.request<AckFrame<'dm'>>({ type: 'dm', username: blocker.user.username });
    await pest.client.request({ type: 'send', id: 'dm-pest-00001', room: room.id, body: 'hello?' });
    const { users } = await blocker.client.request<AckFrame<'block'>>({ type: 'block', user: pest.user.id, on: true });
    assert.deepEqual(users.map((u) => u.id), [pest.user.id]);
    await elsewhere.waitFor<BlocksFrame>((f) => f.type === 'blocks' && f.users.length === 1);
    assert.equal((await refused(pest.client.request({ type: 'send', id: 'dm-pest-00002', room: room.id, body: 'hello??' }))).code, 'forbidden');
    const later = await connect(blocker.token);
    assert.deepEqual((later.frames[0] as WelcomeFrame).blocked?.map((u) => u.id), [pest.user.id]);
    await blocker.client.request({ type: 'block', user: pest.user.id, on: false });
    await pest.client.request({ type: 'send', id: 'dm-pest-00003', room: room.id, body: 'sorry' });
  });
});
