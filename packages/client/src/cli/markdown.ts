/**
 * A message body as terminal lines: the message markdown (the parser the web app
 * uses too) rendered with terminal styles — bold, italic, code, underlined links
 * followed by their address. Every piece of user text passes through `clean`, so
 * a body can carry no escape sequence of its own; only the styles added here reach
 * the terminal.
 */
import { parseMarkdown, type Inline } from '../markdown/parse.js';
import { clean, styled, type Style } from './terminal-text.js';

export function renderBody(body: string, color: boolean): string[] {
  const lines: string[] = [];
  for (const block of parseMarkdown(body)) {
    if (block.type === 'codeblock') {
      for (const line of block.text.split('\n')) lines.push(`${styled('│', ['dim'], color)} ${styled(clean(line), ['yellow'], color)}`);
      continue;
    }
    let line = '';
    const walk = (nodes: readonly Inline[], styles: readonly Style[]): void => {
      for (const node of nodes) {
        switch (node.type) {
          case 'text':
            line += styled(clean(node.text), styles, color);
            break;
          case 'br':
            lines.push(line);
            line = '';
            break;
          case 'code':
            line += styled(clean(node.text), [...styles, 'yellow'], color);
            break;
          case 'strong':
            walk(node.children, [...styles, 'bold']);
            break;
          case 'em':
            walk(node.children, [...styles, 'italic']);
            break;
          case 'link':
            walk(node.children, [...styles, 'underline']);
            // A bare address is its own text; a named link shows where it goes.
            if (!sameAddress(plainText(node.children), node.href)) line += ` ${styled(`<${clean(node.href)}>`, ['dim'], color)}`;
            break;
        }
      }
    };
    walk(block.children, []);
    lines.push(line);
  }
  return lines.length > 0 ? lines : [''];
}

/** The body as one plain line (no styles), for short quotes of a message. */
export function plainExcerpt(body: string, maxChars: number): string {
  const text = renderBody(body, false).join(' ').trim();
  const chars = [...text];
  return chars.length <= maxChars ? text : `${chars.slice(0, maxChars - 1).join('').trimEnd()}…`;
}

function plainText(nodes: readonly Inline[]): string {
  return nodes.map((node) => (node.type === 'text' || node.type === 'code' ? node.text : node.type === 'br' ? ' ' : 'children' in node ? plainText(node.children) : '')).join('');
}

/** The URL parser adds a "/" to a bare host: "https://example.com" links to "https://example.com/". */
function sameAddress(text: string, href: string): boolean {
  return text === href || `${text}/` === href;
}
