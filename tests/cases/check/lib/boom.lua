-- A Lua module whose main chunk fails on line 4.
local M = {}
local defaults = nil
M.limit = defaults.limit
return M
