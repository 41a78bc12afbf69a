import { writeFileSync } from 'node:fs';
import { clientTypesText } from '#infra/openapi/client-types';
import { openApiText } from '#infra/openapi/document';

/**
 * `npm run openapi`: writes docs/openapi.json and the browser client's types (client/api.d.ts) from the
 * route declaration and the schemas. A test fails while either committed file differs from this output.
 */
const root = new URL('../../', import.meta.url);
writeFileSync(new URL('docs/openapi.json', root), openApiText());
writeFileSync(new URL('client/api.d.ts', root), await clientTypesText());
console.log('wrote docs/openapi.json and client/api.d.ts');
