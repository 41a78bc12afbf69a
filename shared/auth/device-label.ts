import Bowser from 'bowser';

/**
 * A short label for a session's device, from the User-Agent at login: "Firefox on Windows". Made by bowser
 * (MIT; ua-parser-js 2.x is AGPL). Only for the user to recognise their own sessions: never a security
 * decision, since the header is the client's to choose.
 */
export function deviceLabel(userAgent: string | undefined): string {
  if (!userAgent) return 'Unknown device';
  const { browser, os } = Bowser.parse(userAgent.slice(0, 512));
  const name = browser.name || 'Unknown browser';
  return os.name ? `${name} on ${os.name}` : name;
}
