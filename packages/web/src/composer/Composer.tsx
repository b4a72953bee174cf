/**
 * Writing a message: Enter sends, Shift+Enter starts a new line (and Enter
 * while an input method is composing, e.g. Korean, only finishes the
 * syllable). Arrow-up in an empty composer edits the person's last message.
 * Drafts are kept per room while the page lives.
 */
import { forwardRef, useEffect, useImperativeHandle, useLayoutEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n/i18n.js';
import { Icon } from '../components/Icon.js';
import { autosize } from './autosize.js';

const drafts = new Map<string, string>();
/** Show the length counter this close to the limit. */
const COUNTER_MARGIN = 200;

export interface ComposerProps {
  room: string;
  roomLabel: string;
  maxChars: number;
  /** The room's slow mode, when it holds the writer back: said beside the hint. */
  slowModeSeconds?: number | undefined;
  onSend(body: string): void;
  onTyping(): void;
  onEditLast(): void;
}

export interface ComposerHandle {
  focus(): void;
}

export const Composer = forwardRef<ComposerHandle, ComposerProps>(function Composer({ room, roomLabel, maxChars, slowModeSeconds, onSend, onTyping, onEditLast }, handle) {
  const { m } = useI18n();
  const [value, setValue] = useState(() => drafts.get(room) ?? '');
  const area = useRef<HTMLTextAreaElement>(null);
  useImperativeHandle(handle, () => ({ focus: () => area.current?.focus() }), []);

  useLayoutEffect(() => autosize(area.current!), [value]);

  useEffect(() => {
    // Typing should go to the composer as soon as a room opens, except on touch screens where it would raise the keyboard.
    if (matchMedia('(pointer: fine)').matches) area.current!.focus();
  }, []);

  const update = (next: string) => {
    setValue(next);
    if (next) drafts.set(room, next);
    else drafts.delete(room);
  };

  const body = value.replace(/^\s*\n/, '').trimEnd();
  const over = value.length - maxChars;
  const canSend = body.trim() !== '' && over <= 0;

  const send = () => {
    if (!canSend) return;
    onSend(body);
    update('');
  };

  return (
    <form
      className="composer"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <div className="composer-box">
        <textarea
          ref={area}
          id="composer"
          className="composer-input"
          rows={1}
          value={value}
          placeholder={m.messagePlaceholder(roomLabel)}
          aria-label={m.composerLabel(roomLabel)}
          aria-describedby="composer-hint"
          aria-invalid={over > 0}
          enterKeyHint="send"
          onChange={(event) => {
            update(event.target.value);
            if (event.target.value.trim() !== '') onTyping();
          }}
          onKeyDown={(event) => {
            if (event.nativeEvent.isComposing || event.keyCode === 229) return;
            if (event.key === 'Enter' && !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey) {
              event.preventDefault();
              send();
            } else if (event.key === 'ArrowUp' && value === '') {
              event.preventDefault();
              onEditLast();
            }
          }}
        />
        <button type="submit" className="composer-send" disabled={!canSend} aria-label={m.send} title={m.send}>
          <Icon name="send" size={18} />
        </button>
      </div>
      <div className="composer-foot">
        <span className="composer-notes">
          {slowModeSeconds ? (
            <span className="composer-slow" data-testid="slow-mode-hint">
              <Icon name="clock" size={13} />
              {m.slowModeHint(slowModeSeconds)}
            </span>
          ) : null}
          <span id="composer-hint" className="composer-hint">
            {m.composerHint}
          </span>
        </span>
        {value.length > maxChars - COUNTER_MARGIN && (
          <span className={over > 0 ? 'composer-count over' : 'composer-count'} aria-live="polite">
            {over > 0 ? m.tooLong(over) : `${value.length} / ${maxChars}`}
          </span>
        )}
      </div>
    </form>
  );
});
