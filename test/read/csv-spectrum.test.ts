import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readAll } from './helpers.js';

// RFC 4180 edge cases with their answers (../shared/realworld/csv-spectrum/SOURCES.md).
const SPECTRUM = fileURLToPath(new URL('../../../shared/realworld/csv-spectrum/', import.meta.url));
const names = readdirSync(`${SPECTRUM}csvs`).map((file) => file.replace(/\.csv$/, '')).sort();

/** json/location_coordinates.json is defective (a bare object, and a phone number the CSV does not hold): the CSV's own values. */
const CORRECTED: Record<string, Array<Record<string, string>>> = {
  location_coordinates: [
    { 'Contact Phone Number': '2095257564', 'Location Coordinates': '37\uFFFD36\'37.8"N 121\uFFFD2\'17.9"W', Cities: 'Modesto', Counties: 'Stanislaus' },
  ],
};

describe('csv-spectrum: every CSV reads as its answer says', () => {
  it('has all twelve files', () => {
    expect(names).toHaveLength(12);
  });

  it.each(names)('%s', async (name) => {
    const expected = CORRECTED[name] ?? (JSON.parse(readFileSync(`${SPECTRUM}json/${name}.json`, 'utf8')) as Array<Record<string, string>>);
    const { table, rows, warnings } = await readAll(`${SPECTRUM}csvs/${name}.csv`);
    const records = rows.map(({ cells }) => Object.fromEntries(table.info.headers.map((header, index) => [header, cells[index]])));
    expect(records).toEqual(expected);
    expect(warnings).toEqual([]);
  });
});
