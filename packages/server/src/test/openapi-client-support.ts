/** What the generated-client test takes from the protocol, in one place. */
export { API_ROUTES, errorResponseSchema } from '@parley/protocol';
export type { AdminStats, Attachment, Bot, HistoryPage, Member, Person, RoomEvent, RoomSummary, SessionResponse, ThreadListItem, UserSummary } from '@parley/protocol';
export type { z } from 'zod';
