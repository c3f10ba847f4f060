/**
 * The order files start in: longest first, whatever their project, so that the two workers end
 * together (vitest's own order runs the database project, then the unit one, each by cached
 * duration or, on a fresh checkout such as CI's, by file size: CI's unit/analytics, about 66 s,
 * started last). A file's duration is file-durations.json's (seconds, from a CI run's JSON report,
 * files under 5 s left out), else vitest's cache of the last local run (which may have been a
 * filtered one), else 0.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const known: Record<string, number> = JSON.parse(readFileSync(new URL('./file-durations.json', import.meta.url), 'utf8'));

export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const seconds = (file: TestSpecification): number => {
      const path = relative(root, file.moduleId);
      if (path in known) return known[path];
      const cached = this.ctx.cache.getFileTestResults(`${file.project.name}:${path}`);
      return cached ? cached.duration / 1000 : 0;
    };
    const ordered = await super.sort(files);
    // Stable: files of equal duration keep vitest's order.
    return ordered.map((file, index) => ({ file, index, seconds: seconds(file) }))
      .sort((a, b) => b.seconds - a.seconds || a.index - b.index).map(({ file }) => file);
  }
}
