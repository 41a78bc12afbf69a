import { USERNAME_PATTERN, USERNAME_RULE } from '#shared/auth/username';
import { isSupportedHash } from '#shared/auth/passwords';

export interface ImportRow {
  line: number;
  username: string;
  hash: string;
}

export interface ImportProblem {
  line: number;
  reason: string;
}

/**
 * Reads an export of users with their existing bcrypt hashes, so people moving from another system keep
 * their passwords: JSON lines (`{"username": "...", "hash": "$2b$..."}`, `password_hash` also accepted) or
 * CSV (`username,hash`, an optional header). PostgreSQL pgcrypto `crypt()`, passlib and Flask-Bcrypt all
 * produce `$2a$`/`$2b$`/`$2y$` hashes. Bad rows are reported by line number; good rows are returned.
 */
export function parseImport(text: string): { rows: ImportRow[]; problems: ImportProblem[] } {
  const rows: ImportRow[] = [];
  const problems: ImportProblem[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (!trimmed || (line === 1 && /^"?username"?\s*,/i.test(trimmed))) return;
    const fields = trimmed.startsWith('{') ? fromJson(trimmed) : fromCsv(trimmed);
    if (typeof fields === 'string') return problems.push({ line, reason: fields });
    const { username, hash } = fields;
    if (!USERNAME_PATTERN.test(username)) {
      return problems.push({ line, reason: `username ${USERNAME_RULE}` });
    }
    if (!isSupportedHash(hash))
      return problems.push({ line, reason: 'hash is not a bcrypt hash ($2a$, $2b$ or $2y$)' });
    if (seen.has(username.toLowerCase()))
      return problems.push({ line, reason: `username ${username} appears twice` });
    seen.add(username.toLowerCase());
    rows.push({ line, username, hash });
  });
  return { rows, problems };
}

function fromJson(line: string): { username: string; hash: string } | string {
  try {
    const value = JSON.parse(line) as Record<string, unknown>;
    const hash = value.hash ?? value.password_hash;
    if (typeof value.username !== 'string' || typeof hash !== 'string')
      return 'needs "username" and "hash" strings';
    return { username: value.username, hash };
  } catch {
    return 'not valid JSON';
  }
}

function fromCsv(line: string): { username: string; hash: string } | string {
  const cells = line.split(',').map((cell) => cell.trim().replace(/^"(.*)"$/, '$1'));
  if (cells.length !== 2 || !cells[0] || !cells[1]) return 'needs two columns: username,hash';
  return { username: cells[0], hash: cells[1] };
}
