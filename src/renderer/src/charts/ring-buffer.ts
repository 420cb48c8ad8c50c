/** The newest `capacity` values, oldest first when read; pushing never allocates once full. */
export class RingBuffer<T> {
  private readonly values: T[] = []
  private start = 0

  constructor(readonly capacity: number) {}

  push(value: T): void {
    if (this.values.length < this.capacity) this.values.push(value)
    else {
      this.values[this.start] = value
      this.start = (this.start + 1) % this.capacity
    }
  }

  get length(): number {
    return this.values.length
  }

  last(): T | undefined {
    return this.values.length === 0
      ? undefined
      : this.values[(this.start + this.values.length - 1) % this.values.length]
  }

  toArray(): T[] {
    return this.start === 0
      ? this.values.slice()
      : [...this.values.slice(this.start), ...this.values.slice(0, this.start)]
  }
}
