import type { JobSpec } from '../../shared/job-spec'
import { commandHooks } from './command'
import { copyHooks } from './copy'
import type { KindHooks } from './kind-hooks'
import { moduleHooks } from './module'
import { probeHooks } from './probe'
import { urlsHooks } from './urls'
import { verifyHooks } from './verify'

export const kindHooks: { [K in JobSpec['kind']]: KindHooks<Extract<JobSpec, { kind: K }>> } = {
  copy: copyHooks,
  urls: urlsHooks,
  probe: probeHooks,
  command: commandHooks,
  module: moduleHooks,
  verify: verifyHooks,
}

export function hooksFor(spec: JobSpec): KindHooks {
  return kindHooks[spec.kind]
}
