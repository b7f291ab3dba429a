// colormaps.test.mjs — the page's colour tables (web/views/colormap-tables.mjs, generated from
// d3-scale-chromatic by scripts/gen-colormaps.mjs) equal a fresh generation, and colormap.mjs decodes
// them to d3's colours: viridis and YlOrRd at t = i / 255, RdBu reversed (blue low, red high), Tableau 10.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { interpolateViridis, interpolateRdBu, interpolateYlOrRd, schemeTableau10 } from 'd3-scale-chromatic';
import { generate, OUT } from '../scripts/gen-colormaps.mjs';
import { VIRIDIS, HEAT, RDBU, CATEGORICAL, cssColor } from '../web/views/colormap.mjs';

test('the committed tables are what scripts/gen-colormaps.mjs writes today', async () => {
  assert.equal(await readFile(OUT, 'utf8'), generate(), 'run: node scripts/gen-colormaps.mjs');
});

test('the decoded tables are d3’s colours, entry for entry', () => {
  const rgb = (c) => {
    const m = /rgb\((\d+), ?(\d+), ?(\d+)\)/.exec(c);
    if (m) return [+m[1], +m[2], +m[3]];
    const v = parseInt(c.slice(1), 16);
    return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  };
  for (const [name, map, f] of [
    ['viridis', VIRIDIS, interpolateViridis],
    ['YlOrRd', HEAT, interpolateYlOrRd],
    ['RdBu reversed', RDBU, (t) => interpolateRdBu(1 - t)],
  ]) {
    assert.equal(map.table.length, 256 * 3, name);
    for (let i = 0; i < 256; i++)
      assert.deepEqual(Array.from(map.table.subarray(3 * i, 3 * i + 3)), rgb(f(i / 255)), `${name}[${i}]`);
  }
  assert.deepEqual(CATEGORICAL, schemeTableau10);
  // diverging: −1 is blue, +1 red, 0 near white
  const [lo, mid, hi] = [-1, 0, 1].map((v) => rgb(cssColor(RDBU, v, 1)));
  assert.ok(lo[2] > lo[0] && hi[0] > hi[2] && mid.every((c) => c > 230), `${lo} ${mid} ${hi}`);
});
