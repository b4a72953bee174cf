/**
 * The terminal client's thread commands (docs/protocol.md §25): /reply to answer in a
 * message's thread, /quote for a quoted reply in the room, /thread to read one, /threads to
 * list the ones followed. Messages are named by their #SEQ in the room on screen (/history
 * shows them).
 */
import type { ChatSession } from './chat.js';
import { clean, cyan, dim } from './format.js';
import { plainExcerpt } from './markdown.js';
import type { ModerationCommand } from './moderation-commands.js';

const SEQ_AND_TEXT = /^#?(\d+)\s+([\s\S]+)$/;

export const THREAD_COMMANDS: Record<string, ModerationCommand> = {
  reply: {
    usage: '/reply SEQ TEXT',
    help: 'answer message #SEQ in its thread (add --room to also send it to the room)',
    async run(session, args) {
      const alsoInRoom = /(^|\s)--room(\s|$)/.test(args);
      const match = SEQ_AND_TEXT.exec(args.replace(/(^|\s)--room(?=\s|$)/, '').trim());
      if (!match) return session.print(dim('usage: /reply SEQ TEXT [--room]'));
      await session.client.send(session.current, match[2]!, { thread: Number(match[1]), alsoInRoom });
    },
  },
  quote: {
    usage: '/quote SEQ TEXT',
    help: 'answer message #SEQ in the room, quoting it',
    async run(session, args) {
      const match = SEQ_AND_TEXT.exec(args);
      if (!match) return session.print(dim('usage: /quote SEQ TEXT'));
      await session.client.send(session.current, match[2]!, { replyTo: Number(match[1]) });
    },
  },
  thread: {
    usage: '/thread SEQ',
    help: 'show the thread of message #SEQ and mark it read',
    async run(session, args) {
      const match = /^#?(\d+)$/.exec(args);
      if (!match) return session.print(dim('usage: /thread SEQ'));
      const page = await session.client.replies(session.current, Number(match[1]));
      session.printEvent(page.root, 'listing');
      if (page.replies.length === 0) session.print(dim('    (no replies yet: /reply to start the thread)'));
      for (const reply of page.replies) session.printEvent(reply, 'listing');
      const last = page.replies.at(-1);
      if (last) await session.client.markThreadRead(session.current, page.root.seq, last.seq);
    },
  },
  threads: {
    usage: '/threads',
    help: 'the threads you follow, unread first',
    async run(session) {
      const threads = await session.client.loadThreads();
      if (threads.length === 0) return session.print(dim('(you follow no thread yet)'));
      for (const thread of threads) {
        const unread = thread.unread > 0 ? cyan(` ${thread.unread} unread`) : '';
        const root = thread.message ? `${clean(thread.message.user.name)}: “${plainExcerpt(thread.message.body, 40)}”` : '';
        const replies = `${thread.info.count} repl${thread.info.count === 1 ? 'y' : 'ies'}`;
        session.print(`${session.label(thread.room)} #${thread.root} ${root} ${dim(`(${replies})`)}${unread}`);
      }
    },
  },
};
