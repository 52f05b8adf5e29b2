'use strict'
// Corrections to minecraft-data that change how the bot plays.
//
// minecraft-data 3.119 gives 1.21.4 blocks that need a better-than-wooden pickaxe (iron, gold, diamond
// ore, ...) the material "incorrect_for_wooden_tool", which lists no tool speeds: mineflayer would dig
// them at hand speed (4.55 s for iron ore with a stone pickaxe instead of vanilla's 1.15 s). Those blocks
// are mined with pickaxes, so they get the "mineable/pickaxe" speeds; which tools *harvest* them is
// unchanged (blocks.json harvestTools).

function fixRegistry (registry) {
  const speeds = registry.materials?.['mineable/pickaxe']
  if (!speeds) return 0
  let fixed = 0
  for (const block of registry.blocksArray) {
    if (typeof block.material === 'string' && block.material.startsWith('incorrect_for_') && block.harvestTools) {
      block.material = 'mineable/pickaxe'
      fixed++
    }
  }
  return fixed
}

module.exports = { fixRegistry }
