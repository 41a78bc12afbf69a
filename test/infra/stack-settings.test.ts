import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { allFunctions } from '#infra/routes';
import {
  FUNCTION_SETTINGS,
  functionSettings,
  parseStackSettings,
  placeholderEnvironments,
} from '#infra/stack-settings';
import { addStages } from '#infra/stages';
import { parseSettings, SETTING_NAMES } from '#shared/platform/config';
import { synth } from './synth.ts';

const US_EAST_1 = { account: '111111111111', region: 'us-east-1' };
/** What prod needs besides (its sender and client), as synth() gives it. */
const deployable = { senderEmail: 'payments@pistus.example', appUrl: 'https://app.pistus.example' };

describe('the stack settings that feed a function setting', () => {
  it.each([
    [{ sessionTtlSeconds: '9999999' }, /sessionTtlSeconds \(SESSION_TTL_SECONDS\): Too big/],
    [{ sessionIdleSeconds: '59' }, /sessionIdleSeconds \(SESSION_IDLE_SECONDS\): Too small/],
    // 9 is within the field's bounds (4–15, for local tests); the cold start's cross-field rule refuses it.
    [{ bcryptCost: '9' }, /bcryptCost \(BCRYPT_COST\): must be at least 10 outside local/],
    [{ bcryptCost: '16' }, /bcryptCost \(BCRYPT_COST\): Too big/],
    [{ allowedOrigins: 'https://ok.example, ftp://files.example' }, /allowedOrigins.* \(ALLOWED_ORIGINS\)/],
    [{ cookieSameSite: 'lax' }, /cookieSameSite \(COOKIE_SAME_SITE\)/],
    [{ signupLimitPerIp: '0' }, /signupLimitPerIp \(SIGNUP_LIMIT_PER_IP\): Too small/],
    [{ forgotLimitPerIp: '10001' }, /forgotLimitPerIp \(FORGOT_REQUESTS_PER_IP_HOUR\): Too big/],
    [{ sesMaxSendRate: '2000', reminderSenders: '2' }, /sesMaxSendRate \(SES_MAX_SEND_RATE\): Too big/],
  ])('are refused as the functions would refuse them, naming the setting: %o', (context, named) => {
    expect(() => parseStackSettings(context)).toThrow(named);
    expect(() => parseStackSettings({ ...context, stage: 'prod', ...deployable })).toThrow(named);
  });

  it('keep what the stack alone asks: at least 2 reminder senders, for the event source mapping', () => {
    expect(() => parseStackSettings({ reminderSenders: '1' })).toThrow(/reminderSenders: at least 2/);
  });

  it('fail the app (cdk synth) before any stack is built', () => {
    const app = new App({
      context: { 'aws:cdk:bundling-stacks': [], stage: 'dev', sessionTtlSeconds: '9999999' },
    });
    expect(() => addStages(app)).toThrow(/sessionTtlSeconds \(SESSION_TTL_SECONDS\): Too big/);
  });

  it("default to config.ts's defaults, and reach the functions as the same values", () => {
    const settings = parseStackSettings({});
    const defaults = parseSettings({});
    const { common, mail } = functionSettings(settings);
    for (const [name, setting] of Object.entries(FUNCTION_SETTINGS)) {
      expect(settings[name as keyof typeof FUNCTION_SETTINGS], name).toEqual(defaults[setting]);
      expect({ ...common, ...mail }, name).toHaveProperty(setting);
    }
    const read = parseSettings({ ...common, ...mail, STAGE: 'local' });
    for (const setting of Object.values(FUNCTION_SETTINGS))
      expect(read[setting], setting).toEqual(defaults[setting]);
  });

  it('reach the functions as given', () => {
    const settings = parseStackSettings({
      sessionTtlSeconds: '3600',
      allowedOrigins: 'https://a.example,https://b.example',
      bcryptCost: '10',
    });
    expect(functionSettings(settings).common).toMatchObject({
      SESSION_TTL_SECONDS: '3600',
      ALLOWED_ORIGINS: 'https://a.example,https://b.example',
      BCRYPT_COST: '10',
    });
  });
});

describe('the environments the synth validates', () => {
  it.each([
    ['by default', {}, undefined],
    ['with the edge', { edge: 'true' }, US_EAST_1],
    ['for prod', { stage: 'prod' }, undefined],
  ] as const)(
    'are the environments the template gives each function (%s), stand-ins for its tokens',
    (_, context, env) => {
      const template = synth(context, env);
      const settings = parseStackSettings({
        ...(context as Record<string, string>),
        ...('stage' in context ? deployable : {}),
      });
      const validated = placeholderEnvironments(settings);
      const functions = Object.entries(template.findResources('AWS::Lambda::Function'));
      expect([...validated.keys()].sort()).toEqual(
        allFunctions()
          .map((fn) => fn.name)
          .sort(),
      );
      for (const [name, placeholders] of validated) {
        const prefix = name.replace(/[^A-Za-z0-9]/g, '');
        const found = functions.find(([id]) => id.startsWith(`${prefix}Function`));
        const variables: Record<string, unknown> = found?.[1].Properties.Environment.Variables ?? {};
        const settingsOnly = Object.keys(variables).filter((key) =>
          (SETTING_NAMES as string[]).includes(key),
        );
        expect(settingsOnly.sort(), name).toEqual(Object.keys(placeholders).sort());
        for (const [key, value] of Object.entries(variables))
          if (typeof value === 'string' && key in placeholders)
            expect(value, `${name} ${key}`).toBe(placeholders[key]);
          else if (key in placeholders) expect(typeof value, `${name} ${key} is a token`).toBe('object');
      }
    },
  );
});
