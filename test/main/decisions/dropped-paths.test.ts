import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { droppedPathsFromArgv } from '../../../src/main/decisions/dropped-paths'

describe('droppedPathsFromArgv', () => {
  const cwd = resolve('/home/ann/work')

  it('takes the paths after the executable of a packaged app, resolved from its folder', () => {
    const argv = ['/opt/Task Farm/task-farm', 'photos', resolve('/mnt/backup'), '--allow-file-access-from-files']
    expect(droppedPathsFromArgv(argv, cwd, { isPackaged: true })).toEqual([
      resolve(cwd, 'photos'),
      resolve('/mnt/backup'),
    ])
  })

  it('skips the app folder of an unpackaged `electron .`', () => {
    expect(droppedPathsFromArgv(['/usr/bin/electron', '.', 'a'], cwd, { isPackaged: false })).toEqual([
      resolve(cwd, 'a'),
    ])
  })

  it('skips the app folder also when switches come before it (a debugger, Playwright)', () => {
    const argv = [
      '/usr/bin/electron',
      '--inspect=0',
      '--remote-debugging-port=0',
      '/src/task-farm',
      '--user-data-dir=/tmp/x',
    ]
    expect(droppedPathsFromArgv(argv, cwd, { isPackaged: false })).toEqual([])
    expect(droppedPathsFromArgv([...argv, 'b'], cwd, { isPackaged: false })).toEqual([resolve(cwd, 'b')])
  })

  it('drops flags, URLs, blanks and repeats, but keeps dash-named paths after --', () => {
    const argv = ['exe', '--inspect', 'a', './a', '', 'https://x.org/', '--', '-odd-name']
    expect(droppedPathsFromArgv(argv, cwd, { isPackaged: true })).toEqual([
      resolve(cwd, 'a'),
      resolve(cwd, '-odd-name'),
    ])
  })

  it('finds nothing in a bare launch', () => {
    expect(droppedPathsFromArgv(['exe'], cwd, { isPackaged: true })).toEqual([])
  })

  it.runIf(process.platform !== 'win32')(
    'decodes the file:// URIs a Linux file manager passes to "Open with" (Exec=… %U)',
    () => {
      const argv = [
        '/opt/Task Farm/task-farm',
        'file:///home/ann/My%20Photos',
        'file:///home/ann/urls%C3%A9.txt',
        'file://other-host/share/x',
        'smb://nas/share',
      ]
      expect(droppedPathsFromArgv(argv, cwd, { isPackaged: true })).toEqual([
        '/home/ann/My Photos',
        '/home/ann/urlsé.txt',
      ])
    },
  )
})
