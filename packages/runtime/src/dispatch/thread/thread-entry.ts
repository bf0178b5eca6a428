// The file piscina loads in each thread. Kept thin: the logic lives in thread-host.
export { handleTask as default } from "./thread-host.js";
