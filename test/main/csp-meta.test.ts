import type { HtmlTagDescriptor, IndexHtmlTransformHook } from 'vite'
import { describe, expect, it } from 'vitest'
import { cspMeta } from '../../electron.vite.config'
import { contentSecurityPolicy } from '../../src/main/decisions/app-page'

describe('the built page carries its CSP (file: pages get no header)', () => {
  it('injects the header policy as the first thing in <head>, in builds only', async () => {
    expect(cspMeta.apply).toBe('build')
    const transform = cspMeta.transformIndexHtml as IndexHtmlTransformHook
    const tags = (await transform.call({} as never, '<html><head></head></html>', {} as never)) as HtmlTagDescriptor[]
    expect(tags).toEqual([
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy(null, 'meta') },
        injectTo: 'head-prepend',
      },
    ])
  })
})
