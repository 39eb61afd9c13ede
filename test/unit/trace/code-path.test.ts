import * as assert from 'node:assert/strict';
import { bestSuffixMatch, clampLine, fileNameGlob, isAbsoluteCodePath, isInsideFolder, normalizeCodePath, relativeCandidates, sharedSuffixLength } from '../../../src/core/trace/code-path';

describe('code paths from spans and stack frames', () => {
  it('normalises file:// URLs, Windows paths and webpack URLs to plain paths', () => {
    assert.equal(normalizeCodePath('file:///srv/app/dist/server.js'), '/srv/app/dist/server.js');
    assert.equal(normalizeCodePath('file:///home/me/my%20shop/x.ts'), '/home/me/my shop/x.ts');
    assert.equal(normalizeCodePath('file:///C:/src/cart/Handlers.cs'), 'C:/src/cart/Handlers.cs');
    assert.equal(normalizeCodePath('C:\\src\\cart\\Handlers.cs'), 'C:/src/cart/Handlers.cs');
    assert.equal(normalizeCodePath('webpack:///./src/cart.ts'), './src/cart.ts');
    assert.equal(normalizeCodePath('file:///bad%zzpath/x.js'), '/bad%zzpath/x.js');
    assert.equal(normalizeCodePath(' /app/x.py '), '/app/x.py');
  });

  it('tells absolute from relative on either OS', () => {
    assert.ok(isAbsoluteCodePath('/app/x.py'));
    assert.ok(isAbsoluteCodePath('C:/src/x.cs'));
    assert.ok(!isAbsoluteCodePath('src/x.ts'));
    assert.ok(!isAbsoluteCodePath('./src/x.ts'));
  });

  it('counts shared trailing segments', () => {
    assert.equal(sharedSuffixLength('/app/services/cart/src/handlers.ts', '/home/me/shop/services/cart/src/handlers.ts'), 4);
    assert.equal(sharedSuffixLength('/app/src/handlers.ts', '/home/me/shop/lib/handlers.ts'), 1);
    assert.equal(sharedSuffixLength('/app/src/handlers.ts', '/home/me/shop/src/handler.ts'), 0);
  });

  it('picks the workspace file with the most matching trailing segments, whatever the search order', () => {
    const files = ['/w/services/orders/src/handlers.ts', '/w/services/cart/src/handlers.ts', '/w/lib/handlers.ts', '/w/services/cart/test/handlers.ts'];
    for (const order of [files, [...files].reverse()]) {
      assert.deepEqual(bestSuffixMatch('/app/services/cart/src/handlers.ts', order), { path: '/w/services/cart/src/handlers.ts', shared: 4 });
    }
    // A tie is broken by the shorter path, not by the order found.
    assert.equal(bestSuffixMatch('/app/x/handlers.ts', ['/w/a/b/handlers.ts', '/w/lib/handlers.ts'])?.path, '/w/lib/handlers.ts');
    assert.equal(bestSuffixMatch('/app/x/missing.ts', files), undefined);
  });

  it('relative forms to try under a workspace folder drop leading segments but never stop at the bare name', () => {
    assert.deepEqual(relativeCandidates('/app/services/cart/src/handlers.ts'), ['app/services/cart/src/handlers.ts', 'services/cart/src/handlers.ts', 'cart/src/handlers.ts', 'src/handlers.ts']);
    assert.deepEqual(relativeCandidates('./src/x.ts'), ['src/x.ts']);
    assert.deepEqual(relativeCandidates('x.ts'), ['x.ts']);
    assert.deepEqual(relativeCandidates('C:\\src\\cart\\H.cs'), ['src/cart/H.cs', 'cart/H.cs']);
    assert.deepEqual(relativeCandidates('../other/x.ts'), ['../other/x.ts']);
  });

  it('knows inside from outside a folder by segments, not by string prefix', () => {
    assert.ok(isInsideFolder('/home/me/shop/src/x.ts', '/home/me/shop'));
    assert.ok(!isInsideFolder('/home/me/shop2/x.ts', '/home/me/shop'));
  });

  it('clamps lines to the file', () => {
    assert.equal(clampLine(42, 10), 10);
    assert.equal(clampLine(0, 10), 1);
    assert.equal(clampLine(5, 10), 5);
    assert.equal(clampLine(5, 0), 1);
  });

  it('searches by name with glob characters as single-character wildcards; the suffix match is exact', () => {
    assert.equal(fileNameGlob('[id].tsx'), '**/?id?.tsx');
    assert.equal(fileNameGlob('{a,b}*?!.ts'), '**/?a?b????.ts');
    assert.equal(fileNameGlob('handlers.ts'), '**/handlers.ts');
    // What such a search may also return is not taken for the file.
    assert.deepEqual(bestSuffixMatch('/app/pages/[id].tsx', ['/w/pages/xidx.tsx', '/w/pages/[id].tsx']), { path: '/w/pages/[id].tsx', shared: 2 });
    assert.equal(bestSuffixMatch('/app/pages/[id].tsx', ['/w/pages/xidx.tsx']), undefined);
  });
});
