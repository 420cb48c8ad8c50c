import { describe, expect, it } from 'vitest'
import { factRows, specRows } from '../../src/renderer/src/components/spec-rows'

describe('the specification as the person entered it', () => {
  it('shows a command as a command line, its inputs by source, and leaves empty settings out', () => {
    const rows = Object.fromEntries(
      specRows({
        kind: 'command',
        command: ['sh', '-c', 'echo "hello $1"', 'sh', '{}'],
        input: { type: 'list', values: ['a', 'b b', 'c', 'd'] },
        jobs: 2,
        shell: false,
        env: {},
      }),
    )
    expect(rows.Command).toBe(`sh -c 'echo "hello $1"' sh {}`)
    expect(rows.Inputs).toBe('4 given with the job: a, b b, c, …')
    expect(rows.Shell).toBe('no')
    expect(rows).not.toHaveProperty('Env')
    expect(Object.values(rows).join(' ')).not.toContain('{"type"')
  })

  it('says where inputs come from for files and folders, and URL lists', () => {
    expect(specRows({ input: { type: 'files', dir: '/data', glob: '*.csv' } })).toEqual([
      ['Inputs', 'each file matching *.csv in /data'],
    ])
    expect(specRows({ input: { type: 'text', text: 'https://a.example/\n\nhttps://b.example/' } })).toEqual([
      ['Inputs', '2 pasted lines'],
    ])
    expect(
      specRows({ input: { type: 'crawl', url: 'https://a.example/', depth: 2, maxPages: 500, scope: 'domain' } }),
    ).toEqual([
      ['Inputs', 'the pages found from https://a.example/ (domain scope, at most 2 links away, 500 pages at most)'],
    ])
    expect(specRows({ input: { type: 'job', jobId: 3, state: 'failed', where: '.jpg' } })).toEqual([
      ['Inputs', 'the failed units of job 3 whose key contains ".jpg"'],
    ])
  })

  it('gives a plan’s byte counts in human units', () => {
    expect(factRows({ files: 277, bytes: 81_295_597_568 })).toEqual([
      ['Files', '277'],
      ['Bytes', '75.7 GiB'],
    ])
  })
})
