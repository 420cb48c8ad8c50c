export const workerPackages: string[]
export const undiciHttp2Client: RegExp
export const undiciHttp2Stub: string
export const msgpackrExtract: RegExp
export const msgpackrExtractStub: string
