// The frames of an `exception.stacktrace` event attribute, as the runtimes print them, so the details
// pane can show the trace line by line with each frame's location as a link. Pure (text in, lines
// out), since the same bundle runs in the webview and the browser and the runtimes' formats are
// what has to be right:
//
//   Node/JS   "    at handle (/app/src/cart.js:10:5)"   "    at /app/src/cart.js:10:5"
//             "    at async run (file:///app/src/cart.mjs:3:9)"
//   Python    '  File "/app/cart/views.py", line 10, in checkout'
//   Java      "\tat com.shop.cart.CartService.checkout(CartService.java:42)"
//   Go        "\t/app/cart/handler.go:123 +0x1d"
//   .NET      "   at Shop.Cart.Checkout() in /src/Cart/CartService.cs:line 42"
//   Ruby      "/app/cart.rb:10:in 'checkout'"   "\tfrom /app/cart.rb:3:in `<main>'"
//
// Frames inside the runtime (node:internal, <anonymous>, Python's <frozen ...>) are text, not
// links: there is no file to open.

export interface StackFrame {
  /** The file as a path: file:// URLs decoded; for Java, the package's folders and the file name (com/shop/cart/CartService.java). */
  readonly file: string;
  readonly line: number;
  readonly column?: number;
  /** The location inside the line's text, [start, end): what becomes the link. */
  readonly start: number;
  readonly end: number;
}

export interface StackLine {
  readonly text: string;
  readonly frame?: StackFrame;
}

/** Lines shown at most; a longer trace (a recursion gone wrong) ends with a line saying how many more. */
export const MAX_STACK_LINES = 500;

const NET = /^(\s*at\s.*?\sin\s)(.+?):line (\d+)\s*$/;
const JAVA = /^(\s*at\s+)((?:[\w$.@-]*\/)*)([\w$.<>]+)\(([^()/\\:]+):(\d+)\)\s*$/;
const NODE = /^(\s*at\s+(?:.*?\s\(|))((?:file:\/\/)?[^()]+?):(\d+):(\d+)(\)?\s*)$/;
const PYTHON = /^(\s*File ")(.+?)(", line )(\d+)/;
const GO = /^(\s+)((?:[A-Za-z]:)?[^\s:]*\.go):(\d+)(?:\s+\+0x[0-9a-f]+)?\s*$/;
const RUBY = /^(\s*(?:from\s+)?)((?:[A-Za-z]:)?[^\s:][^:]*?):(\d+):in\s+[`'‘]/;

/** Splits a stack trace into lines, recognising each frame's location. */
export function parseStackTrace(text: string): StackLine[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const out: StackLine[] = [];
  for (const line of lines.slice(0, MAX_STACK_LINES)) {
    const frame = parseFrame(line);
    out.push(frame ? { text: line, frame } : { text: line });
  }
  if (lines.length > MAX_STACK_LINES) out.push({ text: `… ${lines.length - MAX_STACK_LINES} more lines` });
  return out;
}

/** The frame a line names, or undefined for text (a message, a runtime-internal frame). */
export function parseFrame(line: string): StackFrame | undefined {
  let m: RegExpExecArray | null;
  if ((m = NET.exec(line))) {
    return frame(m[2], Number(m[3]), undefined, m[1].length, m[1].length + m[2].length + ':line '.length + m[3].length);
  }
  if ((m = JAVA.exec(line))) {
    const [, prefix, modulePart, qualified, fileName, lineNo] = m;
    // com.shop.cart.CartService$Inner.checkout: the package is everything before the class.
    const parts = qualified.split('.');
    const pkg = parts.slice(0, Math.max(0, parts.length - 2));
    const start = prefix.length + modulePart.length + qualified.length + 1;
    return frame([...pkg, fileName].join('/'), Number(lineNo), undefined, start, start + fileName.length + 1 + lineNo.length);
  }
  if ((m = NODE.exec(line))) {
    const [, prefix, file, lineNo, col] = m;
    return frame(file, Number(lineNo), Number(col), prefix.length, prefix.length + file.length + 2 + lineNo.length + col.length);
  }
  if ((m = PYTHON.exec(line))) {
    const [, prefix, file, mid, lineNo] = m;
    return frame(file, Number(lineNo), undefined, prefix.length, prefix.length + file.length + mid.length + lineNo.length);
  }
  if ((m = GO.exec(line))) {
    const [, prefix, file, lineNo] = m;
    return frame(file, Number(lineNo), undefined, prefix.length, prefix.length + file.length + 1 + lineNo.length);
  }
  if ((m = RUBY.exec(line))) {
    const [, prefix, file, lineNo] = m;
    return frame(file, Number(lineNo), undefined, prefix.length, prefix.length + file.length + 1 + lineNo.length);
  }
  return undefined;
}

function frame(raw: string, line: number, column: number | undefined, start: number, end: number): StackFrame | undefined {
  if (!Number.isSafeInteger(line) || line < 1) return undefined;
  if (isRuntimeInternal(raw)) return undefined;
  const file = filePath(raw);
  if (file === '') return undefined;
  return column !== undefined && Number.isSafeInteger(column) && column > 0 ? { file, line, column, start, end } : { file, line, start, end };
}

/** Frames with no file of the app behind them. */
function isRuntimeInternal(file: string): boolean {
  return /^(node:|internal\/|native$|<|\[)/.test(file) || file === 'native' || file.includes('<anonymous>') || file.startsWith('evalmachine.');
}

/** file:// URLs as paths (percent-decoded; file:///C:/x is C:/x). */
function filePath(raw: string): string {
  if (!/^file:\/\//i.test(raw)) return raw.trim();
  let p = raw.replace(/^file:\/\/[^/]*/i, '');
  try {
    p = decodeURIComponent(p);
  } catch {
    // A stray % is part of the name.
  }
  return /^\/[A-Za-z]:\//.test(p) ? p.slice(1) : p;
}

/** `/x` or `C:\x` / `C:/x`: a path a browser's vscode:// link can name as it is. */
export function isAbsoluteFramePath(file: string): boolean {
  return file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file);
}
