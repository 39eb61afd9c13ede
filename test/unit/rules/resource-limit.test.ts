import { resourceLimit } from '../../../src/core/analysis/rules/syntax/resource-limit';
import { testRule } from '../helpers/ruleTester';

const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
for (const [prev, cur] of [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'e']]) bomb.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(', ')}]`);

testRule(resourceLimit, {
  valid: [
    { name: 'a few aliases', files: { 'a.yaml': 'x: &x {a: 1}\ny: *x\nz: *x\n' } },
    { name: 'ordinary nesting', files: { 'a.yaml': 'a:\n  b:\n    c:\n      - [1, [2, [3]]]\n' } },
  ],
  invalid: [
    { name: 'alias expansion', files: { 'a.yaml': bomb.join('\n') + '\n' }, expected: [['ML0007', null, null]] },
    { name: 'nesting deeper than the limit', files: { 'a.yaml': 'data: ' + '['.repeat(300) + ']'.repeat(300) + '\n' }, expected: [['ML0007', null, null]] },
  ],
});
