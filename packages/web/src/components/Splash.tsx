import { Logo } from './Logo.js';

/** Shown while the page finds out who is signed in. */
export function Splash({ text }: { text: string }) {
  return (
    <div className="splash" role="status" aria-live="polite">
      <Logo size={56} />
      <div className="splash-line">
        <span className="spinner" aria-hidden="true" />
        <span>{text}</span>
      </div>
    </div>
  );
}
