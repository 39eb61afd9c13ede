import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { version } from '../../package.json';
import { DEFAULT_LIMITS, Finding, isUnresolvedSetting, ManifestEngine, readRuleSettings, RULES, RuleSetting, SEVERITY_RANK, Severity, UnresolvedSetting } from '../core';
import { collectFiles, readManifest, UsageError } from './files';
import { formatJson, formatSarif, formatText } from './format';

const USAGE = `Usage:
  meshlens lint [paths...] [options]   check manifests (default path: .)
  meshlens rules [--format text|json]  list every rule
  meshlens --version | --help

lint options:
  --format text|json|sarif     output format (default text)
  --severity error|warning|info  report findings at or above this severity (default info)
  --rule CODE=SETTING          off | error | warning | info | hint; repeatable (e.g. --rule ML0002=off)
  --unresolved-references error|warning|off
                               references to objects the files do not define at all (default warning)
  --max-file-size-mb N         skip larger files (default ${DEFAULT_LIMITS.maxFileBytes / 1024 / 1024})
  --exit-zero                  exit 0 even when errors remain
  --output FILE                write the report to FILE instead of standard output

Exit status: 0 no error remains, 1 an error remains, 2 usage error or a file that cannot be read.
`;

export interface Io {
  out(s: string): void;
  err(s: string): void;
}

interface LintOptions {
  paths: string[];
  format: 'text' | 'json' | 'sarif';
  severity: Severity;
  rules: Record<string, RuleSetting>;
  maxFileBytes: number;
  exitZero: boolean;
  output?: string;
  unresolved: UnresolvedSetting;
}

function parseLintArgs(args: string[]): LintOptions {
  const o: LintOptions = { paths: [], format: 'text', severity: 'info', rules: {}, maxFileBytes: DEFAULT_LIMITS.maxFileBytes, exitZero: false, unresolved: 'warning' };
  const ruleArgs: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--format': {
        const v = value();
        if (v !== 'text' && v !== 'json' && v !== 'sarif') throw new UsageError(`--format must be text, json or sarif, not "${v}"`);
        o.format = v;
        break;
      }
      case '--severity': {
        const v = value();
        if (v !== 'error' && v !== 'warning' && v !== 'info') throw new UsageError(`--severity must be error, warning or info, not "${v}"`);
        o.severity = v;
        break;
      }
      case '--rule': {
        const v = value();
        const eq = v.indexOf('=');
        if (eq <= 0) throw new UsageError(`--rule takes CODE=SETTING (e.g. ML0002=off), not "${v}"`);
        ruleArgs[v.slice(0, eq)] = v.slice(eq + 1);
        break;
      }
      case '--unresolved-references': {
        const v = value();
        if (!isUnresolvedSetting(v)) throw new UsageError(`--unresolved-references must be error, warning or off, not "${v}"`);
        o.unresolved = v;
        break;
      }
      case '--max-file-size-mb': {
        const v = Number(value());
        if (!Number.isFinite(v) || v <= 0) throw new UsageError('--max-file-size-mb must be a positive number');
        o.maxFileBytes = Math.round(v * 1024 * 1024);
        break;
      }
      case '--exit-zero':
        o.exitZero = true;
        break;
      case '--output':
        o.output = value();
        break;
      default:
        if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
        o.paths.push(a);
    }
  }
  const { rules, problems } = readRuleSettings(ruleArgs);
  if (problems.length) throw new UsageError(problems[0].replace('meshlens.rules.', '--rule '));
  const known = new Set(RULES.flatMap((r) => [r.meta.code, r.meta.id]));
  for (const k of Object.keys(rules)) if (!known.has(k)) throw new UsageError(`--rule ${k}: no rule has this code or id (see meshlens rules)`);
  o.rules = rules;
  if (o.paths.length === 0) o.paths.push('.');
  return o;
}

async function lint(args: string[], io: Io): Promise<number> {
  const o = parseLintArgs(args);
  const files = await collectFiles(o.paths);
  const engine = new ManifestEngine(RULES, { rules: o.rules, limits: { ...DEFAULT_LIMITS, maxFileBytes: o.maxFileBytes }, unresolvedReferences: o.unresolved });
  // Bounded parallel reads: enough to hide disk latency, few enough not to exhaust descriptors.
  let next = 0;
  const unreadable: string[] = [];
  const worker = async () => {
    while (next < files.length) {
      const file = files[next++];
      try {
        engine.setFile(pathToFileURL(file).href, await readManifest(file, o.maxFileBytes));
      } catch (e) {
        // Reported, never fatal: the other files are still checked.
        unreadable.push(file);
        io.err(`meshlens: cannot read ${path.relative(process.cwd(), file) || file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, files.length) }, worker));
  engine.analyze();
  const findings: Finding[] = [];
  let objects = 0;
  for (const uri of [...engine.index.uris()].sort()) {
    objects += engine.index.get(uri)!.objects.length;
    for (const f of engine.findings(uri)) if (SEVERITY_RANK[f.severity] <= SEVERITY_RANK[o.severity]) findings.push(f);
  }
  for (const e of engine.ruleErrors) io.err(`meshlens: internal error in rule ${e.ruleId} on ${e.uri}: ${e.message}\n`);
  const result = { files: files.length, objects, findings, rules: RULES.map((r) => r.meta), version, cwd: process.cwd() };
  const report = o.format === 'json' ? formatJson(result) : o.format === 'sarif' ? formatSarif(result) : formatText(result);
  if (o.output) await fs.writeFile(o.output, report);
  else io.out(report);
  if (unreadable.length) return 2;
  const errors = findings.some((f) => f.severity === 'error');
  return errors && !o.exitZero ? 1 : 0;
}

function rules(args: string[], io: Io): number {
  const format = args[0] === '--format' ? args[1] : args[0]?.startsWith('--format=') ? args[0].slice(9) : args.length ? 'bad' : 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError('meshlens rules takes only --format text|json');
  const metas = RULES.map((r) => r.meta);
  if (format === 'json') io.out(JSON.stringify(metas, null, 2) + '\n');
  else for (const m of metas) io.out(`${m.code}  ${m.severity.padEnd(7)}  ${m.id.padEnd(20)}  ${m.title}\n`);
  return 0;
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'lint':
      case 'rules':
        // `meshlens lint --help` is how people ask; it is not an unknown option.
        if (rest.includes('--help') || rest.includes('-h')) {
          io.out(USAGE);
          return 0;
        }
        return command === 'lint' ? await lint(rest, io) : rules(rest, io);
      case '--version':
      case '-v':
        io.out(`${version}\n`);
        return 0;
      case '--help':
      case '-h':
      case 'help':
        io.out(USAGE);
        return 0;
      case undefined:
        io.err(USAGE);
        return 2;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`meshlens: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
}
