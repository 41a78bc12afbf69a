import openapiTS, { astToString } from 'openapi-typescript';
import { openApiDocument } from '#infra/openapi/document';

/** The browser client's API types, generated from the document by openapi-typescript (client/api.d.ts). */
export async function clientTypesText(): Promise<string> {
  const ast = await openapiTS(openApiDocument() as unknown as Parameters<typeof openapiTS>[0]);
  return `// Generated from docs/openapi.json by \`npm run openapi\`: do not edit.\n${astToString(ast)}`;
}
