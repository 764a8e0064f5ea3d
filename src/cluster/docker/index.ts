/** The docker provider's public API. */
export { DockerCluster, DOCKER_ETCD, DOCKER_MEMBERS, type ContainerRole, type DockerNodeInfo } from './docker-cluster.js';
export { startDockerCluster, newDockerRunId, DEFAULT_DOCKER_START_TIMEOUT_MS, type DockerClusterOptions } from './start.js';
export { buildImages, imageTags, requireImages, RELEASES, type BuildResult, type ImageTags, type Release } from './images.js';
export { sweep, leftovers, RUN_LABEL, type SweepResult } from './sweep.js';
export { reapOrphans } from './owner.js';
export type { Cure, PartitionOptions } from './partition.js';
export { docker } from './cli.js';
export { requireDaemon, type DockerResult } from './engine.js';
