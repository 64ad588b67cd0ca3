import { describe, expect, it } from 'vitest';
import { createExecutor, roleFor } from '../../src/commands/execute.js';
import type { CommandContext } from '../../src/commands/command-context.js';
import { SUBCOMMANDS } from '../../src/commands/grammar/commands.js';
import { buildCommand, CommandSyntaxError, parseCommand } from '../../src/commands/grammar/parse-command.js';
import { errorReply } from '../../src/commands/reply.js';
import { flagFor, typedReply } from '../../src/commands/typed-reply.js';
import { appErrorReply } from '../../src/commands/error-replies.js';
import { AppError } from '../../src/domain/errors.js';

function syntaxError(run: () => unknown): CommandSyntaxError {
  try {
    run();
  } catch (error) {
    if (error instanceof CommandSyntaxError) return error;
    throw error;
  }
  throw new Error('no CommandSyntaxError');
}

describe('grammar errors carry the input field they concern', () => {
  it('from a typed line: the field of the flag, a campaign name being `name`', () => {
    expect(syntaxError(() => parseCommand('schedule 1 --at tomorrow')).details.field).toBe('at');
    expect(syntaxError(() => parseCommand('new --channel email')).details.field).toBe('name');
    expect(syntaxError(() => parseCommand('pause 1 --reason')).details.field).toBe('reason');
    expect(syntaxError(() => parseCommand('edit 1 --ttl 99d')).details.field).toBe('ttlSeconds');
  });

  it('from values an edge built: every refused value with its field, each a sentence without flags', () => {
    expect(buildCommand('schedule', { campaignId: '7', at: '2026-03-01 09:00', tz: 'Europe/Paris' })).toEqual({ name: 'schedule', campaignId: 7, at: '2026-03-01T09:00', tz: 'Europe/Paris' });
    const error = syntaxError(() => buildCommand('new', { campaignName: 'X', channel: 'email', tz: 'Nowhere/Land', ttlSeconds: 'soon', variants: ['A:T:0'] }));
    expect(error.details.problems?.map((p) => p.field)).toEqual(['tz', 'ttlSeconds', 'variants']);
    for (const p of error.details.problems ?? []) expect(p.message).toMatch(/^[A-Z].*\.$/);
    expect(JSON.stringify(error.details.problems)).not.toMatch(/--/);
    expect(syntaxError(() => buildCommand('test', { campaignId: '7' })).details.problems).toEqual([{ field: 'to', message: 'This is required.' }]);
  });
});

describe('a typed command line names the flag; the reply itself names only the field', () => {
  it('finds the flag of a field in the subcommand it concerns', () => {
    expect(flagFor('edit', 'name')).toBe('--name');
    expect(flagFor('edit', 'ttlSeconds')).toBe('--ttl');
    expect(flagFor('schedule', 'at')).toBe('--at');
    expect(flagFor('templates edit', 'fromEmail')).toBe('--from-email');
    expect(flagFor('contacts import', 'path')).toBe('<PATH>');
    expect(flagFor('pause', 'template')).toBeUndefined();
  });

  it('says the flag of a refusal, and how to confirm with the value to type', () => {
    const past = appErrorReply(new AppError('INVALID_INPUT', 'The send time "2020-01-01 09:00" (UTC) is in the past.', { field: 'at' }));
    expect(past).toMatchObject({ ok: false, code: 'INVALID_INPUT', field: 'at', text: 'Invalid input: The send time "2020-01-01 09:00" (UTC) is in the past.' });
    expect(typedReply(past, 'schedule').text).toBe('Invalid input (--at): The send time "2020-01-01 09:00" (UTC) is in the past.');
    expect(typedReply(past, 'schedule').blocks[0]).toEqual({ type: 'text', text: 'Invalid input (--at): The send time "2020-01-01 09:00" (UTC) is in the past.' });
    const cancel = appErrorReply(new AppError('CONFIRMATION_REQUIRED', 'Cancelling C-7 "X" cannot be undone.', { field: 'confirm', confirmWith: 'C-7' }));
    expect(cancel.confirm).toEqual({ field: 'confirm', value: 'C-7' });
    expect(typedReply(cancel, 'cancel').text).toBe('Confirmation needed (--confirm): Cancelling C-7 "X" cannot be undone. To confirm, run the same command again with --confirm C-7.');
    const plain = errorReply('Something else');
    expect(typedReply(plain, 'pause')).toBe(plain);
  });
});

describe('execute: one table of handlers', () => {
  it('has a role for every subcommand of the grammar, read from the typed command', () => {
    for (const spec of SUBCOMMANDS) expect(['viewer', 'marketer', 'approver', 'admin']).toContain(roleFor(parseCommand(spec.example)));
    expect(roleFor(parseCommand('templates edit Welcome --subject Hi'))).toBe('marketer');
    expect(roleFor(parseCommand('templates edit Welcome --text-file /etc/hosts'))).toBe('admin');
  });

  it('answers a domain refusal as a reply with its field, and logs anything else without its details', async () => {
    const logged: Record<string, unknown>[] = [];
    const ctx = {
      deps: { campaigns: { get: async (id: number) => (id === 13 ? Promise.reject(new Error('connection lost')) : null) } },
      delivery: {},
      outbox: null,
      files: {},
    } as unknown as CommandContext;
    const { execute } = createExecutor(ctx, { error: (_m, c) => void logged.push(c) });
    const missing = await execute({ name: 'show', campaignId: 9 }, { id: 'U1' });
    expect(missing).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    const broken = await execute({ name: 'pause', campaignId: 13 }, { id: 'U1' });
    expect(broken).toMatchObject({ ok: false });
    expect(broken.text).toMatch(/^Something went wrong running \/campaign pause/);
    expect(broken.text).not.toMatch(/connection lost/);
    expect(logged).toMatchObject([{ command: 'pause', campaignId: 13, actor: 'U1' }]);
  });
});
