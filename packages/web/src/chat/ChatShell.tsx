/**
 * The signed-in screen: sidebar, the open room (header, connection banner,
 * conversation) and the member panel, plus the dialogs they open. Phones get
 * the sidebar as a drawer and the member panel as an overlay.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ParleyError } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { useRoute } from '../app/route.js';
import type { ThemeChoice } from '../app/theme.js';
import { LOBBY_ID } from '../lib/rooms.js';
import { useClient, useSnapshot } from './ClientContext.js';
import { errorText } from './error-text.js';
import { useNotifications } from './notifications.js';
import { Sidebar } from './Sidebar.js';
import { RoomHeader } from './RoomHeader.js';
import { ConnectionBanner } from './ConnectionBanner.js';
import { RoomView } from './RoomView.js';
import { MemberPanel } from './MemberPanel.js';
import { Toasts, useToasts } from './Toasts.js';
import { TextDialog } from '../dialogs/TextDialog.js';
import { BrowseRoomsDialog } from '../dialogs/BrowseRoomsDialog.js';
import { CreateRoomDialog } from '../dialogs/CreateRoomDialog.js';
import { ConfirmDialog } from '../dialogs/ConfirmDialog.js';
import { ReasonDialog } from '../moderation/ReasonDialog.js';
import { MemberDialog } from '../moderation/MemberDialog.js';
import { RoomSettingsDialog } from '../moderation/RoomSettingsDialog.js';
import { ModerationDialog } from '../moderation/ModerationDialog.js';
import { BlockedDialog } from '../moderation/BlockedDialog.js';
import { AdminView } from '../admin/AdminView.js';
import { ThreadSide, type ThreadSideState } from '../threads/ThreadSide.js';
import { SearchDialog } from '../search/SearchDialog.js';
import { jumpToResult } from '../search/jump.js';
import { PeopleDialog } from '../people/PeopleDialog.js';
import { ProfileCard } from '../people/ProfileCard.js';
import { ProfileContext } from '../people/ProfileContext.js';
import { GuestLogoutDialog } from '../people/GuestLogoutDialog.js';
import { ClaimDialog } from '../people/ClaimDialog.js';

type OpenDialog =
  | { kind: 'create' }
  | { kind: 'browse' }
  | { kind: 'dm' }
  | { kind: 'invite'; room: string; name: string }
  | { kind: 'rename' }
  | { kind: 'leave'; room: string; name: string }
  | { kind: 'delete'; room: string; seq: number }
  | { kind: 'remove'; room: string; seq: number }
  | { kind: 'report'; room: string; seq: number }
  | { kind: 'member'; room: string; user: string }
  | { kind: 'settings'; room: string }
  | { kind: 'moderation'; room: string }
  | { kind: 'blocked' }
  | { kind: 'search' }
  | { kind: 'profile'; user: string; name: string }
  | { kind: 'guest-logout' }
  | { kind: 'claim' }
  | null;

const WIDE = '(min-width: 1100px)';
/** Public rooms others create are not pushed to everyone; the list is refreshed this often and on focus. */
const ROOM_LIST_REFRESH_MS = 60_000;

export interface ChatShellProps {
  onLogout(): void;
  theme: ThemeChoice;
  setTheme(theme: ThemeChoice): void;
}

