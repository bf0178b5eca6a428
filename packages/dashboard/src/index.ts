export { DashboardError, type DashboardErrorCode } from "./errors.js";
export { dashboardHandler } from "./handler.js";
export { serveDashboard } from "./serve.js";
export {
  channelId,
  type Topology,
  type TopologyChannel,
  type TopologyEdge,
  type TopologyEdgeRole,
  type TopologyNode,
  type TopologyWorker,
  topology,
  workerId,
} from "./topology.js";
export type {
  DashboardDefinition,
  DashboardHandler,
  DashboardOptions,
  DashboardServer,
  DashboardStats,
  DashboardSystem,
  NextFunction,
  ServeDashboardOptions,
} from "./types.js";
