-- A Lua module for the check cases: only its presence matters.
local M = {}
function M.to_v2(tool) return tool end
return M
