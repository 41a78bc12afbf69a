import type { TableDeclaration } from '#shared/tables';
import { sessionsTable, usersTable } from '#shared/tables';

/**
 * The API, declared once as data. The CDK stack builds one Lambda function per entry with exactly the
 * grants listed here, and routes the keys to it; the local runtime serves the same keys with the same
 * handler files. A test checks that both expose the same set.
 */
export type TableAccess = 'read' | 'write' | 'read-write';
export type Secret = 'signing-keys' | 'password-pepper';

export interface FunctionDeclaration {
  /** The handler file is `functions/<name>.ts`, exporting `handler`. */
  name: string;
  /** API Gateway route keys (`METHOD /path`), or `$default` for whatever no other route matches. */
  routes: readonly string[];
  tables: readonly { table: TableDeclaration; access: TableAccess }[];
  secrets: readonly Secret[];
  /** bcrypt is CPU-bound and Lambda's CPU grows with memory: 1769 MB is one full vCPU. */
  memoryMb: number;
}

const PASSWORD_MEMORY_MB = 1769;
const DEFAULT_MEMORY_MB = 512;

export const apiFunctions: readonly FunctionDeclaration[] = [
  {
    name: 'signup',
    routes: ['POST /signup'],
    tables: [
      { table: usersTable, access: 'write' },
      { table: sessionsTable, access: 'write' },
    ],
    secrets: ['signing-keys', 'password-pepper'],
    memoryMb: PASSWORD_MEMORY_MB,
  },
  {
    name: 'login',
    routes: ['POST /login'],
    tables: [
      { table: usersTable, access: 'read' },
      { table: sessionsTable, access: 'write' },
    ],
    secrets: ['signing-keys', 'password-pepper'],
    memoryMb: PASSWORD_MEMORY_MB,
  },
  {
    name: 'logout',
    routes: ['POST /logout', 'DELETE /logout'],
    tables: [{ table: sessionsTable, access: 'write' }],
    secrets: ['signing-keys'],
    memoryMb: DEFAULT_MEMORY_MB,
  },
  {
    name: 'check-session',
    routes: ['GET /check_session'],
    tables: [{ table: sessionsTable, access: 'read' }],
    secrets: ['signing-keys'],
    memoryMb: DEFAULT_MEMORY_MB,
  },
  {
    name: 'home',
    routes: ['GET /home', 'POST /home'],
    tables: [{ table: sessionsTable, access: 'read' }],
    secrets: ['signing-keys'],
    memoryMb: DEFAULT_MEMORY_MB,
  },
  {
    name: 'not-found',
    routes: ['$default'],
    tables: [],
    secrets: ['signing-keys'],
    memoryMb: DEFAULT_MEMORY_MB,
  },
];

/** Every route key the API serves. */
export const routeKeys = (): string[] => apiFunctions.flatMap((fn) => fn.routes);

/** CORS as API Gateway applies it; origins come from the ALLOWED_ORIGINS setting. */
export const corsPolicy = {
  allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
  allowHeaders: ['content-type', 'authorization'],
  maxAgeSeconds: 600,
} as const;
