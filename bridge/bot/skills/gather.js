'use strict'
// gather(blocks, count): for each of `count` blocks, find the nearest block of one of `blocks` (exposed
// ones first), walk to it (digging through what is in the way), equip the best tool for it (one that
// can harvest it when held), break it, and pick up its drops. The gather_* and mine_* actions.
//
// Outcomes, as the simulator's: ok (a target drop was collected), unreachable (no target within
// `radius`, or no path), no_drop (the block was broken and no drop of it was collected); and no_tool: no
// harvest tool held, so the block is not dug at all (it would drop nothing, after up to 15 s of digging) and
// stays in the world, unless the setting digWithoutTool is 1 (then it is dug: no_drop); `noTool` says so.

const { goals } = require('mineflayer-pathfinder')
const { BridgeError } = require('../errors')
const { withTimeout, waitUntil } = require('../wait')
const { inventoryCounts } = require('./observe')

const REACH = 4.5

function inject (bot, config) {
  bot.skills = bot.skills ?? {}
  const { registry } = bot

  const isOpen = pos => {
    for (const [dx, dy, dz] of [[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]]) {
      const b = bot.blockAt(pos.offset(dx, dy, dz), false)
      if (b && b.boundingBox === 'empty') return true
    }
    return false
  }

  /**
   * The nearest target block, preferring exposed ones (a face open to air: seen and reached without
   * digging), skipping `skip` positions.
   */
  function findTarget (ids, radius, skip) {
    const here = bot.entity.position
    // distance, plus a little per block above head height: take a trunk from the bottom
    const cost = p => p.distanceTo(here) + 0.5 * Math.max(0, p.y - here.y - 1)
    const nearest = positions => positions.filter(p => !skip.has(p.toString())).sort((a, b) => cost(a) - cost(b))[0]
    const exposed = bot.findBlocks({ matching: ids, maxDistance: radius, count: 24, useExtraInfo: b => isOpen(b.position) })
    const pos = nearest(exposed) ?? nearest(bot.findBlocks({ matching: ids, maxDistance: radius, count: 32 }))
    return pos ? bot.blockAt(pos) : null
  }

  async function equipFor (block) {
    const equip = bot.tool.equipForBlock(block, { requireHarvest: true })
      .catch(() => bot.tool.equipForBlock(block, { requireHarvest: false })) // no harvest tool: dig anyway
    await withTimeout(equip, config.equipTimeoutMs, 'EquipTimeout', { what: `equipping a tool for ${block.name}` })
  }

  async function walkTo (block) {
    const goal = new goals.GoalLookAtBlock(block.position, bot.world, { reach: REACH })
    const context = { what: `walking to ${block.name}`, target: block.position.toArray(), from: bot.entity.position.floored().toArray() }
    await withTimeout(bot.pathfinder.goto(goal), config.pathTimeoutMs, 'PathTimeout', context, () => bot.pathfinder.stop())
  }

  async function breakBlock (block) {
    // digging while still landing from a step down takes five times as long: let the bot land first
    await waitUntil(bot, 'physicsTick', () => bot.entity.onGround, 1000, 'PathTimeout', { what: 'landing' }).catch(() => {})
    const expected = bot.digTime(block) // mineflayer's own estimate: held tool, on ground, in water, effects
    console.error(`[gather] breaking ${block.name} at ${block.position} with ${bot.heldItem?.name ?? 'hand'}: ~${expected} ms` +
      (bot.entity.onGround ? '' : ' (not on ground)'))
    const context = { what: `breaking ${block.name}`, target: block.position.toArray(), held: bot.heldItem?.name ?? null, expectedMs: expected }
    await withTimeout(bot.dig(block, true), Math.round(expected * 2 + config.digSlackMs), 'DigTimeout', context, () => bot.stopDigging())
  }

  /** Gather `count` blocks among `blocks` within `radius`; resolves with the outcome and the inventory. */
  bot.skills.gather = async ({ blocks, count = 1, radius = config.searchRadius }) => {
    if (!Array.isArray(blocks) || !blocks.length) throw new BridgeError('BadRequest', 'gather needs a non-empty list of block names', { blocks })
    const unknown = blocks.filter(name => !registry.blocksByName[name])
    if (unknown.length) throw new BridgeError('BadRequest', `unknown block(s) ${unknown.join(', ')}`, { blocks })
    if (!Number.isInteger(count) || count < 1) throw new BridgeError('BadRequest', 'count must be a positive integer', { count })
    const ids = blocks.map(name => registry.blocksByName[name].id)
    const drops = new Set(blocks.flatMap(name => (registry.blockLoot[name]?.drops ?? []).filter(d => !d.silkTouch).map(d => d.item)))
    const before = inventoryCounts(bot)
    const skip = new Set()
    let reason = 'unreachable'
    let broken = 0
    let dropsLeft = 0
    let noTool = false
    const ms = { search: 0, walk: 0, equip: 0, dig: 0, pickup: 0 }
    let mark = Date.now()
    const lap = key => {
      const now = Date.now()
      ms[key] += now - mark
      mark = now
    }
    for (let i = 0; i < count; i++) {
      const block = findTarget(ids, radius, skip)
      lap('search')
      if (!block) break
      try {
        await walkTo(block)
        lap('walk')
      } catch (err) {
        if (err.name === 'PathTimeout') throw err
        skip.add(block.position.toString()) // no path (pathfinder NoPath): try the next one
        i--
        if (skip.size > config.maxUnreachable) break
        continue
      }
      await equipFor(block)
      lap('equip')
      const harvest = block.canHarvest(bot.heldItem?.type ?? null)
      if (!harvest && !config.digWithoutTool) { // it would drop nothing: skip the long dig, as collectblock does
        reason = 'no_tool' // the target is left in the world: nothing was spent
        noTool = true
        break
      }
      await breakBlock(block)
      broken++
      lap('dig')
      await bot.skills.awaitDrops(block.position, harvest)
      dropsLeft += await bot.skills.pickUp(block.position.offset(0.5, 0.5, 0.5))
      lap('pickup')
      reason = 'no_drop'
    }
    const after = inventoryCounts(bot)
    const got = [...drops].some(item => (after[item] ?? 0) > (before[item] ?? 0))
    if (got) reason = 'ok'
    return { success: got, reason, broken, dropsLeft, noTool, ms, inventory: after }
  }
}

module.exports = { inject }
