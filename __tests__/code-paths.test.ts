/** Frame → repository path: the normalisation and the whole-path unique suffix rule, without a server. */
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

  it('a whole path ending several repository paths links nothing; a segment is never split', () => {
    expect(index.endingWith('src/routes/cart.ts')).toEqual([
      'api/src/routes/cart.ts',
      'web/src/routes/cart.ts'
    ])
    expect(index.endingWith('rc/routes/cart.ts')).toEqual([])
    expect(mapFrame(frame({ absPath: '/app/src/routes/cart.ts' }), index)).toBeNull()
    expect(mapFrame(frame({ absPath: '/app/api/src/routes/cart.ts' }), index)).toEqual({
      path: 'api/src/routes/cart.ts',
      lineKnown: true
    })
    expect(mapFrame(frame({ filename: 'index.ts' }), index)).toBeNull()
    expect(mapFrame(frame({ filename: 'src/pages/Home.tsx' }), index)?.path).toBe(
      'web/src/pages/Home.tsx'
    )
    expect(mapFrame(frame({ filename: 'nothing.ts' }), index)).toBeNull()
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

/**
 * Real frame shapes (API-NOTES F8) against six repository layouts. Each case names the one path the
 * frame must link, or null. The `absent` cases are the defect of issue #13: the file the frame names
 * is not in the repository and only a same-named file elsewhere is; linking it would hand the issue
 * to that file's owners and blame.
 */
interface Layout {
  name: string
  checkout: { owner: string; repo: string }
  paths: string[]
  cases: Array<[string, Partial<EventFrame>, string | null]>
}

const LAYOUTS: Layout[] = [
  {
    name: 'monorepo with services/api',
    checkout: { owner: 'acme', repo: 'platform' },
    paths: [
      'services/api/src/routes/cart.ts',
      'services/api/src/db/orders.ts',
      'services/worker/src/db/orders.ts',
      'services/billing/lib/app_web/controllers/home_controller.ex',
      'services/shop/app/models/user.rb',
      'tools/legacy/payment.ts',
      'tools/legacy/checkout_controller.rb',
      'package.json'
    ],
    cases: [
      [
        'Node in Docker, /app/',
        { filename: '/app/src/routes/cart.ts', absPath: '/app/src/routes/cart.ts' },
        'services/api/src/routes/cart.ts'
      ],
      [
        'the same suffix in two services: ambiguous',
        { filename: '/usr/src/app/src/db/orders.ts', absPath: '/usr/src/app/src/db/orders.ts' },
        null
      ],
      [
        'GitHub Actions checkout root /home/runner/work/<repo>/<repo>/',
        { absPath: '/home/runner/work/platform/platform/services/worker/src/db/orders.ts' },
        'services/worker/src/db/orders.ts'
      ],
      [
        'absent: only tools/legacy/payment.ts',
        { filename: '/app/src/services/payment.ts', absPath: '/app/src/services/payment.ts' },
        null
      ],
      [
        'JS source-mapped library under node_modules',
        {
          filename: '/usr/src/app/node_modules/@sentry/browser/esm/helpers.js',
          absPath: 'webpack:////usr/src/app/node_modules/@sentry/browser/esm/helpers.js'
        },
        null
      ],
      [
        'Elixir lib/ path',
        {
          filename: 'lib/app_web/controllers/home_controller.ex',
          absPath: 'lib/app_web/controllers/home_controller.ex',
          module: 'Elixir.AppWeb.HomeController'
        },
        'services/billing/lib/app_web/controllers/home_controller.ex'
      ],
      [
        'Ruby app frame',
        { filename: 'app/models/user.rb', absPath: '/srv/shop/app/models/user.rb' },
        'services/shop/app/models/user.rb'
      ],
      [
        'absent Ruby controller: only tools/legacy/checkout_controller.rb',
        {
          filename: 'app/controllers/checkout_controller.rb',
          absPath: '/Users/jane/code/platform/app/controllers/checkout_controller.rb'
        },
        null
      ],
      [
        'Ruby gem',
        {
          filename: 'puma/server.rb',
          absPath: '/Users/jane/.rvm/gems/ruby-3.2.0/gems/puma-6.4.0/lib/puma/server.rb'
        },
        null
      ]
    ]
  },
  {
    name: 'Android app',
    checkout: { owner: 'acme', repo: 'android' },
    paths: [
      'app/src/main/java/io/sentry/samples/android/MainActivity.java',
      'app/src/main/kotlin/io/sentry/samples/android/CartViewModel.kt',
      'tools/legacy/SettingsActivity.java',
      'app/build.gradle'
    ],
    cases: [
      [
        'Java: file name without directory, module names the package',
        {
          filename: 'MainActivity.java',
          absPath: 'MainActivity.java',
          module: 'io.sentry.samples.android.MainActivity'
        },
        'app/src/main/java/io/sentry/samples/android/MainActivity.java'
      ],
      [
        'Kotlin lambda class',
        { filename: 'CartViewModel.kt', module: 'io.sentry.samples.android.CartViewModel$load$1' },
        'app/src/main/kotlin/io/sentry/samples/android/CartViewModel.kt'
      ],
      [
        'Java without a file name: the module alone',
        { module: 'io.sentry.samples.android.MainActivity$onCreate$1' },
        'app/src/main/java/io/sentry/samples/android/MainActivity.java'
      ],
      [
        'absent: only tools/legacy/SettingsActivity.java',
        {
          filename: 'SettingsActivity.java',
          absPath: 'SettingsActivity.java',
          module: 'io.sentry.samples.android.SettingsActivity'
        },
        null
      ]
    ]
  },
  {
    name: 'Android app whose MainActivity is only in tools/legacy',
    checkout: { owner: 'acme', repo: 'android' },
    paths: ['tools/legacy/MainActivity.java', 'app/build.gradle'],
    cases: [
      [
        'absent: io.sentry.samples.android.MainActivity',
        {
          filename: 'MainActivity.java',
          absPath: 'MainActivity.java',
          module: 'io.sentry.samples.android.MainActivity'
        },
        null
      ],
      ['absent, no file name', { module: 'io.sentry.samples.android.MainActivity' }, null]
    ]
  },
  {
    name: 'Python package under src/',
    checkout: { owner: 'acme', repo: 'pyshop' },
    paths: [
      'src/pkg/automation/step.py',
      'src/pkg/views.py',
      'tests/pkg/test_step.py',
      'scripts/legacy/worker.py',
      'pyproject.toml'
    ],
    cases: [
      [
        'filename relative to sys.path, absPath in /app/src',
        {
          filename: 'pkg/automation/step.py',
          absPath: '/app/src/pkg/automation/step.py',
          module: 'pkg.automation.step'
        },
        'src/pkg/automation/step.py'
      ],
      [
        'the app installed in site-packages (in_app_include)',
        {
          filename: 'pkg/views.py',
          absPath: '/usr/local/lib/python3.12/site-packages/pkg/views.py',
          module: 'pkg.views'
        },
        'src/pkg/views.py'
      ],
      [
        'a library in site-packages',
        {
          filename: 'django/core/handlers/base.py',
          absPath: '/usr/local/lib/python3.12/site-packages/django/core/handlers/base.py',
          module: 'django.core.handlers.base'
        },
        null
      ],
      [
        'a developer checkout on macOS',
        { absPath: '/Users/jane/code/pyshop/src/pkg/automation/step.py' },
        'src/pkg/automation/step.py'
      ],
      [
        'absent: only scripts/legacy/worker.py',
        { filename: 'pkg/worker.py', absPath: '/app/src/pkg/worker.py', module: 'pkg.worker' },
        null
      ]
    ]
  },
  {
    name: 'Go module',
    checkout: { owner: 'acme', repo: 'goshop' },
    paths: [
      'cmd/server/main.go',
      'internal/db/orders.go',
      'file-not-found/file-not-found.go',
      'tools/handler.go',
      'go.mod'
    ],
    cases: [
      [
        'F8 shape: bare filename, absPath under /app/',
        {
          filename: 'file-not-found.go',
          absPath: '/app/file-not-found/file-not-found.go',
          module: 'main'
        },
        'file-not-found/file-not-found.go'
      ],
      [
        'CI checkout path and import-path module',
        {
          filename: 'orders.go',
          absPath: '/home/runner/work/goshop/goshop/internal/db/orders.go',
          module: 'github.com/acme/goshop/internal/db'
        },
        'internal/db/orders.go'
      ],
      [
        'GOPATH checkout',
        { absPath: '/go/src/github.com/acme/goshop/cmd/server/main.go', module: 'main' },
        'cmd/server/main.go'
      ],
      [
        'absent: only tools/handler.go',
        { filename: 'handler.go', absPath: '/app/api/handler.go', module: 'main' },
        null
      ],
      [
        'absent behind the checkout root: cmd/server/handler.go',
        { absPath: '/home/runner/work/goshop/goshop/cmd/server/handler.go' },
        null
      ]
    ]
  },
  {
    name: '.NET solution',
    checkout: { owner: 'acme', repo: 'dotnet-shop' },
    paths: [
      'src/MyWebApp/Pages/Divide-Zero.cs',
      'src/MyWebApp/Program.cs',
      'src/Admin/Pages/Divide-Zero.cs',
      'tools/Legacy/Index.cshtml.cs',
      'MyWebApp.sln'
    ],
    cases: [
      [
        'F8 shape: /app/ path, namespace names the project',
        {
          filename: '/app/Pages/Divide-Zero.cs',
          absPath: '/app/Pages/Divide-Zero.cs',
          module: 'MyWebApp.Pages.DivideZeroModel',
          package: 'MyWebApp'
        },
        'src/MyWebApp/Pages/Divide-Zero.cs'
      ],
      [
        'an async method: the nested state-machine type',
        {
          filename: '/app/Pages/Divide-Zero.cs',
          module: 'MyWebApp.Pages.DivideZeroModel+<OnGetAsync>d__3'
        },
        'src/MyWebApp/Pages/Divide-Zero.cs'
      ],
      [
        'a developer machine under /home/<user>/',
        {
          filename: '/home/bruno/git/MyWebApp/Pages/Divide-Zero.cs',
          absPath: '/home/bruno/git/MyWebApp/Pages/Divide-Zero.cs',
          module: 'MyWebApp.Pages.DivideZeroModel'
        },
        'src/MyWebApp/Pages/Divide-Zero.cs'
      ],
      [
        'Azure Pipelines agent checkout root',
        {
          filename: 'C:\\agent\\_work\\1\\s\\src\\MyWebApp\\Program.cs',
          module: 'MyWebApp.Program'
        },
        'src/MyWebApp/Program.cs'
      ],
      [
        'absent: only tools/Legacy/Index.cshtml.cs',
        {
          filename: '/app/Pages/Index.cshtml.cs',
          absPath: '/app/Pages/Index.cshtml.cs',
          module: 'MyWebApp.Pages.IndexModel'
        },
        null
      ]
    ]
  },
  {
    name: 'JS app',
    checkout: { owner: 'acme', repo: 'web' },
    paths: [
      'src/index.ts',
      'src/pages/Home.tsx',
      'src/utils/format.ts',
      'main.js',
      'legacy/checkout.js',
      'package.json'
    ],
    cases: [
      [
        'webpack:///./src',
        { filename: './src/pages/Home.tsx', absPath: 'webpack:///./src/pages/Home.tsx' },
        'src/pages/Home.tsx'
      ],
      [
        'webpack://<project>/./src with module',
        {
          filename: 'webpack://web/./src/index.ts',
          absPath: 'webpack://web/./src/index.ts',
          module: 'src/index'
        },
        'src/index.ts'
      ],
      ['app:///', { filename: 'app:///main.js', absPath: 'app:///main.js' }, 'main.js'],
      [
        'minified bundle',
        { filename: '/dist/bundle.js', absPath: 'http://localhost:8080/dist/bundle.js' },
        null
      ],
      ['Workers bundle', { filename: 'index.js', absPath: '/index.js' }, null],
      [
        'absent: only legacy/checkout.js',
        { filename: './src/checkout.js', absPath: 'webpack:///./src/checkout.js' },
        null
      ],
      [
        'absent, minified URL: only legacy/checkout.js',
        {
          filename: '/static/js/checkout.js',
          absPath: 'https://shop.acme.com/static/js/checkout.js'
        },
        null
      ]
    ]
  }
]

describe.each(LAYOUTS)('$name', ({ checkout, paths, cases }) => {
  const index = new PathIndex(paths, checkout)
  it.each(cases)('%s', (_name, f, expected) => {
    expect(mapFrame(frame(f), index)?.path ?? null).toBe(expected)
  })
})

describe("Sentry's code mappings (repository-map: sentry) come before the suffix match", () => {
  const paths = ['backend/handlers/cart.py', 'legacy/handlers/cart.py', 'backend/util.py']
  const roots = [
    { stackRoot: '/srv/', sourceRoot: 'legacy/' },
    { stackRoot: '/srv/app/', sourceRoot: 'backend' }
  ]
  const index = new PathIndex(paths, undefined, roots)

  it('maps by the most specific stack root to its source root', () => {
    // The suffix handlers/cart.py is ambiguous (two files): only the mapping can tell.
    expect(
      mapFrame(frame({ absPath: '/srv/app/handlers/cart.py' }), new PathIndex(paths))
    ).toBeNull()
    expect(mapFrame(frame({ absPath: '/srv/app/handlers/cart.py' }), index)).toEqual({
      path: 'backend/handlers/cart.py',
      lineKnown: true
    })
  })

  it('counts a mapped path only when the repository has the file', () => {
    expect(mapFrame(frame({ absPath: '/srv/app/handlers/missing.py' }), index)).toBeNull()
  })
})