export function ChatShell({ onLogout, theme, setTheme }: ChatShellProps) {
  const client = useClient();
  const snapshot = useSnapshot();
  const { m } = useI18n();
  const { place, navigate, openAdmin } = useRoute();
  const routeRoom = place.kind === 'room' ? place.room : null;
  const adminOpen = place.kind === 'admin' && snapshot.admin;
  const [navOpen, setNavOpen] = useState(false);
  const [membersOpen, setMembersOpen] = useState(() => matchMedia(WIDE).matches);
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const [side, setSide] = useState<ThreadSideState>(null);
  const { toasts, toast, dismiss } = useToasts();
  const user = snapshot.user!;
  const blocked = useMemo(() => new Set(snapshot.blocked.map((u) => u.id)), [snapshot.blocked]);

  const active = snapshot.rooms.find((room) => room.id === routeRoom) ?? snapshot.rooms.find((room) => room.id === LOBBY_ID) ?? snapshot.rooms[0];
  useEffect(() => {
    // An unknown room in the URL (or one just left) falls back to the lobby; so does /admin for anyone but an admin.
    if (active && !adminOpen && active.id !== routeRoom) navigate(active.id, { replace: true });
  }, [active, adminOpen, routeRoom, navigate]);

  // Reports of rooms the person moderates arrive live: said in a toast, counted on the room's moderation button.
  useEffect(
    () =>
      client.on('report', (report) => {
        if (report.resolved) return;
        const room = client.room(report.room);
        toast(m.newReport(room ? `#${room.name}` : report.room), 'done');
      }),
    [client, m, toast],
  );

  const openRoom = useCallback(
    (room: string) => {
      navigate(room);
      setNavOpen(false);
    },
    [navigate],
  );
  const notifications = useNotifications(client, m, openRoom);

  const totalUnread = useMemo(
    () => snapshot.rooms.reduce((sum, room) => sum + (room.joined && room.id !== active?.id ? room.unread : 0), 0),
    [snapshot.rooms, active?.id],
  );
  useEffect(() => {
    document.title = totalUnread > 0 ? `(${totalUnread}) ${active?.name ?? ''} · Parley` : `${active?.name ?? ''} · Parley`;
  }, [totalUnread, active?.name]);

  useEffect(() => {
    const refresh = () => {
      if (document.visibilityState === 'visible' && client.status === 'open') client.listRooms().catch(() => undefined);
    };
    const timer = setInterval(refresh, ROOM_LIST_REFRESH_MS);
    window.addEventListener('focus', refresh);
    document.addEventListener('visibilitychange', refresh);
    return () => {
      clearInterval(timer);
      window.removeEventListener('focus', refresh);
      document.removeEventListener('visibilitychange', refresh);
    };
  }, [client]);

  // The phone drawer takes the focus when it opens and gives it back on Escape, like a dialog.
  useEffect(() => {
    if (!navOpen) return;
    document.querySelector<HTMLElement>('.sidebar .room-link.active, .sidebar .room-link')?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setNavOpen(false);
      document.querySelector<HTMLElement>('.nav-toggle')?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [navOpen]);

  // On narrow screens the member panel is an overlay: close it when the layout narrows.
  useEffect(() => {
    const query = matchMedia(WIDE);
    const onChange = () => setMembersOpen(query.matches);
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, []);

  const openDm = useCallback(
    async (username: string) => {
      const room = await client.openDm(username);
      openRoom(room.id);
      if (!matchMedia(WIDE).matches) setMembersOpen(false);
    },
    [client, openRoom],
  );

  const openProfile = useCallback((id: string, name: string) => setDialog({ kind: 'profile', user: id, name }), []);

  if (!active) return null;

  const dialogs = () => {
    if (!dialog) return null;
    const close = () => setDialog(null);
    switch (dialog.kind) {
      case 'create':
        return (
          <CreateRoomDialog
            onClose={close}
            onCreate={async (name, kind) => {
              const room = await client.createRoom(name, kind);
              openRoom(room.id);
            }}
          />
        );
      case 'browse':
        return (
          <BrowseRoomsDialog
            onClose={close}
            onPick={(room) => {
              client.showRoom(room);
              openRoom(room.id);
            }}
          />
        );
      case 'dm':
        return (
          <PeopleDialog
            title={m.newDmTitle}
            onClose={close}
            onPick={async (person) => {
              try {
                await openDm(person.username);
              } catch (error) {
                throw new Error(describeUserError(error, person.name));
              }
            }}
          />
        );
      case 'invite':
        return (
          <PeopleDialog
            title={m.inviteTitle(dialog.name)}
            onClose={close}
            onPick={async (person) => {
              try {
                await client.invite(dialog.room, person.username);
                return m.invited(person.name);
              } catch (error) {
                throw new Error(describeUserError(error, person.name));
              }
            }}
          />
        );
      case 'profile':
        return (
          <ProfileCard
            userId={dialog.user}
            name={dialog.name}
            onClose={close}
            onMessage={(username) => {
              close();
              openDm(username).catch((error: unknown) => toast(describeUserError(error, username)));
            }}
          />
        );
      case 'guest-logout':
        return <GuestLogoutDialog onClose={close} onKeep={() => setDialog({ kind: 'claim' })} onLogout={onLogout} />;
      case 'claim':
        return (
          <ClaimDialog
            user={user}
            onClose={close}
            onDone={() => {
              close();
              toast(m.claimed, 'done');
            }}
          />
        );
      case 'rename':
        return (
          <TextDialog
            title={m.renameTitle}
            label={m.displayName}
            submitLabel={m.save}
            initial={user.name}
            maxLength={64}
            hint={m.displayNameHint}
            onClose={close}
            onSubmit={async (name) => {
              try {
                await client.rename(name);
              } catch (error) {
                throw new Error(errorText(error, m));
              }
            }}
          />
        );
      case 'leave':
        return (
          <ConfirmDialog
            title={m.leaveTitle(dialog.name)}
            body={m.leaveBody}
            confirmLabel={m.leaveRoom}
            onClose={close}
            onConfirm={async () => {
              await client.leave(dialog.room);
              navigate(LOBBY_ID, { replace: true });
            }}
          />
        );
      case 'delete':
        return (
          <ConfirmDialog
            title={m.confirmDelete}
            body={m.confirmDeleteBody}
            confirmLabel={m.delete}
            onClose={close}
            onConfirm={async () => {
              await client.delete(dialog.room, dialog.seq);
            }}
          />
        );
      case 'remove':
        return (
          <ReasonDialog
            title={m.removeMessageTitle}
            body={m.removeMessageBody}
            confirmLabel={m.removeMessage}
            danger
            onClose={close}
            onConfirm={async (reason) => {
              await client.delete(dialog.room, dialog.seq, reason);
            }}
          />
        );
      case 'report':
        return (
          <ReasonDialog
            title={m.reportTitle}
            body={m.reportBody}
            confirmLabel={m.reportSend}
            onClose={close}
            onConfirm={async (reason) => {
              await client.report(dialog.room, dialog.seq, reason);
              toast(m.reported, 'done');
            }}
          />
        );
      case 'member': {
        const room = snapshot.rooms.find((r) => r.id === dialog.room);
        const member = room?.members.find((entry) => entry.user.id === dialog.user);
        if (!room || !member) return null;
        return (
          <MemberDialog
            room={room}
            member={member}
            admin={snapshot.admin}
            blocked={blocked.has(member.user.id)}
            onClose={close}
            onMessage={(username) => {
              close();
              openDm(username).catch((error: unknown) => toast(describeUserError(error, username)));
            }}
          />
        );
      }
      case 'settings': {
        const room = snapshot.rooms.find((r) => r.id === dialog.room);
        return room ? <RoomSettingsDialog room={room} admin={snapshot.admin} onClose={close} /> : null;
      }
      case 'moderation': {
        const room = snapshot.rooms.find((r) => r.id === dialog.room);
        return room ? <ModerationDialog room={room} onClose={close} /> : null;
      }
      case 'blocked':
        return <BlockedDialog onClose={close} />;
      case 'search':
        return (
          <SearchDialog
            onClose={close}
            onPick={(result) => {
              jumpToResult(client, result, openRoom).then(
                (shown) => shown || toast(m.searchNotLoaded),
                (error: unknown) => toast(errorText(error, m)),
              );
            }}
          />
        );
    }
  };

  function describeUserError(error: unknown, username: string): string {
    return error instanceof ParleyError && error.code === 'user_not_found' ? m.userNotFound(username) : errorText(error, m);
  }

  const classes = ['shell'];
  if (navOpen) classes.push('nav-open');
  if (membersOpen && active.joined && !adminOpen) classes.push('members-open');
  // A DM with someone the person blocked is not listed (the one open stays, until they leave it).
  const listed = snapshot.rooms.filter((room) => room.kind !== 'dm' || !room.peer || !blocked.has(room.peer.id) || room.id === active.id);
  const openReports = snapshot.reports.filter((report) => report.room === active.id).length;

  return (
    <ProfileContext.Provider value={openProfile}>
    <div className={classes.join(' ')}>
      <a className="skip-link" href="#composer">
        {m.composerLabel(active.name)}
      </a>
      <Sidebar
        threads={{
          unread: snapshot.threads.filter((thread) => thread.unread > 0).length,
          open: side?.kind === 'threads',
          onOpen: () => {
            setSide({ kind: 'threads' });
            setNavOpen(false);
          },
        }}
        rooms={listed}
        activeId={adminOpen ? null : active.id}
        user={user}
        onOpen={openRoom}
        onCreateRoom={() => setDialog({ kind: 'create' })}
        onNewDm={() => setDialog({ kind: 'dm' })}
        onBrowse={() => setDialog({ kind: 'browse' })}
        onClose={() => setNavOpen(false)}
        menu={{
          theme,
          setTheme,
          notifications,
          blockedCount: snapshot.blocked.length,
          onRename: () => setDialog({ kind: 'rename' }),
          onBlocked: () => setDialog({ kind: 'blocked' }),
          onAdmin: snapshot.admin ? () => {
            openAdmin();
            setNavOpen(false);
          } : undefined,
          // A guest is warned first: their identity goes with the logout (protocol §27).
          onLogout: user.kind === 'guest' ? () => setDialog({ kind: 'guest-logout' }) : onLogout,
          onClaim: user.kind === 'guest' ? () => setDialog({ kind: 'claim' }) : undefined,
        }}
      />
      <div className="scrim nav-scrim" onClick={() => setNavOpen(false)} aria-hidden="true" />
      {adminOpen ? (
        <AdminView onBack={() => navigate(active.id)} onOpenNav={() => setNavOpen(true)} toast={toast} />
      ) : (
      <main className="room" aria-labelledby="room-title" inert={navOpen ? true : undefined}>
        <RoomHeader
          room={active}
          totalUnread={totalUnread}
          membersOpen={membersOpen}
          onOpenNav={() => setNavOpen(true)}
          onToggleMembers={() => setMembersOpen((open) => !open)}
          admin={snapshot.admin}
          openReports={openReports}
          onInvite={() => setDialog({ kind: 'invite', room: active.id, name: active.name })}
          onLeave={() => setDialog({ kind: 'leave', room: active.id, name: active.name })}
          onSettings={() => setDialog({ kind: 'settings', room: active.id })}
          onModeration={() => setDialog({ kind: 'moderation', room: active.id })}
          onSearch={() => setDialog({ kind: 'search' })}
        />
        <ConnectionBanner status={snapshot.status} />
        <div className="room-body">
          <RoomView
            key={active.id}
            room={active}
            self={user}
            maxChars={snapshot.limits.maxBodyChars}
            maxFileBytes={snapshot.limits.maxFileBytes}
            maxAttachments={snapshot.limits.maxAttachments}
            admin={snapshot.admin}
            blocked={blocked}
            requestDelete={(seq) => setDialog({ kind: 'delete', room: active.id, seq })}
            requestRemove={(seq) => setDialog({ kind: 'remove', room: active.id, seq })}
            requestReport={(seq) => setDialog({ kind: 'report', room: active.id, seq })}
            toast={toast}
            onOpenThread={(root) => setSide({ kind: 'thread', room: active.id, root })}
          />
          {side ? (
            <ThreadSide
              side={side}
              setSide={setSide}
              active={active}
              snapshot={snapshot}
              openRoom={openRoom}
              blocked={blocked}
              toast={toast}
              requestDelete={(room, seq) => setDialog({ kind: 'delete', room, seq })}
              requestRemove={(room, seq) => setDialog({ kind: 'remove', room, seq })}
              requestReport={(room, seq) => setDialog({ kind: 'report', room, seq })}
            />
          ) : membersOpen && active.joined && (
            <>
              <div className="scrim members-scrim" onClick={() => setMembersOpen(false)} aria-hidden="true" />
              <MemberPanel
                room={active}
                self={user}
                blocked={blocked}
                onClose={() => setMembersOpen(false)}
                onMessage={(username) => {
                  openDm(username).catch((error: unknown) => toast(describeUserError(error, username)));
                }}
                onActions={(userId) => setDialog({ kind: 'member', room: active.id, user: userId })}
              />
            </>
          )}
        </div>
      </main>
      )}
      <Toasts toasts={toasts} dismiss={dismiss} />
      {dialogs()}
    </div>
    </ProfileContext.Provider>
  );
}
