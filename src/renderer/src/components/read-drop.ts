import type { UrlDraft } from '../stores/ui-store'

export interface DroppedThings {
  /** Paths of dropped folders, where the shell can tell them (Electron); empty in a browser. */
  folders: string[]
  /** A dropped URL list: its path when known, else its text (a browser may read it, not locate it). */
  urlList: UrlDraft | null
}

const isUrlList = (name: string): boolean => /\.(txt|csv)$/i.test(name)

/** Sorts what was dropped into folders to copy or a URL list to analyse. */
export async function readDrop(data: DataTransfer, pathOf?: (file: File) => string): Promise<DroppedThings> {
  const folders: string[] = []
  let urlList: UrlDraft | null = null
  // The drop's items are readable only during the event, so everything is taken before any await.
  const entries = [...data.items]
    .filter((i) => i.kind === 'file')
    .map((item) => ({ file: item.getAsFile(), isFolder: item.webkitGetAsEntry?.()?.isDirectory ?? false }))
  for (const { file, isFolder } of entries) {
    if (!file) continue
    const path = pathOf?.(file) || undefined
    if (isFolder) {
      if (path) folders.push(path)
    } else if (!urlList && isUrlList(file.name)) {
      urlList = path ? { path } : { text: await file.text() }
    }
  }
  return { folders, urlList }
}
