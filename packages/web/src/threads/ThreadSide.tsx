/**
 * What the room's side shows for threads (§25): one thread of the open room, or the list of
 * followed threads. Choosing a thread of another room opens that room with its thread.
 */
import type { ClientSnapshot, RoomState } from '@parley/client';
import { ThreadPanel } from './ThreadPanel.js';
import { ThreadsPanel } from './ThreadsPanel.js';

export type ThreadSideState = { kind: 'thread'; room: string; root: number } | { kind: 'threads' } | null;

export interface ThreadSideProps {
  side: Exclude<ThreadSideState, null>;
  setSide(side: ThreadSideState): void;
  active: RoomState;
  snapshot: ClientSnapshot;
  openRoom(room: string): void;
  blocked: ReadonlySet<string>;
  toast(text: string): void;
  requestDelete(room: string, seq: number): void;
  requestRemove(room: string, seq: number): void;
  requestReport(room: string, seq: number): void;
}

export function ThreadSide({ side, setSide, active, snapshot, openRoom, blocked, toast, requestDelete, requestRemove, requestReport }: ThreadSideProps) {
  const close = () => setSide(null);
  if (side.kind === 'threads') {
    return (
      <>
        <div className="scrim thread-scrim" onClick={close} aria-hidden="true" />
        <ThreadsPanel
          threads={snapshot.threads}
          rooms={snapshot.rooms}
          onClose={close}
          onOpen={(room, root) => {
            if (room !== active.id) openRoom(room);
            setSide({ kind: 'thread', room, root });
          }}
        />
      </>
    );
  }
  // A thread belongs to its room: another room on screen has no thread open.
  if (side.room !== active.id || !active.joined) return null;
  return (
    <>
      <div className="scrim thread-scrim" onClick={close} aria-hidden="true" />
      <ThreadPanel
        key={`${side.room}#${side.root}`}
        room={active}
        root={side.root}
        self={snapshot.user!}
        maxChars={snapshot.limits.maxBodyChars}
        maxFileBytes={snapshot.limits.maxFileBytes}
        maxAttachments={snapshot.limits.maxAttachments}
        admin={snapshot.admin}
        blocked={blocked}
        requestDelete={(seq) => requestDelete(active.id, seq)}
        requestRemove={(seq) => requestRemove(active.id, seq)}
        requestReport={(seq) => requestReport(active.id, seq)}
        toast={toast}
        onClose={close}
      />
    </>
  );
}
