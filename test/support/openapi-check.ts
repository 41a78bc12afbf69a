import { Ajv2020 } from 'ajv/dist/2020.js';
import { openApiDocument } from '#infra/openapi/document';

type Json = Record<string, unknown>;
interface Operation {
  responses: Record<string, { content?: { 'application/json': { schema: Json } } }>;
}

const document = openApiDocument();
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
ajv.addSchema({ $id: 'openapi', components: document.components } as Json);

/** Each documented path as a pattern, its templated segments matching one segment. */
const routes = Object.entries(document.paths as Record<string, Record<string, Operation>>).map(
  ([path, operations]) => ({
    pattern: new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}$`),
    templated: path.includes('{'),
    operations,
  }),
);

const compiled = new Map<Json, ReturnType<typeof ajv.compile>>();
const validatorFor = (schema: Json) => {
  let validate = compiled.get(schema);
  if (!validate) {
    // References name the components of the document registered under the id `openapi`.
    const rebased = JSON.parse(
      JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/'),
    ) as Json;
    validate = ajv.compile(rebased);
    compiled.set(schema, validate);
  }
  return validate;
};

/**
 * What is wrong with a response by the OpenAPI document (docs/openapi.json), or nothing: its status must be
 * one the operation documents, and its body must match that status's schema (no body where none is
 * documented). A path no operation has is the API's 404 in the error shape.
 */
export function undocumented(method: string, url: string, status: number, text: string): string | undefined {
  const { pathname } = new URL(url, 'http://api.invalid');
  // A literal path wins over a templated one, as API Gateway routes them.
  const candidates = routes
    .filter((route) => route.pattern.test(pathname))
    .sort((a, b) => Number(a.templated) - Number(b.templated));
  const operation = candidates.map((route) => route.operations[method.toLowerCase()]).find(Boolean);
  const where = `${method} ${pathname} → ${status}`;
  const errorShape = { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  const response = operation ? operation.responses[String(status)] : status === 404 ? errorShape : undefined;
  if (!response)
    return `${where}: not a documented status of ${operation ? 'this operation' : 'an unknown route'}`;
  const schema = response.content?.['application/json'].schema;
  if (!schema) return text === '' ? undefined : `${where}: a body where none is documented`;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `${where}: the body is not JSON`;
  }
  const validate = validatorFor(schema);
  if (validate(body)) return undefined;
  return `${where}: ${ajv.errorsText(validate.errors)}`;
}
