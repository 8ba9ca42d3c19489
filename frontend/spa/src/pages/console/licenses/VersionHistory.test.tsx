import { render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { LicenseVersion } from '../../../api/licensing';
import { VersionHistory } from './VersionHistory';

vi.setConfig({ testTimeout: 20_000 });

const v1 = { version: 1, created_at: '2026-01-01T09:00:00Z', created_by: 'usr_1', reason: 'issue', checksum: 'a'.repeat(64),
  claims: { plan: 'basic' }, diff: {} } as LicenseVersion;
const v2 = { version: 2, created_at: '2026-02-01T09:00:00Z', created_by: 'usr_1', reason: 'upgrade', checksum: 'b'.repeat(64),
  claims: { plan: 'advanced' }, diff: { plan: ['basic', 'advanced'] } } as unknown as LicenseVersion;

describe('VersionHistory', () => {
  it('compares the newest version with the one before, also after a renewal adds a version', () => {
    const { rerender } = render(<VersionHistory versions={[v1]} moduleName={(code) => code} />);
    expect(screen.queryByText('Сравнение версий')).toBeNull();
    rerender(<VersionHistory versions={[v2, v1]} moduleName={(code) => code} />);
    const row = screen.getByRole('row', { name: /Тариф/ });
    expect(within(row).getByText('basic')).toBeTruthy();
    expect(within(row).getByText('advanced')).toBeTruthy();
  });
});
