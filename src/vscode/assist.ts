/**
 * The editor side of `src/core/assist`: completion, hover, go-to-definition, references, symbols
 * and reference-count lenses. Each provider asks the manifest service for the engine holding the
 * document's current text, calls the core and maps offsets to positions; nothing else happens here.
 */
import * as vscode from 'vscode';
import type { ManifestEngine } from '../core';
import {
  complete,
  definition,
  documentSymbols,
  hover,
  referenceCounts,
  rolloutEstimates,
  references,
  workspaceSymbols,
} from '../core/assist';
import type { CompletionItem, DocumentSymbol, Location, Span, SymbolKind } from '../core/assist';
import { fieldInsert, spaceStartsValue } from './completionText';
import type { ManifestService } from './manifests';

/** Files and unsaved buffers only: diff views and other virtual documents are not the workspace's. */
export const ASSIST_SELECTOR: vscode.DocumentSelector = [
  { language: 'yaml', scheme: 'file' },
  { language: 'yaml', scheme: 'untitled' },
];

/** A space after `key: ` or `- `: see `spaceStartsValue`. `:` is not one, the value needs its space first. */
export const COMPLETION_TRIGGERS = [' '];

export const OPEN_LOCATION_COMMAND = 'meshlens.openLocation';

const KINDS: Record<CompletionItem['kind'], vscode.CompletionItemKind> = {
  field: vscode.CompletionItemKind.Field,
  value: vscode.CompletionItemKind.Value,
  reference: vscode.CompletionItemKind.Reference,
};

const SYMBOL_KINDS: Record<SymbolKind, vscode.SymbolKind> = {
  object: vscode.SymbolKind.Class,
  route: vscode.SymbolKind.Method,
  subset: vscode.SymbolKind.Field,
  step: vscode.SymbolKind.Event,
};

/** Kinds that get a "referenced by N" lens (`Kind ns/name` starts with the kind). */
const LENS_KINDS = new Set(['VirtualService', 'DestinationRule', 'Service', 'Rollout']);

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function spanRange(document: vscode.TextDocument, span: Span): vscode.Range {
  return new vscode.Range(document.positionAt(span.start), document.positionAt(span.end));
}

/** A core location as an editor one, through the engine's copy of that file's lines. */
function toLocation(engine: ManifestEngine, loc: Location): vscode.Location | undefined {
  const lines = engine.index.get(loc.uri)?.file?.lines;
  if (!lines) return undefined;
  const s = lines.positionAt(loc.start);
  const e = lines.positionAt(loc.end);
  return new vscode.Location(vscode.Uri.parse(loc.uri), new vscode.Range(s.line, s.character, e.line, e.character));
}

function toLocations(engine: ManifestEngine, locs: readonly Location[]): vscode.Location[] {
  return locs.map((l) => toLocation(engine, l)).filter((l): l is vscode.Location => l !== undefined);
}

/** The command `OPEN_LOCATION_COMMAND` runs: hover links carry plain strings and numbers only. */
export async function openLocation(uri: string, line: number, character: number): Promise<void> {
  const position = new vscode.Position(line, character);
  await vscode.window.showTextDocument(vscode.Uri.parse(uri), { selection: new vscode.Range(position, position) });
}

export class ManifestCompletions implements vscode.CompletionItemProvider {
  constructor(private readonly manifests: ManifestService) {}

  provideCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    _token: vscode.CancellationToken,
    context: vscode.CompletionContext,
  ): vscode.CompletionItem[] | undefined {
    if (context.triggerKind === vscode.CompletionTriggerKind.TriggerCharacter && !spaceStartsValue(document.lineAt(position).text.slice(0, position.character))) {
      return undefined;
    }
    const engine = this.manifests.engineFor(document);
    if (!engine) return undefined;
    // Read per request: the setting is per folder and language, and costs nothing to read.
    const catalog = vscode.workspace.getConfiguration('meshlens', document).get<boolean>('completion.fields', true);
    const items = complete(engine, document.uri.toString(), document.offsetAt(position), { catalog });
    const out = items.map((item) => this.toItem(document, position, item));
    // Nothing of ours here: let the other providers (and word suggestions) speak alone.
    return out.length ? out : undefined;
  }

  private toItem(document: vscode.TextDocument, position: vscode.Position, item: CompletionItem): vscode.CompletionItem {
    const c = new vscode.CompletionItem(item.label, KINDS[item.kind]);
    c.detail = item.detail;
    if (item.documentation) c.documentation = new vscode.MarkdownString(item.documentation);
    c.sortText = item.sortText;
    const start = document.positionAt(item.replaceRange.start);
    let end = document.positionAt(item.replaceRange.end);
    // VS Code wants a one-line range that contains the cursor; anything else falls back to its word range.
    if (start.line === position.line && start.isBeforeOrEqual(position)) {
      if (end.line !== position.line || end.isBefore(position)) end = position;
      c.range = { inserting: new vscode.Range(start, position), replacing: new vscode.Range(start, end) };
    }
    if (item.kind === 'field') {
      const insert = fieldInsert(item, start.character, indentUnit(document));
      c.insertText = insert.text;
      // The text carries its own indentation, computed from the key's column.
      c.keepWhitespace = true;
      if (insert.retrigger) c.command = { title: 'Suggest', command: 'editor.action.triggerSuggest' };
    } else if (item.insertText !== undefined) {
      c.insertText = item.insertText;
    }
    return c;
  }
}

function indentUnit(document: vscode.TextDocument): number {
  const editor = vscode.window.visibleTextEditors.find((e) => e.document === document);
  const size = editor?.options.tabSize;
  return typeof size === 'number' && size > 0 ? size : 2;
}

