import { describe, expect, it } from 'vitest'
import { commandSpecSchema } from '../../src/shared/kinds/command'
import {
  commandSpecFrom,
  commandWords,
  emptyCommandForm,
  previewLines,
} from '../../src/renderer/src/dialogs/command-form'
import { chainAfter } from '../../src/renderer/src/dialogs/chain-form'

const form = (patch: Partial<ReturnType<typeof emptyCommandForm>>) => ({ ...emptyCommandForm(), ...patch })

describe('the Run a command form', () => {
  it('splits a command line as sh would, without expanding anything', () => {
    expect(commandWords(form({ commandLine: `convert "{}" -resize 50% '$HOME/{/}'` })).words).toEqual([
      'convert',
      '{}',
      '-resize',
      '50%',
      '$HOME/{/}',
    ])
    expect(commandWords(form({ commandLine: 'gzip {} | wc' })).problem).toMatch(/need "Run through the shell"/)
    expect(commandWords(form({ commandLine: 'gzip {} | wc', shell: true }))).toEqual({
      words: ['gzip {} | wc'],
      problem: null,
    })
  })

  it('previews the first three command lines of pasted inputs, quoted as they will arrive', () => {
    const lines = previewLines(form({ commandLine: 'echo {#} {.}', text: 'a.txt\nb c.txt\nd\ne' }))
    expect(lines).toEqual(['echo 1 a', `echo 2 'b c'`, 'echo 3 d'])
    expect(previewLines(form({ commandLine: 'cat', shell: true, text: `it's` }))).toEqual([`cat 'it'\\''s'`])
  })

  it('makes a spec the contract accepts, and one it refuses with a sentence', () => {
    const good = commandSpecFrom(form({ commandLine: 'echo {}', text: 'a\nb', env: 'A=1\nB=x=y', halt: 'now,fail=2' }))
    expect(commandSpecSchema.parse(good)).toMatchObject({
      command: ['echo', '{}'],
      env: { A: '1', B: 'x=y' },
      halt: { when: 'now', fail: 2 },
    })
    const bad = commandSpecSchema.safeParse(commandSpecFrom(form({ commandLine: '', text: 'a' })))
    expect(bad.success).toBe(false)
    expect(bad.error!.issues[0]!.message).toBe('Give a command to run.')
  })

  it('takes the units of the job "Then…" was opened on, and follows it as asked', () => {
    const chained = form({
      commandLine: 'echo {}',
      source: 'job',
      fromJob: 7,
      fromState: 'failed',
      fromWhere: ' .jpg ',
    })
    expect(commandSpecSchema.parse(commandSpecFrom(chained)).input).toEqual({
      type: 'job',
      jobId: 7,
      state: 'failed',
      where: '.jpg',
    })
    expect(previewLines(chained)).toEqual([`echo '<each unit of job 7>'`])
    expect(chainAfter(chained)).toEqual([{ jobId: 7, ok: false }])
    expect(chainAfter({ ...chained, start: 'ok' })).toEqual([{ jobId: 7, ok: true }])
    expect(chainAfter({ ...chained, start: 'now' })).toEqual([])
  })
})
