/** A line in the timeline for a join, leave, rename, the room's creation, or a moderator's action. */
import { memo } from 'react';
import type { NoticeItem } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { Icon, type IconName } from '../components/Icon.js';
import { formatMoment } from '../lib/time.js';
import { settingsSummary } from '../moderation/texts.js';

const ICONS: Record<NoticeItem['kind'], IconName> = {
  join: 'userPlus',
  leave: 'door',
  rename: 'edit',
  created: 'plus',
  role: 'shield',
  kick: 'userX',
  ban: 'ban',
  unban: 'check',
  timeout: 'clock',
  settings: 'gear',
};

export const Notice = memo(function Notice({ rowKey, item, time }: { rowKey: string; item: NoticeItem; time: string }) {
  const { m, locale } = useI18n();
  const when = (ts: number) => formatMoment(ts, Date.now(), { locale });
  const actor = item.user.name;
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
    case 'role':
      text = m.noticeRole(actor, item.target.name, m.roles[item.role]);
      break;
    case 'kick':
      text = m.noticeKick(actor, item.target.name);
      break;
    case 'ban': {
      const banned = item.until === undefined ? m.noticeBan(actor, item.target.name) : m.noticeBanUntil(actor, item.target.name, when(item.until));
      text = item.deleted?.length ? `${banned} ${m.noticeBanDeleted(item.deleted.length)}` : banned;
      break;
    }
    case 'unban':
      text = m.noticeUnban(actor, item.target.name);
      break;
    case 'timeout':
      text = item.until === 0 ? m.noticeTimeoutLifted(actor, item.target.name) : m.noticeTimeout(actor, item.target.name, when(item.until));
      break;
    case 'settings':
      text = m.noticeSettings(actor, settingsSummary(item.settings, m));
      break;
  }
  const moderation = item.kind !== 'join' && item.kind !== 'leave' && item.kind !== 'rename' && item.kind !== 'created';
  return (
    <div className={moderation ? 'notice moderation' : 'notice'} data-row={rowKey} data-kind={item.kind}>
      <Icon name={ICONS[item.kind]} size={14} />
      <span className="notice-text">{text}</span>
      <span className="notice-time">{time}</span>
    </div>
  );
});
