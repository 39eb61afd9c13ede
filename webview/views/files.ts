// "Open trace file" and "Export trace" at the top of the viewer.
//
// In VS Code both are the panel host's dialogs (openTraceFile, exportTrace: the host reads and
// writes files, the webview cannot); the host may also ask the viewer to show a trace it imported
// (the Explorer's "MeshLens: Open Trace File"), answered through a waiting nextTraceToOpen request.
// In a browser (`meshlens serve`) Export is a download of GET api/traces/<id>/otlp and Open an
// <input type=file> whose text is posted to api/import.
//
// An imported trace is shown with the viewer's own open(), which asks the host for it: the import
// has put it in the store by the time its answer arrives, and a filter or Pause on the list does not
// stand in the way.
import type { TraceFileImportDto } from '../../src/shared/protocol';
import type { Channel } from '../channel';
import { el } from '../dom';

/** The import limit of `meshlens serve` (MAX_IMPORT_BODY_BYTES): larger files are refused here, before the upload. */
const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
export interface FileActions {
  readonly element: HTMLElement;
  /** The trace the waterfall shows (Export saves it), or undefined. */
  setOpenTrace(traceId: string | undefined): void;
}

export function fileActions(channel: Channel, open: (traceId: string) => void): FileActions {
  let openTraceId: string | undefined;
  const status = el('span', { class: 'file-status', role: 'status', 'aria-live': 'polite', 'data-testid': 'file-status' });
  const openButton = el('button', { type: 'button', 'data-testid': 'open-trace-file', 'aria-label': 'Open trace file', title: 'Open a trace file (OTLP/JSON, JSON Lines, Jaeger or Zipkin JSON)' }, 'Open trace file…');
  const exportButton = el('button', { type: 'button', 'data-testid': 'export-trace', 'aria-label': 'Export trace', title: 'Save the open trace as OTLP/JSON', disabled: true }, 'Export trace');
  const root = el('span', { class: 'file-actions', role: 'group', 'aria-label': 'Trace files' }, openButton, exportButton, status);

  const say = (text: string, error = false) => {
    status.textContent = text;
    status.classList.toggle('error', error);
  };
  const failed = (what: string) => (e: unknown) => say(`${what}: ${(e as Error)?.message ?? String(e)}`, true);

  const imported = (r: TraceFileImportDto) => {
    const left = r.rejected ? `; ${r.rejected} left out (${r.rejectMessage})` : '';
    const traces = r.traceIds.length === 1 ? '1 trace' : `${r.traceIds.length} traces`;
    say(`Imported ${r.fileName}: ${traces}, ${r.spans} spans, ${r.logs} logs${left}.`);
    if (r.traceIds[0]) open(r.traceIds[0]);
  };

  if (channel.inVsCode) {
    openButton.addEventListener('click', () => {
      channel.request('openTraceFile', {}).then((r) => r && imported(r), failed('Cannot open the trace file'));
    });
    exportButton.addEventListener('click', () => {
      const traceId = openTraceId;
      if (!traceId) return;
      channel.request('exportTrace', { traceId }).then((r) => r && say(`Saved ${r.spans} spans to ${r.file}.`), failed('Cannot export the trace'));
    });
    // The host's "show this trace", one waiting request at a time, for as long as the page lives.
    const wait = (): void => {
      channel.request('nextTraceToOpen', {}).then(
        (r) => {
          if (!r) return; // Superseded (a reload) or the panel is closing.
          open(r.traceId);
          wait();
        },
        () => undefined,
      );
    };
    wait();
  } else {
    const input = el('input', { type: 'file', accept: '.json,.jsonl,.ndjson,application/json', hidden: true, 'data-testid': 'trace-file-input', 'aria-label': 'Trace file' });
    root.insertBefore(input, openButton);
    openButton.addEventListener('click', () => input.click());
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      input.value = '';
      if (file) void upload(file).then(imported, failed(`Cannot open ${file.name}`));
    });
    exportButton.addEventListener('click', () => {
      const traceId = openTraceId;
      if (!traceId) return;
      const a = el('a', { href: `api/traces/${encodeURIComponent(traceId)}/otlp`, download: `trace-${traceId}.json`, hidden: true });
      root.appendChild(a);
      a.click();
      a.remove();
      say(`Downloading trace ${traceId} as OTLP/JSON.`);
    });
  }
  return {
    element: root,
    setOpenTrace(traceId) {
      openTraceId = traceId;
      exportButton.disabled = traceId === undefined;
    },
  };
}

async function upload(file: File): Promise<TraceFileImportDto> {
  if (file.size > MAX_IMPORT_BYTES) throw new Error(`it is ${file.size.toLocaleString('en-US')} bytes, over the import limit of 64 MiB`);
  const res = await fetch(`api/import?name=${encodeURIComponent(file.name)}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: await file.text() });
  const body = (await res.json().catch(() => ({ error: `the server answered ${res.status}` }))) as TraceFileImportDto | { error: string };
  if (!res.ok || 'error' in body) throw new Error('error' in body ? body.error : `the server answered ${res.status}`);
  return body;
}
