// Where a module's SyntaxError is: shared with @workers/config, which reports the same for the
// worker modules it imports on the main thread.
export {
  decorateSyntaxError,
  type SourceLocation,
  sourceLocation,
} from "@workers/config/source-location";
