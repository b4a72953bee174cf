/**
 * Text for the terminal: user-supplied text made inert, and styling with ANSI
 * SGR sequences (only when the output is a terminal that wants colour).
 */

/**
 * Removes control and format characters — escape sequences, carriage returns,
 * bidirectional overrides — so that a name or message cannot move the cursor,
 * recolour the terminal, retitle the window or fake other lines. Tabs become
 * two spaces, newlines " ⏎ ". The zero-width joiner stays: emoji such as 👩‍💻 are made with it.
 */
export function clean(text: string): string {
  return text
    .replace(/\t/g, '  ')
    .replace(/\r?\n/g, ' ⏎ ')
    .replace(/(?!\u200d)[\p{Cc}\p{Cf}]/gu, '');
}

/** SGR parameters of the styles used. */
export const SGR = { bold: '1', dim: '2', italic: '3', underline: '4', red: '31', yellow: '33', cyan: '36' } as const;
export type Style = keyof typeof SGR;

/**
 * `text` in the given styles, as one self-contained run: set, text, reset. Runs never nest, so
 * an inner reset cannot end an outer style early. `text` must already be clean.
 */
export function styled(text: string, styles: readonly Style[], color: boolean): string {
  if (!color || styles.length === 0 || text === '') return text;
  return `\x1b[${styles.map((style) => SGR[style]).join(';')}m${text}\x1b[0m`;
}

/** Whether this process's output gets colour: a terminal, and no NO_COLOR (https://no-color.org). */
export const COLOR = process.stdout.isTTY === true && !process.env.NO_COLOR;
