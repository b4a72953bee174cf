/** `npm run openapi`: writes docs/openapi.json from the protocol's route schemas (a test fails while it is stale). */
import { writeFileSync } from 'node:fs';
import { OPENAPI_FILE, openApiText } from './http/openapi-file.js';

writeFileSync(OPENAPI_FILE, openApiText());
console.log(`wrote ${OPENAPI_FILE}`);