export class ManifestHovers implements vscode.HoverProvider {
  constructor(private readonly manifests: ManifestService) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const engine = this.manifests.engineFor(document);
    if (!engine) return undefined;
    const h = hover(engine, document.uri.toString(), document.offsetAt(position));
    if (!h) return undefined;
    let contents = h.contents;
    const extra: string[] = [];
    let linked = false;
    for (const loc of toLocations(engine, h.targets)) {
      const args = encodeURIComponent(JSON.stringify([loc.uri.toString(), loc.range.start.line, loc.range.start.character]));
      const command = `command:${OPEN_LOCATION_COMMAND}?${args}`;
      // The core links a target as `uri#Lline`; a command link also opens unsaved and untitled files, at the exact place.
      const fileLink = new RegExp(`\\]\\(${escapeRegExp(loc.uri.toString())}#L\\d+\\)`, 'g');
      if (fileLink.test(contents)) contents = contents.replace(fileLink, `](${command})`);
      else extra.push(`[Open ${vscode.workspace.asRelativePath(loc.uri)}:${loc.range.start.line + 1}](${command})`);
      linked = true;
    }
    const md = new vscode.MarkdownString(extra.length ? `${contents}\n\n${extra.join(' · ')}` : contents);
    // Trusted for our own command only: the rest of the text comes from manifests and CRDs.
    if (linked) md.isTrusted = { enabledCommands: [OPEN_LOCATION_COMMAND] };
    return new vscode.Hover(md, spanRange(document, h.range));
  }
}

export class ManifestNavigation implements vscode.DefinitionProvider, vscode.ReferenceProvider {
  constructor(private readonly manifests: ManifestService) {}

  provideDefinition(document: vscode.TextDocument, position: vscode.Position): vscode.Location[] | undefined {
    const engine = this.manifests.engineFor(document);
    if (!engine) return undefined;
    return toLocations(engine, definition(engine, document.uri.toString(), document.offsetAt(position)));
  }

  provideReferences(document: vscode.TextDocument, position: vscode.Position, context: vscode.ReferenceContext): vscode.Location[] | undefined {
    const engine = this.manifests.engineFor(document);
    if (!engine) return undefined;
    const found = references(engine, document.uri.toString(), document.offsetAt(position), { includeDeclaration: context.includeDeclaration });
    return toLocations(engine, found);
  }
}

export class ManifestSymbols implements vscode.DocumentSymbolProvider, vscode.WorkspaceSymbolProvider {
  constructor(private readonly manifests: ManifestService) {}

  provideDocumentSymbols(document: vscode.TextDocument): vscode.DocumentSymbol[] | undefined {
    const engine = this.manifests.engineFor(document);
    const entry = engine?.index.get(document.uri.toString());
    if (!entry?.file) return undefined;
    const toSymbol = (s: DocumentSymbol): vscode.DocumentSymbol => {
      const range = spanRange(document, s.range);
      const selection = spanRange(document, s.selectionRange);
      // VS Code rejects a selection outside the range; the whole range is the safe fallback.
      const sym = new vscode.DocumentSymbol(s.name, s.detail ?? '', SYMBOL_KINDS[s.kind], range, range.contains(selection) ? selection : range);
      sym.children = s.children.map(toSymbol);
      return sym;
    };
    return documentSymbols(entry.file, entry.objects).map(toSymbol);
  }

  provideWorkspaceSymbols(query: string): vscode.SymbolInformation[] {
    const engine = this.manifests.current;
    const out: vscode.SymbolInformation[] = [];
    for (const s of workspaceSymbols(engine.index, query)) {
      const loc = toLocation(engine, s.location);
      if (loc) out.push(new vscode.SymbolInformation(s.name, vscode.SymbolKind.Class, s.groupKind, loc));
    }
    return out;
  }
}

class ReferenceLens extends vscode.CodeLens {
  constructor(
    range: vscode.Range,
    readonly document: vscode.TextDocument,
    readonly count: number,
    /** What the core counted (references to the object, its subsets, routes and ports). */
    readonly references: Location[],
  ) {
    super(range);
  }
}

/**
 * "referenced by N" above the objects others point at (the list opens on a click), and above a
 * canary's `steps` how long the rollout takes to reach 100% if nothing fails.
 */
export class ReferenceLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly subscription: vscode.Disposable;
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly manifests: ManifestService) {
    // A count changes when another file changes, which VS Code does not know about.
    this.subscription = manifests.onDidUpdate(() => this.changed.fire());
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] | undefined {
    const engine = this.manifests.engineFor(document);
    if (!engine) return undefined;
    const out: vscode.CodeLens[] = [];
    for (const c of referenceCounts(engine.index, document.uri.toString())) {
      if (!LENS_KINDS.has(c.object.split(' ')[0])) continue;
      out.push(new ReferenceLens(spanRange(document, c.nameRange), document, c.count, c.references));
    }
    // Information only: a lens without a command is shown as plain text.
    for (const e of rolloutEstimates(engine.index, document.uri.toString())) out.push(new vscode.CodeLens(spanRange(document, e.range), { title: e.text, command: '' }));
    return out;
  }

  resolveCodeLens(lens: vscode.CodeLens): vscode.CodeLens {
    if (!(lens instanceof ReferenceLens)) return lens;
    const title = `referenced by ${lens.count}`;
    if (lens.count === 0) {
      lens.command = { title, command: '' };
      return lens;
    }
    const engine = this.manifests.engineFor(lens.document) ?? this.manifests.current;
    const locations = toLocations(engine, lens.references);
    lens.command = { title, command: 'editor.action.showReferences', arguments: [lens.document.uri, lens.range.start, locations] };
    return lens;
  }
}
