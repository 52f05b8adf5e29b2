'use strict'
// craft(item, count): craft `count` batches of `item` with mineflayer's own bot.recipesFor / bot.craft:
// in the inventory's 2x2 grid when a recipe fits, else at the crafting table the bot holds (placed
// next to it for the craft and taken back). Outcomes: ok, cannot_craft (no recipe, missing
// ingredients, or a 3x3 recipe without a crafting_table held).

const { BridgeError } = require('../errors')
const { withTimeout } = require('../wait')
const { inventoryCounts } = require('./observe')

function inject (bot, config) {
  bot.skills = bot.skills ?? {}
  const { registry } = bot

  /** Return what the 2x2 grid and the cursor hold to the inventory (after an interrupted craft). */
  function resetInventoryWindow () {
    bot._client.write('close_window', { windowId: 0 })
  }

  async function craftWith (recipe, count, table) {
    const context = { what: `crafting ${registry.items[recipe.result.id].name}`, count, table: table ? table.position.toArray() : null }
    try {
      await withTimeout(bot.craft(recipe, count, table ?? undefined), config.craftTimeoutMs * count, 'CraftTimeout', context)
    } catch (err) {
      if (bot.currentWindow) bot.closeWindow(bot.currentWindow)
      resetInventoryWindow()
      throw err
    }
  }

  /** Whether the inventory holds the ingredients of `count` batches of `recipe`. */
  const enough = (recipe, count) => recipe.delta.every(d => d.count >= 0 || bot.inventory.count(d.id, null) >= -d.count * count)

  /** Craft `count` batches of `item`; resolves with the outcome and the inventory. */
  bot.skills.craft = async ({ item, count = 1 }) => {
    const entry = registry.itemsByName[item]
    if (!entry) throw new BridgeError('BadRequest', `unknown item ${item}`, { item })
    if (!Number.isInteger(count) || count < 1) throw new BridgeError('BadRequest', 'count must be a positive integer', { count })
    const cannot = why => ({ success: false, reason: 'cannot_craft', detail: why, restored: [], inventory: inventoryCounts(bot) })
    if (!bot.recipesAll(entry.id, null, true).length) return cannot('no recipe')
    const room = bot.inventory.emptySlotCount() > 0 || bot.inventory.items().some(i => i.type === entry.id && i.count < i.stackSize)
    if (!room) return cannot('no room in the inventory for the result') // it would be thrown on the ground
    const inHand = bot.recipesFor(entry.id, null, 1, null).filter(r => !r.requiresTable && enough(r, count))
    const before = bot.inventory.count(entry.id, null)
    const outcome = (detail, restored) => {
      const got = bot.inventory.count(entry.id, null) > before
      return { success: got, reason: got ? 'ok' : 'cannot_craft', detail: got ? detail : `${detail}: no result received`, restored, inventory: inventoryCounts(bot) }
    }
    if (inHand.length) {
      await craftWith(inHand[0], count, null)
      return outcome('inventory grid', [])
    }
    const tableId = registry.itemsByName.crafting_table.id
    if (!bot.inventory.findInventoryItem(tableId, null, false)) return cannot('needs a crafting table')
    // the table is placed while crafting: a recipe using a table as an ingredient must not count it
    const atTable = bot.recipesFor(entry.id, null, 1, true).filter(r => enough(r, count) && !r.delta.some(d => d.id === tableId && d.count < 0))
    if (!atTable.length) return cannot('missing ingredients')
    const { restored } = await bot.skills.withStation('crafting_table', table => craftWith(atTable[0], count, table))
    return outcome('crafting table', restored ? ['crafting_table'] : [])
  }
}

module.exports = { inject }
