/** A small grid of common reactions, opened from a message's toolbar. Escape or a click outside closes it. */
import { useEffect, useRef } from 'react';
import { useI18n } from '../i18n/i18n.js';

export const QUICK_REACTIONS = ['👍', '🎉', '😂'] as const;
export const ALL_REACTIONS = ['👍', '👎', '❤️', '😂', '🎉', '😮', '😢', '🙏', '👀', '🔥', '✅', '🚀'] as const;

export function EmojiPicker({ onPick, onClose }: { onPick(emoji: string): void; onClose(): void }) {
  const { m } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.querySelector('button')?.focus();
    const onPointer = (event: PointerEvent) => {
      if (!ref.current?.contains(event.target as Node)) onClose();
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [onClose]);
  return (
    <div
      ref={ref}
      className="emoji-picker"
      role="group"
      aria-label={m.react}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.stopPropagation();
          onClose();
        }
      }}
    >
      {ALL_REACTIONS.map((emoji) => (
        <button key={emoji} type="button" aria-label={m.reactWith(emoji)} title={m.reactWith(emoji)} onClick={() => onPick(emoji)}>
          {emoji}
        </button>
      ))}
    </div>
  );
}
