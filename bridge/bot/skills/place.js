'use strict'
// place(item): put a block from the inventory on the ground next to the bot. Resolves with the placed
// block's position.

const { Vec3 } = require('vec3')
const { BridgeError } = require('../errors')
const { withTimeout } = require('../wait')

// horizontal offsets from the bot's feet, nearest first
const RING = [[1, 0], [0, 1], [-1, 0], [0, -1], [1, 1], [-1, 1], [-1, -1], [1, -1], [2, 0], [0, 2], [-2, 0], [0, -2]]

function inject (bot, config) {
  bot.skills = bot.skills ?? {}
  const { registry } = bot

  /** A free spot next to the bot: air (or replaceable) with a solid block under it. */
  function freeSpot () {
    const feet = bot.entity.position.floored()
    for (const dy of [0, 1, -1]) {
      for (const [dx, dz] of RING) {
        const spot = feet.offset(dx, dy, dz)
        const here = bot.blockAt(spot, false)
        const below = bot.blockAt(spot.offset(0, -1, 0), false)
        if (here && here.boundingBox === 'empty' && here.name !== 'water' && below && below.boundingBox === 'block') return below
      }
    }
    return null
  }

  /** Place one `item` (a block item held in the inventory) next to the bot. */
  bot.skills.place = async ({ item }) => {
    const entry = registry.itemsByName[item]
    if (!entry || !registry.blocksByName[item]) throw new BridgeError('BadRequest', `${item} is not a placeable block item`, { item })
    if (!bot.inventory.findInventoryItem(entry.id, null, false)) return { success: false, reason: 'missing_item', position: null }
    const reference = freeSpot()
    if (!reference) return { success: false, reason: 'no_space', position: null }
    await withTimeout(bot.equip(entry.id, 'hand'), config.equipTimeoutMs, 'EquipTimeout', { what: `equipping ${item}` })
    const target = reference.position.offset(0, 1, 0)
    const context = { what: `placing ${item}`, position: target.toArray() }
    await withTimeout(bot.placeBlock(reference, new Vec3(0, 1, 0)), config.placeTimeoutMs, 'PlaceTimeout', context)
    const placed = bot.blockAt(target)
    if (!placed || placed.name !== item) throw new BridgeError('PlaceTimeout', `${item} was not placed at ${target}`, { ...context, found: placed?.name ?? null })
    return { success: true, reason: 'ok', position: target.toArray() }
  }
}

module.exports = { inject }
