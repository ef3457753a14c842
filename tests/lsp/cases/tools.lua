-- tools.lua: a Lua module for the LSP exchanges (t.to_v2, t.count, t.kind).
local M = {}

function M.to_v2(record)
  return record
end

M.kind = function(record)
  return "données→😀"
end

local function count(list)
  return #list
end
M.count = count

return M
