import * as assert from 'node:assert/strict';
import { buildWorkspace, Prng } from '../../bench/generate-workspace';
import { ManifestEngine } from '../../src/core/analysis/engine';
import type { Finding } from '../../src/core/analysis/types';
import { allFindings, engineWith, uri, WS } from './helpers/engine';

// The incremental engine keeps objects whose text did not change, moves their findings with them
// and re-checks only what an edit can affect. Whatever it skips, the result must be what a fresh
// engine computes from the same files, and every file whose findings changed must be reported as
// affected (the editor republishes only those). Random edits of a slice of the bench workspace
// (cross-referencing Istio, Rollouts and workload objects, with mistakes) check both.

/** Everything a user sees of a finding, positions of related locations and fixes included. */
function shown(f: Finding): string {
  return JSON.stringify([f.uri, f.range, f.code, f.severity, f.message, f.object, f.path, f.related, f.fixes, f.upstream, f.unresolved ?? false]);
}

function snapshot(engine: ManifestEngine): Map<string, string> {
  const byUri = new Map<string, string[]>();
  for (const f of allFindings(engine)) {
    const list = byUri.get(f.uri) ?? [];
    list.push(shown(f));
    byUri.set(f.uri, list);
  }
  return new Map([...byUri].map(([u, l]) => [u, l.join('\n')]));
}

type Files = Record<string, string>;

/** One edit of the kinds people make: typing in a line, adding or removing lines, moving or copying a document, renaming, files coming and going. */
function mutate(r: Prng, files: Files, words: string[]): { name: string; text: string | undefined; what: string } {
  const names = Object.keys(files).sort();
  const name = r.pick(names);
  const text = files[name];
  const lines = text.split('\n');
  const docs = text.split(/^---$/m);
  const at = r.int(0, lines.length - 1);
  const kind = r.int(0, 9);
  switch (kind) {
    case 0: // a comment line above a line: everything below moves down
      lines.splice(at, 0, `${/^\s*/.exec(lines[at])![0]}# note ${at}`);
      return { name, text: lines.join('\n'), what: `insert comment at ${name}:${at + 1}` };
    case 1: // a line removed (may break the document)
      lines.splice(at, 1);
      return { name, text: lines.join('\n'), what: `remove ${name}:${at + 1}` };
    case 2: {
      // a value changed to a word used elsewhere: hosts, names, subsets, labels start or stop matching
      const m = /^(\s*(?:- )?[\w.-]+: )(\S+)$/.exec(lines[at]);
      if (!m) return mutate(r, files, words);
      lines[at] = m[1] + r.pick(words);
      return { name, text: lines.join('\n'), what: `value at ${name}:${at + 1} -> ${lines[at].trim()}` };
    }
    case 3: {
      // a number changed (weights, ports, timeouts)
      const m = /^(.*?)(\d+)(\D*)$/.exec(lines[at]);
      if (!m) return mutate(r, files, words);
      lines[at] = `${m[1]}${r.pick([0, 1, 5, 50, 80, 100, 8080, 9090])}${m[3]}`;
      return { name, text: lines.join('\n'), what: `number at ${name}:${at + 1}` };
    }
    case 4: {
      // a document copied into another file
      const other = r.pick(names);
      const doc = r.pick(Object.values(files[other].split(/^---$/m)));
      return { name, text: `${text}\n---${doc}`, what: `copy a document of ${other} into ${name}` };
    }
    case 5: {
      // a document deleted, or moved to the end of its file
      if (docs.length < 2) return mutate(r, files, words);
      const i = r.int(0, docs.length - 1);
      const [doc] = docs.splice(i, 1);
      if (r.int(0, 1)) docs.push(doc);
      return { name, text: docs.join('---'), what: `delete or move document ${i} of ${name}` };
    }
    case 6: // a file deleted
      return { name, text: undefined, what: `delete ${name}` };
    case 7: {
      // a file copied under a new name (git checkout, copy-paste of a folder)
      const copy = name.replace(/\.yaml$/, `-copy${r.int(0, 99)}.yaml`);
      return { name: copy, text, what: `copy ${name} to ${copy}` };
    }
    default: {
      // a blank line added at the top of a file: every document moves
      return { name, text: `\n${text}`, what: `blank line at the top of ${name}` };
    }
  }
}

describe('ManifestEngine: incremental analysis equals a fresh analysis', function () {
  this.timeout(300_000);

  it('after each of 60 random edits of 70 cross-referencing files, and reports every file whose findings changed', () => {
    const all = buildWorkspace(7);
    // Three teams plus the big routing file: enough cross-references (gateways, hosts, subsets,
    // selectors, rollouts) and mistakes, small enough for a fresh engine after every edit.
    const teams = [...new Set(all.map((f) => f.path.split('/').slice(0, 2).join('/')).filter((p) => p.startsWith('teams/')))].slice(0, 3);
    const files: Files = {};
    for (const f of all) if (f.path === 'platform/mesh-routing.yaml' || teams.some((t) => f.path.startsWith(`${t}/`))) files[f.path] = f.text;
    assert.ok(Object.keys(files).length >= 40, `${Object.keys(files).length} files`);
    const words = [...new Set(Object.values(files).join('\n').match(/\b[a-z][\w.-]{2,}\b/g) ?? [])].sort();

    const engine = engineWith(files);
    let before = snapshot(engine);
    const r = new Prng(11);
    for (let step = 0; step < 60; step++) {
      const { name, text, what } = mutate(r, files, words);
      if (text === undefined) {
        delete files[name];
        engine.deleteFile(uri(name));
      } else {
        files[name] = text;
        engine.setFile(uri(name), { text });
      }
      const affected = engine.analyze();
      const after = snapshot(engine);
      const fresh = snapshot(engineWith(files));
      for (const u of new Set([...after.keys(), ...fresh.keys()])) {
        assert.equal(after.get(u) ?? '', fresh.get(u) ?? '', `step ${step} (${what}): findings of ${u.slice(WS.length + 1)} differ from a fresh analysis`);
      }
      for (const u of new Set([...after.keys(), ...before.keys()])) {
        if ((after.get(u) ?? '') !== (before.get(u) ?? '')) assert.ok(affected.has(u), `step ${step} (${what}): findings of ${u.slice(WS.length + 1)} changed but it was not reported as affected`);
      }
      before = after;
    }
  });
});
