/** Frame → repository path: the normalisation and the longest unique suffix rule, without a server. */
import { describe, expect, it } from '@jest/globals'
import { mapFrame, normalisePath, PathIndex } from '../src/code/paths.js'
import type { EventFrame } from '../src/sentry/event.js'

const frame = (f: Partial<EventFrame>): EventFrame => ({
  filename: null,
  absPath: null,
  module: null,
  package: null,
  function: 'f',
  lineNo: 3,
  colNo: null,
  inApp: true,
  line: null,
  ...f
})

describe('normalisePath', () => {
  it.each([
    ['webpack:///./src/a.ts', 'src/a.ts'],
    ['webpack://my-app/./src/a.ts', 'src/a.ts'],
    ['app:///main.js', 'main.js'],
    ['https://cdn.acme.com/static/js/main.js?v=3#x', 'static/js/main.js'],
    ['C:\\agent\\_work\\1\\s\\App\\Foo.cs', 'agent/_work/1/s/App/Foo.cs'],
    ['~/src/./a.rb', 'src/a.rb'],
    ['/usr/src/app/dist/x.js', 'usr/src/app/dist/x.js']
  ])('%s → %s', (raw, expected) => {
    expect(normalisePath(raw)).toBe(expected)
  })
})

describe('PathIndex and mapFrame', () => {
  const index = new PathIndex([
    'api/src/routes/cart.ts',
    'web/src/routes/cart.ts',
    'web/src/pages/Home.tsx',
    'tools/index.ts',
    'lib/index.ts'
  ])

  it('the most agreeing path wins; a tie links nothing', () => {
    expect(index.match('app/api/src/routes/cart.ts')).toBe('api/src/routes/cart.ts')
    expect(index.match('app/src/routes/cart.ts')).toBeNull()
    expect(index.match('index.ts')).toBeNull()
    expect(index.match('src/pages/Home.tsx')).toBe('web/src/pages/Home.tsx')
    expect(index.match('nothing.ts')).toBeNull()
  })

  it('a library location anywhere in the frame excludes it', () => {
    expect(
      mapFrame(
        frame({
          filename: 'src/pages/Home.tsx',
          absPath: 'webpack:///./node_modules/x/src/pages/Home.tsx'
        }),
        index
      )
    ).toBeNull()
  })

  it('a compiled file maps to its source, without a line', () => {
    expect(mapFrame(frame({ absPath: '/srv/api/dist/src/routes/cart.js' }), index)).toEqual({
      path: 'api/src/routes/cart.ts',
      lineKnown: false
    })
    expect(mapFrame(frame({ absPath: '/srv/dist/src/routes/cart.js' }), index)).toBeNull()
    expect(mapFrame(frame({ absPath: '/srv/api/src/routes/cart.ts' }), index)).toEqual({
      path: 'api/src/routes/cart.ts',
      lineKnown: true
    })
  })
})
