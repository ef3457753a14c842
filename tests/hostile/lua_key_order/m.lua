-- A result with fifty values that have no mig form: the one reported is
-- the one at the least key, whatever order Lua's hash keeps them in.
local M = {}
function M.f()
  local t = {}
  for i = 50, 1, -1 do t["k" .. i] = print end
  return t
end
return M
