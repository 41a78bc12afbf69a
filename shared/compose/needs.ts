import type { QueueDeclaration } from '#shared/aws/queues';
import type { TableDeclaration } from '#shared/data/tables';
import type { Settings } from '#shared/platform/config';

export type DynamoAction =
  'GetItem' | 'BatchGetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'Query' | 'BatchWriteItem';
export type Secret =
  'signing-keys' | 'password-pepper' | 'mfa-key' | 'mail-key' | 'identity-secrets' | 'access-token-keys';

export interface TableGrant {
  table: TableDeclaration;
  actions: readonly DynamoAction[];
  /** The indexes a `Query` may read; the base table is never queried. */
  indexes?: readonly string[];
}

/**
 * What a service needs of AWS, stated beside the builder that wires it: the table actions its methods call,
 * the secrets it reads, whether it mails through SES, the queues it sends to, and the builders it composes
 * (whose needs are its own too). A function's role is the union over the services it composes
 * (infra/routes.ts): nothing is granted by hand, and nothing composed goes ungranted.
 */
export interface Needs {
  tables?: readonly TableGrant[];
  secrets?: readonly Secret[];
  sendsEmail?: boolean;
  sendsTo?: readonly QueueDeclaration[];
  uses?: readonly ServiceBuilder<unknown>[];
}

/** A composition root's builder (`sessionsService(config)`), with what it needs. */
export type ServiceBuilder<T> = ((config: Settings) => T) & { readonly needs: Needs };

/**
 * Declares a builder with its needs. Write it `/* @__PURE__ *\/ service(...)`: esbuild then drops the
 * builders a bundle does not use, and what only they import (a route that counts requests must not carry
 * the Secrets Manager client of the mail key beside it). Keep the needs free of spreads: esbuild counts a
 * spread as a side effect and keeps the call.
 */
export const service = <T>(needs: Needs, build: (config: Settings) => T): ServiceBuilder<T> =>
  Object.assign((config: Settings) => build(config), { needs });

/** What a set of builders needs, their own builders' included: one grant per table, actions united. */
export function needsOf(builders: Iterable<ServiceBuilder<unknown>>): {
  tables: TableGrant[];
  secrets: Secret[];
  sendsEmail: boolean;
  sendsTo: QueueDeclaration[];
} {
  const seen = new Set<ServiceBuilder<unknown>>();
  const all: Needs[] = [];
  const visit = (builder: ServiceBuilder<unknown>) => {
    if (seen.has(builder)) return;
    seen.add(builder);
    all.push(builder.needs);
    for (const used of builder.needs.uses ?? []) visit(used);
  };
  for (const builder of builders) visit(builder);
  return {
    tables: mergedGrants(all.flatMap((needs) => needs.tables ?? [])),
    secrets: [...new Set(all.flatMap((needs) => needs.secrets ?? []))],
    sendsEmail: all.some((needs) => needs.sendsEmail),
    sendsTo: [...new Map(all.flatMap((needs) => needs.sendsTo ?? []).map((q) => [q.name, q])).values()],
  };
}

/** Grants merged per table: one grant per table, its actions and indexes united. */
function mergedGrants(grants: readonly TableGrant[]): TableGrant[] {
  const byTable = new Map<string, TableGrant>();
  for (const grant of grants) {
    const known = byTable.get(grant.table.name);
    const indexes = [...new Set([...(known?.indexes ?? []), ...(grant.indexes ?? [])])];
    byTable.set(grant.table.name, {
      table: grant.table,
      actions: [...new Set([...(known?.actions ?? []), ...grant.actions])],
      ...(indexes.length ? { indexes } : {}),
    });
  }
  return [...byTable.values()];
}
