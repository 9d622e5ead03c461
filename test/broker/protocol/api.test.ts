// Each API's name, key and versions are read from its declarations: the ApiKey table agrees
// with them, typed handlers advertise the declared versions unless they narrow them (and may
// not widen them), and every handler the broker serves stays within its declared versions.
import { describe, expect, it } from 'vitest'
import { ApiKey, apiName, declaredVersions } from '../../../src-main/broker/protocol/api'
import { messages } from '../../../src-main/broker/protocol/messages/index'
import { defineApi } from '../../../src-main/broker/apis/registry'
import { apiDefinitions } from '../../../src-main/broker/apis/index'

describe('API keys and versions', () => {
  it('names every key after its request declaration', () => {
    for (const [name, key] of Object.entries(ApiKey)) {
      expect(messages[key]?.request.name, name).toBe(`${name}Request`)
      expect(messages[key]?.response.name, name).toBe(`${name}Response`)
      expect(apiName(key)).toBe(name)
    }
  })

  it('states the versions once: request and response share them', () => {
    for (const [key, pair] of Object.entries(messages)) {
      expect(pair.response.validVersions, `key ${key}`).toBe(pair.request.validVersions)
      expect(pair.response.flexibleVersions, `key ${key}`).toBe(pair.request.flexibleVersions)
    }
    expect(declaredVersions(ApiKey.Heartbeat)).toEqual({ min: 0, max: 4 })
    expect(() => declaredVersions(9999)).toThrow(/no message declaration/)
  })

  it('gives a typed handler the declared versions, or a narrower range, never a wider one', async () => {
    const api = defineApi(ApiKey.Heartbeat, { handle: (req) => ({ errorCode: req.groupId === 'g' ? 0 : 24 }) })
    expect(api).toMatchObject({ key: 12, name: 'Heartbeat', minVersion: 0, maxVersion: 4 })
    const ctx = {} as Parameters<typeof api.handle>[1]
    expect(await api.handle({ groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null }, ctx)).toEqual({ errorCode: 0 })
    expect(defineApi(ApiKey.Fetch, { minVersion: 4, handle: () => ({}) })).toMatchObject({ minVersion: 4, maxVersion: 18 })
    expect(() => defineApi(ApiKey.Heartbeat, { maxVersion: 5, handle: () => ({}) })).toThrow(/not within the declared 0-4/)
  })

  it('serves every API within its declared versions, under the declared name', () => {
    for (const api of apiDefinitions) {
      const declared = declaredVersions(api.key)
      expect(api.name, `key ${api.key}`).toBe(apiName(api.key))
      expect(api.minVersion, api.name).toBeGreaterThanOrEqual(declared.min)
      expect(api.maxVersion, api.name).toBeLessThanOrEqual(declared.max)
    }
  })
})
