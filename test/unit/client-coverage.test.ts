import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLIENT_COVERAGE, coverageProblems } from '../e2e/client-coverage.ts';

const document = JSON.parse(readFileSync('docs/openapi.json', 'utf8'));
const source = readFileSync('client/app.ts', 'utf8') + readFileSync('client/index.html', 'utf8');

describe('what the API offers, a person can do in the browser client', () => {
  it('maps every operation of docs/openapi.json to the page and control that calls it, or to why none does', () => {
    expect(coverageProblems(document, source)).toEqual([]);
  });

  it('fails on a copy of the document with an operation the client does not cover', () => {
    const extra = structuredClone(document);
    extra.paths['/account/frobnicate'] = { get: { summary: 'Export my data', responses: {} } };
    expect(coverageProblems(extra, source)).toEqual([
      'GET /account/frobnicate: no page and control calls it, and no reason says why none does',
    ]);
  });

  it('fails when a line names a control the client does not have, or a call it does not make', () => {
    const renamed = { ...CLIENT_COVERAGE, 'POST /password': { page: '#/account', control: 'no-such-form' } };
    expect(coverageProblems(document, source, renamed)).toEqual([
      'POST /password: the client names no control no-such-form',
    ]);
    expect(coverageProblems(document, source.replaceAll("api.DELETE('/sessions'", 'api.DELETE(x'))).toContain(
      'DELETE /sessions: the client never calls it',
    );
  });
});
