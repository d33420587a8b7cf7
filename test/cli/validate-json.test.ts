/**
 * The stable JSON a pipeline reads: `status --json` of a real engine after a real sync against a
 * real daemon parses with the documented schema (and the schema refuses what breaks it), and
 * `validate --json`'s report schema refuses a report missing a documented field.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StatusJsonSchema } from '../../electron/headless/commands/status-json.ts';
import { ValidateReportSchema, validateReport } from '../../electron/headless/commands/validate-report.ts';
import { startSyncFixture, type SyncFixture } from '../support/sync-fixture.ts';

let fx: SyncFixture | undefined;
afterEach(async () => {
  await fx?.dispose();
  fx = undefined;
});

describe('status --json schema', () => {
  it('a real engine’s status after a sync fits it, as JSON', async () => {
    fx = await startSyncFixture({
      prepare: async ({ source }) => writeFile(path.join(source, 'a.txt'), 'hello'),
    });
    await fx.converged();
    const json = JSON.parse(JSON.stringify(fx.engine.status())) as unknown;
    const parsed = StatusJsonSchema.parse(json);
    expect(parsed[0]).toMatchObject({ name: 'test', state: 'idle', pending: 0 });
    expect(parsed[0]!.targets[0]!.totals.files).toBe(1);
    expect(parsed[0]!.targets[0]!.lastSuccessAt).toBeGreaterThan(0);
    // A renamed field or a state outside the documented list is a break the schema catches.
    const broken = structuredClone(json) as { targets: { state: string }[] }[];
    broken[0]!.targets[0]!.state = 'current';
    expect(StatusJsonSchema.safeParse(broken).success).toBe(false);
    const renamed = structuredClone(json) as Record<string, unknown>[];
    delete renamed[0]!.pending;
    expect(StatusJsonSchema.safeParse(renamed).success).toBe(false);
  });
});

describe('validate --json schema', () => {
  it('a report has every documented field', () => {
    const report = validateReport({ config: '/etc/x.json', profiles: [], problems: [], error: null });
    expect(ValidateReportSchema.parse(report)).toEqual({
      format: 1,
      config: '/etc/x.json',
      valid: true,
      profiles: [],
      problems: [],
      error: null,
    });
    const { problems: _gone, ...missing } = report;
    expect(ValidateReportSchema.safeParse(missing).success).toBe(false);
  });
});
