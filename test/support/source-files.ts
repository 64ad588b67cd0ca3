import fs from 'node:fs';
import path from 'node:path';

/** Herald's source folder, for tests that read the code itself (architecture rules). */
export const SRC = path.resolve(import.meta.dirname, '../../src');

/** Every .ts file under `dir`, leaving out the generated Prisma client. */
export function sourceFiles(dir: string = SRC): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' ? [] : sourceFiles(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}
