// Preloaded in the test's worker threads, which run the runtime from source (`.ts`): Node 20's
// worker threads do not pick up `--import tsx`'s hooks, so they are registered through tsx's API.
import { register } from "tsx/esm/api";

register();
