/**
 * A public room the person has not joined, read-only: its recent messages (no
 * composer, no reacting, editing or deleting) and a bar that offers to join.
 */
import { useMemo, useState } from 'react';
import type { RoomState, UserSummary } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { errorText } from './error-text.js';
import { useClient } from './ClientContext.js';
import { useRoomPreview } from './useRoomPreview.js';
import { MessageList } from '../messages/MessageList.js';
import type { MessageHandlers } from '../messages/MessageRow.js';

const NOTHING = () => undefined;
/** Read-only rows call only nameOf; the rest are never offered. */
const HANDLERS: MessageHandlers = {
  react: NOTHING,
  edit: async () => undefined,
  remove: NOTHING,
  removeOthers: NOTHING,
  report: NOTHING,
  retry: NOTHING,
  discard: NOTHING,
  nameOf: (id, fallback) => fallback ?? id,
};

export function RoomPreview({ room, self, toast }: { room: RoomState; self: UserSummary; toast(text: string): void }) {
  const client = useClient();
  const { m } = useI18n();
  const preview = useRoomPreview(client, room.id);
  const [joining, setJoining] = useState(false);
  const label = `#${room.name}`;
  // The room as the message list reads it: the preview's timeline, nothing pending, nothing unread.
  const shown = useMemo<RoomState | null>(
    () =>
      preview.timeline && {
        ...room,
        timeline: preview.timeline,
        hasOlder: preview.hasOlder,
        syncedSeq: preview.timeline.at(-1)?.seq ?? 0,
        pending: [],
        typing: [],
        unread: 0,
      },
    [room, preview.timeline, preview.hasOlder],
  );

  const join = async () => {
    setJoining(true);
    try {
      await client.join(room.id);
    } catch (error) {
      toast(errorText(error, m));
      setJoining(false);
    }
  };

  return (
    <section className="conversation preview" aria-label={label}>
      {shown ? (
        <MessageList
          room={shown}
          self={self}
          readOnly
          editing={null}
          setEditing={NOTHING}
          handlers={HANDLERS}
          loadOlder={preview.loadOlder}
          sentTick={0}
          onAtBottomChange={NOTHING}
          onEscape={NOTHING}
        />
      ) : (
        <div className="preview-status" role="status">
          {preview.failed ? m.previewFailed : <span className="spinner" aria-label={m.loadingMessages} />}
        </div>
      )}
      <div className="preview-bar">
        <p>{m.previewing(label)}</p>
        <button type="button" className="button primary" onClick={() => void join()} disabled={joining}>
          {m.joinRoom}
        </button>
      </div>
    </section>
  );
}
