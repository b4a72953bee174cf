/**
 * A guest logging out is warned first (protocol §27): nobody can sign in as a guest again, so the
 * identity, its DMs and rooms are deleted at logout. They can keep it instead (ClaimDialog).
 */
import { useI18n } from '../i18n/i18n.js';
import { Dialog } from '../components/Dialog.js';

export function GuestLogoutDialog({ onLogout, onKeep, onClose }: { onLogout(): void; onKeep(): void; onClose(): void }) {
  const { m } = useI18n();
  return (
    <Dialog
      title={m.guestLogoutTitle}
      description={m.guestLogoutBody}
      onClose={onClose}
      actions={
        <>
          <button type="button" className="button" onClick={onClose} autoFocus>
            {m.cancel}
          </button>
          <button type="button" className="button danger" onClick={onLogout}>
            {m.guestLogoutConfirm}
          </button>
        </>
      }
    >
      <div>
        <button type="button" className="button" onClick={onKeep}>
          {m.keepIdentity}
        </button>
      </div>
    </Dialog>
  );
}
