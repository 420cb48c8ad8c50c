import { describe, expect, it } from 'vitest'
import { createApiHandlers } from '../../src/core/api-handlers'
import {
  commandSpecFrom,
  commandWords,
  emptyCommandForm,
  flavourOf,
  previewLines,
} from '../../src/renderer/src/dialogs/command-form'
import { openTestFarm } from '../support/test-farm'

const form = (commandLine: string, extra = {}) => ({ ...emptyCommandForm(), commandLine, ...extra })

describe('the Run dialog on a Windows farm', () => {
  it('splits the line as CommandLineToArgvW does: C:\\Tools\\x.exe keeps its backslashes', () => {
    const line = 'C:\\Tools\\x.exe "D:\\d\\\\" a\\"b {}'
    expect(commandWords(form(line), 'cmd')).toEqual({
      words: ['C:\\Tools\\x.exe', 'D:\\d\\', 'a"b', '{}'],
      problem: null,
    })
    // sh's rules, which the dialog used whatever the farm's system, lose them.
    expect(commandWords(form(line), 'posix').words[0]).toBe('C:Toolsx.exe')
    expect(commandSpecFrom(form(line), 'cmd').command[0]).toBe('C:\\Tools\\x.exe')
  })

  it('sends a line with | & < > outside quotes to the shell, and lets them through inside quotes', () => {
    expect(commandWords(form('dir | findstr x'), 'cmd').problem).toMatch(/Run through the shell/)
    expect(commandWords(form('echo "a & b"'), 'cmd')).toEqual({ words: ['echo', 'a & b'], problem: null })
  })

  it("previews with Windows quoting, and cmd.exe's with the shell", () => {
    expect(previewLines(form('x.exe {}', { text: 'D:\\my files\\' }), 3, 'cmd')).toEqual(['x.exe "D:\\my files\\\\"'])
    expect(previewLines(form('x.exe {}', { text: 'a&b', shell: true }), 3, 'cmd')).toEqual(['x.exe ^"a^&b^"'])
  })

  it("is told the farm's system by settings.get", async () => {
    const { farm, dir } = openTestFarm()
    try {
      const settings = (await createApiHandlers(farm).handle('settings.get', {}, 'page')) as { platform?: string }
      expect(settings.platform).toBe(process.platform)
      expect(flavourOf(settings.platform)).toBe(process.platform === 'win32' ? 'cmd' : 'posix')
    } finally {
      await farm.shutdown('now')
      dir.remove()
    }
  })
})
