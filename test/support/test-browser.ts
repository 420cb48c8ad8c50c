import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { createBrotliDecompress } from 'node:zlib'

/** The browser the real-browser suites drive: where it is, what it needs in its environment, and a name for the log. */
export interface TestBrowser {
  executablePath: string
  env: Record<string, string>
  label: string
}

/** Debian's and Ubuntu's Chromium, where a package manager put it. */
const systemChromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser']

/**
 * The browser for the tests: `CHROMIUM_PATH` when set (the word `npm` asks for the npm one even beside
 * a system Chromium), else the system's Chromium, else the Chromium that @sparticuz/chromium ships inside
 * its npm package (Linux x64/arm64), unpacked once into `cacheDir`. A string says why there is none.
 */
export async function findTestBrowser(cacheDir: string, env = process.env): Promise<TestBrowser | string> {
  const asked = env.CHROMIUM_PATH
  if (asked && asked !== 'npm') {
    if (existsSync(asked)) return { executablePath: asked, env: {}, label: `Chromium at ${asked} (CHROMIUM_PATH)` }
    return `CHROMIUM_PATH points at ${asked}, which does not exist`
  }
  const system = asked === 'npm' ? undefined : systemChromium.find((path) => existsSync(path))
  if (system) return { executablePath: system, env: {}, label: `the system's Chromium at ${system}` }
  return unpackNpmChromium(cacheDir)
}

/**
 * @sparticuz/chromium's brotli-packed headless Chromium, with the NSS libraries and fonts it brings, so it
 * runs on a machine with no browser packages. Unpacked under a folder named by its version, moved into
 * place whole, so an interrupted unpack is never taken for a finished one.
 */
async function unpackNpmChromium(cacheDir: string): Promise<TestBrowser | string> {
  const require = createRequire(import.meta.url)
  let packageJson: string
  try {
    // Its exports hide package.json: find the package from its entry (build/index.js).
    packageJson = join(dirname(require.resolve('@sparticuz/chromium')), '..', 'package.json')
  } catch {
    return 'no Chromium: install one (apt-get install chromium), point CHROMIUM_PATH at one, or npm install'
  }
  if (process.platform !== 'linux' || !['x64', 'arm64'].includes(process.arch))
    return `no Chromium: @sparticuz/chromium has none for ${process.platform}-${process.arch}; install one or set CHROMIUM_PATH`
  const { version } = require(packageJson) as { version: string }
  const bin = join(dirname(packageJson), 'bin')
  const home = join(cacheDir, `sparticuz-chromium-${version}`)
  if (!existsSync(join(home, 'chromium'))) {
    const partial = `${home}.partial-${process.pid}`
    rmSync(partial, { recursive: true, force: true })
    mkdirSync(partial, { recursive: true })
    // tar-fs comes with @sparticuz/chromium, which unpacks its own archives with it.
    const { extract } = createRequire(packageJson)('tar-fs') as { extract(folder: string): NodeJS.WritableStream }
    await pipeline(
      createReadStream(join(bin, 'chromium.br')),
      createBrotliDecompress(),
      createWriteStream(join(partial, 'chromium'), { mode: 0o755 }),
    )
    for (const archive of ['al2023.tar.br', 'fonts.tar.br', 'swiftshader.tar.br'])
      await pipeline(createReadStream(join(bin, archive)), createBrotliDecompress(), extract(partial))
    // Its own fonts.conf names Lambda's folders: this one names the unpacked fonts, then the system's.
    writeFileSync(
      join(partial, 'fonts.conf'),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig><dir>${home}/fonts</dir>` +
        `<dir>/usr/share/fonts</dir><cachedir>${home}/fonts-cache</cachedir></fontconfig>\n`,
    )
    if (existsSync(join(home, 'chromium'))) rmSync(partial, { recursive: true, force: true })
    else {
      rmSync(home, { recursive: true, force: true })
      renameSync(partial, home)
    }
  }
  return {
    executablePath: join(home, 'chromium'),
    env: {
      LD_LIBRARY_PATH: join(home, 'lib'),
      FONTCONFIG_FILE: join(home, 'fonts.conf'),
      // Under LANG=C.UTF-8 (many containers) this headless shell says its language is 'en-US@posix',
      // which Intl rejects (uPlot's axis labels throw): give it a language a person's machine has.
      LANG: 'en_US.UTF-8',
      LC_ALL: 'en_US.UTF-8',
    },
    label: `the Chromium of @sparticuz/chromium ${version} (npm), unpacked in ${home}`,
  }
}
