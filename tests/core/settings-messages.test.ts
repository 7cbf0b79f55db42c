import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, groupThousands, validateSettings } from '../../src/core/settings.ts';

describe('settings messages', () => {
  it('names an out-of-range setting’s bounds with thousands grouped, as a person writes them', () => {
    const result = validateSettings({ ...DEFAULT_SETTINGS, maximumIntervalDays: 40_000 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join('\n')).toMatch(/Maximum interval must be between 1 and 36,500 days/);
    expect([0, 999, 1_000, 36_500, 1_234_567].map(groupThousands)).toEqual(['0', '999', '1,000', '36,500', '1,234,567']);
  });
});
