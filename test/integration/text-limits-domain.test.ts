import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCampaign } from '../../src/domain/campaign/create-campaign.js';
import { AppError } from '../../src/domain/errors.js';
import { createTemplate } from '../../src/domain/templates/manage-templates.js';
import { FILE_LIMITS, TEXT_LIMITS } from '../../src/domain/text/limits.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { ENGINES } from '../support/test-database.js';

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return `${error.code}: ${error.message}`;
    throw error;
  }
  throw new Error('expected an AppError');
}

/**
 * The limits hold for every edge, not only the command grammar: Slack modals call the domain with
 * what people typed, so the domain refuses the same values with the same field named.
 */
describe.each(ENGINES)('one set of text limits in the domain on %s', (engine) => {
  let t: TestApp;
  const long = 'n'.repeat(TEXT_LIMITS.name + 1);

  beforeAll(async () => {
    t = await createTestApp(engine);
  });
  afterAll(async () => t?.close());

  it('refuses template, list, segment and campaign names over the limit, and names holding a NUL', async () => {
    const deps = t.app.deps;
    expect(await refusal(createTemplate(deps, { name: long, channel: 'email', text: 'hi', actor: 'U1' }))).toBe(
      `INVALID_INPUT: The template name is ${TEXT_LIMITS.name + 1} characters; at most ${TEXT_LIMITS.name}.`,
    );
    expect(await refusal(deps.contacts.createList({ name: long, description: '', createdBy: 'U1' }))).toBe(
      `INVALID_INPUT: The list name is ${TEXT_LIMITS.name + 1} characters; at most ${TEXT_LIMITS.name}.`,
    );
    expect(await refusal(deps.contacts.createList({ name: 'Nul\u0000list', description: '', createdBy: 'U1' }))).toBe(
      'INVALID_INPUT: The list name contains a NUL character (U+0000) at character 4; remove it.',
    );
    expect(await refusal(deps.contacts.createSegment({ name: long, filter: { match: 'all', conditions: [] }, createdBy: 'U1' }))).toMatch(/^INVALID_INPUT: The segment name is 121 characters/);
    expect(await refusal(createCampaign(deps, { name: long, channel: 'email', actor: 'U1' }))).toBe(`INVALID_INPUT: The name is ${TEXT_LIMITS.name + 1} characters; at most ${TEXT_LIMITS.name}.`);
    expect(await refusal(createCampaign(deps, { name: 'Tags', channel: 'email', tags: ['t'.repeat(TEXT_LIMITS.tag + 1)], actor: 'U1' }))).toMatch(/^INVALID_INPUT: A tag is 51 characters; at most 50\.$/);
    expect(await refusal(createCampaign(deps, { name: 'Desc', channel: 'email', description: 'd'.repeat(TEXT_LIMITS.description + 1), actor: 'U1' }))).toMatch(/^INVALID_INPUT: The description is 1001 characters/);
    expect(await t.run('list')).toMatchObject({ text: 'Campaigns: none.' });
  });

  it('refuses template bodies holding a NUL or over the upload limits, before anything is stored', async () => {
    const deps = t.app.deps;
    expect(await refusal(createTemplate(deps, { name: 'Nul body', channel: 'email', subject: 'Hi', text: 'a\u0000b', actor: 'U1' }))).toBe('INVALID_INPUT: The text body contains a NUL character (U+0000) at character 2; remove it.');
    expect(await refusal(createTemplate(deps, { name: 'Big body', channel: 'email', subject: 'Hi', html: `<p>${'x'.repeat(FILE_LIMITS.html)}</p>`, actor: 'U1' }))).toMatch(
      /^INVALID_INPUT: The HTML body is 500007 bytes; at most 500000 \(500 KB\)\.$/,
    );
    expect(await deps.templates.findByName('Nul body')).toBeNull();
    expect(await deps.templates.findByName('Big body')).toBeNull();
  });
});
