/** The one door to remote work (BullMQ on Redis): nothing outside `src/remote` imports `bullmq`. */
export { BullmqRemoteLink } from './remote-farm-link'
export { RemoteHost, type RemoteHostOptions } from './remote-host'
export { checkRedisUrl, redactRedisUrl } from './redis-connection'
export { REMOTE_PROTOCOL, remotePools, isRemotePool, type RemotePool } from './remote-protocol'
export { RemoteSigner, hostKey, KEY_FILE_NAME } from './remote-signing'
