/**
 * The frames of the flood scenario, typed by @parley/protocol: a protocol
 * change breaks the benchmark's build, not its figures.
 */
import type { ClientFrame, ClientFrameOf } from '@parley/protocol';
import type { FloodScenario } from './job.js';

export const LOBBY = 'lobby';

/** The flood, in the order it is written: history pages, resumes, then members and rooms lists. */
export function floodFrames(scenario: FloodScenario): ClientFrame[] {
  const frames: ClientFrame[] = [];
  for (let i = 0; i < scenario.historyFrames; i++) {
    const page: ClientFrameOf<'history'> = { type: 'history', ref: `flood-h${i}`, room: LOBBY, limit: 200 };
    frames.push(page);
  }
  const unknownRooms = Array.from({ length: scenario.resumeRooms - 1 }, (_, i) => ({ room: `no-such-room-${i}`, after: 0 }));
  for (let i = 0; i < scenario.resumeFrames; i++) {
    const resume: ClientFrameOf<'resume'> = { type: 'resume', ref: `flood-r${i}`, rooms: [{ room: LOBBY, after: 0 }, ...unknownRooms] };
    frames.push(resume);
  }
  for (let i = 0; i < scenario.listFrames; i++) {
    const members: ClientFrameOf<'members'> = { type: 'members', ref: `flood-m${i}`, room: LOBBY };
    const rooms: ClientFrameOf<'rooms'> = { type: 'rooms', ref: `flood-l${i}` };
    frames.push(members, rooms);
  }
  return frames;
}

export function pingFrame(n: number): string {
  const ping: ClientFrameOf<'ping'> = { type: 'ping', ref: `ping-${n}` };
  return JSON.stringify(ping);
}

export function sendFrame(id: string, body: string): string {
  const send: ClientFrameOf<'send'> = { type: 'send', id, room: LOBBY, body };
  return JSON.stringify(send);
}
