import { lstatSync, statSync, utimesSync, type Stats } from 'node:fs'
import { sameTime } from './conflict'

/**
 * A file copied after its folder was finished (a retry, an item re-run after a crash or a resume)
 * changes the folder's time again. Once per folder and batch, this notes whether the destination
 * folder already carries its source's time, and if so puts that time back after the batch's files.
 */
export class LateFileGuard {
  /** Destination folder → its source's stat when the folder was already finished, else null. */
  private readonly folders = new Map<string, Stats | null>()

  constructor(
    private readonly enabled: boolean,
    /** How far apart times may be on the destination and still be the same (its time precision). */
    private readonly slackMs?: number,
  ) {}

  note(destDir: string, srcDir: string): void {
    if (!this.enabled || this.folders.has(destDir)) return
    const dest = lstatSync(destDir, { throwIfNoEntry: false })
    const source = dest ? statSync(srcDir, { throwIfNoEntry: false }) : undefined
    this.folders.set(destDir, dest && source && sameTime(dest.mtimeMs, source.mtimeMs, this.slackMs) ? source : null)
  }

  /** Gives finished folders their times back; call once the batch's files are in place. */
  restore(): void {
    for (const [destDir, source] of this.folders) {
      if (source) utimesSync(destDir, source.atimeMs / 1000, source.mtimeMs / 1000)
    }
    this.folders.clear()
  }
}
