// S3-compatible storage driver (AWS S3, MinIO, Cloudflare R2, …) with the AWS SDK v3. S3 writes
// are atomic per object, so put needs no temp-and-rename; large bodies go up in parts.
import {
  DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command,
  NoSuchKey, NotFound, PutObjectCommand, S3Client, type S3ClientConfig
} from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { randomBytes } from 'node:crypto'
import type { Readable } from 'node:stream'
import { assertSafeKey, type ByteRange, type FolderListing, type FolderPage, type ObjectInfo, type ObjectStream, type PutOptions, type Storage } from './storage.js'

export interface S3StorageOptions {
  bucket: string
  region: string
  endpoint?: string
  forcePathStyle: boolean
  /** Unset: the SDK's standard chain (env, shared profile, container/instance role). */
  credentials?: { accessKeyId: string, secretAccessKey: string }
  requestTimeoutMs?: number
  maxAttempts?: number
}

// Above this, multipart upload: parts are retried alone, and no single request carries it all.
const MULTIPART_THRESHOLD = 8 * 1024 * 1024
const DELETE_BATCH = 1000
const READY_PROBE_PREFIX = 'igw.ready'
const READY_PROBE_BYTES = 1024

export class S3Storage implements Storage {
  readonly driver = 's3'
  readonly client: S3Client
  readonly #bucket: string

  constructor (options: S3StorageOptions) {
    this.#bucket = options.bucket
    const config: S3ClientConfig = {
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      // Checksums only where S3 demands them: with the SDK's default (always), uploads use
      // aws-chunked framing that several S3-compatible servers store verbatim, corrupting objects.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: options.maxAttempts ?? 3,
      ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
      ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
      // throwOnRequestTimeout: without it the SDK's node handler only logs a warning when
      // requestTimeout passes and keeps waiting on a hung endpoint for ever.
      ...(options.requestTimeoutMs !== undefined
        ? { requestHandler: { requestTimeout: options.requestTimeoutMs, connectionTimeout: options.requestTimeoutMs, throwOnRequestTimeout: true } }
        : {})
    }
    this.client = new S3Client(config)
  }

  async put (key: string, body: Buffer, options: PutOptions): Promise<void> {
    assertSafeKey(key)
    const params = {
      Bucket: this.#bucket,
      Key: key,
      Body: body,
      ContentType: options.contentType,
      ...(options.cacheControl !== undefined ? { CacheControl: options.cacheControl } : {}),
      ...(options.sha256 !== undefined ? { Metadata: { sha256: options.sha256 } } : {})
    }
    if (body.length <= MULTIPART_THRESHOLD) {
      await this.client.send(new PutObjectCommand({ ...params, ContentLength: body.length }))
      return
    }
    await new Upload({ client: this.client, params, partSize: MULTIPART_THRESHOLD, queueSize: 4 }).done()
  }

