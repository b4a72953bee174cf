export function Logo({ size = 32 }: { size?: number }) {
  return (
    <svg className="logo" width={size} height={size} viewBox="0 0 64 64" aria-hidden="true" focusable="false">
      <rect width="64" height="64" rx="16" fill="var(--accent-button)" />
      <path d="M18 20h22a8 8 0 0 1 8 8v8a8 8 0 0 1-8 8H30l-9 7v-7h-3a8 8 0 0 1-8-8v-8a8 8 0 0 1 8-8z" fill="#fff" />
      <circle cx="24" cy="32" r="3" fill="var(--accent-button)" />
      <circle cx="32" cy="32" r="3" fill="var(--accent-button)" />
      <circle cx="40" cy="32" r="3" fill="var(--accent-button)" />
    </svg>
  );
}
