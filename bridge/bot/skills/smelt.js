'use strict'
// smelt(item, fuel, count): smelt `count` of `item` in the furnace the bot holds (placed next to it,
// used through mineflayer's own bot.openFurnace, taken back). Fuel: `fuel` if given, else the first
// held of server/data/smelting.json's fuelPreference (coal first), enough of it for
// `count` items. Outcomes: ok, cannot_smelt (nothing to smelt, no furnace held, no fuel).

const path = require('path')
const fs = require('fs')
const { BridgeError } = require('../errors')
const { withTimeout, waitUntil } = require('../wait')
const { inventoryCounts } = require('./observe')

const SMELTING = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'server', 'data', 'smelting.json'), 'utf8'))
const TICKS_PER_ITEM = 200 // vanilla; fuel is sized for it even when a test server cooks faster

function inject (bot, config) {
  bot.skills = bot.skills ?? {}
  const { registry } = bot

  function chooseFuel (fuel, item, count) {
    const held = inventoryCounts(bot)
    const names = fuel ? [fuel] : SMELTING.fuelPreference
    for (const name of names) {
      const burn = SMELTING.burnTicks[name]
      if (!burn) continue
      const needed = Math.ceil((count * TICKS_PER_ITEM) / burn)
      const spare = (held[name] ?? 0) - (name === item ? count : 0)
      if (spare >= needed) return { name, count: needed }
    }
    return null
  }

  async function run (furnaceBlock, source, fuel, count) {
    const furnace = await withTimeout(bot.openFurnace(furnaceBlock), config.windowTimeoutMs, 'WindowTimeout',
      { what: 'opening the furnace', position: furnaceBlock.position.toArray() })
    try {
      const step = (promise, what) => withTimeout(promise, config.windowTimeoutMs, 'WindowTimeout', { what })
      await step(furnace.putFuel(registry.itemsByName[fuel.name].id, null, fuel.count), `putting ${fuel.count} ${fuel.name} in the furnace`)
      await step(furnace.putInput(source.id, null, count), `putting ${count} ${source.name} in the furnace`)
      const done = () => (furnace.outputItem()?.count ?? 0) >= count
      await waitUntil(furnace, 'updateSlot', done, config.smeltTimeoutMs * count, 'SmeltTimeout',
        { what: `smelting ${count} ${source.name}`, fuel: fuel.name })
      await step(furnace.takeOutput(), 'taking the furnace output')
      if (furnace.inputItem()) await step(furnace.takeInput(), 'taking the furnace input back')
      if (furnace.fuelItem()) await step(furnace.takeFuel(), 'taking the furnace fuel back')
    } finally {
      furnace.close()
    }
  }

  /** Smelt `count` of `item`; resolves with the outcome and the inventory. */
  bot.skills.smelt = async ({ item, fuel = null, count = 1 }) => {
    const source = registry.itemsByName[item]
    if (!source) throw new BridgeError('BadRequest', `unknown item ${item}`, { item })
    if (fuel !== null && !registry.itemsByName[fuel]) throw new BridgeError('BadRequest', `unknown fuel ${fuel}`, { fuel })
    if (!Number.isInteger(count) || count < 1) throw new BridgeError('BadRequest', 'count must be a positive integer', { count })
    const cannot = why => ({ success: false, reason: 'cannot_smelt', detail: why, restored: [], inventory: inventoryCounts(bot) })
    if (!SMELTING.recipes[item]) return cannot(`${item} does not smelt`)
    if ((inventoryCounts(bot)[item] ?? 0) < count) return cannot(`needs ${count} ${item}`)
    if (!inventoryCounts(bot).furnace) return cannot('needs a furnace')
    const resultId = registry.itemsByName[SMELTING.recipes[item]].id
    const room = bot.inventory.emptySlotCount() > 0 || bot.inventory.items().some(i => i.type === resultId && i.count < i.stackSize)
    if (!room) return cannot('no room in the inventory for the result')
    const burn = chooseFuel(fuel, item, count)
    if (!burn) return cannot('needs fuel')
    const { restored } = await bot.skills.withStation('furnace', block => run(block, source, burn, count))
    return { success: true, reason: 'ok', detail: `fuel ${burn.count} ${burn.name}`, restored: restored ? ['furnace'] : [], inventory: inventoryCounts(bot) }
  }
}

module.exports = { inject }
