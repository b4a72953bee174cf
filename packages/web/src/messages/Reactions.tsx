/** The reaction chips under a message; pressing one adds or removes the person's own reaction. */
import type { Reactions as ReactionMap } from '@parley/protocol';
import { useI18n } from '../i18n/i18n.js';

export interface ReactionsProps {
  reactions: ReactionMap;
  selfId: string;
  /** Display names by user id, for the "who reacted" label. */
  nameOf(id: string, fallback?: string): string;
  onToggle(emoji: string, on: boolean): void;
  /** Follows the message row's roving tab stop. */
  tabIndex?: number;
  /** Shown, not pressable (a room previewed before joining). */
  readOnly?: boolean;
}

export function Reactions({ reactions, selfId, nameOf, onToggle, tabIndex, readOnly = false }: ReactionsProps) {
  const { m } = useI18n();
  const entries = Object.entries(reactions).filter(([, users]) => users.length > 0);
  if (entries.length === 0) return null;
  return (
    <ul className="reactions">
      {entries.map(([emoji, users]) => {
        const mine = users.includes(selfId);
        const label = m.reactionBy(emoji, users.map((id) => nameOf(id)).join(', '));
        return (
          <li key={emoji}>
            <button
              type="button"
              className="reaction"
              aria-pressed={mine}
              aria-label={label}
              title={label}
              tabIndex={tabIndex}
              disabled={readOnly}
              onClick={() => onToggle(emoji, !mine)}
            >
              <span className="reaction-emoji">{emoji}</span>
              <span className="reaction-count">{users.length}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
