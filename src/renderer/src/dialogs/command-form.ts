import { parse } from 'shell-quote'
import type { JobInput } from '../../../shared/kinds/command'
import { parseHalt } from '../../../shared/kinds/command'
import { displayLine, type ShellFlavour } from '../../../shared/kinds/command-line'
import { needsCmd, parseWindowsCommandLine } from '../../../shared/kinds/windows-command-line'
import { chainInput, emptyChainForm, type ChainForm } from './chain-form'
import { lines } from './use-spec-check'

/** What the "Run a command" dialog holds, as typed (`job`: the units of the job it was opened from). */
export interface CommandForm extends ChainForm {
  commandLine: string
  source: 'text' | 'file' | 'folder' | 'job'
  text: string
  path: string
  folder: string
  glob: string
  jobs: number
  timeoutS: number
  retries: number
  deadlineS: number
  halt: string
  shell: boolean
  env: string
  cwd: string
  outputDir: string
}

export const emptyCommandForm = (): CommandForm => ({
  ...emptyChainForm(),
  commandLine: '',
  source: 'text',
  text: '',
  path: '',
  folder: '',
  glob: '*',
  jobs: 2,
  timeoutS: 0,
  retries: 0,
  deadlineS: 0,
  halt: '',
  shell: false,
  env: '',
  cwd: '',
  outputDir: '',
})

/** The shell rules of the system the farm runs on (`settings.get` says which). */
export const flavourOf = (platform: string | undefined): ShellFlavour => (platform === 'win32' ? 'cmd' : 'posix')

const needsShell = 'Pipes, redirections, ; and # comments need "Run through the shell".'

/**
 * The command line as words. Without the shell it is split as the farm's system would (sh's quotes;
 * on Windows `CommandLineToArgvW`'s, where `C:\Tools\x.exe` keeps its backslashes), but nothing is
 * expanded; a pipe or redirection is refused, as only a shell can do it.
 */
export function commandWords(
  form: Pick<CommandForm, 'commandLine' | 'shell'>,
  flavour: ShellFlavour = 'posix',
): {
  words: string[]
  problem: string | null
} {
  const line = form.commandLine.trim()
  if (line === '') return { words: [], problem: null }
  if (form.shell) return { words: [line], problem: null }
  if (flavour === 'cmd')
    return needsCmd(line)
      ? { words: [], problem: needsShell.replace(', ; and # comments', '') }
      : { words: parseWindowsCommandLine(line), problem: null }
  // shell-quote reads `#` as a comment, so GNU parallel's `{#}` is kept out of its sight.
  const seq = '__task_farm_seq__'
  const parsed = parse(line.replaceAll('{#}', seq), (name) => `$${name}`)
  const words: string[] = []
  for (const part of parsed) {
    const word = typeof part === 'string' ? part : 'op' in part && part.op === 'glob' ? part.pattern : null
    if (word === null) return { words, problem: needsShell }
    words.push(word.replaceAll(seq, '{#}'))
  }
  return { words, problem: null }
}

/** The spec the form describes (validated by the contract's schema, not here). */
export function commandSpecFrom(form: CommandForm, flavour: ShellFlavour = 'posix') {
  const input: JobInput =
    form.source === 'job' && chainInput(form)
      ? chainInput(form)!
      : form.source === 'file'
        ? { type: 'file', path: form.path.trim() }
        : form.source === 'folder'
          ? { type: 'files', dir: form.folder.trim(), glob: form.glob.trim() || '**/*' }
          : { type: 'list', values: lines(form.text) }
  const env = Object.fromEntries(
    lines(form.env).map((pair) => {
      const at = pair.indexOf('=')
      return at < 0 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)]
    }),
  )
  return {
    kind: 'command' as const,
    command: commandWords(form, flavour).words,
    input,
    jobs: form.jobs,
    timeoutS: form.timeoutS,
    retries: form.retries,
    deadlineS: form.deadlineS,
    shell: form.shell,
    env,
    cwd: form.cwd.trim() || undefined,
    halt: form.halt.trim() ? (parseHalt(form.halt) ?? { when: 'soon' as const, fail: 0 }) : undefined,
    outputDir: form.outputDir.trim() || undefined,
  }
}

/** The first three command lines as they will run; files not yet listed are shown by a stand-in. */
export function previewLines(form: CommandForm, count = 3, flavour: ShellFlavour = 'posix'): string[] {
  const { words } = commandWords(form, flavour)
  if (words.length === 0) return []
  const samples =
    form.source === 'text'
      ? lines(form.text).slice(0, count)
      : [
          form.source === 'job'
            ? `<each unit of job ${form.fromJob}>`
            : form.source === 'file'
              ? `<line 1 of ${form.path.trim() || 'the file'}>`
              : `${form.folder.trim() || '<folder>'}/<each ${form.glob || '*'} file>`,
        ]
  return samples.map((input, i) => displayLine(words, input, i + 1, form.shell, flavour))
}
