'use strict'
// Block drops as in survival: a block drops its loot only when broken with one of its harvest tools
// (minecraft-data `harvestTools`: bare-handed stone drops nothing), one item entity per item. Loot
// follows minecraft-data's blockLoot without silk touch, read the way the simulator reads it
// (env/rules.py): silk/no-silk entries are alternatives, so the no-silk entry always drops.
//
// Also: flying-squid 1.12 sends no entity metadata on 1.20.2+, so 1.21 clients (mineflayer) never see
// what a dropped item is (no `itemDrop` event). This plugin sends each item entity's `item_stack`
// metadata to every player it is spawned for.

const { dropItems } = require('../lib/drops')

module.exports.server = function (serv) {
  const { registry } = serv
  const Item = require('prismarine-item')(registry)
  const itemIndex = registry.supportFeature('metadataIxOfItem')

  /** entity_metadata naming the item an item entity carries (1.20.5+ metadata types). */
  serv.adamItemMetadata = entity => ({
    entityId: entity.id,
    metadata: [{ key: itemIndex, type: 'item_stack', value: Item.toNotch(new Item(entity.itemId, entity.itemCount ?? 1)) }]
  })

  /** The items (name -> count) a block drops when broken with `held` (an Item or null). */
  serv.adamLoot = (blockName, held) => {
    const tools = registry.blocksByName[blockName]?.harvestTools
    if (tools && !(held && tools[held.type])) return {}
    const out = {}
    for (const drop of registry.blockLoot[blockName]?.drops ?? []) {
      if (drop.silkTouch) continue
      const chance = drop.noSilkTouch ? 1 : (drop.dropChance ?? 1)
      if (Math.random() >= chance) continue
      const [lo, hi] = drop.stackSizeRange ?? [1, 1]
      const low = Math.max(lo ?? 1, 1)
      const count = low + Math.floor(Math.random() * (Math.max(hi ?? low, low) - low + 1))
      out[drop.item] = (out[drop.item] ?? 0) + count
    }
    return out
  }
}

module.exports.player = function (player, serv) {
  player.once('asap', () => {
    const spawnEntity = player.spawnEntity
    player.spawnEntity = entity => {
      spawnEntity(entity)
      if (entity.itemId !== undefined) player._client.write('entity_metadata', serv.adamItemMetadata(entity))
    }
  })
  player.on('dug_cancel', data => {
    if (player.gameMode !== 0) return
    const held = player.inventory.slots[36 + player.heldItemSlot]
    data.adamLoot = serv.adamLoot(data.block.name, held)
    data.dropBlock = false // flying-squid's own drops ignore tools; ours are spawned once the block is gone
  })
  player.on('dug_done', (data, cancelled) => {
    if (cancelled || !data.adamLoot) return
    for (const [name, count] of Object.entries(data.adamLoot)) {
      dropItems(serv, player.world, data.position.offset(0.5, 0.25, 0.5), serv.registry.itemsByName[name].id, count)
    }
  })
}
