// bottleneck/light.js (the build plugin-throttling uses, without Redis clustering) has no typings
// of its own; its API is the full build's.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck'
  export default Bottleneck
}
