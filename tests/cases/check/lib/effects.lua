-- A Lua module whose effects table names an effect that does not exist.
local M = {}
function M.put(args) return true end
M.effects = { put = "changes-things" }
return M
