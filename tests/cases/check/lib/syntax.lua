-- A Lua module with a syntax error on line 4.
local M = {}
function M.to_v2(args)
  local name = = args.name
  return name
end
return M
