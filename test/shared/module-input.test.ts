import { describe, expect, it } from 'vitest'
import { parseInputLine } from '../../src/shared/kinds/module-input'

describe('a module job input line, as the function receives it', () => {
  it('is the JSON value when the line is JSON', () => {
    expect(parseInputLine('42')).toBe(42)
    expect(parseInputLine('0')).toBe(0)
    expect(Object.is(parseInputLine('-0'), -0)).toBe(true)
    expect(parseInputLine('123456789012345')).toBe(123456789012345)
    expect(parseInputLine('12345678901234567890')).toBe(JSON.parse('12345678901234567890'))
    expect(parseInputLine('-1.5e3')).toBe(-1500)
    expect(parseInputLine('"text"')).toBe('text')
    expect(parseInputLine('{"a":1}')).toEqual({ a: 1 })
    expect(parseInputLine('[1,2]')).toEqual([1, 2])
    expect(parseInputLine('true')).toBe(true)
    expect(parseInputLine('false')).toBe(false)
    expect(parseInputLine('null')).toBe(null)
    expect(parseInputLine('  7 ')).toBe(7)
  })

  it('is the text itself, untrimmed, when the line is not JSON', () => {
    for (const line of [
      '/srv/photos/a b.jpg',
      'tomato',
      'nothing',
      '007',
      '-',
      '{not json',
      ' hello ',
      '',
      '   ',
      'ünïcode',
    ])
      expect(parseInputLine(line)).toBe(line)
  })
})
