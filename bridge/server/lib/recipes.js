'use strict'
// Crafting-grid matching from minecraft-data's recipes (shaped recipes match as placed or mirrored
// left-right, shapeless ones as a multiset), the way a vanilla server resolves a crafting grid.

/** Trim a w x h grid of item ids (null = empty) to the bounding box of its items: rows of ids. */
function trim (ids, w, h) {
  let x0 = w
  let x1 = -1
  let y0 = h
  let y1 = -1
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (ids[y * w + x] == null) continue
      x0 = Math.min(x0, x)
      x1 = Math.max(x1, x)
      y0 = Math.min(y0, y)
      y1 = Math.max(y1, y)
    }
  }
  if (x1 < 0) return []
  const rows = []
  for (let y = y0; y <= y1; y++) rows.push(ids.slice(y * w + x0, y * w + x1 + 1))
  return rows
}

const shapeKey = rows => rows.map(r => r.map(id => id ?? '_').join(',')).join('/')
const bagKey = ids => ids.filter(id => id != null).sort((a, b) => a - b).join(',')

/** Index every crafting recipe of a registry: look up a grid's result in O(grid size). */
function recipeBook (registry) {
  const shaped = new Map()
  const shapeless = new Map()
  for (const list of Object.values(registry.recipes)) {
    for (const recipe of list) {
      const result = { id: recipe.result.id, count: recipe.result.count ?? 1 }
      if (recipe.inShape) {
        const rows = trim(recipe.inShape.flat().map(id => id ?? null), recipe.inShape[0].length, recipe.inShape.length)
        for (const variant of [rows, rows.map(r => [...r].reverse())]) {
          const key = shapeKey(variant)
          if (!shaped.has(key)) shaped.set(key, result)
        }
      } else if (recipe.ingredients) {
        const key = bagKey(recipe.ingredients.map(i => (typeof i === 'object' && i !== null ? i.id : i)))
        if (!shapeless.has(key)) shapeless.set(key, result)
      }
    }
  }

  /** The result { id, count } of a w x h grid of item ids (row-major, null = empty), or null. */
  function match (ids, w, h) {
    const rows = trim(ids, w, h)
    if (!rows.length) return null
    return shaped.get(shapeKey(rows)) ?? shapeless.get(bagKey(ids)) ?? null
  }

  return { match }
}

module.exports = { recipeBook }
