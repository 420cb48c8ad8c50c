import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, request, type ClientRequest, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Updater } from '../../../src/main/decisions/update-flow'
import { createUpdateFlow } from '../../../src/main/updates'
import { app, dialog, resetElectronMock } from './electron-mock'

vi.mock('electron', () => import('./electron-mock'))

// electron-updater itself (its NSIS updater, which checks the installer's publisher), with Node's
// http in place of Electron's net and a packaged app's adapter: only Electron is stood in for.
const { NsisUpdater } = (await import('electron-updater')) as unknown as {
  NsisUpdater: new (options: null, app: unknown) => Updater & Record<string, unknown>
}
const { ElectronHttpExecutor } = (await import('electron-updater/out/electronHttpExecutor.js')) as unknown as {
  ElectronHttpExecutor: new () => { createRequest(options: unknown, callback: unknown): ClientRequest }
}
class NodeHttpExecutor extends ElectronHttpExecutor {
  override createRequest(options: object, callback: (response: IncomingMessage) => void): ClientRequest {
    return request(options, callback)
  }
}

const installer = Buffer.from('MZ… Task Farm 0.2.0 installer '.repeat(200))
const sha512 = createHash('sha512').update(installer).digest('base64')
const feed = (version: string): string =>
  [
    `version: ${version}`,
    'files:',
    `  - url: Task-Farm-Setup-${version}.exe`,
    `    sha512: ${sha512}`,
    `    size: ${installer.length}`,
    `path: Task-Farm-Setup-${version}.exe`,
    `sha512: ${sha512}`,
    "releaseDate: '2026-12-01T00:00:00.000Z'",
    '',
  ].join('\n')

describe('updates with consent, against a release feed on a local server', () => {
  let dir: string
  let server: Server
  let served: string[]
  let feedText: string
  let signatureCheck: () => Promise<string | null>
  const ready = vi.fn()

  beforeEach(async () => {
    resetElectronMock()
    app.isPackaged = true
    ready.mockReset()
    served = []
    feedText = feed('0.2.0')
    signatureCheck = async () => null
    dir = mkdtempSync(join(tmpdir(), 'task-farm-updates-'))
    server = createServer((req, res) => {
      served.push(req.url!)
      if (/^\/latest.*\.yml/.test(req.url!)) res.end(feedText)
      else if (req.url!.endsWith('.exe')) res.end(installer)
      else res.writeHead(404).end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    writeFileSync(
      join(dir, 'app-update.yml'),
      `provider: generic\nurl: http://127.0.0.1:${port}/\nupdaterCacheDirName: task-farm-updater\npublisherName:\n  - Task Farm contributors\n`,
    )
  })

  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve))
    rmSync(dir, { recursive: true, force: true })
  })

  const flow = (quietLookAfterMs: number | null = null) =>
    createUpdateFlow({
      window: () => null,
      announce: (title, status) => ready(title, status),
      quietLookAfterMs,
      updater: async () => {
        const updater = new NsisUpdater(null, {
          version: '0.1.0',
          name: 'Task Farm',
          isPackaged: true,
          appUpdateConfigPath: join(dir, 'app-update.yml'),
          userDataPath: join(dir, 'user-data'),
          baseCachePath: join(dir, 'cache'),
          whenReady: async () => undefined,
          relaunch: () => undefined,
          quit: () => undefined,
          onQuit: () => undefined,
        })
        Object.assign(updater, {
          httpExecutor: new NodeHttpExecutor(),
          logger: null,
          disableDifferentialDownload: true,
          disableWebInstaller: true,
          verifyUpdateCodeSignature: () => signatureCheck(),
        })
        return updater
      },
    })
  const answer = (response: number) => dialog.showMessageBox.mockResolvedValue({ response, checkboxChecked: false })
  const downloads = () => served.filter((url) => url.endsWith('.exe'))

  it('downloads nothing until the person agrees', async () => {
    answer(1) // "Not now"
    const updates = await flow()
    expect(await updates.check()).toEqual({
      state: 'declined',
      message: 'Task Farm 0.2.0 is available; nothing was downloaded.',
    })
    expect(dialog.showMessageBox).toHaveBeenCalledWith(
      expect.objectContaining({ message: 'Task Farm 0.2.0 is available.' }),
    )
    expect(served.some((url) => url.startsWith('/latest'))).toBe(true)
    expect(downloads()).toEqual([])
    expect(ready).not.toHaveBeenCalled()
  })

  it('after a yes, downloads it and says it is ready', async () => {
    answer(0) // "Download"
    const updates = await flow()
    const status = await updates.check()
    expect(status).toEqual({ state: 'ready', message: 'Task Farm 0.2.0 is ready: it installs when you quit the app.' })
    expect(downloads()).toEqual(['/Task-Farm-Setup-0.2.0.exe'])
    expect(ready).toHaveBeenCalledWith('Update ready', status)
    // Asked again, it says what is ready instead of asking twice.
    expect(await updates.check()).toBe(status)
    expect(dialog.showMessageBox).toHaveBeenCalledTimes(1)
  })

  it('says so in one sentence when the installer’s signature is refused', async () => {
    answer(0)
    signatureCheck = async () => 'publisher names: Task Farm contributors, raw info: {"Status": 2}'
    const updates = await flow()
    expect(await updates.check()).toEqual({
      state: 'failed',
      message:
        'The update was refused: it is not signed by Task Farm’s publisher, or it was altered on the way; nothing was installed.',
    })
    expect(ready).not.toHaveBeenCalled()
  })

  it('says so in one sentence when the feed is broken or missing', async () => {
    feedText = 'version: [0.2.0\nfiles: {'
    const updates = await flow()
    const broken = await updates.check()
    expect(broken).toEqual({
      state: 'failed',
      message: 'The update feed could not be read (a missing or malformed release); try again later.',
    })
    feedText = 'files: []\n'
    expect((await updates.check()).message).toBe(broken.message)
    server.removeAllListeners('request')
    server.on('request', (_req, res) => res.writeHead(404).end('Not Found'))
    expect((await updates.check()).message).toBe(broken.message)
    expect(dialog.showMessageBox).not.toHaveBeenCalled()
  })

  it('looks quietly after start: a newer release is news in the window, nothing asked or downloaded', async () => {
    const updates = await flow(0)
    await vi.waitFor(() => expect(ready).toHaveBeenCalledTimes(1), { timeout: 10_000 })
    expect(ready).toHaveBeenCalledWith('Update available', {
      state: 'available',
      message: 'Task Farm 0.2.0 is available: "Check for updates" in Settings downloads it.',
    })
    expect(dialog.showMessageBox).not.toHaveBeenCalled()
    expect(downloads()).toEqual([])
    // The person's own check then asks.
    answer(1)
    expect((await updates.check()).state).toBe('declined')
    expect(dialog.showMessageBox).toHaveBeenCalledTimes(1)
  })

  it('is the latest version when the feed has nothing newer', async () => {
    feedText = feed('0.1.0')
    expect(await (await flow()).check()).toEqual({ state: 'latest', message: 'Task Farm 0.1.0 is the latest version.' })
  })

  it('is off in development builds (and in unsigned macOS builds, by their signature)', async () => {
    app.isPackaged = false
    const updates = await flow()
    expect(await updates.check()).toEqual({
      state: 'off',
      message: expect.stringMatching(/^Updates are off in development/),
    })
    expect(served).toEqual([])
  })
})
