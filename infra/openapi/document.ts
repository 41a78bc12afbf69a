import { readFileSync } from 'node:fs';
import * as z from 'zod/mini';
import type { ResponseDoc, RouteDeclaration, RouteDoc } from '#shared/http/route';
import { adminsOnly, stale, unauthorized } from '#shared/http/route-docs';
import { parseSettings } from '#shared/platform/config';
import {
  errorBody,
  greeting,
  registration,
  registrationPage,
  sessionList,
  user,
} from '#shared/http/response-schemas';
import { apiFunctions } from '#infra/routes';

type Json = Record<string, unknown>;

/** A route's operation as the document describes it: its declaration's `doc`, who may call it, its body. */
interface OperationDoc extends RouteDoc {
  /** `session`: the session cookie or a Bearer token is required (401 without). */
  auth: 'session' | 'none';
  body?: z.ZodMiniType;
}

/** The schemas the document names once and references. */
const NAMED: [string, z.ZodMiniType][] = [
  ['Error', errorBody],
  ['User', user],
  ['Greeting', greeting],
  ['Registration', registration],
  ['RegistrationPage', registrationPage],
  ['SessionList', sessionList],
];

const jsonSchema = (schema: z.ZodMiniType, io: 'input' | 'output'): Json => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  });
  return rest as Json;
};

const schemaFor = (body: ResponseDoc['body']): Json | undefined => {
  if (body === undefined) return undefined;
  const name = body === 'error' ? 'Error' : NAMED.find(([, schema]) => schema === body)?.[0];
  return name ? { $ref: `#/components/schemas/${name}` } : jsonSchema(body as z.ZodMiniType, 'output');
};

const retryAfter = {
  'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer' } },
};

/** What any route may answer besides its own: the edge's errors. */
function commonResponses(method: string, operation: OperationDoc): Record<number, ResponseDoc> {
  const common: Record<number, ResponseDoc> = {};
  if (operation.body) {
    common[400] = {
      description: 'The body is not valid JSON (`malformed_json`) or not valid input.',
      body: 'error',
    };
    common[413] = { description: 'The body is too large (`payload_too_large`).', body: 'error' };
    common[415] = {
      description: 'The body is not `application/json` (`unsupported_media_type`).',
      body: 'error',
    };
  }
  if (method !== 'GET')
    common[403] = {
      description: 'A browser request from an origin not allowed (`forbidden_origin`).',
      body: 'error',
    };
  common[500] = { description: 'Something failed on the server (`internal_error`).', body: 'error' };
  common[503] = {
    description:
      'A dependency is throttled or failing (`service_unavailable`): try again after `Retry-After`.',
    body: 'error',
  };
  return common;
}

function operationObject(key: string, operation: OperationDoc): Json {
  const [method = '', path = ''] = key.split(' ');
  const common = commonResponses(method, operation);
  const statuses = [...new Set([...Object.keys(operation.responses), ...Object.keys(common)])]
    .map(Number)
    .sort();
  const responses = Object.fromEntries(
    statuses.map((status) => {
      const own = operation.responses[status];
      const response = own ?? (common[status] as ResponseDoc);
      const description =
        own && common[status] ? `${own.description} Or: ${common[status].description}` : response.description;
      const schema = schemaFor(response.body);
      return [
        String(status),
        {
          description,
          ...(status === 503 || status === 429 ? { headers: retryAfter } : {}),
          ...(schema ? { content: { 'application/json': { schema } } } : {}),
        },
      ];
    }),
  );
  const parameters = [
    ...[...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string' },
    })),
    ...Object.entries(operation.query ?? {}).map(([name, { description, schema }]) => ({
      name,
      in: 'query',
      required: false,
      description,
      schema,
    })),
    ...(operation.idempotencyKey
      ? [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            description:
              "The same key and body again answers the first request's registration and creates nothing.",
            schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$' },
          },
        ]
      : []),
  ];
  return {
    operationId: `${method.toLowerCase()}${path.replace(/\{(\w+)\}/g, 'By-$1').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
    summary: operation.summary,
    tags: [operation.tag],
    ...(operation.auth === 'session'
      ? { security: [{ sessionCookie: [] }, { bearerToken: [] }] }
      : { security: [] }),
    ...(parameters.length ? { parameters } : {}),
    ...(operation.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchema(operation.body, 'input') } },
          },
        }
      : {}),
    responses,
  };
}

/** What a session and a step-up answer, said once here rather than by every such route. */
function gateAnswers(route: RouteDeclaration<unknown>): Record<number, ResponseDoc> {
  const answers: Record<number, ResponseDoc> = {};
  if (route.session === 'required') answers[401] = unauthorized;
  if (route.stepUp) answers[403] = stale;
  if (route.admin)
    answers[403] = route.stepUp
      ? { ...adminsOnly, description: `${adminsOnly.description} Or: ${stale.description}` }
      : adminsOnly;
  return answers;
}

/**
 * The API's OpenAPI 3.1 document, built from the route declarations (functions/*.ts, read by
 * infra/routes.ts) and the zod schemas the handlers validate with: generated, never written by hand. Paths
 * are in alphabetical order.
 */
export function openApiDocument(): Json {
  // A body schema built from the settings (the minimum password length) is shown with their defaults.
  const defaults = parseSettings({});
  const paths: Record<string, Json> = {};
  for (const { name, route } of apiFunctions) {
    for (const key of route.routes) {
      if (key === '$default') continue;
      if (!route.doc) throw new Error(`functions/${name}.ts: route ${key} has no doc`);
      const operation: OperationDoc = {
        ...route.doc,
        responses: { ...gateAnswers(route), ...route.doc.responses },
        auth: route.session === 'required' ? 'session' : 'none',
        ...(route.body ? { body: route.body(defaults) } : {}),
      };
      const [method = '', path = ''] = key.split(' ');
      paths[path] = { ...paths[path], [method.toLowerCase()]: operationObject(key, operation) };
    }
  }
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Pistus API',
      version,
      description:
        'Accounts and sessions (JWT in an HttpOnly cookie, or a Bearer token) and registrations paid by a deadline. ' +
        'Every error is the `Error` shape. Any path not listed here answers 404 `not_found`.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    tags: [{ name: 'Accounts and sessions' }, { name: 'Registrations' }, { name: 'Administration' }],
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      schemas: Object.fromEntries(NAMED.map(([name, schema]) => [name, jsonSchema(schema, 'output')])),
      securitySchemes: {
        sessionCookie: { type: 'apiKey', in: 'cookie', name: '__Host-session' },
        bearerToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      },
    },
  };
}

/** The document as committed in docs/openapi.json. */
export const openApiText = (): string => `${JSON.stringify(openApiDocument(), null, 2)}\n`;
