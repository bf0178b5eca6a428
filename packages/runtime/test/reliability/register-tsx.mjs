// Preloaded in test threads: Node 20's worker threads do not pick up `--import tsx`'s hooks,
// so the ESM hooks are registered through tsx's API instead.
import { register } from "tsx/esm/api";

register();
