'use strict'
// Work stations the agent carries, as in the simulator, where crafting needs a crafting_table *held*
// and smelting a furnace *held*: place the held station next to the bot, use it, break it and pick it
// back up. When it would not drop (a furnace without a pickaxe), it is removed with /setblock and
// given back with /give, and the result says so (`restored`): using a station never costs it.

const { Vec3 } = require('vec3')
const { BridgeError } = require('../errors')
const { withTimeout } = require('../wait')
const { inventoryCounts } = require('./observe')

function inject (bot, config) {
  bot.skills = bot.skills ?? {}

  const canHarvest = block => !block.harvestTools || bot.inventory.items().some(item => block.harvestTools[item.type])

  /** Break the station and pick it up; returns false, or true when it had to be given back. */
  async function retrieve (block, name) {
    const before = inventoryCounts(bot)[name] ?? 0
    if (config.digStations && canHarvest(block)) {
      const equip = bot.tool.equipForBlock(block, { requireHarvest: true })
      await withTimeout(equip, config.equipTimeoutMs, 'EquipTimeout', { what: `equipping a tool for the ${name}` })
      await withTimeout(bot.dig(block, true), Math.round(bot.digTime(block) * 2 + config.digSlackMs), 'DigTimeout',
        { what: `breaking the ${name}`, target: block.position.toArray() }, () => bot.stopDigging())
      await bot.skills.awaitDrops(block.position, true)
      await bot.skills.pickUp(block.position.offset(0.5, 0.5, 0.5))
      if ((inventoryCounts(bot)[name] ?? 0) > before) return false
    } else { // it would not drop (a furnace without a pickaxe), or digStations is 0: remove it by command
      const { x, y, z } = block.position
      await bot.skills.command(`/setblock ${x} ${y} ${z} air`, () => bot.blockAt(block.position)?.name === 'air', `blockUpdate:${block.position}`, bot)
    }
    await bot.skills.command(`/give ${bot.username} ${name} 1`, () => (inventoryCounts(bot)[name] ?? 0) > before)
    return true
  }

  /**
   * Run `use(block)` with the held station `name` placed next to the bot, then take it back.
   * Resolves with { value, restored }; rejects when the station is not held.
   */
  bot.skills.withStation = async (name, use) => {
    const placed = await bot.skills.place({ item: name })
    if (!placed.success) throw new BridgeError('SkillError', `could not place the ${name}: ${placed.reason}`, { station: name })
    const block = bot.blockAt(new Vec3(...placed.position))
    let value
    try {
      value = await use(block)
    } finally {
      if (bot.currentWindow) bot.closeWindow(bot.currentWindow)
    }
    const restored = await retrieve(bot.blockAt(block.position), name)
    return { value, restored }
  }
}

module.exports = { inject }
