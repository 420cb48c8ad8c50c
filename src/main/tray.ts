import { Menu, nativeImage, nativeTheme, Tray, type NativeImage } from 'electron'
import { join } from 'node:path'
import { trayMenu, trayTooltip, type FarmCounts, type TrayAction } from './decisions/tray-label'

/**
 * The tray icon in the format each OS wants (a template image on macOS, ICO on Windows, PNG on
 * Linux), drawn to stand out on the panel it sits on: light on a dark panel, dark on a light one.
 */
export function trayIconPath(resourcesDir: string, platform = process.platform, darkPanel = panelIsDark()): string {
  if (platform === 'darwin') return join(resourcesDir, 'trayTemplate.png')
  const variant = darkPanel ? 'tray-on-dark' : 'tray-on-light'
  return join(resourcesDir, `${variant}.${platform === 'win32' ? 'ico' : 'png'}`)
}

/** Whether the taskbar or top bar is dark: the system UI's theme, which may differ from the apps' one. */
function panelIsDark(platform = process.platform, desktop = process.env.XDG_CURRENT_DESKTOP ?? ''): boolean {
  if (platform === 'win32') return nativeTheme.shouldUseDarkColorsForSystemIntegratedUI
  // GNOME's top bar (Ubuntu's, Fedora's) stays dark under the light theme too.
  if (/gnome|unity/i.test(desktop)) return true
  return nativeTheme.shouldUseDarkColors
}

export interface FarmTray {
  update(counts: FarmCounts): void
  present(): boolean
  destroy(): void
}

export function createFarmTray(resourcesDir: string, onAction: (action: TrayAction) => void): FarmTray {
  const icon = (): NativeImage => {
    const image = nativeImage.createFromPath(trayIconPath(resourcesDir))
    if (process.platform === 'darwin') image.setTemplateImage(true)
    return image
  }
  const tray = new Tray(icon())
  // The person switched the system between light and dark: the icon follows the panel.
  const followTheme = (): void => {
    if (!tray.isDestroyed()) tray.setImage(icon())
  }
  nativeTheme.on('updated', followTheme)
  // Windows and Linux open the window on a click; macOS shows the menu, as its users expect.
  if (process.platform !== 'darwin') tray.on('click', () => onAction('show'))
  let shownMenu = ''
  let shownTooltip = ''
  return {
    update(counts) {
      const tooltip = trayTooltip(counts)
      if (tooltip !== shownTooltip) tray.setToolTip((shownTooltip = tooltip))
      const entries = trayMenu(counts)
      const key = JSON.stringify(entries)
      // A menu is replaced, never edited: Linux's AppIndicator does not see changes to a menu already set.
      if (key === shownMenu) return
      shownMenu = key
      tray.setContextMenu(
        Menu.buildFromTemplate(
          entries.map((entry) =>
            'separator' in entry
              ? { type: 'separator' as const }
              : { label: entry.label, enabled: entry.enabled, click: () => onAction(entry.action) },
          ),
        ),
      )
    },
    present: () => !tray.isDestroyed(),
    destroy: () => {
      nativeTheme.off('updated', followTheme)
      tray.destroy()
    },
  }
}
