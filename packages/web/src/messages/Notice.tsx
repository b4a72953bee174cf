/** A line in the timeline for a join, leave, rename or the room's creation. */
import { memo } from 'react';
import type { NoticeItem } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { Icon, type IconName } from '../components/Icon.js';

const ICONS: Record<NoticeItem['kind'], IconName> = { join: 'userPlus', leave: 'door', rename: 'edit', created: 'plus' };

export const Notice = memo(function Notice({ rowKey, item, time }: { rowKey: string; item: NoticeItem; time: string }) {
  const { m } = useI18n();
  let text: string;
  switch (item.kind) {
    case 'join':
      text = item.by && item.by.id !== item.user.id ? m.noticeInvited(item.user.name, item.by.name) : m.noticeJoined(item.user.name);
      break;
    case 'leave':
      text = m.noticeLeft(item.user.name);
      break;
    case 'rename':
      text = m.noticeRenamed(item.from, item.to);
      break;
    case 'created':
      text = m.noticeCreated(item.user.name, item.name);
      break;
  }
  return (
    <div className="notice" data-row={rowKey} data-kind={item.kind}>
      <Icon name={ICONS[item.kind]} size={14} />
      <span className="notice-text">{text}</span>
      <span className="notice-time">{time}</span>
    </div>
  );
});
