// A viewer test file's usual life: `meshlens serve`, Chromium and the viewer page, set up once
// before its tests and torn down after them; a page error fails the test it happens in.
import type { Browser, Page } from 'playwright-core';
import { assertNoPageErrors, launchBrowser, openViewer, tid, type ViewerPage } from './browser';
import { ensureBuilt } from './build';
import { startServe, type Serve } from './serve';

export interface ViewerSession {
  readonly serve: Serve;
  readonly browser: Browser;
  readonly view: ViewerPage;
  readonly page: Page;
}

export interface ViewerSessionOptions {
  /** Passed to `meshlens serve` after its port options. */
  readonly serveArgs?: readonly string[];
  /** Runs once serve is up, before the page opens (feed it spans, read its API). */
  readonly beforeOpen?: (serve: Serve) => Promise<void>;
  /** The viewer tab to show first. */
  readonly tab?: 'map';
}

/** Registers the describe's before/afterEach/after hooks; read the session's parts inside tests and later hooks. */
export function useViewerSession(options: ViewerSessionOptions = {}): ViewerSession {
  let serve: Serve | undefined;
  let browser: Browser | undefined;
  let view: ViewerPage | undefined;
  before(async function () {
    await ensureBuilt();
    serve = await startServe(options.serveArgs);
    await options.beforeOpen?.(serve);
    browser = await launchBrowser();
    view = await openViewer(browser, serve.viewer);
    if (options.tab) await view.page.locator(tid(`tab-${options.tab}`)).click();
  });
  afterEach(function () {
    assertNoPageErrors(view);
  });
  after(async function () {
    await browser?.close();
    await serve?.stop();
  });
  const started = <T>(x: T | undefined, what: string): T => {
    if (x === undefined) throw new Error(`the viewer session has no ${what} yet (read it inside a test or a later hook)`);
    return x;
  };
  return {
    get serve() {
      return started(serve, 'serve');
    },
    get browser() {
      return started(browser, 'browser');
    },
    get view() {
      return started(view, 'page');
    },
    get page() {
      return started(view, 'page').page;
    },
  };
}
