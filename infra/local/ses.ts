import type { AddressInfo } from 'node:net';
import sesLocal from 'aws-ses-v2-local';
import type { RunningEmulator } from '#infra/local/dynamodb';

/**
 * aws-ses-v2-local: accepts SES v1 and v2 sends, shows the mail on its web page and lists it as JSON at
 * GET /store. Any credentials are accepted, but requests must be signed, as the SDK does.
 */
export async function startSesEmulator(port: number): Promise<RunningEmulator> {
  // The package is CommonJS with an ES-module-style default export.
  const start = ((sesLocal as unknown as { default?: typeof sesLocal }).default ??
    sesLocal) as typeof sesLocal;
  const server = await start({ host: '127.0.0.1', port });
  const address = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
