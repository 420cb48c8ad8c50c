import { createWriteStream, type WriteStream } from 'node:fs'
import { OUTPUT_EXCERPT_BYTES } from '../../../shared/kinds/command-limits'
import { decodeOutput } from './text-encodings'

/**
 * Keeps the first and the last 64 KiB of a stream (a run may print gigabytes), and writes the whole
 * stream to a file when the job has an output folder.
 */
export class OutputCapture {
  private readonly head: Buffer[] = []
  private headBytes = 0
  private tail: Buffer[] = []
  private tailBytes = 0
  private file: WriteStream | null
  total = 0

  constructor(filePath: string | null) {
    this.file = filePath ? createWriteStream(filePath) : null
    // A full disk must not crash the worker; the excerpt is still kept.
    this.file?.on('error', () => (this.file = null))
  }

  write(chunk: Buffer): void {
    this.total += chunk.length
    this.file?.write(chunk)
    if (this.headBytes < OUTPUT_EXCERPT_BYTES) {
      const take = chunk.subarray(0, OUTPUT_EXCERPT_BYTES - this.headBytes)
      this.head.push(take)
      this.headBytes += take.length
      chunk = chunk.subarray(take.length)
      if (chunk.length === 0) return
    }
    this.tail.push(chunk)
    this.tailBytes += chunk.length
    while (this.tailBytes - this.tail[0]!.length >= OUTPUT_EXCERPT_BYTES) this.tailBytes -= this.tail.shift()!.length
  }

  /** The excerpt as text: head, then a marker and the tail when bytes were left out between them. */
  text(): string {
    const head = decodeOutput(Buffer.concat(this.head))
    if (this.tailBytes === 0) return head
    let tail = Buffer.concat(this.tail)
    if (tail.length > OUTPUT_EXCERPT_BYTES) tail = tail.subarray(tail.length - OUTPUT_EXCERPT_BYTES)
    const skipped = this.total - this.headBytes - tail.length
    return skipped > 0 ? `${head}\n[… ${skipped} bytes left out …]\n${decodeOutput(tail)}` : head + decodeOutput(tail)
  }

  close(): Promise<void> {
    const file = this.file
    if (!file) return Promise.resolve()
    return new Promise((resolve) => file.end(resolve))
  }
}
