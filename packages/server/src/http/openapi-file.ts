/** docs/openapi.json: the OpenAPI document as committed, and the text it must hold (`npm run openapi` writes it). */
import { fileURLToPath } from 'node:url';
import { openApiDocument } from '@parley/protocol';

export const OPENAPI_FILE = fileURLToPath(new URL('../../../../docs/openapi.json', import.meta.url));

export function openApiText(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}
