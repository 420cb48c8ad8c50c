import { describe, expect, it } from 'vitest'
import { trayHostPresent } from '../../../src/main/decisions/tray-host'

const bus = (answer: string) => async () => `method return time=1 sender=org.freedesktop.DBus\n   ${answer}\n`
const noBus = async (): Promise<string> => {
  throw new Error('dbus-send: not found')
}

describe('is there a tray to close to?', () => {
  it('always on Windows and macOS', async () => {
    expect(await trayHostPresent('win32', {}, noBus)).toBe(true)
    expect(await trayHostPresent('darwin', {}, noBus)).toBe(true)
  })

  it('on Linux where a StatusNotifierWatcher runs (KDE, Ubuntu’s GNOME)', async () => {
    expect(await trayHostPresent('linux', { XDG_CURRENT_DESKTOP: 'ubuntu:GNOME' }, bus('boolean true'))).toBe(true)
  })

  it('not on stock GNOME (no watcher), but on an XEmbed panel such as XFCE', async () => {
    expect(await trayHostPresent('linux', { XDG_CURRENT_DESKTOP: 'GNOME' }, bus('boolean false'))).toBe(false)
    expect(await trayHostPresent('linux', { XDG_CURRENT_DESKTOP: 'XFCE' }, bus('boolean false'))).toBe(true)
  })

  it('without D-Bus: none on GNOME, assumed elsewhere', async () => {
    expect(await trayHostPresent('linux', { XDG_CURRENT_DESKTOP: 'GNOME' }, noBus)).toBe(false)
    expect(await trayHostPresent('linux', { XDG_CURRENT_DESKTOP: 'KDE' }, noBus)).toBe(true)
  })
})
