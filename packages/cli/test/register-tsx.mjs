// Preloaded (--import) when tests run the bin from source: the TypeScript hooks of tsx.
import { register } from "tsx/esm/api";

register();
