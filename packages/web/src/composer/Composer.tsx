/**
 * Writing a message: Enter sends, Shift+Enter starts a new line (and Enter
 * while an input method is composing, e.g. Korean, only finishes the
 * syllable). Arrow-up in an empty composer edits the person's last message.
 * Drafts are kept per room while the page lives. Files come by the attach
 * button, a paste or a drop (RoomView); they upload at once, and the message
 * (its text a caption, which may be empty) goes once they are all uploaded.
 */
import { forwardRef, useEffect, useImperativeHandle, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import type { Attachment } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { Icon } from '../components/Icon.js';
import { autosize } from './autosize.js';
import { useClient } from '../chat/ClientContext.js';
import { useUploads } from '../files/useUploads.js';
import { UploadTray } from './UploadTray.js';
import { useMentions } from '../people/useMentions.js';

const drafts = new Map<string, string>();
/** Show the length counter this close to the limit. */
const COUNTER_MARGIN = 200;

export interface ComposerProps {
  room: string;
  roomLabel: string;
  maxChars: number;
  maxFileBytes: number;
  maxAttachments: number;
  /** The room lets the writer send files (its `upload` permission): else no attach button, and dropped or pasted files are refused with a word. */
  mayUpload: boolean;
  /** The room's slow mode, when it holds the writer back: said beside the hint. */
  slowModeSeconds?: number | undefined;
  onSend(body: string, attachments: Attachment[]): void;
  /** A message the composer cannot send as it is (too many files). */
  onProblem(text: string): void;
  onTyping(): void;
  onEditLast(): void;
  /** A second composer on the page (a thread's) needs ids of its own, its own draft, its own words. */
  inputId?: string;
  draftKey?: string;
  placeholder?: string;
  label?: string;
  /** Shown above the box: what the message answers, or where else it goes. */
  above?: ReactNode;
}

export interface ComposerHandle {
  focus(): void;
  /** Files dropped on the room. */
  addFiles(files: readonly File[]): void;
}

export const Composer = forwardRef<ComposerHandle, ComposerProps>(function Composer(props, handle) {
  const { room, roomLabel, maxChars, maxFileBytes, maxAttachments, mayUpload, slowModeSeconds, onSend, onProblem, onTyping, onEditLast } = props;
  const { inputId = 'composer', draftKey = room, above } = props;
  const hintId = `${inputId}-hint`;
  const { m } = useI18n();
  const client = useClient();
  const [value, setValue] = useState(() => drafts.get(draftKey) ?? '');
  const area = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const files = useUploads(client, room);
  const addFiles = (list: readonly File[]) => {
    if (list.length === 0) return;
    if (!mayUpload) return onProblem(m.uploadNotAllowed);
    if (files.uploads.length + list.length > maxAttachments) return onProblem(m.tooManyFiles(maxAttachments));
    files.add(list);
    area.current?.focus();
  };
  const latestAdd = useRef(addFiles);
  latestAdd.current = addFiles;
  useImperativeHandle(handle, () => ({ focus: () => area.current?.focus(), addFiles: (list) => latestAdd.current(list) }), []);

  useLayoutEffect(() => autosize(area.current!), [value]);

  useEffect(() => {
    // Typing should go to the composer as soon as a room opens, except on touch screens where it would raise the keyboard.
    if (matchMedia('(pointer: fine)').matches) area.current!.focus();
  }, []);

  const update = (next: string) => {
    setValue(next);
    if (next) drafts.set(draftKey, next);
    else drafts.delete(draftKey);
  };

  const mention = useMentions({ client, room, area, value, update });

  const body = value.replace(/^\s*\n/, '').trimEnd();
  const over = value.length - maxChars;
  const uploaded = files.uploads.filter((upload) => upload.state === 'done').map((upload) => upload.attachment!);
  const allUploaded = files.uploads.length > 0 && uploaded.length === files.uploads.length;
  const canSend = (body.trim() !== '' || allUploaded) && over <= 0 && (files.uploads.length === 0 || allUploaded);

  const send = () => {
    if (!canSend) return;
    onSend(body.trim() === '' ? '' : body, uploaded);
    update('');
    files.clear();
  };

  return (
    <form
      className="composer"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      {above}
      <UploadTray uploads={files.uploads} maxFileBytes={maxFileBytes} onRemove={files.remove} onRetry={files.retry} />
      <div className="composer-box">
        {mention.menu}
        {mayUpload && (
          <button type="button" className="composer-attach" aria-label={m.attachFiles} title={m.attachFiles} onClick={() => picker.current?.click()}>
            <Icon name="paperclip" size={18} />
          </button>
        )}
        <input
          ref={picker}
          type="file"
          multiple
          hidden
          data-testid="file-input"
          onChange={(event) => {
            addFiles([...(event.target.files ?? [])]);
            event.target.value = '';
          }}
        />
        <textarea
          ref={area}
          id={inputId}
          className="composer-input"
          rows={1}
          value={value}
          placeholder={files.uploads.length > 0 ? m.captionPlaceholder : (props.placeholder ?? m.messagePlaceholder(roomLabel))}
          aria-label={props.label ?? m.composerLabel(roomLabel)}
          aria-describedby={hintId}
          aria-invalid={over > 0}
          aria-autocomplete="list"
          enterKeyHint="send"
          onPaste={(event) => {
            // A screenshot or a copied file: sent as a file, not pasted as text.
            const pasted = [...event.clipboardData.files];
            if (pasted.length === 0) return;
            event.preventDefault();
            addFiles(pasted);
          }}
          onChange={(event) => {
            update(event.target.value);
            mention.onSelect();
            if (event.target.value.trim() !== '') onTyping();
          }}
          onSelect={mention.onSelect}
          onBlur={mention.onBlur}
          onKeyDown={(event) => {
            if (event.nativeEvent.isComposing || event.keyCode === 229) return;
            if (mention.onKeyDown(event)) return;
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
          <span id={hintId} className="composer-hint">
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
