/**
 * Splits a byte stream into newline-terminated frames, refusing any frame longer than `maxBytes`
 * before it is buffered whole (a client cannot make the owner hold a gigabyte waiting for a newline).
 */
export class LineFrames {
  private parts: Buffer[] = []
  private size = 0

  constructor(private readonly maxBytes: number) {}

  /** The complete frames in `chunk`, or `null` once a frame is too long (the connection should close). */
  push(chunk: Buffer): string[] | null {
    const frames: string[] = []
    let start = 0
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      if (this.size + nl - start > this.maxBytes) return null
      this.parts.push(chunk.subarray(start, nl))
      frames.push(Buffer.concat(this.parts).toString('utf8'))
      this.parts = []
      this.size = 0
      start = nl + 1
    }
    const rest = chunk.length - start
    if (this.size + rest > this.maxBytes) return null
    if (rest > 0) {
      this.parts.push(chunk.subarray(start))
      this.size += rest
    }
    return frames
  }
}
