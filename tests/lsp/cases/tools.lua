-- tools.lua: a Lua module for the LSP exchanges (t.to_v2, t.count).
local M = {}

function M.to_v2(record)
  return record
end

function M.count(list)
  return #list
end

return M
