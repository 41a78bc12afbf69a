// Runs before `npm run deploy` and `npm run diff`: without AWS credentials or a region, the CDK would bundle
// every function (about 20 s) and only then say "Unable to resolve AWS account". This says, at once and in
// one line, what to set. Plain JavaScript: it needs nothing installed.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The one-line problem with this environment for reaching AWS, or undefined when it looks ready. */
export function awsPreflightProblem(env, home = homedir()) {
  const configFile = env.AWS_CONFIG_FILE ?? join(home, '.aws', 'config');
  const credentialsFile = env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, '.aws', 'credentials');
  const read = (file) => (existsSync(file) ? readFileSync(file, 'utf8') : '');
  const profile = env.AWS_PROFILE ?? 'default';
  const config = read(configFile);
  const section = (text, names) => {
    const start = names.map((name) => text.indexOf(`[${name}]`)).find((index) => index >= 0);
    if (start === undefined) return '';
    const rest = text.slice(start + 1);
    const next = rest.indexOf('\n[');
    return next < 0 ? rest : rest.slice(0, next);
  };
  const profileConfig = section(config, [`profile ${profile}`, profile]);
  const hasCredentials =
    !!env.AWS_ACCESS_KEY_ID ||
    !!env.AWS_WEB_IDENTITY_TOKEN_FILE ||
    !!env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI ||
    !!env.AWS_CONTAINER_CREDENTIALS_FULL_URI ||
    section(read(credentialsFile), [profile]).includes('aws_access_key_id') ||
    /\b(sso_|role_arn|credential_process|aws_access_key_id)/.test(profileConfig);
  const hasRegion = !!env.AWS_REGION || !!env.AWS_DEFAULT_REGION || /\bregion\s*=/.test(profileConfig);
  if (!hasCredentials && !hasRegion)
    return 'No AWS credentials or region: set AWS_PROFILE (a profile with both) or AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_REGION; nothing was bundled.';
  if (!hasCredentials)
    return `No AWS credentials for profile ${profile}: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY); nothing was bundled.`;
  if (!hasRegion)
    return 'No AWS region: set AWS_REGION (or a region in your AWS_PROFILE); nothing was bundled.';
  return undefined;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const problem = awsPreflightProblem(process.env);
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
}
