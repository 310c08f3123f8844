import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requires } from '../../test/helpers/tools.js';
import { detectBandwidthCapabilities, parseIperf3Version, versionAtLeast } from './capabilities.js';

describe('bandwidth capabilities', () => {
  const versions: [string, string | undefined][] = [
    ['iperf 3.12 (cJSON 1.7.15)\nLinux vm 6.1', '3.12'],
    ['iperf 3.1.3\n', '3.1.3'],
    ['iperf3: parameter error', undefined],
    ['', undefined],
  ];
  for (const [output, expected] of versions) {
    it(`reads ${JSON.stringify(output.split('\n')[0])} as ${expected}`, () => assert.equal(parseIperf3Version(output), expected));
  }

  const comparisons: [string, string, boolean][] = [
    ['3.12', '3.7', true],
    ['3.7', '3.7', true],
    ['3.6', '3.7', false],
    ['3.1.3', '3.7', false],
    ['4.0', '3.7', true],
  ];
  for (const [version, minimum, expected] of comparisons) {
    it(`${version} ≥ ${minimum}: ${expected}`, () => assert.equal(versionAtLeast(version, minimum), expected));
  }

  it('finds the installed iperf3 and its version', requires('iperf3'), async () => {
    const found = await detectBandwidthCapabilities();
    assert.equal(found.iperf3.present, true);
    if (found.iperf3.present) assert.match(found.iperf3.version, /^3\.\d+/);
  });

  it('says why when the binary is missing', async () => {
    const found = await detectBandwidthCapabilities('/nonexistent/iperf3');
    assert.deepEqual(found, { iperf3: { present: false, reason: 'iperf3 is not installed' } });
  });
});
