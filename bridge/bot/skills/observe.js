'use strict'
// observe(): what the agent may perceive: inventory, position, facing, nearby block kinds, health.

const NEARBY_RADIUS = 4 // as the simulator's info["nearby"]: block kinds within 4 blocks
const AIR = new Set(['air', 'cave_air', 'void_air'])

/** The bot's inventory as item name -> count (main inventory and hotbar). */
function inventoryCounts (bot) {
  const counts = {}
  for (const item of bot.inventory.items()) counts[item.name] = (counts[item.name] ?? 0) + item.count
  return counts
}

/** Names of the block kinds (except air) in the box of `radius` around the bot's feet. */
function nearbyBlocks (bot, radius = NEARBY_RADIUS) {
  const { x, y, z } = bot.entity.position.floored()
  const names = new Set()
  for (let dx = -radius; dx <= radius; dx++) {
    for (let dy = -radius; dy <= radius + 1; dy++) {
      for (let dz = -radius; dz <= radius; dz++) {
        const block = bot.blockAt(bot.entity.position.floored().set(x + dx, y + dy, z + dz), false)
        if (block && !AIR.has(block.name)) names.add(block.name)
      }
    }
  }
  return [...names].sort()
}

function inject (bot) {
  bot.skills = bot.skills ?? {}
  bot.adamFacing = bot.adamFacing ?? 0 // 0 south, 1 west, 2 north, 3 east (the simulator's convention)

  /** The observation: inventory, position (block coordinates), facing (degrees), nearby, health, food. */
  bot.skills.observe = async () => {
    const p = bot.entity.position
    return {
      inventory: inventoryCounts(bot),
      position: [Math.floor(p.x), Math.floor(p.y), Math.floor(p.z)],
      exactPosition: [p.x, p.y, p.z],
      facing: bot.adamFacing * 90,
      yaw: bot.entity.yaw,
      pitch: bot.entity.pitch,
      nearby: nearbyBlocks(bot),
      health: bot.health,
      food: bot.food,
      time: bot.time?.timeOfDay ?? null
    }
  }
}

module.exports = { inject, inventoryCounts, nearbyBlocks }
