import { Menu, nativeImage, Tray } from 'electron'
import { join } from 'node:path'
import { trayMenu, trayTooltip, type FarmCounts, type TrayAction } from './decisions/tray-label'

/** The tray icon in the format each OS wants: a template image on macOS, ICO on Windows, PNG on Linux. */
export function trayIconPath(resourcesDir: string, platform = process.platform): string {
  if (platform === 'darwin') return join(resourcesDir, 'trayTemplate.png')
  if (platform === 'win32') return join(resourcesDir, 'tray.ico')
  return join(resourcesDir, 'tray.png')
}

export interface FarmTray {
  update(counts: FarmCounts): void
  present(): boolean
  destroy(): void
}

export function createFarmTray(resourcesDir: string, onAction: (action: TrayAction) => void): FarmTray {
  const image = nativeImage.createFromPath(trayIconPath(resourcesDir))
  if (process.platform === 'darwin') image.setTemplateImage(true)
  const tray = new Tray(image)
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
    destroy: () => tray.destroy(),
  }
}
