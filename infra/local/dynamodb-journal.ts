import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningEmulator } from '#infra/local/dynamodb';

/**
 * A pass-through in front of the DynamoDB emulator (dynalite or DynamoDB Local) that writes one line per
 * request the functions make, `<operation> <table> [<index>]`, to a file: so a test can show which
 * operations a route issued (the admin search reads indexes and never scans). Only names, never items.
 * Local stack only (`DYNAMODB_JOURNAL`); nothing like it is deployed.
 */
export async function startDynamodbJournal(upstream: string, file: string): Promise<RunningEmulator> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const body = Buffer.concat(chunks);
      const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? 'unknown';
      try {
        const { TableName, IndexName } = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
        appendFileSync(file, `${[operation, TableName ?? '-', IndexName].filter(Boolean).join(' ')}\n`);
      } catch {
        appendFileSync(file, `${operation} -\n`);
      }
      try {
        const headers = Object.fromEntries(
          Object.entries(request.headers).flatMap(([name, value]) =>
            name === 'host' || name === 'connection' || value === undefined ? [] : [[name, String(value)]],
          ),
        );
        const answer = await fetch(upstream, { method: request.method ?? 'POST', headers, body });
        response.writeHead(answer.status, Object.fromEntries(answer.headers));
        response.end(Buffer.from(await answer.arrayBuffer()));
      } catch {
        response.destroy();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
