import Bowser from 'bowser';

/** The browser and system names bowser knows: a label says only these, never the header's own words. */
const BROWSERS = new Set<string>(Object.values(Bowser.BROWSER_MAP));
const SYSTEMS = new Set<string>(Object.values(Bowser.OS_MAP));

/**
 * A short label for a session's or a passkey's device, from the User-Agent: "Firefox on Windows". Made by
 * bowser (MIT; ua-parser-js 2.x is AGPL). Only for the user to recognise their own devices: never a
 * security decision, since the header is the client's to choose. For a browser it does not know, bowser
 * copies the header's first word, whatever it says; a label that goes into security notices takes a name
 * only from its lists, so a header cannot write a sentence (or a link) into the owner's mail.
 */
export function deviceLabel(userAgent: string | undefined): string {
  if (!userAgent) return 'Unknown device';
  const { browser, os } = Bowser.parse(userAgent.slice(0, 512));
  const name = browser.name && BROWSERS.has(browser.name) ? browser.name : 'Unknown browser';
  return os.name && SYSTEMS.has(os.name) ? `${name} on ${os.name}` : name;
}
