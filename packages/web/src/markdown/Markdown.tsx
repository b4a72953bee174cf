/**
 * Renders a message body as React elements from the parsed tree. User text
 * only ever becomes text children; the only attribute that carries user input
 * is `href`, and only after `safeHref` accepted it.
 */
import { memo, type ReactNode } from 'react';
import { parseMarkdown, type Block, type Inline } from '@parley/client';

/** `trailing` (e.g. an "edited" mark) is placed at the end of the last paragraph, or after a final code block. */
export const Markdown = memo(function Markdown({ source, trailing }: { source: string; trailing?: ReactNode }) {
  const blocks = parseMarkdown(source);
  const last = blocks.length - 1;
  const trailingInside = trailing !== undefined && blocks[last]?.type === 'paragraph';
  return (
    <>
      {blocks.map((block, i) => renderBlock(block, i, i === last && trailingInside ? trailing : undefined))}
      {trailing !== undefined && !trailingInside && trailing}
    </>
  );
});

function renderBlock(block: Block, key: number, trailing?: ReactNode): ReactNode {
  if (block.type === 'codeblock') {
    return (
      <pre key={key} className="md-pre" data-lang={block.lang || undefined}>
        <code>{block.text}</code>
      </pre>
    );
  }
  return (
    <p key={key} className="md-p">
      {block.children.map(renderInline)}
      {trailing}
    </p>
  );
}

function renderInline(node: Inline, key: number): ReactNode {
  switch (node.type) {
    case 'text':
      return node.text;
    case 'br':
      return <br key={key} />;
    case 'code':
      return (
        <code key={key} className="md-code">
          {node.text}
        </code>
      );
    case 'strong':
      return <strong key={key}>{node.children.map(renderInline)}</strong>;
    case 'em':
      return <em key={key}>{node.children.map(renderInline)}</em>;
    case 'link':
      return (
        <a key={key} href={node.href} target="_blank" rel="noopener noreferrer">
          {node.children.map(renderInline)}
        </a>
      );
  }
}
