// The README inside the .vsix: README.md without its screenshots. vsce accepts only https images
// in an extension's README (the Marketplace serves it), and this repository has no public URL for
// them, so the packaged README goes without; every other line is the same.
import { readFile, writeFile, mkdir } from 'node:fs/promises';

const text = await readFile('README.md', 'utf8');
const kept = text.split('\n').filter((line) => !/^\s*!\[[^\]]*\]\((?!https:)[^)]*\)\s*$/.test(line));
await mkdir('dist', { recursive: true });
await writeFile('dist/README.md', kept.join('\n').replace(/\n{3,}/g, '\n\n'));
