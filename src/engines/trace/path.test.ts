import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parsePathSignature, pathChanged, pathOf, pathSignature, type Path } from './path.js';

const _ = null;

describe('pathChanged', () => {
  const cases: [string, Path, Path, boolean][] = [
    ['identical', ['a', 'b', 'c'], ['a', 'b', 'c'], false],
    ['a hop went silent', ['a', 'b', 'c'], ['a', _, 'c'], false],
    ['a silent hop answered', ['a', _, 'c'], ['a', 'b', 'c'], false],
    ['every hop silent but the last', [_, _, 'c'], ['a', 'b', 'c'], false],
    ['a router replaced mid-path', ['a', 'b', 'c'], ['a', 'x', 'c'], true],
    ['first hop changed (new gateway)', ['a', 'b', 'c'], ['z', 'b', 'c'], true],
    ['destination one hop nearer', ['a', 'b', 'c', 'd'], ['a', 'b', 'd'], true],
    ['destination one hop further', ['a', 'b', 'd'], ['a', 'b', 'c', 'd'], true],
    ['one more hop, the added one silent before the end', ['a', 'b', 'd'], ['a', 'b', _, 'd'], true],
    ['target stopped answering (outage, not a new path)', ['a', 'b', 'c'], ['a', 'b', _], false],
    ['target stopped answering, trace cut short', ['a', 'b', 'c'], ['a', _], false],
    ['target answers again', ['a', _], ['a', 'b', 'c'], false],
    ['outage that also moved a router', ['a', 'b', 'c'], ['a', 'x', _], true],
    ['both empty', [], [], false],
    ['first trace ever compared with nothing', [], ['a', 'b'], false],
  ];
  for (const [name, previous, current, expected] of cases) {
    test(`${name}: ${pathSignature(previous)} → ${pathSignature(current)} = ${expected}`, () => assert.equal(pathChanged(previous, current), expected));
  }
});

describe('pathSignature', () => {
  test('from hops and from a path, with * for silent hops', () => {
    assert.equal(pathSignature([{ address: '10.0.0.1' }, { address: null }, { address: '192.0.2.1' }]), '10.0.0.1 > * > 192.0.2.1');
    assert.equal(pathSignature(['10.0.0.1', null]), '10.0.0.1 > *');
    assert.equal(pathSignature([]), '');
  });
  test('round-trips', () => {
    for (const path of [['a', null, 'c'], [], [null]] as Path[]) assert.deepEqual(parsePathSignature(pathSignature(path)), path);
  });
  test('pathOf keeps TTL order', () => assert.deepEqual(pathOf([{ address: 'a' }, { address: null }]), ['a', null]));
});
