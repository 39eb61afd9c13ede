// Stack traces as the runtimes print them (copied in the shape each runtime really uses), parsed
// into lines with the location of each frame.
import * as assert from 'node:assert/strict';
import { isAbsoluteFramePath, MAX_STACK_LINES, parseFrame, parseStackTrace, type StackLine } from '../../../webview/model/stack';

/** Each frame as "file:line" plus the text the link covers, so a wrong range shows. */
const frames = (lines: StackLine[]) => lines.filter((l) => l.frame).map((l) => ({ file: l.frame!.file, line: l.frame!.line, column: l.frame!.column, linked: l.text.slice(l.frame!.start, l.frame!.end) }));

describe('stack traces (webview/model/stack)', () => {
  it('Node: named, anonymous, async and file:// frames; node:internal and <anonymous> are text', () => {
    const text = [
      "TypeError: Cannot read properties of undefined (reading 'price')",
      '    at priceOf (/app/services/cart/src/pricing.js:17:23)',
      '    at Array.map (<anonymous>)',
      '    at /app/services/cart/src/handlers.js:42:9',
      '    at async checkout (file:///app/services/cart/src/main%20loop.mjs:8:3)',
      '    at new Cart (C:\\src\\cart\\cart.js:3:11)',
      '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
      '    at node:internal/main/run_main_module:28:49',
    ].join('\n');
    const lines = parseStackTrace(text);
    assert.equal(lines.length, 8);
    assert.equal(lines[0].frame, undefined);
    assert.deepEqual(frames(lines), [
      { file: '/app/services/cart/src/pricing.js', line: 17, column: 23, linked: '/app/services/cart/src/pricing.js:17:23' },
      { file: '/app/services/cart/src/handlers.js', line: 42, column: 9, linked: '/app/services/cart/src/handlers.js:42:9' },
      { file: '/app/services/cart/src/main loop.mjs', line: 8, column: 3, linked: 'file:///app/services/cart/src/main%20loop.mjs:8:3' },
      { file: 'C:\\src\\cart\\cart.js', line: 3, column: 11, linked: 'C:\\src\\cart\\cart.js:3:11' },
    ]);
  });

  it('Python: File "...", line N, in fn; the source lines and <frozen> frames are text', () => {
    const text = [
      'Traceback (most recent call last):',
      '  File "/app/cart/views.py", line 88, in checkout',
      '    total = price_of(item)',
      '  File "<frozen importlib._bootstrap>", line 241, in _call_with_frames_removed',
      '  File "/usr/lib/python3.12/decimal.py", line 10, in price_of',
      'decimal.InvalidOperation: [<class \'decimal.ConversionSyntax\'>]',
    ].join('\n');
    assert.deepEqual(frames(parseStackTrace(text)), [
      { file: '/app/cart/views.py', line: 88, column: undefined, linked: '/app/cart/views.py", line 88' },
      { file: '/usr/lib/python3.12/decimal.py', line: 10, column: undefined, linked: '/usr/lib/python3.12/decimal.py", line 10' },
    ]);
  });

  it("Java: the file under its package's folders; module prefixes; Native Method is text", () => {
    const text = [
      'java.lang.IllegalStateException: cart 17 is locked',
      '\tat com.shop.cart.CartService.checkout(CartService.java:42)',
      '\tat com.shop.cart.CartService$Lock.acquire(CartService.java:120)',
      '\tat java.base/java.lang.Thread.run(Thread.java:833)',
      '\tat app//com.shop.Main.main(Main.java:9)',
      '\tat jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)',
      '\t... 12 more',
    ].join('\n');
    assert.deepEqual(frames(parseStackTrace(text)), [
      { file: 'com/shop/cart/CartService.java', line: 42, column: undefined, linked: 'CartService.java:42' },
      { file: 'com/shop/cart/CartService.java', line: 120, column: undefined, linked: 'CartService.java:120' },
      { file: 'java/lang/Thread.java', line: 833, column: undefined, linked: 'Thread.java:833' },
      { file: 'com/shop/Main.java', line: 9, column: undefined, linked: 'Main.java:9' },
    ]);
  });

  it('Go: the file lines under each function; the function lines and goroutine header are text', () => {
    const text = [
      'goroutine 1 [running]:',
      'main.(*Cart).Checkout(0xc000012345, {0x0, 0x0})',
      '\t/app/cart/handler.go:123 +0x1d',
      'main.main()',
      '\t/app/cart/main.go:18',
      'net/http.HandlerFunc.ServeHTTP(0x0?, {0x7f, 0xc0}, 0x0?)',
      '\tC:/go/src/net/http/server.go:2122 +0x2f',
    ].join('\n');
    assert.deepEqual(frames(parseStackTrace(text)), [
      { file: '/app/cart/handler.go', line: 123, column: undefined, linked: '/app/cart/handler.go:123' },
      { file: '/app/cart/main.go', line: 18, column: undefined, linked: '/app/cart/main.go:18' },
      { file: 'C:/go/src/net/http/server.go', line: 2122, column: undefined, linked: 'C:/go/src/net/http/server.go:2122' },
    ]);
  });

  it('.NET: "in <file>:line N"; frames without a file are text', () => {
    const text = [
      'System.InvalidOperationException: Cart 17 is locked',
      '   at Shop.Cart.CartService.Checkout(Int32 id) in /src/Cart/CartService.cs:line 42',
      '   at Shop.Cart.Program.<Main>$(String[] args) in C:\\src\\Cart\\Program.cs:line 7',
      '   at System.Threading.ExecutionContext.RunInternal(ExecutionContext executionContext)',
    ].join('\r\n');
    assert.deepEqual(frames(parseStackTrace(text)), [
      { file: '/src/Cart/CartService.cs', line: 42, column: undefined, linked: '/src/Cart/CartService.cs:line 42' },
      { file: 'C:\\src\\Cart\\Program.cs', line: 7, column: undefined, linked: 'C:\\src\\Cart\\Program.cs:line 7' },
    ]);
  });

  it("Ruby: 'file:N:in' with either quote, and the 'from' lines", () => {
    const text = [
      "/app/cart.rb:10:in 'Cart#checkout': cart 17 is locked (RuntimeError)",
      "\tfrom /app/cart.rb:3:in `<main>'",
      "\tfrom lib/shop/order.rb:55:in `block in place'",
    ].join('\n');
    assert.deepEqual(frames(parseStackTrace(text)), [
      { file: '/app/cart.rb', line: 10, column: undefined, linked: '/app/cart.rb:10' },
      { file: '/app/cart.rb', line: 3, column: undefined, linked: '/app/cart.rb:3' },
      { file: 'lib/shop/order.rb', line: 55, column: undefined, linked: 'lib/shop/order.rb:55' },
    ]);
  });

  it('messages that only look a little like frames stay text', () => {
    for (const line of ['Error: connect ECONNREFUSED 127.0.0.1:5432', 'at least 3 items', 'line 10', 'see http://example.com:80/x', '    at fn (/p/f.js:0:1)']) {
      assert.equal(parseFrame(line), undefined, line);
    }
  });

  it('a runaway trace is cut after MAX_STACK_LINES lines, saying how many more', () => {
    const text = Array.from({ length: MAX_STACK_LINES + 20 }, (_, i) => `    at f${i} (/app/r.js:${i + 1}:1)`).join('\n');
    const lines = parseStackTrace(text);
    assert.equal(lines.length, MAX_STACK_LINES + 1);
    assert.equal(lines[MAX_STACK_LINES].text, '… 20 more lines');
  });

  it('absolute paths for the browser links', () => {
    assert.ok(isAbsoluteFramePath('/app/x.js'));
    assert.ok(isAbsoluteFramePath('C:\\src\\x.cs'));
    assert.ok(isAbsoluteFramePath('C:/src/x.go'));
    assert.ok(!isAbsoluteFramePath('com/shop/Main.java'));
    assert.ok(!isAbsoluteFramePath('lib/shop/order.rb'));
  });
});
