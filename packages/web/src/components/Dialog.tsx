/**
 * A modal built on <dialog>.showModal(): the browser traps focus, makes the
 * rest of the page inert and closes on Escape; we only mirror that into state.
 */
import { useEffect, useId, useRef, type FormEvent, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n.js';
import { Icon } from './Icon.js';

export interface DialogProps {
  title: string;
  onClose(): void;
  /** When given, the body is a form and Enter submits it. */
  onSubmit?(): void;
  children: ReactNode;
  actions: ReactNode;
  description?: string;
  /** Added to the dialog's class (a wider or full-screen dialog). */
  className?: string;
}

export function Dialog({ title, onClose, onSubmit, children, actions, description, className }: DialogProps) {
  const { m } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  useEffect(() => {
    const dialog = ref.current!;
    // Focus goes back where it was when the dialog closes.
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    return () => {
      dialog.close();
      opener?.focus();
    };
  }, []);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit?.();
  };
  return (
    <dialog
      ref={ref}
      className={className ? `dialog ${className}` : 'dialog'}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onClick={(event) => {
        // A click on the backdrop lands on the <dialog> element itself.
        if (event.target === ref.current) onClose();
      }}
    >
      <form className="dialog-body" onSubmit={submit} noValidate>
        <header className="dialog-header">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="icon-button" onClick={onClose} aria-label={m.close}>
            <Icon name="close" />
          </button>
        </header>
        {description && (
          <p id={descriptionId} className="dialog-description">
            {description}
          </p>
        )}
        {children}
        <footer className="dialog-actions">{actions}</footer>
      </form>
    </dialog>
  );
}
