/**
 * A readable page of the OpenAPI document (GET /api/docs): every operation by
 * tag with its parameters, body and answer as JSON Schema. Made on the server
 * from the document alone, without script or anything fetched from elsewhere,
 * so that it works offline and under the server's Content-Security-Policy.
 */

type Json = Record<string, unknown>;

const escape = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** `code` spans of the summaries, the only markup they use. */
const inline = (text: string): string => escape(text).replace(/`([^`]+)`/g, '<code>$1</code>');

const block = (value: unknown): string => `<pre>${escape(JSON.stringify(value, null, 2))}</pre>`;

function operationHtml(method: string, path: string, op: Json): string {
  const parts = [`<section id="${escape(String(op.operationId))}"><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escape(path)}</code></h3>`];
  parts.push(`<p>${inline(String(op.summary ?? ''))}</p>`);
  if (op.description) parts.push(`<p class="d">${inline(String(op.description))}</p>`);
  const params = (op.parameters ?? []) as Json[];
  if (params.length > 0) {
    parts.push('<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr>');
    for (const p of params) {
      parts.push(`<tr><td><code>${escape(String(p.name))}</code></td><td>${escape(String(p.in))}</td><td>${p.required ? 'yes' : 'no'}</td><td><code>${escape(JSON.stringify(p.schema))}</code></td></tr>`);
    }
    parts.push('</table>');
  }
  const body = op.requestBody as Json | undefined;
  if (body) {
    const [type, media] = Object.entries(body.content as Record<string, Json>)[0]!;
    parts.push(`<details><summary>Body (${escape(type)}${body.required ? '' : ', optional'})</summary>${block(media.schema)}</details>`);
  }
  for (const [status, response] of Object.entries(op.responses as Record<string, Json>)) {
    const content = response.content as Record<string, Json> | undefined;
    const schema = content ? Object.values(content)[0]!.schema : undefined;
    parts.push(schema ? `<details><summary>${escape(status)}: ${escape(String(response.description))}</summary>${block(schema)}</details>` : `<p>${escape(status)}: ${escape(String(response.description))}</p>`);
  }
  parts.push('</section>');
  return parts.join('\n');
}

export function referencePage(doc: Json): string {
  const info = doc.info as Json;
  const byTag = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = String((op.tags as string[])[0]);
      byTag.set(tag, [...(byTag.get(tag) ?? []), operationHtml(method, path, op)]);
    }
  }
  const tags = ((doc.tags ?? []) as Json[]).map((t) => String(t.name)).filter((t) => byTag.has(t));
  const schemas = (doc.components as Json).schemas as Record<string, unknown>;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(String(info.title))}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d2329}
code,pre{font:13px ui-monospace,monospace}pre{background:#f4f5f7;padding:.75rem;overflow:auto}
section{border-top:1px solid #dde;padding:.5rem 0}table{border-collapse:collapse}td,th{border:1px solid #dde;padding:.2rem .5rem;text-align:left;vertical-align:top}
.m{display:inline-block;min-width:4.5rem;font-size:12px;color:#fff;border-radius:3px;text-align:center;background:#556}
.get{background:#2f6f4f}.post{background:#2f4f8f}.put{background:#7f5f1f}.patch{background:#6f3f8f}.delete{background:#8f2f2f}.d{color:#556}
</style></head><body>
<h1>${escape(String(info.title))}</h1>
<p>${inline(String(info.description ?? ''))}</p>
<p>The machine-readable document: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI ${escape(String(doc.openapi))}).</p>
<nav><ul>${tags.map((t) => `<li><a href="#tag-${escape(t)}">${escape(t)}</a></li>`).join('')}<li><a href="#schemas">schemas</a></li></ul></nav>
${tags.map((t) => `<h2 id="tag-${escape(t)}">${escape(t)}</h2>\n${byTag.get(t)!.join('\n')}`).join('\n')}
<h2 id="schemas">Schemas</h2>
${Object.entries(schemas).map(([name, schema]) => `<details id="schema-${escape(name)}"><summary><code>${escape(name)}</code></summary>${block(schema)}</details>`).join('\n')}
</body></html>
`;
}