  async getBytes (key: string): Promise<Buffer | undefined> {
    const object = await this.openRead(key)
    if (object === undefined) return undefined
    const chunks: Buffer[] = []
    for await (const chunk of object.body) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks)
  }

  async stat (key: string): Promise<ObjectInfo | undefined> {
    assertSafeKey(key)
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: key }))
      return { key, bytes: head.ContentLength ?? 0, lastModified: head.LastModified ?? new Date(0) }
    } catch (error) {
      if (isMissing(error)) return undefined
      throw error
    }
  }

  async openRead (key: string, range?: ByteRange): Promise<ObjectStream | undefined> {
    assertSafeKey(key)
    try {
      const object = await this.client.send(new GetObjectCommand({
        Bucket: this.#bucket,
        Key: key,
        ...(range !== undefined ? { Range: `bytes=${range.start}-${range.end}` } : {})
      }))
      // With a range, ContentLength is the part's; the whole size is after the slash of Content-Range.
      const total = object.ContentRange !== undefined ? Number(object.ContentRange.split('/')[1]) : object.ContentLength ?? 0
      return { info: { key, bytes: total, lastModified: object.LastModified ?? new Date(0) }, body: object.Body as Readable }
    } catch (error) {
      if (isMissing(error)) return undefined
      throw error
    }
  }

  async delete (keys: string[]): Promise<void> {
    keys.forEach(assertSafeKey)
    for (let start = 0; start < keys.length; start += DELETE_BATCH) {
      const batch = keys.slice(start, start + DELETE_BATCH)
      const result = await this.client.send(new DeleteObjectsCommand({
        Bucket: this.#bucket,
        Delete: { Objects: batch.map((key) => ({ Key: key })), Quiet: true }
      }))
      const failed = (result.Errors ?? []).filter((error) => error.Code !== 'NoSuchKey')
      if (failed.length > 0) throw new Error(`S3 could not delete ${failed.length} objects: ${failed[0]?.Code ?? 'unknown'}`)
    }
  }

  async deleteEmptyFolder (prefix: string): Promise<boolean> {
    assertSafeKey(prefix.replace(/\/+$/, ''))
    return false // a prefix without objects does not exist in a bucket
  }

  async list (prefix: string): Promise<string[]> {
    assertSafeKey(prefix.replace(/\/+$/, ''))
    const keys: string[] = []
    let token: string | undefined
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.#bucket, Prefix: prefix, ContinuationToken: token }))
      for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key)
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined
    } while (token !== undefined)
    return keys.sort()
  }

  async listFolders (prefix: string, page: FolderPage): Promise<FolderListing> {
    assertSafeKey(prefix.replace(/\/+$/, ''))
    // StartAfter "<prefix><name>/\uffff" skips the folder `name` and everything inside it.
    const startAfter = page.startAfter !== undefined ? `${prefix}${page.startAfter}/\uffff` : undefined
    const listing = await this.client.send(new ListObjectsV2Command({
      Bucket: this.#bucket, Prefix: prefix, Delimiter: '/', MaxKeys: page.limit, StartAfter: startAfter
    }))
    const names = (listing.CommonPrefixes ?? [])
      .map((common) => (common.Prefix ?? '').slice(prefix.length).replace(/\/$/, ''))
      .filter((name) => name.length > 0 && (page.startAfter === undefined || name > page.startAfter))
    return { names: names.slice(0, page.limit), truncated: listing.IsTruncated === true || names.length > page.limit }
  }

  async checkReady (): Promise<void> {
    // A real write, not HeadBucket: a bucket can answer HEAD while refusing writes (read-only
    // credentials, a quota reached). The key's first segment has a dot, which no tenant prefix has.
    const probeKey = `${READY_PROBE_PREFIX}/${randomBytes(8).toString('hex')}`
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.#bucket, Key: probeKey, Body: randomBytes(READY_PROBE_BYTES), ContentLength: READY_PROBE_BYTES }))
      await this.client.send(new DeleteObjectsCommand({ Bucket: this.#bucket, Delete: { Objects: [{ Key: probeKey }], Quiet: true } }))
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode
      throw new Error(`bucket ${this.#bucket} is not usable${status !== undefined ? ` (HTTP ${status})` : ` (${(error as Error).name})`}`, { cause: error })
    }
  }

  /** A time-limited URL that fetches the object straight from the bucket. */
  async presignedGetUrl (key: string, expiresInSeconds: number): Promise<string> {
    assertSafeKey(key)
    return await getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.#bucket, Key: key }), { expiresIn: expiresInSeconds })
  }

  async close (): Promise<void> {
    this.client.destroy()
  }
}

// GetObject's NoSuchKey and HeadObject's bodiless NotFound have SDK classes; a store whose error
// code the SDK does not know still says 404.
function isMissing (error: unknown): boolean {
  if (error instanceof NoSuchKey || error instanceof NotFound) return true
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404
}
