/** @parley/client: the TypeScript SDK for Parley, for browsers and Node.js 20+. */
export { ParleyClient } from './client.js';
export { OutboxFullError, ClientClosedError, ConnectionLostError } from './errors.js';
export { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
export * as rest from './rest-api.js';
export * as admin from './admin-api.js';
export * as bots from './bot-api.js';
export { rightsIn, type RoomRights } from './rights.js';
export { parseMarkdown, parseInline, type Block, type Inline } from './markdown/parse.js';
export { safeHref } from './markdown/safe-href.js';
export { timelineOf, inThreadOnly, targetsOf } from './timeline.js';
export type { UploadOptions, UploadSource } from './upload.js';
export type * from './types.js';
export { ParleyError, CLOSE, TYPING, shouldReconnect, ROLES, PERMISSIONS, DEFAULT_PERMISSIONS, MODERATION_LIMITS, mentionsEveryone, mentionedUsernames, THREAD_PARTICIPANTS_MAX } from '@parley/protocol';
export type {
  Bot,
  BotBody,
  BotTokenResponse,
  AdminRoom,
  AdminStats,
  AdminUser,
  Attachment,
  AuditAction,
  AuditEntry,
  Ban,
  DirectoryPage,
  ErrorCode,
  HistoryPage,
  SearchResult,
  SearchResults,
  Member,
  Person,
  Permission,
  Reactions,
  Report,
  RepliesPage,
  Role,
  RoomEvent,
  ThreadInfo,
  ThreadListItem,
  ThreadState,
  RoomKind,
  RoomSettings,
  RoomSummary,
  UserRef,
  UserSummary,
  WelcomeFrame,
  LinkPreview,
  Webhook,
  WebhookDelivery,
  WebhookRef,
  WebhookTrigger,
} from '@parley/protocol';
