/**
 * A long press by touch or pen: the way to a message's actions on a phone, which
 * has no hover for the toolbar. The press must stay put (scrolling cancels it);
 * the platform's own long-press menu (and the text selection it starts) is
 * suppressed while one is under way. Mouse presses are left alone.
 */
import { useEffect, useRef, type PointerEvent, type MouseEvent } from 'react';

/** How long a finger rests before the press counts: what Android and iOS use for their own menus. */
const LONG_PRESS_MS = 500;
/** How far (CSS pixels) a finger may drift during the press: further is a scroll. */
const SLOP_PX = 10;

export interface LongPressHandlers {
  onPointerDown(event: PointerEvent): void;
  onPointerMove(event: PointerEvent): void;
  onPointerUp(): void;
  onPointerCancel(): void;
  onContextMenu(event: MouseEvent): void;
}

export function useLongPress(onLongPress: () => void, enabled: boolean): LongPressHandlers | Record<string, never> {
  const press = useRef<{ x: number; y: number; timer: ReturnType<typeof setTimeout> | null } | null>(null);
  const latest = useRef(onLongPress);
  latest.current = onLongPress;
  const cancel = () => {
    if (press.current?.timer) clearTimeout(press.current.timer);
    press.current = null;
  };
  useEffect(() => cancel, []);
  if (!enabled) return {};
  const fire = () => {
    if (!press.current?.timer) return;
    press.current.timer = null;
    latest.current();
  };
  return {
    onPointerDown(event) {
      if (event.pointerType === 'mouse' || !event.isPrimary) return;
      cancel();
      press.current = { x: event.clientX, y: event.clientY, timer: setTimeout(fire, LONG_PRESS_MS) };
    },
    onPointerMove(event) {
      const start = press.current;
      if (start && Math.hypot(event.clientX - start.x, event.clientY - start.y) > SLOP_PX) cancel();
    },
    onPointerUp: cancel,
    onPointerCancel: cancel,
    onContextMenu(event) {
      // The platform's long-press menu: ours instead (it may come a little before our own timer).
      if (!press.current) return;
      event.preventDefault();
      fire();
    },
  };
}
