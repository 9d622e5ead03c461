import { describe, expect, it } from 'vitest'
import { distributionLabel, relativeShares, skewTone } from '../../src-renderer/src/lib/skew'
import { topicNameWarning, validateBootstrap, validateIntRange, validateTopicName } from '../../src-renderer/src/lib/validate'
import { csvField, parseOffsetsCsv, toCsv, toJsonLines } from '../../src-renderer/src/lib/export'

describe('skew labels', () => {
  it('labels each level', () => {
    expect(distributionLabel('ok', 0)).toBe('Even spread')
    expect(distributionLabel('ok', 0.1)).toBe('Roughly even spread')
    expect(distributionLabel('warning', 0.4)).toBe('Uneven spread')
    expect(distributionLabel('hot', 0.6)).toBe('Hot partitions or keys')
    expect(distributionLabel('hot', 0.95)).toBe('Almost everything on one partition or key')
    expect(distributionLabel('ok', Number.NaN)).toBe('Even spread')
    expect(skewTone('hot')).toBe('bad')
  })

  it('computes shares relative to an even split', () => {
    expect(relativeShares([10, 10, 40])).toEqual([0.5, 0.5, 2])
    expect(relativeShares([0, 0])).toEqual([0, 0])
  })
})

describe('validation', () => {
  it("follows Kafka's topic name rules", () => {
    expect(validateTopicName('orders.v1_x-y')).toBeNull()
    expect(validateTopicName('')).toMatch(/required/)
    expect(validateTopicName('..')).toMatch(/cannot/)
    expect(validateTopicName('a b')).toMatch(/Only letters/)
    expect(validateTopicName('x'.repeat(250))).toMatch(/249/)
    expect(topicNameWarning('a.b', ['a_b'])).toMatch(/collides/)
    expect(topicNameWarning('a.b', ['a.b'])).toBeNull()
  })

  it('checks integers and bootstrap lists', () => {
    expect(validateIntRange('3', 'Partitions', 1)).toBeNull()
    expect(validateIntRange('0', 'Partitions', 1)).toMatch(/at least 1/)
    expect(validateIntRange('1.5', 'Partitions', 1)).toMatch(/whole/)
    expect(validateIntRange('', 'Partitions', 1)).toMatch(/whole/)
    expect(validateBootstrap('a:9092, b:9093')).toBeNull()
    expect(validateBootstrap('[::1]:9092')).toBeNull()
    expect(validateBootstrap('kafka')).toMatch(/host:port/)
    expect(validateBootstrap('a:70000')).toMatch(/out of range/)
    expect(validateBootstrap(' , ')).toMatch(/required/)
  })
})

describe('export and reset CSV', () => {
  const msgs = [{ topic: 't', partition: 0, offset: 5, timestamp: 1, key: 'k,1', value: 'say "hi"\n', headers: [{ key: 'h', value: 'v' }] }]

  it('writes JSON Lines and RFC 4180 CSV', () => {
    expect(toJsonLines(msgs).trim().split('\n')).toHaveLength(1)
    expect(toJsonLines([])).toBe('')
    const csv = toCsv(msgs)
    expect(csv.split('\r\n')[1]).toBe('t,0,5,1,"k,1","say ""hi""\n","{""h"":""v""}"')
    expect(csvField(null)).toBe('')
    expect(csvField(' x')).toBe('" x"')
  })

  it('parses the reset tool CSV with line-numbered errors', () => {
    expect(parseOffsetsCsv('topic,partition,offset\norders,0,10\norders,1,12\n')).toEqual({
      rows: [
        { topic: 'orders', partition: 0, offset: '10' },
        { topic: 'orders', partition: 1, offset: '12' },
      ],
    })
    expect(parseOffsetsCsv('orders,x,1')).toEqual({ error: 'line 1: partition "x" is not a non-negative integer' })
    expect(parseOffsetsCsv('orders,0')).toEqual({ error: 'line 1: expected topic,partition,offset' })
    expect(parseOffsetsCsv('\n')).toEqual({ error: 'the file has no offsets' })
  })
})
