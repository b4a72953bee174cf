/** "Alice is typing…" under the messages; the line keeps its height so the list does not jump. */
import type { UserRef } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';

export function TypingIndicator({ users }: { users: readonly UserRef[] }) {
  const { m } = useI18n();
  let text = '';
  if (users.length === 1) text = m.typingOne(users[0]!.name);
  else if (users.length === 2) text = m.typingTwo(users[0]!.name, users[1]!.name);
  else if (users.length > 2) text = m.typingMany;
  return (
    <div className="typing" aria-live="polite" data-testid="typing">
      {text && (
        <>
          <span className="typing-dots" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          <span>{text}</span>
        </>
      )}
    </div>
  );
}
