import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { clientTypesText } from '#infra/openapi/client-types';
import { openApiDocument, openApiText } from '#infra/openapi/document';
import { routeKeys } from '#infra/routes';
import { undocumented } from '../support/openapi-check.ts';

const committed = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1 by a maintained validator', async () => {
    const result = await new Validator().validate(openApiDocument());
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('describes every declared route, and only those', () => {
    const paths = openApiDocument().paths as Record<string, Record<string, unknown>>;
    const documented = Object.entries(paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(
      routeKeys()
        .filter((key) => key !== '$default')
        .sort(),
    );
  });

  it('is committed as generated: docs/openapi.json and client/api.d.ts match `npm run openapi`', async () => {
    expect(committed('docs/openapi.json')).toBe(openApiText());
    expect(committed('client/api.d.ts')).toBe(await clientTypesText());
  });
});

describe('the response check every test client applies', () => {
  const user = {
    id: 'u1',
    username: 'ada',
    role: 'user',
    createdAt: '2026-12-03T10:00:00.000Z',
    email: null,
    emailVerified: false,
    mfaEnabled: false,
  };

  it('accepts a documented status with a body that matches', () => {
    expect(undocumented('GET', '/check_session', 200, JSON.stringify(user))).toBeUndefined();
    expect(undocumented('GET', '/check_session', 204, '')).toBeUndefined();
    expect(
      undocumented('GET', '/no/such/route', 404, '{"error":{"code":"not_found","message":"x"}}'),
    ).toBeUndefined();
  });

  it('refuses an undocumented status, a leaked field, a wrong type and a body where none is documented', () => {
    expect(undocumented('GET', '/check_session', 418, '')).toMatch(/not a documented status/);
    expect(
      undocumented('GET', '/check_session', 200, JSON.stringify({ ...user, passwordHash: 'x' })),
    ).toMatch(/additional properties/);
    expect(undocumented('GET', '/check_session', 200, JSON.stringify({ ...user, role: 'root' }))).toMatch(
      /role/,
    );
    expect(undocumented('DELETE', '/registrations/abc', 204, '{}')).toMatch(/a body where none/);
    expect(undocumented('GET', '/no/such/route', 200, '{}')).toMatch(/unknown route/);
  });
});
